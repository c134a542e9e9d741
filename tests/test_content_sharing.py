"""Co-marketing content entitlement and the sharing section: tier inheritance, org-wide
defaults in the object metadata, one sharing-rules file per object."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.generate.sharing import tier_sees
from tests.conftest import ROOT, TODAY, edit_spec


@pytest.fixture
def northwind(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    return specs


def _content_rules(specs: Path) -> dict[str, str]:
    result = api.validate(specs, TODAY)
    assert result.ok, "\n".join(d.format() for d in result.diagnostics)
    [rules] = [c for c in result.components if c.key == "SharingRules:Co_Marketing_Asset__c"]
    out = {}
    for r in rules.body["sharingCriteriaRules"]:
        assert r["accessLevel"] == "Read" and r["criteriaItems"][1] == {
            "field": "Active__c", "operation": "equals", "value": "True"}
        out[r["sharedTo"]["group"]] = r["criteriaItems"][0]["value"]
    return out


def test_higher_tiers_see_everything_lower_tiers_see(northwind: Path) -> None:
    assert _content_rules(northwind) == {
        "PRM_Tier_Bronze": "Sales Templates",
        "PRM_Tier_Silver": "Sales Templates,Brand Assets",
        "PRM_Tier_Gold": "Sales Templates,Brand Assets,Campaign Kits",
    }


def test_without_inheritance_each_tier_sees_only_what_names_it(northwind: Path) -> None:
    edit_spec(northwind / "sharing.yml", "tier_inheritance: true", "tier_inheritance: false")
    assert _content_rules(northwind) == {"PRM_Tier_Bronze": "Sales Templates", "PRM_Tier_Silver": "Brand Assets",
                                         "PRM_Tier_Gold": "Campaign Kits"}


def test_a_tier_without_co_marketing_gets_no_rule(northwind: Path) -> None:
    edit_spec(northwind / "tiers.yml", "      co_marketing: true\n    mdf:\n      annual_allocation: 50000",
          "    mdf:\n      annual_allocation: 50000")  # Gold loses the feature
    edit_spec(northwind / "content.yml", "tiers: [Gold]", "tiers: [Silver]")
    assert set(_content_rules(northwind)) == {"PRM_Tier_Bronze", "PRM_Tier_Silver"}


def test_tier_that_sees_nothing_is_a_warning(northwind: Path) -> None:
    edit_spec(northwind / "sharing.yml", "tier_inheritance: true", "tier_inheritance: false")
    edit_spec(northwind / "content.yml", "tiers: [Bronze]", "tiers: [Silver]")
    result = api.validate(northwind, TODAY)
    [warning] = result.warnings
    assert result.ok and warning.code == "PRM-V213" and "'Bronze'" in warning.message
    assert warning.ref.file.endswith("tiers.yml") and warning.ref.line == 41  # Bronze's co_marketing


def test_org_wide_defaults_live_in_the_object_metadata(northwind: Path) -> None:
    def defaults() -> tuple[str, str]:
        [obj] = [c for c in api.validate(northwind, TODAY).components if c.key == "CustomObject:Co_Marketing_Asset__c"]
        return obj.body["sharingModel"], obj.body["externalSharingModel"]

    assert defaults() == ("Read", "Private")
    edit_spec(northwind / "sharing.yml", "internal: Read ", "internal: Private ")
    assert defaults() == ("Private", "Private")


def test_category_picklist_follows_the_spec_order(northwind: Path) -> None:
    [field] = [c for c in api.validate(northwind, TODAY).components if c.key == "CustomField:Co_Marketing_Asset__c.Category__c"]
    values = [v["fullName"] for v in field.body["valueSet"]["valueSetDefinition"]["value"]]
    assert values == ["Sales Templates", "Brand Assets", "Campaign Kits"]


def test_tier_sees_follows_rank_only_with_inheritance(northwind: Path) -> None:
    spec = api.validate(northwind, TODAY).spec
    gold, silver, bronze = (spec.tier(n) for n in ("Gold", "Silver", "Bronze"))
    assert tier_sees(spec, gold, ["Silver"]) and tier_sees(spec, silver, ["Silver"])
    assert not tier_sees(spec, bronze, ["Silver"]) and not tier_sees(spec, silver, ["Nonexistent"])


def test_content_rules_merge_with_other_features_rules_into_one_file(northwind: Path) -> None:
    from prm_builder.generate.sharing import criteria_rule, merge_sharing_rules

    result = api.validate(northwind, TODAY)
    extra = criteria_rule("Co_Marketing_Asset__c", "Internal_Review", label="Internal review", group="Reviewers",
                          criteria=[("Category__c", "equals", "Brand Assets")], source=None, purpose="test")
    fragments = [c for c in result.components if c.type != "SharingRules"]
    from prm_builder.generate import content

    fragments += list(r for r in content.generate(result.spec) if r.type == "SharingCriteriaRule") + [extra]
    merged, diags = merge_sharing_rules(fragments)
    [rules] = [c for c in merged if c.type == "SharingRules"]
    assert not diags and [r["fullName"] for r in rules.body["sharingCriteriaRules"]] == [
        "Co_Marketing_Bronze", "Co_Marketing_Gold", "Co_Marketing_Silver", "Internal_Review"]


@pytest.mark.parametrize("section", ["mdf", "content", "sharing"])
def test_readme_examples_of_the_sections_parse(section: str) -> None:
    import re

    import yaml
    from pydantic import TypeAdapter

    from prm_builder.model.root import ProgramSpec

    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    [block] = [b for b in blocks if b.startswith(f"{section}:")]
    data = yaml.safe_load(block)[section]
    TypeAdapter(ProgramSpec.model_fields[section].annotation).validate_python(data)
