"""The one XML serializer: a component body (nested dicts) -> the bytes Salesforce retrieves.

Element order comes from the schema (never from a sort); the layout is Salesforce's own:
fixed XML declaration, 4-space indent, `&apos;`/`&quot;` in text (as CumulusCI's
serializer does), trailing newline. So a retrieved file and a generated one diff cleanly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from prm_builder.errors import PrmInternalError
from prm_builder.metadata.schema import MD_NS, MetadataSchema, load_schema

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

#: A body: element name -> scalar, nested body, or list of either (repeated element).
Body = Mapping[str, Any]
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


class _Nil:
    """An element the schema requires but that has no value: written `<x xsi:nil="true"/>`,
    as Salesforce retrieves it (e.g. DuplicateRule.duplicateRuleFilter.booleanFilter)."""

    def __repr__(self) -> str:
        return "NIL"


NIL = _Nil()


class XsdString(str):
    """A string in an element typed xsd:anyType (CustomMetadataValue.value): written
    `<value xsi:type="xsd:string">…</value>`, as Salesforce retrieves custom metadata records."""


XSD_NS = "http://www.w3.org/2001/XMLSchema"
_QUOTE_IN_TEXT = re.compile(rb">[^<]*['\"]")
#: a run of text holding a quote, with the `>` before it (no `<` in it: that starts a tag)
_QUOTED_TEXT = re.compile(rb">[^<]*['\"][^<]*")


def build_element(type_name: str, body: Body, tag: str | None = None,
                  schema: MetadataSchema | None = None) -> etree._Element:
    schema = schema or load_schema()
    root = etree.Element(f"{{{MD_NS}}}{tag or type_name}", nsmap={None: MD_NS})
    _fill(root, type_name, body, schema, tag or type_name)
    if root.find(f".//*[@{{{XSI_NS}}}type]") is not None:
        # The xsd prefix only occurs inside attribute values: keep its declaration.
        etree.cleanup_namespaces(root, top_nsmap={"xsi": XSI_NS, "xsd": XSD_NS}, keep_ns_prefixes=["xsd"])
    elif root.find(f".//*[@{{{XSI_NS}}}nil]") is not None:
        etree.cleanup_namespaces(root, top_nsmap={"xsi": XSI_NS})
    return root


@dataclass(frozen=True)
class _Slot:
    """One element a type declares, with what _fill needs of it precomputed."""

    position: int
    name: str
    tag: str  # qualified: {namespace}name
    repeated: bool
    type: str
    is_complex: bool  # a structure (nested body), not a value


#: (schema id, type) -> (schema, {element name: slot}, {element name: position}); the
#: schema is kept in the value so its id cannot be reused
_SLOTS: dict[tuple[int, str], tuple[MetadataSchema, dict[str, _Slot], dict[str, int]]] = {}


def _slots(schema: MetadataSchema, type_name: str) -> tuple[dict[str, _Slot], dict[str, int]]:
    key = (id(schema), type_name)
    if key not in _SLOTS:
        slots = {d.name: _Slot(i, d.name, f"{{{MD_NS}}}{d.name}", d.repeated, d.type, d.type in schema.complex_types)
                 for i, d in enumerate(schema.elements(type_name))}
        _SLOTS[key] = (schema, slots, {name: slot.position for name, slot in slots.items()})
    return _SLOTS[key][1], _SLOTS[key][2]


def _fill(parent: etree._Element, type_name: str, body: Body, schema: MetadataSchema, where: str) -> None:
    # The hot loop of every build (8,000 files at 3,000 assignment entries): plain types are
    # tested first, and each element's tag and kind come precomputed from _slots.
    slots, order = _slots(schema, type_name)
    unknown = body.keys() - slots.keys()
    if unknown:
        raise PrmInternalError(f"{where}: {type_name} has no element(s) {', '.join(sorted(unknown))}")
    # the body's own keys in schema order (not every element the type declares: a
    # CustomField declares ~60 and uses a handful)
    for name in sorted(body, key=order.__getitem__):
        slot, value = slots[name], body[name]
        if value is None or value == "" or value == []:
            continue  # absent: Salesforce omits empty elements too
        items = value if isinstance(value, (list, tuple)) else (value,)
        if len(items) > 1 and not slot.repeated:
            raise PrmInternalError(f"{where}.{slot.name} may occur once, got {len(items)} values")
        for item in items:
            child = etree.SubElement(parent, slot.tag)
            kind = type(item)
            if kind is str:
                child.text = item
            elif kind is bool:
                child.text = "true" if item else "false"
            elif kind is dict or (kind is not XsdString and item is not NIL and isinstance(item, Mapping)):
                if not slot.is_complex:
                    raise PrmInternalError(f"{where}.{slot.name} is a {slot.type}, not a structure")
                _fill(child, slot.type, item, schema, f"{where}.{slot.name}")
            elif item is NIL:
                child.set(f"{{{XSI_NS}}}nil", "true")
            elif kind is XsdString:
                child.set(f"{{{XSI_NS}}}type", "xsd:string")
                child.text = str(item)
            else:
                child.text = _text(item)



def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_bytes(root: etree._Element) -> bytes:
    etree.indent(root, space="    ")
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False)
    # lxml escapes &, < and > in text; Salesforce also writes quotes as entities, in text
    # only (attributes such as xsi:nil="true" keep theirs). Text is what lies between a `>`
    # and the next `<` (lxml writes both as entities inside text and attribute values), so
    # only those runs change: tests/test_serializer.py round-trips any text through it.
    if _QUOTE_IN_TEXT.search(body):
        body = _QUOTED_TEXT.sub(_escape_quotes, body)
    return DECLARATION + body + b"\n"


def _escape_quotes(match: re.Match[bytes]) -> bytes:
    return match.group(0).replace(b"'", b"&apos;").replace(b'"', b"&quot;")


def serialize(type_name: str, body: Body, tag: str | None = None) -> bytes:
    return to_bytes(build_element(type_name, body, tag))
