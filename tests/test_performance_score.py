"""The health score against hand-worked examples (edge cases included), and the generated
Apex: its test class asserts exactly what the Python score function computes, spec values
are escaped, and the job sets every scheduled metric the catalogue lists."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest

from prm_builder.generate.apex import apex_comment, apex_string
from prm_builder import api
from prm_builder.model.performance import HealthScore, ScoreComponent
from prm_builder.performance import catalogue as cat
from prm_builder.performance.examples import EXAMPLES, TODAY as EXAMPLE_DAY
from prm_builder.performance.score import PartnerInputs, add_months, quarter_start, score
from tests.conftest import ROOT, TODAY, edit_spec

DEFAULT = HealthScore()

# Worked by hand from the definitions in prm_builder/performance/score.py (default weights
# revenue 30, pipeline 25, engagement 20, CSAT 15, deal velocity 10; caps 1.0, 3.0, 12, 5, 90 days):
HAND_WORKED = {
    # 30*0.8 + 25*(2/3) + 20*(9/12) + 15*(4.5/5) + 10*1 = 24 + 16.6666666675 + 15 + 13.5 + 10 = 79.17
    "on_track": (D("79.2"), "Healthy", ("contract_ending",)),
    # no target: revenue and pipeline not scored; 20*0.25 + 15*0.6 + 10*(90/120) = 21.5 of 45 -> 47.78
    "no_target": (D("47.8"), "At Risk", ("no_recent_activity",)),
    # zero pipeline (and nothing else): revenue 0, pipeline 0, engagement 0 of 75 -> 0
    "zero_pipeline": (D("0.0"), "At Risk", ("no_recent_activity", "low_pipeline_coverage")),
    # no survey responses: CSAT not scored; 30*1 (capped) + 25*0.5 + 20*1 + 10*1 = 72.5 of 85 -> 85.29
    "no_surveys": (D("85.3"), "Healthy", ()),
    # new this quarter: revenue not scored; 25*0.5 + 20*0.5 = 22.5 of 45 (no CSAT, no won deals) -> 50.0
    "new_this_quarter": (D("50.0"), "Watch", ("new_partner",)),
}


@pytest.mark.parametrize("name", sorted(HAND_WORKED))
def test_score_matches_the_hand_worked_example(name: str) -> None:
    expected_score, expected_band, expected_flags = HAND_WORKED[name]
    result = score(EXAMPLES[name], DEFAULT, EXAMPLE_DAY)
    assert (result.score, result.band, result.flags) == (expected_score, expected_band, expected_flags)


def test_every_example_is_hand_worked() -> None:
    assert set(EXAMPLES) == set(HAND_WORKED)


def test_components_not_scored_are_reported_as_none() -> None:
    ratios = score(EXAMPLES["no_target"], DEFAULT, EXAMPLE_DAY).components
    assert ratios["revenue"] is None and ratios["pipeline"] is None
    assert ratios["csat"] == D("0.6") and ratios["deal_velocity"] == D("0.75")


def test_caps_and_weights_come_from_the_spec() -> None:
    only_revenue = HealthScore(components={"revenue": ScoreComponent(weight=100, cap=2.0)})
    inputs = PartnerInputs(target=D(100), closed_won_qtd=D(150), start_date=dt.date(2020, 1, 1))
    assert score(inputs, only_revenue, EXAMPLE_DAY).score == D("75.0")  # 1.5 of a 2.0 cap
    assert score(PartnerInputs(), only_revenue, EXAMPLE_DAY).score is None  # no target: nothing to score
    assert score(PartnerInputs(), only_revenue, EXAMPLE_DAY).band is None


def test_band_boundaries_are_inclusive() -> None:
    only_engagement = HealthScore(components={"engagement": ScoreComponent(weight=100, cap=10)})
    assert score(PartnerInputs(engagement_count=7), only_engagement, EXAMPLE_DAY).band == "Healthy"  # 70.0
    assert score(PartnerInputs(engagement_count=5), only_engagement, EXAMPLE_DAY).band == "Watch"  # 50.0
    assert score(PartnerInputs(engagement_count=4), only_engagement, EXAMPLE_DAY).band == "At Risk"


def test_calendar_helpers_behave_like_apex() -> None:
    assert quarter_start(dt.date(2026, 12, 31)) == dt.date(2026, 10, 1)
    # Apex Date.addMonths keeps the day or falls back to the month's last day
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 5, 15), -6) == dt.date(2025, 11, 15)


# --- the generated Apex -------------------------------------------------------------------

@pytest.fixture(scope="module")
def northwind_components() -> dict:
    result = api.validate(ROOT / "specs", TODAY)
    assert result.ok, "\n".join(d.format() for d in result.diagnostics)
    return {c.key: c for c in result.components}


def test_apex_test_class_asserts_the_scores_prm_computes(northwind_components: dict) -> None:
    test_class = northwind_components["ApexClass:PartnerHealthScoreJobTest"].content.decode()
    asserted = dict(re.findall(r"static void scores(\w+)\(\).*?assertEquals\(([\d.]+), r\.score", test_class, re.S))
    method = lambda name: "".join(w.title() for w in name.split("_"))  # noqa: E731 - Apex method names, no '_'
    assert {name: D(value) for name, value in asserted.items()} == {method(n): v[0] for n, v in HAND_WORKED.items()}


def test_job_sets_every_scheduled_metric_and_the_score(northwind_components: dict) -> None:
    job = northwind_components["ApexClass:PartnerHealthScoreJob"].content.decode()
    specs = api.validate(ROOT / "specs", TODAY).spec
    for metric in cat.metrics(specs):
        if metric.kind == "scheduled":
            assert f"a.{metric.api_name} = " in job, metric.key
    assert "a.Partner_Health_Score__c = r.score;" in job and "a.Partner_Health_Band__c = r.band;" in job
    # weights and caps from the spec, sorted by component
    assert "total += 30 * ratio;" in job and "capped(div(i.openPipelineValue, i.target), 3.0)" in job


def test_spec_values_are_escaped_in_apex() -> None:
    assert apex_string("0 0 2 * * ?'); delete x; //") == "0 0 2 * * ?\\'); delete x; //"
    assert apex_string("a\\b\nc") == "a\\\\b\\nc"
    assert "*/" not in apex_comment("Partner */ Network\n*/")


def test_program_name_cannot_end_the_apex_comment(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    edit_spec(specs / "program.yml", "name: Northwind Partner Network", "name: \"Northwind */ class X {\"")
    result = api.validate(specs, TODAY)
    assert result.ok
    job = next(c for c in result.components if c.key == "ApexClass:PartnerHealthScoreJob").content.decode()
    assert "Northwind * / class X {" in job and "Northwind */" not in job


def test_certifications_metric_becomes_the_active_certification_roll_up(northwind_components: dict) -> None:
    field = northwind_components["CustomField:Account.Certified_Consultants__c"].body
    assert field["type"] == "Summary" and field["summaryOperation"] == "count"
    assert field["summaryForeignKey"] == "Partner_Certification__c.Partner_Account__c"
    assert field["summaryFilterItems"] == [{"field": "Partner_Certification__c.Status__c", "operation": "equals",
                                            "value": "Active"}]
    # the qualified-tier formula still reads it
    qualified = northwind_components["CustomField:Account.Qualified_Partner_Tier__c"].body["formula"]
    assert "Certified_Consultants__c >= 5" in qualified


def test_revenue_and_pipeline_are_never_roll_ups() -> None:
    # Opportunity reaches its partner through a lookup: roll-up summaries need master-detail
    # (Salesforce Help, "Roll-Up Summary Field": "on the master object in a master-detail relationship").
    for m in cat.CATALOGUE:
        if m.group in ("revenue", "pipeline", "deal_registration", "mdf"):
            assert m.kind != "rollup", m.key
