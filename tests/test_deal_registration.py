"""Deal registration: what the Northwind example and the custom-lookup program generate,
and the approval versioning round trip through `prm build` and specs/prm.lock.json."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.generate.component import Component
from tests.conftest import PROGRAMS, ROOT, TODAY, run_prm


@pytest.fixture(scope="module")
def northwind() -> dict[str, Component]:
    return {c.key: c for c in api.compile_program(ROOT / "specs", TODAY).components}


@pytest.fixture(scope="module")
def custom() -> dict[str, Component]:
    return {c.key: c for c in api.compile_program(PROGRAMS / "dealreg_custom", TODAY).components}


def test_every_entitled_tier_has_a_process_and_bronze_none(northwind) -> None:
    processes = {k: c for k, c in northwind.items() if c.type == "ApprovalProcess" and k.startswith("ApprovalProcess:Lead.")}
    assert sorted(processes) == ["ApprovalProcess:Lead.Deal_Reg_Gold_v1", "ApprovalProcess:Lead.Deal_Reg_Silver_v1"]
    tiers = [c.body["entryCriteria"]["criteriaItems"][1]["value"] for c in processes.values()]
    assert sorted(tiers) == ["Gold", "Silver"]
    rule = northwind["ValidationRule:Lead.Deal_Reg_Tier_Entitled"].body["errorConditionFormula"]
    assert 'CASE(Registration_Partner_Tier__c, "Gold", 1, "Silver", 1, 0) = 0' in rule
    assert "Bronze" not in rule
    assert "OR(ISNEW(), ISCHANGED(Registration_Status__c))" in rule  # created directly as Submitted too


def test_gold_auto_approves_below_50k_and_vp_signs_above_250k(northwind) -> None:
    gold = northwind["ApprovalProcess:Lead.Deal_Reg_Gold_v1"].body
    first, vp = gold["approvalStep"]
    assert first["entryCriteria"]["criteriaItems"] == [
        {"field": "Lead.Deal_Amount__c", "operation": "greaterOrEqual", "value": "50000"}]
    assert first["ifCriteriaNotMet"] == "ApproveRecord"
    assert vp["entryCriteria"]["criteriaItems"][0]["value"] == "250000"
    silver_first = northwind["ApprovalProcess:Lead.Deal_Reg_Silver_v1"].body["approvalStep"][0]
    assert silver_first["entryCriteria"] is None  # every Silver registration goes to the queue


def test_tier_is_on_the_lead_from_the_partner_account(northwind, custom) -> None:
    assert northwind["CustomField:Lead.Registration_Partner_Tier__c"].body["formula"] == \
        "TEXT(PartnerAccount.Partner_Tier__c)"
    assert custom["CustomField:Lead.Registration_Partner_Tier__c"].body["formula"] == \
        "TEXT(Registering_Partner__r.Partner_Tier__c)"
    assert "CustomField:Opportunity.Registering_Partner__c" in custom
    assert "CustomField:Lead.Registering_Partner__c" in custom
    # standard lookup: declared, not generated (other Opportunity fields, e.g. attribution's, may be)
    assert not any(k.startswith("CustomField:Opportunity.") and c.body.get("referenceTo") == "Account"
                   for k, c in northwind.items())


def test_rejection_unlocks_and_notifies_with_the_reason(northwind) -> None:
    gold = northwind["ApprovalProcess:Lead.Deal_Reg_Gold_v1"].body
    assert gold["finalRejectionRecordLock"] is False
    assert {"name": "Deal_Reg_Rejected", "type": "Alert"} in gold["finalRejectionActions"]["action"]
    template = northwind["EmailTemplate:PRM_Deal_Registration/Deal_Reg_Rejected"].content.decode()
    assert "{!Lead.Registration_Rejection_Reason__c}" in template and "Submitted" in template
    resubmit = northwind["ValidationRule:Lead.Deal_Reg_Resubmit_From"].body["errorConditionFormula"]
    assert 'ISPICKVAL(PRIORVALUE(Registration_Status__c), "Rejected")' in resubmit
    assert 'ISPICKVAL(PRIORVALUE(Registration_Status__c), "Expired")' in resubmit  # renewal path


def test_approval_sets_expiry_and_converts_keeping_the_partner(northwind, custom) -> None:
    # Northwind protects approved registrations for 90 days; the channel team converts them.
    workflow = northwind["Workflow:Lead"].body
    expiry = [u for u in workflow["fieldUpdates"] if u["fullName"] == "Deal_Reg_Set_Expiry"][0]
    assert expiry["formula"] == "TODAY() + 90"
    flow = northwind["Flow:Deal_Registration_Lifecycle"].body
    assert [a["actionType"] for a in flow["actionCalls"]] == ["submit"]
    assert flow["start"]["recordTriggerType"] == "CreateAndUpdate"
    assert flow["formulas"][0]["expression"] == \
        'ISPICKVAL({!$Record.Registration_Status__c}, "Submitted") && (ISNEW() || ISCHANGED({!$Record.Registration_Status__c}))'
    apex = northwind["ApexClass:DealRegistrationConverter"].content.decode()
    assert "o.PartnerAccountId = l.PartnerAccountId;" in apex
    assert "@InvocableMethod" in apex and "Database.convertLead" in apex
    test = northwind["ApexClass:DealRegistrationConverterTest"].content.decode()
    assert "@IsTest" in test and "partner.IsPartner = true;" in test and "System.assertEquals(partner.Id" in test
    # the custom program converts on approval: the flow submits and queues the conversion
    custom_apex = custom["ApexClass:DealRegistrationConverter"].content.decode()
    assert "o.Registering_Partner__c = l.Registering_Partner__c;" in custom_apex
    assert [a["actionType"] for a in custom["Flow:Deal_Registration_Lifecycle"].body["actionCalls"]] == \
        ["submit", "apex"]


def test_duplicate_rules_are_inactive_with_a_later_activation_step(northwind, custom) -> None:
    rule = northwind["DuplicateRule:Lead.Deal_Reg_Channel_Conflict"]
    assert rule.body["isActive"] is False and rule.deploy_step == "activate-duplicate-rules"
    assert rule.body["actionOnInsert"] == "Block"
    assert custom["DuplicateRule:Lead.Partner_Conflict"].body["actionOnInsert"] == "Allow"
    items = northwind["MatchingRules:Lead"].body["matchingRules"][0]["matchingRuleItems"]
    assert [(i["fieldName"], i["matchingMethod"]) for i in items] == [("Company", "CompanyName"),
                                                                      ("Email_Domain__c", "Exact")]


def test_group_approver_gets_a_queue_and_versions_come_from_the_lock(custom) -> None:
    queue = custom["Queue:Approvers_Deal_Desk_Team"]
    assert queue.body["queueSobject"] == [{"sobjectType": "Lead"}]
    # the program's lock records v1 with one step; the spec now has two
    assert custom["ApprovalProcess:Lead.Deal_Reg_Premier_v1"].body["active"] is False
    v2 = custom["ApprovalProcess:Lead.Deal_Reg_Premier_v2"]
    assert v2.body["active"] is True and v2.notes
    assert [s["name"] for s in v2.body["approvalStep"]] == ["Deal_Desk", "Directors"]


def test_templates_ship_as_package_data() -> None:
    files = resources.files("metadata_templates")
    assert files.joinpath("apex/DealRegistrationConverter.cls.j2").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"metadata_templates*"' in pyproject and 'metadata_templates = ["apex/*.j2", "email/*.j2"]' in pyproject


def test_build_writes_the_lock_and_a_step_change_makes_a_new_version(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    (tmp_path / "specs" / "prm.lock.json").unlink()
    proc = run_prm("build", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "prm.lock.json updated" in proc.stdout
    lock = (tmp_path / "specs" / "prm.lock.json").read_text()
    assert run_prm("build", "--check", cwd=tmp_path).returncode == 0

    spec = tmp_path / "specs" / "deal_registration.yml"
    spec.write_text(spec.read_text().replace("name: VP_Channel_Sales\n            label: VP Channel Sales sign-off\n"
                                             "            description:", "name: VP_Sales\n            label: VP "
                                             "sign-off\n            description:", 1))
    check = run_prm("build", "--check", cwd=tmp_path)
    assert check.returncode == 1 and "prm.lock.json is stale" in check.stdout
    proc = run_prm("build", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Deal_Reg_Gold_v2" in proc.stdout and "can never have steps added, removed or reordered" in proc.stdout
    approvals = tmp_path / "force-app" / "main" / "default" / "approvalProcesses"
    assert (approvals / "Lead.Deal_Reg_Gold_v2.approvalProcess-meta.xml").is_file()
    old = (approvals / "Lead.Deal_Reg_Gold_v1.approvalProcess-meta.xml").read_text()
    assert "<active>false</active>" in old and "<name>VP_Channel_Sales</name>" in old
    assert (tmp_path / "specs" / "prm.lock.json").read_text() != lock


def test_a_broken_lock_is_an_input_error(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    (tmp_path / "specs" / "prm.lock.json").write_text("{not json")
    proc = run_prm("validate", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout
    assert "specs/prm.lock.json:1:2: error PRM-V148" in proc.stdout


def test_retired_versions_still_need_what_they_name(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(PROGRAMS / "dealreg_custom", specs)
    (specs / "deal_registration.yml").unlink()  # the section is gone; the lock remembers v1
    result = api.validate(specs, TODAY)
    retired = [d for d in result.errors if "Deal_Reg_Premier_v1" in d.message]
    assert retired and all(d.code == "PRM-V030" and "inactive version" in d.hint for d in retired)
    assert all(d.ref and d.ref.file.endswith("prm.lock.json") for d in retired)
    (specs / "prm.lock.json").unlink()
    assert api.validate(specs, TODAY).ok


def test_committed_lock_is_current(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = api.build(Path("specs"), Path("force-app"), Path("build/mdapi"), check=True, today=TODAY)
    assert not result.compiled.lock_stale, "specs/prm.lock.json is stale: run `prm build` and commit it"


def test_retired_versions_count_towards_300_processes_per_object(tmp_path: Path) -> None:
    # The platform's quota counts inactive processes too: a lock full of retired versions
    # must be an input error before deploy, not a failure in the org.
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    lock_file = tmp_path / "specs" / "prm.lock.json"
    lock = json.loads(lock_file.read_text())
    [current] = lock["approval_processes"]["Lead.Deal_Reg_Gold"]

    def retire(count: int) -> None:
        # `count` retired versions with other steps; the current Gold route becomes the next one.
        lock["approval_processes"]["Lead.Deal_Reg_Gold"] = [
            {**current, "version": v, "steps": [[f"Old_Step_{v}", "", ""]]} for v in range(1, count + 1)]
        lock_file.write_text(json.dumps(lock))

    retire(298)  # + Gold v299 + Silver v1 = 300 on Lead: allowed
    proc = run_prm("validate", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    retire(299)
    proc = run_prm("build", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout
    out = proc.stdout + proc.stderr
    assert "specs/prm.lock.json:1:1: error PRM-V104 Lead would have 301 approval processes (299 retired" in out, out
    assert not (tmp_path / "force-app").exists()
