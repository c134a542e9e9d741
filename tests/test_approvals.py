"""The generic approval machinery: processes, thresholds, group approvers, versioning,
and the routing checks every feature with approvals shares."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from prm_builder.generate.approvals import (ApprovalLock, ApprovalStatuses, ApprovalTarget, apply_versions,
                                            approval_components, load_lock)
from prm_builder.generate.workflow import merge_workflows
from prm_builder.metadata.schema import MD_NS, load_schema
from prm_builder.model.approval import ApprovalRouting
from prm_builder.model.tiers import Tier
from prm_builder.validate.approval_checks import RoutingContext, check_routing
from prm_builder.write.render import mdapi_files, source_files

NS = f"{{{MD_NS}}}"
TARGET = ApprovalTarget(object="MDF_Request__c", prefix="MDF_Request", status_field="Status__c",
                        statuses=ApprovalStatuses("Submitted", "Approved", "Rejected", "Draft"),
                        tier_field="Partner_Tier__c", amount_field="Amount__c",
                        tier_names={"Gold": "Gold", "Silver": "Silver"}, feature="MDF request")


def routing(**overrides) -> ApprovalRouting:
    data = {"routes": [
        {"name": "MDF_Gold", "tiers": ["Gold"], "auto_approve_below": 5000,
         "steps": [{"name": "Channel_Manager", "approvers": [{"queue": "Channel_Managers"}]},
                   {"name": "VP", "min_amount": 25000, "approvers": [{"user": "vp@example.com"},
                                                                     {"group": "Finance"}],
                    "when_multiple": "unanimous", "on_reject": "back_to_previous"}]},
        {"name": "MDF_Silver", "tiers": ["Silver"],
         "steps": [{"name": "Channel_Manager", "approvers": [{"group": "Finance"}]}]},
    ]}
    data.update(overrides)
    return ApprovalRouting.model_validate(data)


def components(r: ApprovalRouting | None = None, lock: ApprovalLock | None = None):
    comps, new_lock = apply_versions(approval_components(TARGET, r or routing(), source=None), lock or ApprovalLock())
    merged, _ = merge_workflows(comps)
    return {c.key: c for c in merged}, new_lock


def xml(comps, key: str) -> etree._Element:
    files = source_files([comps[key]])
    (data,) = files.values()
    assert load_schema().problems(data) == []
    return etree.fromstring(data)


def test_process_thresholds_approvers_and_actions() -> None:
    comps, _ = components()
    root = xml(comps, "ApprovalProcess:MDF_Request__c.MDF_Gold_v1")
    assert root.findtext(f"{NS}active") == "true"
    entry = [(i.findtext(f"{NS}field"), i.findtext(f"{NS}value")) for i in root.find(f"{NS}entryCriteria")]
    assert entry == [("MDF_Request__c.Status__c", "Submitted"), ("MDF_Request__c.Partner_Tier__c", "Gold")]
    first, second = root.findall(f"{NS}approvalStep")
    # auto-approval: below 5000 the first step's criteria fail and the record is approved
    assert first.findtext(f"{NS}entryCriteria/{NS}criteriaItems/{NS}value") == "5000"
    assert first.findtext(f"{NS}ifCriteriaNotMet") == "ApproveRecord"
    assert first.find(f"{NS}rejectBehavior") is None
    assert second.findtext(f"{NS}entryCriteria/{NS}criteriaItems/{NS}operation") == "greaterOrEqual"
    assert second.findtext(f"{NS}rejectBehavior/{NS}type") == "BackToPrevious"
    approvers = [(a.findtext(f"{NS}type"), a.findtext(f"{NS}name")) for a in second.iter(f"{NS}approver")]
    assert approvers == [("user", "vp@example.com"), ("queue", "Approvers_Finance")]
    assert second.findtext(f"{NS}assignedApprover/{NS}whenMultipleApprovers") == "Unanimous"
    assert root.findtext(f"{NS}finalRejectionRecordLock") == "false"  # editable for resubmission
    refs = comps["ApprovalProcess:MDF_Request__c.MDF_Gold_v1"].references
    assert "Queue:Channel_Managers" in refs and "User:vp@example.com" in refs
    assert "WorkflowFieldUpdate:MDF_Request__c.MDF_Request_Set_Approved" in refs


def test_group_approver_becomes_a_queue_of_the_group() -> None:
    comps, _ = components()
    queue = comps["Queue:Approvers_Finance"]
    assert queue.body["queueMembers"] == {"publicGroups": {"publicGroup": ["Finance"]}}
    assert queue.references == ("Group:Finance",)
    xml(comps, "Queue:Approvers_Finance")


def test_status_updates_fold_into_one_workflow_file() -> None:
    comps, _ = components()
    wf = xml(comps, "Workflow:MDF_Request__c")
    assert [e.findtext(f"{NS}literalValue") for e in wf.findall(f"{NS}fieldUpdates")] == [
        "Approved", "Draft", "Rejected"]
    assert "workflows/MDF_Request__c.workflow" in mdapi_files(comps.values())


def test_unchanged_steps_keep_their_version_and_edits_within_steps_are_allowed() -> None:
    _, lock = components()
    changed = routing()
    data = changed.model_dump()
    data["routes"][0]["steps"][0]["approvers"] = [{"queue": "Other_Queue", "group": None, "user": None}]
    comps, lock2 = components(ApprovalRouting.model_validate(data), lock)
    assert "ApprovalProcess:MDF_Request__c.MDF_Gold_v1" in comps
    assert "ApprovalProcess:MDF_Request__c.MDF_Gold_v2" not in comps
    assert [v.version for v in lock2.processes["MDF_Request__c.MDF_Gold"]] == [1]


def test_changed_step_list_makes_a_new_version_and_retires_the_old() -> None:
    _, lock = components()
    data = routing().model_dump()
    steps = data["routes"][0]["steps"]
    steps.insert(1, {**steps[0], "name": "Regional_Manager"})
    comps, lock2 = components(ApprovalRouting.model_validate(data), lock)
    new, old = comps["ApprovalProcess:MDF_Request__c.MDF_Gold_v2"], comps["ApprovalProcess:MDF_Request__c.MDF_Gold_v1"]
    assert new.body["active"] is True and old.body["active"] is False
    assert any("new process, MDF_Gold_v2" in n for n in new.notes)
    assert [s["name"] for s in old.body["approvalStep"]] == ["Channel_Manager", "VP"]  # the old steps, from the lock
    assert xml(comps, "ApprovalProcess:MDF_Request__c.MDF_Gold_v1").findtext(f"{NS}active") == "false"
    assert [v.version for v in lock2.processes["MDF_Request__c.MDF_Gold"]] == [1, 2]
    # Building again from the new lock is stable.
    comps3, lock3 = components(ApprovalRouting.model_validate(data), lock2)
    assert lock3.to_text() == lock2.to_text() and set(comps3) == set(comps)


def test_reordering_steps_or_changing_reject_behaviour_is_a_new_version() -> None:
    _, lock = components()
    data = routing().model_dump()
    data["routes"][0]["steps"][1]["on_reject"] = "reject"
    comps, _ = components(ApprovalRouting.model_validate(data), lock)
    assert "ApprovalProcess:MDF_Request__c.MDF_Gold_v2" in comps


def test_removed_route_stays_inactive() -> None:
    _, lock = components()
    data = routing().model_dump()
    data["routes"] = data["routes"][:1]
    comps, lock2 = components(ApprovalRouting.model_validate(data), lock)
    silver = comps["ApprovalProcess:MDF_Request__c.MDF_Silver_v1"]
    assert silver.body["active"] is False and silver.notes
    assert "MDF_Request__c.MDF_Silver" in lock2.processes


def test_lock_round_trip_and_broken_lock(tmp_path: Path) -> None:
    _, lock = components()
    (tmp_path / "prm.lock.json").write_text(lock.to_text())
    loaded, diags = load_lock(tmp_path)
    assert not diags and loaded.to_text() == lock.to_text()
    (tmp_path / "prm.lock.json").write_text('{"format": 1,\n  "approval_processes": [}')
    _, diags = load_lock(tmp_path)
    assert [d.code for d in diags] == ["PRM-V148"] and diags[0].ref.line == 2
    (tmp_path / "prm.lock.json").write_text(json.dumps({"format": 1, "approval_processes": {"X": []}}))
    _, diags = load_lock(tmp_path)
    assert [d.code for d in diags] == ["PRM-V148"]


# ----------------------------------------------------------------------------- routing checks

def tiers(bronze_registers: bool = False) -> list[Tier]:
    return [Tier.model_validate({"name": "Gold", "rank": 3, "features": {"mdf": True}}),
            Tier.model_validate({"name": "Silver", "rank": 2, "features": {"mdf": True}}),
            Tier.model_validate({"name": "Bronze", "rank": 1, "features": {"mdf": bronze_registers}})]


def check(r: ApprovalRouting, **kw) -> list[str]:
    ctx = RoutingContext(object=kw.get("object", "MDF_Request__c"), feature_flag="mdf",
                         tiers=kw.get("tiers", tiers()), known_queues=frozenset({"Channel_Managers"}),
                         known_groups=frozenset({"Finance"}), known_users=frozenset({"vp@example.com"}),
                         amount_field=kw.get("amount_field", "Amount__c"))
    return sorted(d.code for d in check_routing(r, ctx))


def test_sound_routing_passes() -> None:
    assert check(routing()) == []


def test_tier_with_no_route() -> None:
    assert check(routing(), tiers=tiers(bronze_registers=True)) == ["PRM-V102"]


def test_tier_without_the_feature_and_unknown_tier() -> None:
    data = routing().model_dump()
    data["routes"][1]["tiers"] = ["Silver", "Bronze", "Platinum"]
    assert check(ApprovalRouting.model_validate(data)) == ["PRM-V100", "PRM-V101"]


def test_tier_in_two_routes() -> None:
    data = routing().model_dump()
    data["routes"][1]["tiers"] = ["Silver", "Gold"]
    assert check(ApprovalRouting.model_validate(data)) == ["PRM-V103"]


def test_overlapping_thresholds() -> None:
    data = routing().model_dump()
    data["routes"][0]["steps"][1]["min_amount"] = 5000  # not above auto_approve_below
    assert check(ApprovalRouting.model_validate(data)) == ["PRM-V105"]
    data = routing().model_dump()
    data["routes"][0]["steps"][0]["min_amount"] = 1000  # two thresholds on the first step
    assert check(ApprovalRouting.model_validate(data)) == ["PRM-V105"]


def test_unreachable_step() -> None:
    data = routing().model_dump()
    data["routes"][0]["steps"][0]["criteria"] = [{"field": "Amount__c", "operation": "less than", "value": 1000}]
    assert check(ApprovalRouting.model_validate(data)) == ["PRM-V106"]
    data = routing().model_dump()
    data["routes"][1]["criteria"] = [{"field": "Type__c", "value": "Event"}]
    data["routes"][1]["steps"][0]["criteria"] = [{"field": "Type__c", "value": "Webinar"}]
    assert check(ApprovalRouting.model_validate(data)) == ["PRM-V106"]


def test_approver_reference_to_unknown_queue_group_user() -> None:
    data = routing().model_dump()
    data["routes"][1]["steps"][0]["approvers"] = [{"queue": "Chanel_Managers"}, {"group": "Nope"},
                                                  {"user": "who@example.com"}]
    assert check(ApprovalRouting.model_validate(data)) == ["PRM-V109"] * 3


def test_platform_pitfalls() -> None:
    data = routing().model_dump()
    data["routes"][1]["criteria"] = [{"field": "Region__c", "operation": "starts with", "value": "EM"},
                                     {"field": "PartnerAccount.Partner_Tier__c", "value": "Gold"}]
    data["routes"][1]["steps"][0]["on_reject"] = "back_to_previous"
    assert check(ApprovalRouting.model_validate(data)) == ["PRM-V107", "PRM-V112", "PRM-V113"]
    data = routing().model_dump()
    data["routes"][1]["criteria"] = [{"field": "Amount", "operation": "greater than", "value": 1}]
    assert check(ApprovalRouting.model_validate(data), object="Lead") == ["PRM-V114"]
    assert check(routing(), amount_field=None) == ["PRM-V111"]


def test_limits_and_names() -> None:
    data = routing().model_dump()
    step = data["routes"][1]["steps"][0]
    data["routes"][1]["steps"] = [{**step, "name": f"Step_{i}"} for i in range(31)]
    data["routes"][0]["steps"][0]["approvers"] = [{"queue": "Channel_Managers"}] * 26
    data["routes"][0]["name"] = "A_Very_Long_Route_Name_That_Has_No_End"
    assert check(ApprovalRouting.model_validate(data)) == ["PRM-V104", "PRM-V104", "PRM-V110"]
    data = routing().model_dump()
    data["routes"][1]["name"] = "MDF_Gold"
    data["routes"][1]["steps"].append(dict(data["routes"][1]["steps"][0]))
    assert check(ApprovalRouting.model_validate(data)) == ["PRM-V108", "PRM-V108"]


def test_a_generated_queue_can_serve_another_object() -> None:
    from prm_builder.generate import _merge_queues
    from prm_builder.generate.approvals import queue_for_object
    from prm_builder.generate.component import Component

    lead_queue = Component("Queue", "Channel_Managers", {"name": "Channel Managers", "queueSobject": [
        {"sobjectType": "Lead"}]}, purpose="x", source=None)
    merged = _merge_queues(lead_queue, queue_for_object("Channel_Managers", "MDF_Request__c", None))
    assert merged is not None and merged.body["name"] == "Channel Managers"
    assert merged.body["queueSobject"] == [{"sobjectType": "Lead"}, {"sobjectType": "MDF_Request__c"}]
    other = Component("Queue", "Channel_Managers", {"name": "Other"}, purpose="x", source=None)
    assert _merge_queues(lead_queue, other) is None  # two different queues under one name: a bug
