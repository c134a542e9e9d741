from __future__ import annotations

from lxml import etree

from prm_builder.generate.component import Component
from prm_builder.generate.sharing import criteria_rule, merge_sharing_rules
from prm_builder.metadata.schema import MD_NS, load_schema
from prm_builder.write.render import mdapi_files, source_files


def _rule(obj: str, name: str, group: str = "PRM_Tier_Gold") -> Component:
    return criteria_rule(obj, name, label=name.replace("_", " "), group=group,
                         criteria=[("Partner_Tier__c", "equals", "Gold")], source=None, purpose="test")


def test_rules_of_one_object_become_one_file_in_both_formats() -> None:
    other = Component("Group", "PRM_Tier_Gold", {"name": "Gold"}, purpose="x", source=None)
    merged, diags = merge_sharing_rules([_rule("Lead", "Pool_Gold"), other, _rule("Lead", "A_First"),
                                         _rule("MDF_Request__c", "Gold_Requests")])
    assert not diags
    sharing = [c for c in merged if c.type == "SharingRules"]
    assert [c.full_name for c in sharing] == ["Lead", "MDF_Request__c"]
    lead = sharing[0]
    assert [r["fullName"] for r in lead.body["sharingCriteriaRules"]] == ["A_First", "Pool_Gold"]
    assert lead.deploy_step == "sharing"
    assert "Group:PRM_Tier_Gold" in lead.references

    src = source_files(merged)
    xml = src["sharingRules/Lead.sharingRules-meta.xml"]
    assert load_schema().problems(xml) == []
    root = etree.fromstring(xml)
    assert [e.findtext(f"{{{MD_NS}}}fullName") for e in root] == ["A_First", "Pool_Gold"]
    md = mdapi_files(merged)
    assert "sharingRules/Lead.sharingRules" in md
    assert b"<name>SharingRules</name>" in md["package.xml"]


def test_limits_per_object() -> None:
    rules = [_rule("Lead", f"Rule_{i:02d}") for i in range(51)]
    _, diags = merge_sharing_rules(rules)
    assert [d.code for d in diags] == ["PRM-V040"]


def test_duplicate_rule_names_are_reported() -> None:
    _, diags = merge_sharing_rules([_rule("Lead", "Same"), _rule("Lead", "SAME")])
    assert [d.code for d in diags] == ["PRM-V042"]
