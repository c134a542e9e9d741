"""The simulator's actions and platform rules on the example's metadata, scenario by scenario
(each test states the platform behaviour it relies on)."""

from __future__ import annotations

import pytest

from prm_builder.model.scenarios import Scenario
from prm_builder.simulate.criteria import _boolean_filter, item_matches
from prm_builder.simulate.engine import Runner
from prm_builder.simulate.orgmodel import Criterion, read_org
from tests.conftest import ROOT, TODAY


@pytest.fixture(scope="module")
def runner():
    return Runner(read_org(ROOT / "force-app"), TODAY)


REG = {"LastName": "Ito", "Company": "Initech", "Deal_Amount__c": 80000, "Expected_Close_Date__c": "2027-03-31",
       "PartnerAccountId": "@account:Gold", "Registration_Status__c": "Submitted"}


def run(runner, **data):
    return runner.run(Scenario.model_validate({"name": "t", "persona": "admin", **data}))


def test_pending_record_is_locked_for_non_approvers(runner):
    # Records pending approval are locked: only admins and the current approver edit them (Help: Approval
    # Process Considerations, record locking).
    r = run(runner, record={"object": "Lead", "fields": REG}, steps=[
        {"action": "create"}, {"action": "submit"},
        {"action": "edit", "as": "marketing", "fields": {"Company": "X"}, "expect": {"blocked": {"rule": "record_lock"}}},
        {"action": "edit", "as": {"role": "channel_manager"}, "fields": {"Company": "Y"},
         "expect": {"allowed": True}}])
    assert r.passed, r.failures


def test_recall_sets_the_recall_status_and_unlocks(runner):
    r = run(runner, record={"object": "Lead", "fields": REG},
            steps=[{"action": "create"}, {"action": "submit"}, {"action": "recall"}],
            expect={"approval": {"status": "Recalled"}, "fields": {"Registration_Status__c": "Draft"}})
    assert r.passed, r.failures


def test_a_queue_owned_lead_cannot_be_converted(runner):
    r = run(runner, record={"object": "Lead", "fields": {"LastName": "P", "Company": "C", "Country": "Germany",
                                                          "Distribution_Tier__c": "Gold"}},
            steps=[{"action": "create", "assignment_rules": True},
                   {"action": "convert", "expect": {"blocked": {"rule": "queue_owner"}}}])
    assert r.passed, r.failures


def test_admin_claims_from_the_pool_through_the_claim_flow(runner):
    # The claim flow's own condition formula (read from the flow XML) gives the lead to the claimer.
    r = run(runner, record={"object": "Lead", "fields": {"LastName": "P", "Company": "C", "Country": "Brazil"}},
            steps=[{"action": "create", "assignment_rules": True, "expect": {"owner": "PRM_Lead_Pool"}},
                   {"action": "claim"}], expect={"owner": "persona"})
    assert r.passed, r.failures


def test_wait_moves_the_clock_for_today_formulas(runner):
    # TODAY() in the expiry field update is evaluated when the approval runs, after the wait.
    r = run(runner, record={"object": "Lead", "fields": {**REG, "Deal_Amount__c": 100}},
            steps=[{"action": "create"}, {"action": "wait", "days": 10}, {"action": "submit"}],
            expect={"fields": {"Registration_Expires_On__c": "@today+90"}})  # @today is the moved clock
    assert r.passed, r.failures


def test_a_wrong_step_name_and_a_non_approver_are_refused(runner):
    r = run(runner, record={"object": "Lead", "fields": REG}, steps=[
        {"action": "create"}, {"action": "submit"},
        {"action": "approve", "step": "VP_Channel_Sales", "as": {"role": "channel_manager"},
         "expect": {"blocked": {"rule": "wrong_step"}}},
        {"action": "approve", "as": "marketing", "expect": {"blocked": {"rule": "not_an_approver"}}}])
    assert r.passed, r.failures


def test_a_failing_expectation_is_reported(runner):
    r = run(runner, record={"object": "Lead", "fields": REG}, steps=[{"action": "create"}, {"action": "submit"}],
            expect={"approval": {"status": "Approved"}})
    assert not r.passed and "approval status: expected Approved, actual Pending" in r.failures[0]


def test_filter_criteria_semantics():
    get = {"Country": ("germany", "Text"), "Amount": (None, "Currency"), "Flag": (True, "Checkbox")}.get
    assert item_matches(Criterion("Lead.Country", "equals", "Austria,Germany"), get)  # any of, case-insensitive
    assert not item_matches(Criterion("Amount", "greaterOrEqual", "0"), get)  # blank never meets a number operator
    assert item_matches(Criterion("Amount", "equals", ""), get)  # equals nothing = blank
    assert item_matches(Criterion("Flag", "equals", "True"), get)
    assert _boolean_filter("1 AND (2 OR 3)", [True, False, True]) and not _boolean_filter("NOT 1", [True])


def test_time_passing_runs_the_sla_scheduled_path_from_the_flow_xml(runner):
    # A record-triggered flow's scheduled path runs when due, on the record as it is then
    # (Help: "Schedule a Flow Path for Later"); its update of the owner is a save that may
    # schedule the path again.
    r = run(runner, record={"object": "Lead", "fields": {"LastName": "P", "Company": "C", "Country": "Ireland",
                                                          "Distribution_Tier__c": "Gold"}},
            steps=[{"action": "create", "assignment_rules": True},
                   {"action": "wait", "hours": 47, "expect": {"owner": "PRM_Leads_Gold_UKI"}},
                   {"action": "wait", "hours": 2, "expect": {"owner": "PRM_Leads_Silver_UKI"}}])
    assert r.passed, r.failures


def test_a_lead_claimed_before_the_deadline_is_left_alone(runner):
    r = run(runner, record={"object": "Lead", "fields": {"LastName": "P", "Company": "C", "Country": "Ireland",
                                                          "Distribution_Tier__c": "Gold"}},
            steps=[{"action": "create", "assignment_rules": True},
                   {"action": "edit", "fields": {"Company": "Accepted"}, "expect": {"allowed": True}},
                   {"action": "wait", "hours": 10}],
            expect={"owner": "PRM_Leads_Gold_UKI"})
    assert r.passed, r.failures
