"""Issue 12 item 2: the example deploys to any org (sandbox, fresh scratch org) unchanged.
Program-owned groups are generated; approvals route to queues, related-user fields or the
manager hierarchy; the named approvers left are per-org values (org.named_users), and the
ci_prm flow seeds what is data (group members, permission sets).

Metadata API Developer Guide, "ApprovalProcess": Approver.type is one of adhoc, user,
userHierarchyField, relatedUserField, queue; NextAutomatedApprover names the hierarchy field
(e.g. Manager) and whether it is the record owner's (useApproverFieldOfRecordOwner)."""

from __future__ import annotations

import json
from pathlib import Path

import responses
import yaml
from simple_salesforce import Salesforce

from prm_builder import api
from prm_builder.deploy.seed import seed_group_members
from tests.conftest import PROGRAMS, ROOT, TODAY, copy_program, edit_spec

SPECS = ROOT / "specs"


def _approvers(components) -> list[dict]:
    return [a for c in components if c.type == "ApprovalProcess"
            for step in c.body["approvalStep"] for a in step["assignedApprover"]["approver"]]


def test_example_specs_name_no_org_specific_user_or_group() -> None:
    """Fails on main: approvers by username (dana.whitfield@..., maria.lopez@...) and
    Channel_Managers / Channel_Operations expected in the org."""
    result = api.validate(SPECS, TODAY)
    assert result.ok and result.spec is not None
    spec = result.spec
    assert spec.org.users == [] and spec.org.groups == []
    routings = [spec.deal_registration.approval, spec.mdf.request_approval, spec.mdf.claim_approval]
    assert not [a for r in routings for route in r.routes for s in route.steps for a in s.approvers if a.user]
    text = "\n".join(f.read_text() for f in SPECS.glob("*.yml") if f.name != "org.yml")
    assert "@" not in text.replace("channel-managers@northwind.example", "")   # a shared inbox is fine
    generated_groups = {c.full_name for c in result.components if c.type == "Group"}
    wanted = {r.split(":", 1)[1] for c in result.components for r in c.references if r.startswith("Group:")}
    assert wanted <= generated_groups, wanted - generated_groups


def test_named_approvers_resolve_per_org(tmp_path: Path) -> None:
    default = _approvers(api.validate(SPECS, TODAY).components)
    assert {"name": "finance.mdf@northwind.example", "type": "user"} in default
    scratch = api.validate(SPECS, TODAY, org_alias="prm", deploying_user="admin@ci-scratch.example").components
    users = {a["name"] for a in _approvers(scratch) if a["type"] == "user"}
    assert users == {"admin@ci-scratch.example"}
    # two named users who are one person in this org become one approver
    steps = [s for c in scratch if c.full_name == "MDF_Request__c.MDF_Request_Gold_v1"
             for s in c.body["approvalStep"]]
    assert len(steps[0]["assignedApprover"]["approver"]) == 1
    # an alias the mapping does not list gets the default username
    other = api.validate(SPECS, TODAY, org_alias="uat").components
    assert {a["name"] for a in _approvers(other) if a["type"] == "user"} == {a["name"] for a in default if a["type"] == "user"}


def test_a_build_for_one_org_leaves_the_lock_file_alone(tmp_path: Path) -> None:
    import shutil

    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    before = (specs / "prm.lock.json").read_text()
    api.build(specs, tmp_path / "force-app", tmp_path / "mdapi", today=TODAY, org_alias="prm",
              deploying_user="admin@ci-scratch.example")
    assert (specs / "prm.lock.json").read_text() == before
    assert "admin@ci-scratch.example" in (tmp_path / "force-app" / "main" / "default" / "approvalProcesses" /
                                         "MDF_Claim__c.MDF_Claim_v1.approvalProcess-meta.xml").read_text()


