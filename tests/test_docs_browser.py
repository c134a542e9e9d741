"""The handoff package in a real browser (headless Chromium): the diagrams render with
their labels and no page logs an error. CI installs Chromium (`.ci/run`); elsewhere the
test is skipped unless PRM_REQUIRE_CHROMIUM=1 makes a missing browser a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prm_builder import api
from tests.browser import Chromium, find_chromium
from tests.conftest import ROOT, TODAY

CHROMIUM = find_chromium()
if CHROMIUM is None and os.environ.get("PRM_REQUIRE_CHROMIUM") == "1":
    raise RuntimeError("PRM_REQUIRE_CHROMIUM=1 but no Chromium found (apt-get install chromium)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)")

DIAGRAMS_JS = """
JSON.stringify(Array.from(document.querySelectorAll('svg.prm-diagram')).map(svg => {
  const box = svg.getBoundingClientRect();
  return {
    name: svg.dataset.diagram, width: box.width, height: box.height,
    labels: Array.from(svg.querySelectorAll('g.node')).map(g => g.dataset.label),
    drawnText: Array.from(svg.querySelectorAll('g.node text')).every(t => t.getComputedTextLength() > 0),
    overflowing: Array.from(svg.querySelectorAll('g.node')).filter(
      g => g.querySelector('text').getBBox().width > g.querySelector('rect').width.baseVal.value).map(g => g.dataset.label),
    edges: svg.querySelectorAll('path.edge').length,
  };
}))
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "handoff"
    api.docs(ROOT / "specs", out, as_of=TODAY, checklist=None)
    return out


@pytest.fixture(scope="module")
def browser() -> Chromium:
    assert CHROMIUM is not None
    with Chromium(CHROMIUM) as chromium:
        yield chromium


def test_tier_hierarchy_diagram_renders_with_its_labels(package: Path, browser: Chromium) -> None:
    import json

    page = browser.open((package / "index.html").as_uri())
    diagrams = json.loads(page.evaluate(DIAGRAMS_JS))
    assert [d["name"] for d in diagrams] == ["tier-hierarchy"]
    tier = diagrams[0]
    assert tier["width"] > 100 and tier["height"] > 100 and tier["drawnText"] and tier["overflowing"] == []
    assert tier["labels"] == ["New partner", "Bronze (rank 1)", "Silver (rank 2)", "Gold (rank 3)"]
    assert tier["edges"] == 5  # joins, and promotion and demotion between each pair of tiers
    assert page.console_errors() == []


def test_every_page_loads_without_console_errors(package: Path, browser: Chromium) -> None:
    pages = sorted(p.name for p in package.glob("*.html"))
    assert "print.html" in pages and len(pages) >= 7
    for name in pages:
        page = browser.open((package / name).as_uri())
        assert page.evaluate("document.querySelector('main h1') !== null"), name
        # the stylesheet loaded: the sidebar is laid out beside the content
        assert page.evaluate("getComputedStyle(document.querySelector('nav.sidebar')).position") == "fixed", name
        assert page.console_errors() == [], name


def test_console_errors_are_detected(tmp_path: Path, browser: Chromium) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><html><head><link rel="stylesheet" href="missing.css"></head>'
                      "<body><script>console.error('boom')</script></body></html>")
    errors = browser.open(broken.as_uri()).console_errors()
    assert any("boom" in e for e in errors) and any("missing.css" in e for e in errors)


def test_deal_registration_flow_and_approval_diagrams_render(package: Path, browser: Chromium) -> None:
    import json

    flow = json.loads(browser.open((package / "deal-registration.html").as_uri()).evaluate(DIAGRAMS_JS))
    assert [d["name"] for d in flow] == ["deal-registration-flow"]
    assert flow[0]["width"] > 300 and flow[0]["drawnText"] and flow[0]["overflowing"] == []
    assert {"Partner registers a deal", "Approved", "Rejected", "Expired", "Opportunity"} <= set(flow[0]["labels"])
    page = browser.open((package / "approvals.html").as_uri())
    approvals = json.loads(page.evaluate(DIAGRAMS_JS))
    assert len(approvals) >= 2 and all(d["drawnText"] and d["edges"] >= 3 and not d["overflowing"] for d in approvals)
    assert all({"Submitted for approval", "Approved", "Rejected"} <= set(d["labels"]) for d in approvals)
    assert page.console_errors() == []
