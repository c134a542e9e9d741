"""Attribution, partner codes, channel conflict and commissions (issue 18)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.generate.apex import apex_literal
from tests.conftest import ROOT, TODAY, edit_spec


def _components(specs: Path):
    result = api.validate(specs, TODAY)
    assert result.ok, "\n".join(d.format() for d in result.errors)
    return {c.key: c for c in result.components}


@pytest.fixture(scope="module")
def example():
    return _components(ROOT / "specs")


def test_partner_types_and_codes_live_on_the_account(example):
    types = example["CustomField:Account.Partner_Type__c"].body["valueSet"]["valueSetDefinition"]["value"]
    assert [v["fullName"] for v in types] == ["Reseller", "Referral", "Distributor", "Marketplace", "Affiliate"]
    code = example["CustomField:Account.Partner_Code__c"].body
    assert code["unique"] is True and code["externalId"] is True and code["caseSensitive"] is False


def test_a_partner_sourced_lead_needs_a_code(example):
    rule = example["ValidationRule:Lead.Partner_Code_Required"].body["errorConditionFormula"]
    assert 'ISPICKVAL(LeadSource, "Partner Referral")' in rule and "ISBLANK(Referral_Code__c)" in rule
    # a lead a partner registered carries the partner already
    assert "ISBLANK(PartnerAccountId)" in rule


def test_partner_types_without_registration_rights_cannot_register(example):
    rule = example["ValidationRule:Lead.Partner_Type_May_Register"].body["errorConditionFormula"]
    for blocked in ("Referral", "Marketplace", "Affiliate"):
        assert f'ISPICKVAL(PartnerAccount.Partner_Type__c, "{blocked}")' in rule
    assert '"Reseller"' not in rule and '$User.UserType = "PowerPartner"' in rule and "ISNEW()" in rule


def test_attribution_guards_are_the_platforms(example):
    key = example["CustomField:Partner_Attribution__c.Unique_Key__c"].body
    assert key["unique"] is True  # one partner attributed once per Opportunity
    rollup = example["CustomField:Opportunity.Attributed_Percent__c"].body
    assert rollup["summaryOperation"] == "sum" and rollup["summarizedField"] == "Partner_Attribution__c.Percentage__c"
    # percent fields are fractions in formulas: 100% is 1
    assert example["ValidationRule:Opportunity.Attribution_At_Most_100"].body["errorConditionFormula"] == \
        "Attributed_Percent__c > 1"
    amount = example["CustomField:Partner_Attribution__c.Attributed_Amount__c"].body
    assert amount["formula"] == "Opportunity__r.Amount * Percentage__c"
    assert example["CustomObject:Partner_Attribution__c"].body["enableHistory"] is True
    assert example["CustomField:Partner_Attribution__c.Percentage__c"].body["trackHistory"] is True


def test_apex_carries_the_chosen_rule_and_schedules(example):
    apex = example["ApexClass:PartnerAttribution"].content.decode()
    assert "RULE = 'time_decay'" in apex and "SOURCED_PERCENT = 70;" in apex and "INFLUENCED_PERCENT = 30;" in apex
    assert "HALF_LIFE_DAYS = 45;" in apex and "CONFLICT_ACTION = 'flag';" in apex
    # schedules in spec order, as the commission flow's decision outcomes and formulas; tiers
    # as the tier picklist's api names; marginal bands; caps
    won = example["Flow:PRM_Commission_On_Won"].body
    assert [r["label"] for r in won["decisions"] if r["name"] == "Which_Schedule"][0] == "Which Schedule?"
    rules = next(d for d in won["decisions"] if d["name"] == "Which_Schedule")["rules"]
    assert [r["label"] for r in rules] == ["Gold Resellers", "Resellers", "Referral Fee"]
    formulas = {f["name"]: f["expression"] for f in won["formulas"]}
    assert formulas["commission1"] == ("MIN(60000, ROUND(MAX(0, MIN({!Each_Attribution.Attributed_Amount__c}, 250000) - 0)"
                                       " * 0.1 + MAX(0, {!Each_Attribution.Attributed_Amount__c} - 250000) * 0.12, 2))")
    assert 'Partner_Tier__c}) = "Gold"' in formulas["pays1"] and "Tier" not in formulas["pays2"]
    assert "calculateCommissions" not in apex and "class Schedule" not in apex
    for trigger in ("PartnerAttributionLead", "PartnerAttributionOpportunity", "CommissionAdjustmentNet"):
        assert f"ApexTrigger:{trigger}" in example
    # codes, conflict detection and the attribution key are flows now (simulated by `prm test`)
    assert "ApexTrigger:PartnerAttributionKey" not in example
    for flow in ("PRM_Partner_Code_Match", "PRM_Channel_Conflict", "PRM_Attribution_Key"):
        assert f"Flow:{flow}" in example


def test_commission_liability_rolls_up_unpaid_commissions(example):
    liability = example["CustomField:Account.Commission_Liability__c"].body
    assert liability["summaryForeignKey"] == "Commission__c.Partner_Account__c"
    assert liability["summaryFilterItems"] == [{"field": "Commission__c.Status__c", "operation": "equals",
                                                "value": "Accrued, Approved"}]
    assert example["CustomField:Commission_Adjustment__c.Reason__c"].body["required"] is True


def test_partner_account_dedupe_and_its_rule_order(example):
    rules = example["MatchingRules:Account"].body["matchingRules"]
    assert [r["matchingRuleItems"][0]["fieldName"] for r in rules] == ["Name", "Tax_Id__c", "Website"]
    dup = example["DuplicateRule:Account.Partner_Account_Duplicate"].body
    assert dup["sortOrder"] == 2  # after the org's Standard Account Duplicate Rule
    assert dup["duplicateRuleFilter"]["duplicateRuleFilterItems"][0]["field"] == "Partner_Type__c"


@pytest.mark.parametrize("value, literal", [
    ("Partner's Choice", "'Partner\\'s Choice'"), ("a\\b", "'a\\\\b'"), ("line\nbreak", "'line\\nbreak'"), (None, "null")])
def test_spec_text_in_apex_is_an_escaped_literal(value, literal):
    assert apex_literal(value) == literal


def test_variant_review_queue_block_and_no_commissions(tmp_path):
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    text = (specs / "attribution.yml").read_text()
    text = text.replace("unknown_code: flag ", "unknown_code: review_queue\n    review_queue: Partner_Code_Review ")
    text = text.replace("action: flag ", "action: block ")
    text = text.replace("{name: Affiliate, code_prefix: AF-, register_deals: false}",
                        "{name: \"Partner's Choice\", code_prefix: PC-, register_deals: false}")
    text = text[:text.index("  commissions:")]
    (specs / "attribution.yml").write_text(text)
    comps = _components(specs)
    apex = comps["ApexClass:PartnerAttribution"].content.decode()
    assert "CONFLICT_ACTION = 'block';" in apex
    match = comps["Flow:PRM_Partner_Code_Match"]
    assert "Queue:Partner_Code_Review" in match.references
    assert {"assignToReference": "$Record.OwnerId", "operator": "Assign",
            "value": {"elementReference": "Find_Review_Queue.Id"}} in \
        match.body["assignments"][-1]["assignmentItems"]
    assert "Channel_Conflict__c" in comps["ValidationRule:Lead.Channel_Conflict_Blocked"].body["errorConditionFormula"]
    assert "Commission__c" not in " ".join(k for k in comps)
    assert "ApexTrigger:CommissionAdjustmentNet" not in comps
    queue = comps["Queue:Partner_Code_Review"].body
    assert queue["queueSobject"] == [{"sobjectType": "Lead"}] and queue["doesSendEmailToMembers"] is False
    rule = comps["ValidationRule:Lead.Partner_Type_May_Register"].body["errorConditionFormula"]
    assert "\"Partner's Choice\"" in rule
