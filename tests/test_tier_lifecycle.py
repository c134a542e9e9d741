"""Tier lifecycle in the org (issue 16): the tier review the specs describe becomes a
scheduled Apex review, a tier history object and an override trigger."""

from __future__ import annotations

import re
import shutil

from prm_builder import api
from tests.conftest import ROOT, TODAY, edit_spec


def _components(specs):
    return {c.key: c for c in api.compile_program(specs, TODAY).components}


def test_example_generates_the_review_history_and_override_trigger():
    comps = _components(ROOT / "specs")
    for key in ("CustomObject:Partner_Tier_Change__c", "ApexClass:PartnerTierReview", "ApexClass:PartnerTierReviewTest",
                "ApexTrigger:PartnerTierChange", "CustomField:Account.Tier_Grace_Ends__c",
                "CustomField:Account.Tier_Override__c", "CustomField:Partner_Tier_Change__c.Change_Type__c"):
        assert key in comps, key
    history = comps["CustomField:Partner_Tier_Change__c.Partner_Account__c"].body
    assert history["type"] == "MasterDetail" and history["referenceTo"] == "Account"
    review = comps["ApexClass:PartnerTierReview"].content.decode()
    # program.tier_review: annual, 90 days; Bronze (rank 1) is the entry tier
    assert "CYCLE = 'annual'" in review and "GRACE_DAYS = 90;" in review and "ENTRY_TIER = 'Bronze'" in review
    trigger = comps["ApexTrigger:PartnerTierChange"].content.decode()
    assert "after update" in trigger and "PartnerTierReview.recordOverrides(Trigger.new, Trigger.oldMap)" in trigger


def test_review_cycle_grace_and_qualification_come_from_the_specs(tmp_path):
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    edit_spec(specs / "program.yml", "cycle: annual", "cycle: quarterly")
    edit_spec(specs / "program.yml", "demotion_grace_days: 90", "demotion_grace_days: 30")
    comps = _components(specs)
    review = comps["ApexClass:PartnerTierReview"].content.decode()
    assert "CYCLE = 'quarterly'" in review and "GRACE_DAYS = 30;" in review
    test_class = comps["ApexClass:PartnerTierReviewTest"].content.decode()
    # the test makes a partner qualify for the top tier with Gold's minimums from tiers.yml
    assert "account.put('Partner_Annual_Revenue__c', 1000000.0);" in test_class
    assert "account.put('Certified_Consultants__c', 5.0);" in test_class
    assert "reviewDay.addDays(30)" in test_class


def test_apex_names_only_validated_names_and_numbers():
    """No free spec text reaches the tier review's Apex: every quoted literal is a tier api
    name, a picklist value of the history object, or text written in the template."""
    comps = _components(ROOT / "specs")
    review = comps["ApexClass:PartnerTierReview"].content.decode()
    literals = set(re.findall(r"'([^']*)'", review))
    allowed_names = {"Gold", "Silver", "Bronze", "annual", "quarterly", "semiannual"}
    spec_like = {lit for lit in literals if re.fullmatch(r"[A-Za-z_]\w*", lit)}
    assert spec_like <= allowed_names | {"Promote", "Demote", "Promotion", "Demotion", "Override"}


def test_scheduling_is_a_deploy_step():
    import yaml

    config = yaml.safe_load((ROOT / "cumulusci.yml").read_text())
    steps = [s.get("task") for s in config["flows"]["prm_deploy"]["steps"].values()]
    assert steps.index("prm_schedule_tier_review") > steps.index("prm_deploy_steps")
    assert config["tasks"]["prm_schedule_tier_review"]["class_path"] == "prm_builder.deploy.tasks.ScheduleTierReview"
