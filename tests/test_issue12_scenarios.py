"""Issue-12 defects as scenarios: each fails on the metadata main generated before the
issue-12 fixes (tests/fixtures/pre_issue12_force_app, a copy of force-app/ at that commit), for
the reason the defect describes, and passes on the metadata the specs build now."""

from __future__ import annotations

import pytest

from prm_builder import api
from tests.conftest import ROOT, TODAY

FIXTURE = ROOT / "tests" / "fixtures" / "pre_issue12_force_app"
SCENARIOS = ROOT / "tests" / "fixtures" / "issue12_scenarios"

# scenario name prefix -> text its failure on the old metadata must contain (the defect's symptom)
SYMPTOMS = {
    "issue-12 #4:": "Lead.Deal_Amount__c is not editable for partner_user",
    "issue-12 #5:": "field_security",  # the partner cannot even register on the old metadata (item 4 first)
    "issue-12 #9:": "Registration_Status__c: expected '', actual 'Draft'",
    "issue-12 #13:": "owner: expected creator, actual queue PRM_Leads_Gold_NA",
    "issue-12 #14: a US lead for the Bronze": "expected not PRM_Leads_Gold_NA",
    "issue-12 #10:": "expected none, actual edit (member of queue PRM_Leads_Gold_NA)",
    "issue-12 #3: a Gold budget": "Allocated_Amount__c: expected 50000, actual 0",
    "issue-12 #3: an approved MDF": "Approved_Amount__c: expected 2000, actual 0",
    "issue-12 #16:": "expected the step to be blocked, but it was allowed",
    "issue-12 #17/#4:": "Claim_Pool_Lead__c is not editable",
    "issue-12 #6:": "owner: expected creator, actual queue",
}


@pytest.fixture(scope="module")
def report():
    return api.test(ROOT / "specs", metadata=FIXTURE, scenarios=SCENARIOS, generated=False, today=TODAY)


def test_every_issue12_scenario_fails_on_the_old_metadata_for_its_defect(report):
    assert len(report.results) == len(SYMPTOMS)
    for result in report.results:
        assert "issue-12" in result.tags
        assert not result.passed, f"{result.name} passes on the pre-issue-12 metadata"
        symptom = next(v for k, v in SYMPTOMS.items() if result.name.startswith(k))
        assert any(symptom in f for f in result.failures), (result.name, result.failures)


def test_every_issue12_scenario_passes_on_the_metadata_the_specs_build_now():
    now = api.test(ROOT / "specs", scenarios=SCENARIOS, generated=False, today=TODAY)
    assert len(now.results) == len(SYMPTOMS)
    assert [r.name for r in now.results if not r.passed] == [], [r.failures for r in now.results if not r.passed]


def test_the_fixture_is_the_metadata_before_issue_12():
    # The fixture is a frozen copy: it must still show the defects it documents.
    dist = (FIXTURE / "main/default/objects/MDF_Budget__c/fields/Allocated_Amount__c.field-meta.xml").read_text()
    assert "BLANKVALUE" in dist and "BlankAsBlank" not in dist
