"""Feature pages of the handoff package, fed components shaped like the generators'
output (Lead routing, pool sharing, custom objects) on top of the minimal test program
(which has none of them), so each page is tested whatever the example program holds."""

from __future__ import annotations

from typing import Any

from lxml import etree, html

from prm_builder import api
from prm_builder.docs.context import DocContext, Origin
from prm_builder.docs.package import package_files
from prm_builder.generate.component import Component
from prm_builder.generate.sharing import criteria_rule, merge_sharing_rules
from tests.conftest import PROGRAMS, TODAY

SVG = "{http://www.w3.org/2000/svg}"


def _files(*extra: Component) -> dict[str, bytes]:
    result = api.validate(PROGRAMS / "minimal", TODAY)
    assert result.spec is not None
    merged, _ = merge_sharing_rules([*result.components, *extra])
    merged.sort(key=lambda c: c.key)  # as generate() orders them
    ctx = DocContext(result.spec, merged, Origin("minimal", "0" * 64, ("program.yml",), as_of=TODAY.isoformat()))
    return package_files(ctx)[1]


def _rows(page: bytes, table: int) -> list[list[str]]:
    found = html.fromstring(page).cssselect("table")[table]
    return [[td.text_content() for td in tr] for tr in found.cssselect("tbody tr")]


def _labels(svg: bytes) -> list[str]:
    return [g.get("data-label") for g in etree.fromstring(svg).iter(f"{SVG}g") if g.get("data-label")]


def _entry(queue: str, *criteria: tuple[str, str, str]) -> dict[str, Any]:
    return {"assignedTo": queue, "assignedToType": "Queue",
            "criteriaItems": [{"field": f, "operation": op, "value": v} for f, op, v in criteria]}


def _queue(name: str, group: str) -> Component:
    return Component("Queue", name, {"name": name.replace("_", " "), "queueMembers": {
        "publicGroups": {"publicGroup": [group]}}, "queueSobject": [{"sobjectType": "Lead"}]},
        purpose=f"Partner leads for {group}.", source=None)


ROUTING = Component("AssignmentRules", "Lead", {"assignmentRule": [{"fullName": "PRM_Lead_Distribution", "active": True,
    "ruleEntry": [_entry("PRM_Lead_Pool", ("Lead.Pool_Minimum_Tier__c", "notEqual", "")),
                  _entry("PRM_Leads_Gold_NA", ("Lead.Country", "equals", "United States,Canada"),
                         ("Lead.Distribution_Tier__c", "equals", "Gold")),
                  _entry("PRM_Leads_Silver_NA", ("Lead.Country", "equals", "United States,Canada"))]}]},
    purpose="Pushes inbound leads to partner queues.", source=None)
POOL = criteria_rule("Lead", "PRM_Pool_Gold", label="Lead Pool Gold", group="PRM_Tier_Gold",
                     criteria=[("Pool_Minimum_Tier__c", "equals", "Gold,Silver,Bronze")], source=None,
                     purpose="Gold partners see pool leads.", access_level="Edit")


def test_lead_distribution_page_has_ordered_entries_pool_and_routing_diagram() -> None:
    files = _files(ROUTING, POOL, _queue("PRM_Leads_Gold_NA", "PRM_Tier_Premier"),
                   _queue("PRM_Leads_Silver_NA", "PRM_Tier_Silver"), _queue("PRM_Lead_Pool", "PRM_Tier_Bronze"))
    page = files["lead-distribution.html"]
    entries = _rows(page, 0)
    # queues by label; criteria by field label, a value list read as alternatives
    assert [r[:2] for r in entries] == [["1", "Queue PRM Lead Pool"], ["2", "Queue PRM Leads Gold NA"],
                                        ["3", "Queue PRM Leads Silver NA"]]
    assert entries[0][2] == "Pool Minimum Tier is not blank"
    assert entries[1][2] == "Country = United States or Canada AND Distribution Tier = Gold"
    assert _rows(page, 1) == [["Lead Pool Gold", "group PRM_Tier_Gold", "Pool Minimum Tier = Gold or Silver or Bronze",
                               "Edit"]]
    assert [r[:3] for r in _rows(page, 2)][0] == ["PRM Lead Pool", "PRM_Lead_Pool", "group PRM_Tier_Bronze"]
    labels = _labels(files["diagrams/lead-routing-prm-lead-distribution.svg"])
    assert labels[:3] == ["New or updated lead", "Entry 1", "PRM_Lead_Pool"]
    assert {"Entry 3", "PRM_Leads_Silver_NA", "No entry matched"} <= set(labels)
    # the requirements page now links the feature
    index = html.fromstring(files["index.html"])
    assert "lead-distribution.html" in [a.get("href") for a in index.cssselect("main a")]
    assert "sharing.html" in [a.get("href") for a in index.cssselect("nav a")]


