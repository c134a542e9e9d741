from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from prm_builder.errors import PrmInternalError
from prm_builder.metadata.schema import MD_NS, load_schema
from prm_builder.metadata.serializer import serialize


def test_children_follow_schema_order_not_insertion_or_alphabet() -> None:
    xml = serialize("CustomField", {"type": "Text", "length": 10, "label": "X", "fullName": "X__c",
                                    "description": "d"})
    tags = [etree.QName(e).localname for e in etree.fromstring(xml)]
    order = [d.name for d in load_schema().elements("CustomField")]
    assert tags == sorted(tags, key=order.index)
    assert tags[0] == "fullName"  # inherited from Metadata: first, although not alphabetical


def test_layout_matches_salesforce_retrieve() -> None:
    xml = serialize("Group", {"name": "Tier 'A' \"B\" & <C>", "doesIncludeBosses": False})
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Group xmlns="http://soap.sforce.com/2006/04/metadata">\n    <')
    assert b"<name>Tier &apos;A&apos; &quot;B&quot; &amp; &lt;C&gt;</name>" in xml
    assert b"<doesIncludeBosses>false</doesIncludeBosses>" in xml
    assert xml.endswith(b"</Group>\n")


def test_unknown_element_is_an_internal_error() -> None:
    with pytest.raises(PrmInternalError, match="no element"):
        serialize("Group", {"nmae": "x"})


def test_repeating_a_single_element_is_an_internal_error() -> None:
    with pytest.raises(PrmInternalError, match="may occur once"):
        serialize("Group", {"name": ["a", "b"]})


def test_schema_rejects_what_salesforce_would() -> None:
    bad = serialize("CustomField", {"fullName": "X__c", "type": "NotAType"})
    assert load_schema().problems(bad)


def test_schema_is_the_installed_api_63() -> None:
    assert load_schema().api_version == "63.0"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_any_text_round_trips(text: str) -> None:
    text = text or "x"  # empty values are omitted, not written empty
    xml = serialize("Group", {"name": text})
    parsed = etree.fromstring(xml).find(f"{{{MD_NS}}}name")
    assert (parsed.text or "") == text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_quote_escaping_changes_no_attribute_and_no_meaning(text: str) -> None:
    """Quotes become entities in text only: a document with attributes (xsi:type) and nested
    text means exactly what the element tree built for it means (the serializer no longer
    re-parses its own output to prove it)."""
    from prm_builder.metadata.serializer import XsdString, build_element

    body = {"label": text, "protected": False,
            "values": [{"field": "Tier__c", "value": XsdString(text)}, {"field": "Rank__c", "value": XsdString("x")}]}
    xml = serialize("CustomMetadata", body)
    assert b'xsi:type="xsd:string"' in xml
    built = build_element("CustomMetadata", body)
    etree.indent(built, space="    ")  # the layout to_bytes gives it
    assert etree.tostring(etree.fromstring(xml), method="c14n") == etree.tostring(built, method="c14n")
