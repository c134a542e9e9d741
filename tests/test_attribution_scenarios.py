"""Issue 18, "Done when": the attribution scenarios (specs/scenarios/attribution.yml) pass on
the metadata the specs build, and each fails when the automation it proves is taken out of the
generated metadata (a flow deleted, a validation rule or the unique flag removed): the
scenarios are proved by the generated XML, not by anything the simulator knows on its own."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from prm_builder import api
from tests.conftest import ROOT, TODAY

DEFAULT = ROOT / "force-app" / "main" / "default"
NAMES = {
    "code": "A lead's partner code credits the partner holding it",
    "unknown": "An unknown partner code is flagged for channel operations and credits nobody",
    "conflict": "A second partner's registration of a customer with an open opportunity is flagged",
    "no_conflict": "A registration of a customer whose deals are all closed is not a conflict",
    "over_100": "Attribution percentages on one opportunity cannot pass 100",
    "once": "A partner is attributed once per opportunity",
    "commission": "A closed-won reseller deal creates the Gold reseller commission",
}


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scenarios")
    shutil.copy(ROOT / "specs" / "scenarios" / "attribution.yml", folder)
    return folder


def _run(scenarios: Path, metadata: Path = ROOT / "force-app") -> dict[str, list[str]]:
    report = api.test(ROOT / "specs", metadata=metadata, scenarios=scenarios, generated=False, today=TODAY)
    return {r.name: r.failures for r in report.results}


def _mutated(tmp_path: Path, change) -> Path:
    out = tmp_path / "force-app"
    shutil.copytree(ROOT / "force-app", out)
    change(out / "main" / "default")
    return out


def _drop(rel: str):
    return lambda default: (default / rel).unlink()


def _edit(rel: str, old: str, new: str):
    def change(default: Path) -> None:
        path = default / rel
        text = path.read_text()
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new))
    return change


def _without_filter(rel: str, field: str):
    def change(default: Path) -> None:
        path = default / rel
        text, n = re.subn(rf"<filters>\s*<field>{field}</field>.*?</filters>", "", path.read_text(), flags=re.S)
        assert n == 1
        path.write_text(text)
    return change


def test_every_attribution_scenario_passes_on_the_built_metadata(scenarios: Path) -> None:
    results = _run(scenarios)
    assert set(NAMES.values()) <= set(results)
    assert {n: f for n, f in results.items() if f} == {}


@pytest.mark.parametrize("mutation, change, broken, symptom", [
    # (a) without the code-matching flow nothing credits the partner
    ("no code flow", _drop("flows/PRM_Partner_Code_Match.flow-meta.xml"), "code",
     "field Referring_Partner__c: expected '@given:reseller', actual None"),
    # (a) a case-sensitive comparison would miss " rs-1001" -> "RS-1001": the flow trims, SOQL ignores case
    ("code not trimmed", _edit("flows/PRM_Partner_Code_Match.flow-meta.xml", "TRIM({!$Record.Referral_Code__c})",
                               "{!$Record.Referral_Code__c}"), "code", "Referring_Partner__c"),
    # (b) the unknown-code branch no longer flags
    ("no flag", _edit("flows/PRM_Partner_Code_Match.flow-meta.xml",
                      "<assignToReference>$Record.Partner_Code_Unknown__c</assignToReference>\n"
                      "            <operator>Assign</operator>\n            <value>\n"
                      "                <booleanValue>true</booleanValue>",
                      "<assignToReference>$Record.Partner_Code_Unknown__c</assignToReference>\n"
                      "            <operator>Assign</operator>\n            <value>\n"
                      "                <booleanValue>false</booleanValue>"), "unknown",
     "field Partner_Code_Unknown__c: expected True, actual False"),
    # (c) without the conflict flow the registration goes through unflagged
    ("no conflict flow", _drop("flows/PRM_Channel_Conflict.flow-meta.xml"), "conflict",
     "field Channel_Conflict__c: expected True, actual False"),
    # (c) an open-deal check that ignores IsClosed would flag customers whose deals are closed
    ("closed deals count", _without_filter("flows/PRM_Channel_Conflict.flow-meta.xml", "IsClosed"), "no_conflict",
     "field Channel_Conflict__c: expected False, actual True"),
    # (d) without the Opportunity's validation rule (or its roll-up) 40% more goes through
    ("100% rule inactive", _edit("objects/Opportunity/validationRules/Attribution_At_Most_100.validationRule-meta.xml",
                                 "<active>true</active>", "<active>false</active>"),
     "over_100", "expected the step to be blocked"),
    ("roll-up of the largest share", _edit("objects/Opportunity/fields/Attributed_Percent__c.field-meta.xml",
                                           "<summaryOperation>sum</summaryOperation>",
                                           "<summaryOperation>max</summaryOperation>"), "over_100",
     "field Opportunity__r.Attributed_Percent__c: expected 100, actual 70"),
    # (d) percent fields are fractions in formulas: a rule written as "> 100" never fires
    ("rule in points", _edit("objects/Opportunity/validationRules/Attribution_At_Most_100.validationRule-meta.xml",
                             "Attributed_Percent__c &gt; 1", "Attributed_Percent__c &gt; 100"), "over_100",
     "expected the step to be blocked"),
    # one partner once: without the key flow, or without the unique flag, the second row goes in
    ("no key flow", _drop("flows/PRM_Attribution_Key.flow-meta.xml"), "once", "but it was allowed"),
    ("key not unique", _edit("objects/Partner_Attribution__c/fields/Unique_Key__c.field-meta.xml",
                             "<unique>true</unique>", "<unique>false</unique>"), "once", "but it was allowed"),
    # (e) no commission flow, no commission
    ("no commission flow", _drop("flows/PRM_Commission_On_Won.flow-meta.xml"), "commission",
     "records Commission__c where {'Opportunity__c': '@given:deal'}: expected 1, actual 0"),
    # (e) the upper band's rate is the schedule's: 12% above 250,000, not 10%
    ("flat rate", _edit("flows/PRM_Commission_On_Won.flow-meta.xml", "- 250000) * 0.12", "- 250000) * 0.1"),
     "commission", "field Amount__c: expected 31000, actual 30000"),
    # (e) the cap: Gold Resellers pay at most 60,000 -- a cap of 30,000 shows in the amount
    ("lower cap", _edit("flows/PRM_Commission_On_Won.flow-meta.xml", "MIN(60000,", "MIN(30000,"),
     "commission", "field Amount__c: expected 31000, actual 30000"),
    # (e) without matching the accrued commission, the amount change creates a second one,
    # which the unique commission key refuses: the flow's fault path fails the save
    ("no match of the accrued commission", _edit("flows/PRM_Commission_On_Won.flow-meta.xml",
                                                 "<leftValueReference>Each_Commission.Commission_Key__c",
                                                 "<leftValueReference>Each_Commission.Status__c"),
     "commission", "blocked by Calculation_Failed: Partner commissions could not be calculated"),
])
def test_each_scenario_fails_without_the_automation_it_proves(tmp_path: Path, scenarios: Path, mutation: str,
                                                               change, broken: str, symptom: str) -> None:
    results = _run(scenarios, _mutated(tmp_path, change))
    failures = results[NAMES[broken]]
    assert failures, f"{NAMES[broken]!r} still passes with {mutation}"
    assert any(symptom in f for f in failures), failures


def test_the_apex_no_longer_matches_codes_or_detects_conflicts() -> None:
    # The logic moved to flows the simulator runs; Apex keeps only what it still owns.
    apex = (DEFAULT / "classes" / "PartnerAttribution.cls").read_text()
    assert "enrichCodes" not in apex and "detectConflicts" not in apex and "setKeys" not in apex
    assert re.search(r"trigger PartnerAttributionLead on Lead \(after insert, after update\)",
                     (DEFAULT / "triggers" / "PartnerAttributionLead.trigger").read_text())


VARIANT_SCENARIOS = """
scenarios:
  - name: An unknown code sends the lead to the review queue
    persona: admin
    record:
      object: Lead
      fields: {LastName: Ito, Company: Litware, LeadSource: Partner Referral, Referral_Code__c: RS-9999}
    expect:
      owner: Partner_Code_Review
      fields: {Partner_Code_Unknown__c: true}
  - name: A known code keeps the lead with its owner
    persona: admin
    given:
      - {key: reseller, object: Account, fields: {Name: Contoso, IsPartner: true, Partner_Code__c: RS-1001}}
    record:
      object: Lead
      fields: {LastName: Ito, Company: Litware, LeadSource: Partner Referral, Referral_Code__c: RS-1001}
    expect:
      owner: creator
      fields: {Partner_Code_Unknown__c: false, Referring_Partner__c: "@given:reseller"}
  - name: A conflicting registration cannot be submitted
    persona: admin
    given:
      - {key: customer, object: Account, fields: {Name: Fabrikam, IsPartner: false}}
      - {key: deal, object: Opportunity, fields: {Name: Fabrikam rollout, AccountId: "@given:customer",
                                                  StageName: Prospecting, CloseDate: "2027-03-31", Amount: 1000}}
    record:
      object: Lead
      fields: {LastName: Ito, Company: Fabrikam, Deal_Amount__c: 80000, Expected_Close_Date__c: "2027-03-31",
               PartnerAccountId: "@account:Silver", Registration_Status__c: Submitted}
    steps:
      - action: create
        expect: {blocked: {rule: Channel_Conflict_Blocked, message: Channel conflict}}
"""


def test_review_queue_and_block_policies_as_scenarios(tmp_path: Path) -> None:
    """The other fallback (review_queue) and conflict action (block), matched by company name
    only, run from the metadata a variant of the example builds."""
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs, ignore=shutil.ignore_patterns("scenarios"))
    text = (specs / "attribution.yml").read_text()
    text = text.replace("unknown_code: flag ", "unknown_code: review_queue\n    review_queue: Partner_Code_Review ")
    text = text.replace("action: flag ", "action: block ").replace("match_on: [email_domain, company_name]",
                                                                   "match_on: [company_name]")
    (specs / "attribution.yml").write_text(text)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "variant.yml").write_text(VARIANT_SCENARIOS)
    report = api.test(specs, scenarios=folder, generated=False, today=TODAY)
    assert len(report.results) == 3
    assert {r.name: r.failures for r in report.results if r.failures} == {}
