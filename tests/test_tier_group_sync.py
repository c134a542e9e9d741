"""Issue 12 item 11: tier-group membership follows the account's tier, asynchronously
(GroupMember is setup data: Apex Developer Guide, "sObjects That Cannot Be Used Together in
DML Operations" -> MIXED_DML_OPERATION when changed with the Account or User)."""

from __future__ import annotations

import re
from pathlib import Path

from prm_builder import api
from prm_builder.generate.apex import apex_comment, apex_string
from tests.conftest import ROOT, TODAY, copy_program, edit_spec


def _components(specs: Path) -> dict:
    result = api.validate(specs, TODAY)
    assert result.ok, [d.format() for d in result.diagnostics]
    return {c.key: c for c in result.components}


def test_account_tier_change_and_new_partner_users_trigger_the_sync() -> None:
    """Fails on main: nothing maintains the tier groups."""
    comps = _components(ROOT / "specs")
    account = comps["Flow:PRM_Tier_Group_Sync_Account"].body
    assert account["start"]["object"] == "Account" and account["start"]["triggerType"] == "RecordAfterSave"
    assert "ISCHANGED({!$Record.Partner_Tier__c})" in account["formulas"][0]["expression"]
    user = comps["Flow:PRM_Tier_Group_Sync_User"].body
    assert user["start"]["object"] == "User" and user["start"]["recordTriggerType"] == "Create"
    assert user["start"]["filters"][0]["value"] == {"stringValue": "PowerPartner"}
    for flow in (account, user):
        [call] = flow["actionCalls"]
        assert call["actionType"] == "apex" and call["actionName"] == "PRM_Tier_Group_Sync"
    apex = comps["ApexClass:PRM_Tier_Group_Sync"].content.decode()
    # the flow only queues the work: the membership DML runs in the Queueable
    assert "implements Queueable" in apex and "System.enqueueJob" in apex
    enqueue = apex[apex.index("public static void enqueue"):apex.index("public void execute")]
    assert "insert" not in enqueue and "delete" not in enqueue
    mapping = dict(re.findall(r"'(\w+)' => '(\w+)'", apex))
    assert mapping == {"Gold": "PRM_Tier_Gold", "Silver": "PRM_Tier_Silver", "Bronze": "PRM_Tier_Bronze"}
    test = comps["ApexClass:PRM_Tier_Group_SyncTest"].content.decode()
    assert "@IsTest" in test and "PRM_Tier_Group_Sync.apply" in test


def test_spec_text_in_the_apex_is_escaped(tmp_path: Path) -> None:
    specs = copy_program("minimal", tmp_path)
    text = (specs / "program.yml").read_text()
    name = re.search(r"name: (.+)", text).group(1)
    edit_spec(specs / "program.yml", f"name: {name}", "name: \"Partner's */ Network\"")
    apex = _components(specs)["ApexClass:PRM_Tier_Group_Sync"].content.decode()
    header = apex[:apex.index("public without sharing class")]
    assert header.count("*/") == 1 and "Partner's * / Network" in header


def test_apex_escaping_functions() -> None:
    assert apex_string("Partner's \\ line\nbreak") == "Partner\\'s \\\\ line\\nbreak"
    assert apex_comment("ends */ here\nand more") == "ends * / here and more"


def test_a_failed_sync_is_reported_not_swallowed() -> None:
    comps = _components(ROOT / "specs")
    for name in ("PRM_Tier_Group_Sync_Account", "PRM_Tier_Group_Sync_User"):
        body = comps[f"Flow:{name}"].body
        [call] = body["actionCalls"]
        [error] = body["customErrors"]
        assert call["faultConnector"] == {"targetReference": error["name"]}
        assert "{!$Flow.FaultMessage}" in error["customErrorMessages"][0]["errorMessage"]
