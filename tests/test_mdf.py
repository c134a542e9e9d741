"""MDF: the custom model's objects, relationships, roll-ups, formulas and rules; the
standard model; approvals through the shared machinery."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.generate.component import Component
from prm_builder.generate.references import check_references, formula_fields
from tests.conftest import PROGRAMS, ROOT, TODAY, edit_spec


@pytest.fixture
def northwind(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    (specs / "prm.lock.json").unlink(missing_ok=True)
    return specs


def _components(specs: Path) -> dict[str, Component]:
    result = api.validate(specs, TODAY)
    assert result.ok, "\n".join(d.format() for d in result.diagnostics)
    return {c.key: c for c in result.components}


def _codes(specs: Path) -> list[str]:
    return [d.code for d in api.validate(specs, TODAY).diagnostics]


def test_custom_model_chain_is_master_detail_so_roll_ups_work(northwind: Path) -> None:
    comps = _components(northwind)
    every_md = {k: c.body["referenceTo"] for k, c in comps.items()
                if c.type == "CustomField" and c.body.get("type") == "MasterDetail"}
    md = {k: v for k, v in every_md.items() if k.startswith("CustomField:MDF_")}  # the performance section adds its own
    assert md == {"CustomField:MDF_Budget__c.Partner_Account__c": "Account",
                  "CustomField:MDF_Request__c.MDF_Budget__c": "MDF_Budget__c",
                  "CustomField:MDF_Claim__c.MDF_Request__c": "MDF_Request__c"}
    for key, c in comps.items():
        if c.type == "CustomField" and c.body.get("type") == "Summary":
            # a roll-up summarises its object's detail, through the detail's master-detail field
            detail, fk = c.body["summaryForeignKey"].split(".")
            assert f"CustomField:{detail}.{fk}" in every_md, key
            assert every_md[f"CustomField:{detail}.{fk}"] == c.full_name.split(".")[0]
    for obj in ("MDF_Budget__c", "MDF_Request__c", "MDF_Claim__c"):
        body = comps[f"CustomObject:{obj}"].body
        assert (body["sharingModel"], body["externalSharingModel"]) == ("ControlledByParent", "ControlledByParent")
    assert not [k for k in comps if k.startswith("SharingRules:MDF")]


def test_allocation_defaults_to_the_tiers_allocation(northwind: Path) -> None:
    formula = _components(northwind)["CustomField:MDF_Budget__c.Allocated_Amount__c"].body["formula"]
    assert formula == ('BLANKVALUE(Allocation_Override__c, CASE(TEXT(Partner_Tier__c), "Silver", 15000, '
                       '"Gold", 50000, 0))')
    edit_spec(northwind / "tiers.yml", "annual_allocation: 50000", "annual_allocation: 60000.5")
    assert '"Gold", 60000.5' in _components(northwind)["CustomField:MDF_Budget__c.Allocated_Amount__c"].body["formula"]


def test_utilisation_and_approval_rates_are_percent_formulas(northwind: Path) -> None:
    comps = _components(northwind)
    for name, numerator, denominator in [("Utilisation_Rate__c", "Claimed_Amount__c", "Allocated_Amount__c"),
                                         ("Approval_Rate__c", "Approved_Amount__c", "Requested_Amount__c")]:
        body = comps[f"CustomField:MDF_Budget__c.{name}"].body
        assert body["type"] == "Percent" and f"{numerator} / {denominator}" in body["formula"]


def test_business_rules_exist_and_name_only_fields_that_exist(northwind: Path) -> None:
    comps = _components(northwind)
    rules = {c.full_name: c.body["errorConditionFormula"] for c in comps.values()
             if c.type == "ValidationRule" and c.full_name.startswith("MDF_")}
    assert "> MDF_Budget__r.Remaining_Amount__c" in rules[
        "MDF_Request__c.Request_Within_Remaining_Budget"]
    assert rules["MDF_Claim__c.Claim_Within_Approved_Amount"] == "Claimed_Amount__c > MDF_Request__r.Approved_Amount__c"
    assert "ISBLANK(Proof_of_Performance__c)" in rules["MDF_Claim__c.Claim_Proof_Before_Submission"]
    assert 'CASE(Partner_Tier__c, "Silver", 1, "Gold", 1, 0)' in rules["MDF_Request__c.Request_Tier_Eligible_For_MDF"]
    assert "+ 60)" in rules["MDF_Claim__c.Claim_Within_Claim_Window"]
    generated = {c.full_name for c in comps.values() if c.type == "CustomField"}
    for name, formula in rules.items():
        for ref in formula_fields(name.split(".")[0], formula):
            assert ref in generated, f"{name} names {ref}, which is not generated"
    # the two-level path resolves through the custom lookups to the Account's tier field
    assert formula_fields("MDF_Request__c", "MDF_Budget__r.Partner_Account__r.Partner_Tier__c") == {
        "Account.Partner_Tier__c"}


def test_a_typo_in_a_rule_formula_is_a_dangling_reference(northwind: Path) -> None:
    result = api.validate(northwind, TODAY)
    comps = list(result.components)
    i = next(i for i, c in enumerate(comps) if c.full_name == "MDF_Claim__c.Claim_Within_Approved_Amount")
    bad = dict(comps[i].body, errorConditionFormula="Claimed_Amount__c > MDF_Request__r.Aproved_Amount__c")
    comps[i] = Component("ValidationRule", comps[i].full_name, bad, purpose="x", source=comps[i].source)
    baseline = set(check_references(result.spec, result.components))
    [diag] = set(check_references(result.spec, comps)) - baseline
    assert diag.code == "PRM-V030" and "MDF_Request__c.Aproved_Amount__c" in diag.message


def test_tier_groups_access_gives_budgets_their_own_default_and_tier_rules(northwind: Path) -> None:
    edit_spec(northwind / "mdf.yml", "budget_access: account", "budget_access: tier_groups")
    result = api.validate(northwind, TODAY)
    assert result.ok and [d.code for d in result.warnings] == ["PRM-V203"]
    comps = {c.key: c for c in result.components}
    budget = comps["CustomObject:MDF_Budget__c"].body
    assert (budget["sharingModel"], budget["externalSharingModel"]) == ("Private", "Private")
    assert comps["CustomField:MDF_Budget__c.Partner_Account__c"].body["type"] == "Lookup"
    rules = comps["SharingRules:MDF_Budget__c"].body["sharingCriteriaRules"]
    assert [(r["fullName"], r["sharedTo"]["group"], r["criteriaItems"][0]["value"]) for r in rules] == [
        ("MDF_Budgets_Gold", "PRM_Tier_Gold", "Gold"), ("MDF_Budgets_Silver", "PRM_Tier_Silver", "Silver")]


def test_approvals_route_requests_and_claims_by_tier(northwind: Path) -> None:
    comps = _components(northwind)
    processes = sorted(k for k in comps if k.startswith("ApprovalProcess:MDF_"))
    assert processes == ["ApprovalProcess:MDF_Claim__c.MDF_Claim_v1",
                         "ApprovalProcess:MDF_Request__c.MDF_Request_Gold_v1",
                         "ApprovalProcess:MDF_Request__c.MDF_Request_Silver_v1"]
    silver = comps["ApprovalProcess:MDF_Request__c.MDF_Request_Silver_v1"].body
    assert silver["entryCriteria"]["criteriaItems"][1] == {
        "field": "MDF_Request__c.Partner_Tier__c", "operation": "equals", "value": "Silver"}
    thresholds = [s["entryCriteria"]["criteriaItems"][0]["value"] for s in silver["approvalStep"]]
    assert thresholds == ["1000", "7500"]
    assert [a["type"] for a in silver["approvalStep"][0]["assignedApprover"]["approver"]] == ["user", "user"]
    # details have no owner of their own: the partner who created the record submits it
    assert {s["type"] for s in silver["allowedSubmitters"]} == {"creator", "allInternalUsers"}
    claim_page = comps["ApprovalProcess:MDF_Claim__c.MDF_Claim_v1"].body["approvalPageFields"]["field"]
    assert "Proof_of_Performance__c" in claim_page


def test_approval_route_for_a_tier_without_mdf_is_reported(northwind: Path) -> None:
    edit_spec(northwind / "mdf.yml", "tiers: [Gold, Silver]", "tiers: [Gold, Silver, Bronze]")
    assert "PRM-V101" in _codes(northwind)


def test_auto_approved_claims_are_a_warning(northwind: Path) -> None:
    edit_spec(northwind / "mdf.yml", "      - name: MDF_Claim\n        tiers: [Gold, Silver]\n",
          "      - name: MDF_Claim\n        tiers: [Gold, Silver]\n        auto_approve_below: 500\n")
    result = api.validate(northwind, TODAY)
    assert result.ok and [d.code for d in result.warnings] == ["PRM-V205"]


def test_standard_model_builds_on_the_prm_objects() -> None:
    comps = _components(PROGRAMS / "mdf_standard")
    assert not [k for k in comps if k.startswith("CustomObject:MDF_")]  # the standard PRM objects, no custom ones
    assert "CustomField:PartnerFundAllocation.Remaining_Amount__c" in comps
    assert comps["ValidationRule:PartnerFundClaim.Claim_Within_Approved_Amount"].body[
        "errorConditionFormula"] == "Amount > Request.Amount"
    process = comps["ApprovalProcess:PartnerFundRequest.Fund_Request_Premier_v1"].body
    # the standard status picklists have no 'Submitted' for claims: records enter approval as Draft
    assert process["entryCriteria"]["criteriaItems"][0]["value"] == "Draft"
    assert any("PRM enabled" in n for c in comps.values() for n in c.notes)


def test_standard_model_needs_the_prm_fields_declared(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(PROGRAMS / "mdf_standard", specs)
    edit_spec(specs / "mdf.yml", "    - PartnerFundClaim.Status\n", "")
    [diag] = api.validate(specs, TODAY).errors
    assert diag.code == "PRM-V202" and "PartnerFundClaim.Status" in diag.message
    assert diag.ref and diag.ref.file.endswith("mdf.yml") and diag.ref.line == 3


def test_standard_model_warns_about_options_it_ignores(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(PROGRAMS / "mdf_standard", specs)
    edit_spec(specs / "mdf.yml", "  model: standard\n", "  model: standard\n  activity_types: [Event]\n")
    result = api.validate(specs, TODAY)
    assert result.ok and [d.code for d in result.warnings] == ["PRM-V204"]


def test_no_mdf_section_generates_no_mdf(project: Path) -> None:
    comps = _components(project / "specs")
    assert not [k for k in comps if re.search(r"MDF_|PartnerFund", k)]


def test_standard_model_program_conforms_to_the_json_schema() -> None:
    import json

    jsonschema = pytest.importorskip("jsonschema")
    from prm_builder.spec.loader import load_file

    schema = json.loads((ROOT / "schema" / "prm-spec.schema.json").read_text())
    for file in sorted((PROGRAMS / "mdf_standard").glob("*.yml")):
        data, _, diags = load_file(file, file.name)
        assert not diags
        jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"mdf": {"model": "partner"}}, schema)


def test_partners_get_object_and_field_access_but_cannot_edit_decisions(northwind: Path) -> None:
    comps = _components(northwind)
    partner = comps["PermissionSet:PRM_Partner_User"].body
    access = {p["object"]: (p["allowRead"], p["allowCreate"], p["allowEdit"]) for p in partner["objectPermissions"]
              if p["object"].startswith("MDF_")}
    assert access == {"MDF_Budget__c": (True, False, False), "MDF_Request__c": (True, True, True),
                      "MDF_Claim__c": (True, True, True)}
    fls = {p["field"]: p["editable"] for p in partner["fieldPermissions"]}
    assert fls["MDF_Request__c.Partial_Approval_Amount__c"] is False and fls["MDF_Claim__c.Proof_of_Performance__c"]
    # required and master-detail fields come with the object; the platform rejects explicit FLS on them
    assert "MDF_Request__c.Requested_Amount__c" not in fls and "MDF_Request__c.MDF_Budget__c" not in fls
    manager = {p["field"]: p["editable"] for p in comps["PermissionSet:PRM_Channel_Marketing"].body["fieldPermissions"]}
    assert manager["MDF_Request__c.Partial_Approval_Amount__c"] and not manager["MDF_Budget__c.Remaining_Amount__c"]
    rule = comps["ValidationRule:MDF_Request__c.Request_Status_Set_By_Approval"].body["errorConditionFormula"]
    assert '$User.UserType = "PowerPartner"' in rule and 'ISPICKVAL(Status__c, "Approved")' in rule


def test_custom_model_steps_cannot_name_queues_or_groups(northwind: Path) -> None:
    # requests and claims are master-detail children: no owner, so no queue can hold them
    edit_spec(northwind / "mdf.yml", "            approvers: [{named_user: mdf_finance}]",
          "            approvers: [{queue: Deal_Reg_Review}, {group: Channel_Managers}]")
    assert [d.code for d in api.validate(northwind, TODAY).errors] == ["PRM-V206", "PRM-V206"]


def test_standard_model_steps_may_use_the_deal_registration_queue(northwind: Path) -> None:
    from prm_builder.generate.mdf_standard import REQUIRED_ORG_FIELDS

    edit_spec(northwind / "mdf.yml", "  model: custom ", "  model: standard ")
    edit_spec(northwind / "mdf.yml", "            approvers: [{named_user: mdf_finance}]",
          "            approvers: [{queue: Deal_Reg_Review}]")
    edit_spec(northwind / "org.yml", "  fields:\n", "  fields:\n" + "".join(f"    - {f}\n" for f in REQUIRED_ORG_FIELDS))
    result = api.validate(northwind, TODAY)
    assert result.ok, "\n".join(d.format() for d in result.errors)
    queue = {c.key: c for c in result.components}["Queue:Deal_Reg_Review"].body
    assert [o["sobjectType"] for o in queue["queueSobject"]] == ["Lead", "PartnerFundClaim"]
    assert queue.get("name")  # still deal registration's full queue, extended by one object
    edit_spec(northwind / "mdf.yml", "{queue: Deal_Reg_Review}", "{queue: Deal_Reg_Reviews}")
    assert "PRM-V109" in _codes(northwind)


def test_a_typo_in_a_field_update_formula_is_a_dangling_reference(northwind: Path) -> None:
    # Approval actions are folded into one Workflow per object; their formulas are read too.
    result = api.validate(northwind, TODAY)
    comps = list(result.components)
    i = next(i for i, c in enumerate(comps) if c.key == "Workflow:Lead")
    updates = [dict(u) for u in comps[i].body["fieldUpdates"]]
    formula = next(u for u in updates if u.get("formula"))
    formula["formula"] = "Expected_Close_Dat__c + 90"
    comps[i] = Component("Workflow", "Lead", dict(comps[i].body, fieldUpdates=updates), purpose="x",
                         source=comps[i].source)
    baseline = set(check_references(result.spec, result.components))
    [diag] = set(check_references(result.spec, comps)) - baseline
    assert diag.code == "PRM-V030" and "Lead.Expected_Close_Dat__c" in diag.message
