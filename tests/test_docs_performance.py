"""The partner performance page of the example program's handoff package: every metric,
the score with its worked examples, and every report."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree, html

from prm_builder import api
from prm_builder.generate.performance_reports import reports
from prm_builder.performance import catalogue as cat
from tests.conftest import ROOT, TODAY
from tests.test_performance_score import HAND_WORKED

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("performance") / "handoff"
    api.docs(ROOT / "specs", out, as_of=TODAY, checklist=None)
    return out


def _tables(package: Path, page: str) -> list[list[list[str]]]:
    root = html.fromstring((package / page).read_bytes())
    return [[[c.text_content() for c in tr] for tr in t.cssselect("tbody tr")] for t in root.cssselect("table")]


def test_page_lists_metrics_score_examples_and_reports(package: Path) -> None:
    spec = api.validate(ROOT / "specs", TODAY).spec
    metrics, components, bands, flags, examples, report_rows, folders, dashboards = _tables(package, "performance.html")
    assert [r[1] for r in metrics] == [m.api_name for m in cat.metrics(spec)]
    assert {r[2] for r in metrics} == {"daily job", "roll-up summary", "formula"}
    assert [(r[0], r[1]) for r in components] == [("csat", "15"), ("deal velocity", "10"), ("engagement", "20"),
                                                  ("pipeline", "25"), ("revenue", "30")]
    assert bands[0] == ["Healthy", "≥ 70"] and flags[0][0] == "renewal risk"
    assert {r[0].replace(" ", "_"): r[6] for r in examples} == {k: str(v[0]) for k, v in HAND_WORKED.items()}
    assert [r[0] for r in report_rows] == [r.label for r in reports(spec)]
    assert ["PRM Partner Scorecard", "PRM_Partner_Scorecard", "partner", "tier groups (partner users)"] in folders
    assert any(r[1] == "the viewing user" for r in dashboards)


def test_data_model_draws_lookups_that_start_on_existing_objects(package: Path) -> None:
    svg = etree.parse(str(package / "diagrams" / "data-model.svg")).getroot()
    edges = {(p.get("data-from"), p.get("data-to")) for p in svg.iter(f"{SVG}path") if p.get("data-from")}
    assert {("Account", "Case"), ("Account", "Partner_Survey_Response__c"), ("User", "Account")} <= edges