def test_related_user_and_manager_approvers_compile_to_the_platform_types(tmp_path: Path) -> None:
    specs = copy_program("dealreg_custom", tmp_path)
    edit_spec(specs / "deal_registration.yml", "              - queue: Deal_Desk\n          - name: Directors",
              "              - related_user: Channel_Manager__c\n          - name: Directors")
    (specs / "org.yml").write_text((specs / "org.yml").read_text().replace(
        "org:\n", "org:\n  fields: [Lead.Channel_Manager__c]\n", 1))
    text = (specs / "deal_registration.yml").read_text()
    assert "- group: Deal_Desk_Team\n              - queue: Deal_Desk" in text
    (specs / "deal_registration.yml").write_text(text.replace(
        "- group: Deal_Desk_Team\n              - queue: Deal_Desk", "- manager: owner", 1))
    compiled = api.compile_program(specs, TODAY)   # schema-checks every generated file
    process = next(c for c in compiled.components
                   if c.full_name.startswith("Lead.Deal_Reg_Premier_v") and c.body["active"])
    first, second = (s["assignedApprover"]["approver"] for s in process.body["approvalStep"][:2])
    assert first == [{"name": "Channel_Manager__c", "type": "relatedUserField"}]
    assert {"name": None, "type": "userHierarchyField"} in second
    assert process.body["nextAutomatedApprover"] == {"useApproverFieldOfRecordOwner": True,
                                                     "userHierarchyField": "Manager"}
    assert "CustomField:Lead.Channel_Manager__c" in process.references


def test_related_user_field_must_exist(tmp_path: Path) -> None:
    specs = copy_program("dealreg_custom", tmp_path)
    edit_spec(specs / "deal_registration.yml", "              - queue: Deal_Desk\n          - name: Directors",
              "              - related_user: Channel_Manager__c\n          - name: Directors")
    codes = [d.code for d in api.validate(specs, TODAY).errors]
    assert codes == ["PRM-V030"]


def test_ci_flow_seeds_groups_and_permission_sets_then_checks_the_org() -> None:
    config = yaml.safe_load((ROOT / "cumulusci.yml").read_text())
    steps = config["flows"]["ci_prm"]["steps"]
    tasks = [s.get("task") or s.get("flow") for _, s in sorted(steps.items())]
    assert tasks.index("prm_seed_groups") < tasks.index("prm_check") < tasks.index("prm_plan")
    assigned = next(s for s in steps.values() if s.get("task") == "assign_permission_sets")["options"]["api_names"]
    assert "PRM_Program_Admin" in assigned and "PRM_Partner_User" not in assigned   # partner sets: partner users only
    assert config["tasks"]["prm_seed_groups"]["class_path"] == "prm_builder.deploy.tasks.SeedGroupMembers"


INSTANCE = "https://ci.my.salesforce.com"
QUERY = f"{INSTANCE}/services/data/v63.0/query/"


@responses.activate
def test_seeding_adds_the_user_to_the_groups_it_is_not_in_yet() -> None:
    groups = {"Channel_Managers": "00G000000000001", "Channel_Operations": "00G000000000002"}

    def answer(request):
        soql = request.params["q"]
        if "FROM GroupMember" in soql:
            records = [{"GroupId": "00G000000000001"}]
        else:
            records = [{"Id": i, "DeveloperName": n} for n, i in groups.items()]
        return 200, {}, json.dumps({"totalSize": len(records), "done": True, "records": records})

    responses.add_callback(responses.GET, QUERY, callback=answer)
    created = responses.add(responses.POST, f"{INSTANCE}/services/data/v63.0/sobjects/GroupMember/",
                            json={"id": "011000000000001", "success": True, "errors": []}, status=201)
    sf = Salesforce(instance_url=INSTANCE, session_id="token", version="63.0")
    added = seed_group_members(sf, list(groups), "005000000000001")
    assert added == ["Channel_Operations"] and created.call_count == 1
    body = json.loads(responses.calls[-1].request.body)
    assert body == {"GroupId": "00G000000000002", "UserOrGroupId": "005000000000001"}


@responses.activate
def test_seeding_before_the_deploy_says_so() -> None:
    responses.add(responses.GET, QUERY, json={"totalSize": 0, "done": True, "records": []})
    sf = Salesforce(instance_url=INSTANCE, session_id="token", version="63.0")
    try:
        seed_group_members(sf, ["Channel_Managers"], "005000000000001")
    except ValueError as exc:
        assert "deploy the metadata first" in str(exc)
    else:
        raise AssertionError("expected a ValueError")