def test_no_lead_distribution_page_without_routing() -> None:
    files = _files()
    assert "lead-distribution.html" not in files
    # every program has the tier history object (tier lifecycle, issue 16): the data model shows it
    assert "Partner_Tier_Change__c" in html.fromstring(files["data-model.html"]).text_content()
    assert "not specified in this program yet" in html.fromstring(files["index.html"]).text_content()


def _object(name: str, label: str, sharing: str) -> Component:
    return Component("CustomObject", name, {"label": label, "sharingModel": sharing, "externalSharingModel": sharing,
                                            "nameField": {"label": f"{label} Number", "type": "AutoNumber",
                                                          "displayFormat": "MDF-{00000}"}},
                     purpose=f"{label} records.", source=None)


def _field(full_name: str, kind: str, **body: Any) -> Component:
    return Component("CustomField", full_name, {"label": full_name.split(".")[1], "type": kind, **body},
                     purpose="A field.", source=None)


def test_data_model_diagram_shows_objects_relationships_and_key_fields() -> None:
    files = _files(
        _object("MDF_Budget__c", "MDF Budget", "Private"), _object("MDF_Request__c", "MDF Request", "ControlledByParent"),
        _object("MDF_Claim__c", "MDF Claim", "ControlledByParent"),
        _field("MDF_Budget__c.Partner_Account__c", "Lookup", referenceTo="Account"),
        _field("MDF_Budget__c.Allocated_Amount__c", "Currency"),
        _field("MDF_Request__c.MDF_Budget__c", "MasterDetail", referenceTo="MDF_Budget__c"),
        _field("MDF_Claim__c.MDF_Request__c", "MasterDetail", referenceTo="MDF_Request__c"),
    )
    page = files["data-model.html"]
    assert ["MDF Claim", "MDF_Request__c", "MDF_Claim__c.MDF_Request__c", "MasterDetail", "MDF Request"] in _rows(page, 1)
    svg = etree.fromstring(files["diagrams/data-model.svg"])
    labels = [g.get("data-label") for g in svg.iter(f"{SVG}g") if g.get("data-label")]
    assert {"MDF Budget (MDF_Budget__c)", "MDF Request (MDF_Request__c)", "MDF Claim (MDF_Claim__c)", "Account"} <= set(labels)
    edges = {(p.get("data-from"), p.get("data-to")) for p in svg.iter(f"{SVG}path") if p.get("data-from")}
    # plus the tier history every program has (Account and User lookups of Partner_Tier_Change__c) and
    # the standard Contact.AccountId (the program adds fields to Contact, so Contact is drawn)
    assert edges == {("Account", "MDF_Budget__c"), ("MDF_Budget__c", "MDF_Request__c"), ("MDF_Request__c", "MDF_Claim__c"),
                     ("Account", "Partner_Tier_Change__c"), ("User", "Partner_Tier_Change__c"), ("Account", "Contact")}
    assert "Allocated_Amount__c: Currency" in etree.tostring(svg, encoding="unicode")
    owd = _rows(files["sharing.html"], 0)
    assert ["MDF Budget", "MDF_Budget__c", "Private", "Private"] in owd


def test_routing_diagram_has_no_unmatched_path_after_a_catch_all_entry() -> None:
    from prm_builder.docs.routing import routing_diagrams

    [with_catch_all] = routing_diagrams("R", [_entry("Q1", ("Lead.Country", "equals", "US")), _entry("Pool")])
    assert "No entry matched" not in with_catch_all.labels
    assert with_catch_all.labels.count("Pool") == 1
    [without] = routing_diagrams("R", [_entry("Q1", ("Lead.Country", "equals", "US"))])
    assert "No entry matched" in without.labels
