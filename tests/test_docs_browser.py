"""The handoff package in a real browser (headless Chromium): the diagrams render with
their labels and no page logs an error. CI installs Chromium (`.ci/run`); elsewhere the
test is skipped unless PRM_REQUIRE_CHROMIUM=1 makes a missing browser a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prm_builder import api
from tests.browser import Chromium, find_chromium
from tests.conftest import PROGRAMS, ROOT, TODAY

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


# ---- the signed deliverables, for the example program and every test program (issue 19) --------

PROGRAM_DIRS = {"example": ROOT / "specs", **{p.name: p for p in sorted(PROGRAMS.iterdir()) if p.is_dir()}}

#: what a deliverable page must show: element id -> minimum number of table body rows after it
DELIVERABLES = {
    "sign-off.html": {"sign-off-control": 5, "sign-off-approvals": 1},
    "raid.html": {},
    "personas.html": {"personas-objects": 1, "personas-fields": 1},
    "uat.html": {},
    "training-admin.html": {},
    "runbook.html": {"runbook-before": 3, "runbook-deploy": 3, "runbook-deploy-order": 6, "runbook-after": 3,
                     "runbook-smoke-test": 2},
}

SHOWN_JS = """
JSON.stringify((() => {
  const rowsAfter = id => {
    let node = document.getElementById(id);
    if (!node) return -1;
    for (node = node.nextElementSibling; node && node.tagName !== 'H2'; node = node.nextElementSibling) {
      const table = node.tagName === 'TABLE' ? node : node.querySelector('table');
      if (table) return Array.from(table.tBodies[0].rows).filter(r => r.getBoundingClientRect().height > 0).length;
    }
    return 0;
  };
  const main = document.querySelector('main');
  return {
    title: document.querySelector('main h1').textContent,
    tables: Array.from(main.querySelectorAll('table')).filter(t => t.getBoundingClientRect().height > 0).length,
    rows: Object.fromEntries(IDS.map(id => [id, rowsAfter(id)])),
    text: main.innerText,
  };
})())
"""


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("programs")
    out = {}
    for name, specs in PROGRAM_DIRS.items():
        out[name] = base / name
        api.docs(specs, out[name], as_of=TODAY, checklist=None)
    return out


def _shown(browser: Chromium, page_file: Path, ids: list[str], width: int = 1280) -> dict:
    import json

    page = browser.open(page_file.as_uri(), width=width)
    shown = json.loads(page.evaluate(SHOWN_JS.replace("IDS", json.dumps(ids))))
    assert page.console_errors() == [], page_file.name
    return shown


@pytest.mark.parametrize("program", sorted(PROGRAM_DIRS))
def test_deliverables_render_for_every_program(packages: dict[str, Path], browser: Chromium, program: str) -> None:
    out = packages[program]
    for page_name, wanted in DELIVERABLES.items():
        assert (out / page_name).is_file(), f"{program}: no {page_name}"
        shown = _shown(browser, out / page_name, list(wanted))
        assert shown["tables"] >= 1, f"{program} {page_name}: no table shown"
        for anchor, minimum in wanted.items():
            assert shown["rows"][anchor] >= minimum, f"{program} {page_name} #{anchor}: {shown['rows'][anchor]} rows"
    sign_off = _shown(browser, out / "sign-off.html", [])["text"]
    assert "Signature" in sign_off or "signature" in sign_off
    uat = _shown(browser, out / "uat.html", [])["text"]
    assert "pass / fail" in uat and (out / "uat-plan.csv").is_file() and (out / "uat-plan.xlsx").is_file()
    # every quick reference the program has (partner and channel-manager pages come with the
    # features they explain) shows its steps
    for training in sorted(out.glob("training-*.html")):
        assert _shown(browser, training, [])["tables"] >= 1, f"{program} {training.name}"
    runbook = _shown(browser, out / "runbook.html", [])["text"]
    assert "prm deploy --org NAME" in runbook and ".prm/snapshots/" in runbook


@pytest.mark.parametrize("program", sorted(PROGRAM_DIRS))
def test_print_page_has_cover_contents_and_links_to_its_own_sections(packages: dict[str, Path], browser: Chromium,
                                                                       program: str) -> None:
    import json

    page = browser.open((packages[program] / "print.html").as_uri())
    on_screen = page.evaluate("getComputedStyle(document.querySelector('.cover')).display")
    page.emulate_media("print")
    layout = json.loads(page.evaluate("""JSON.stringify({
      cover: document.querySelector('.cover').getBoundingClientRect().height,
      coverText: document.querySelector('.cover').innerText,
      toc: Array.from(document.querySelectorAll('nav.toc a')).map(a => a.getAttribute('href')),
      sections: Array.from(document.querySelectorAll('section.page')).map(s => '#' + s.id),
      sidebar: Array.from(document.querySelectorAll('nav.sidebar ol a')).map(a => a.getAttribute('href')),
      missing: Array.from(document.querySelectorAll('nav a[href^="#"]'))
        .map(a => a.getAttribute('href')).filter(h => !document.getElementById(h.slice(1))),
    })"""))
    assert on_screen == "none"  # the cover is for paper
    assert layout["cover"] > 500 and "Handoff documentation" in layout["coverText"]
    for fact in ("Version", "Spec commit", "Date judged", "Review checklist", "Approvers", TODAY.isoformat()):
        assert fact in layout["coverText"], fact
    # the contents list every section, in order, and each heading under it
    assert [h for h in layout["toc"] if h.startswith("#section-")] == layout["sections"]
    assert len(layout["toc"]) > len(layout["sections"])
    # print.html's sidebar stays on the page: one link per section, to that section
    assert layout["sidebar"] == layout["sections"]
    assert layout["missing"] == []
    assert page.console_errors() == []


@pytest.mark.parametrize("page_name", ["index.html", "fields.html", "print.html"])
def test_at_800_px_the_sidebar_sits_above_the_content(package: Path, browser: Chromium, page_name: str) -> None:
    """A narrow window (800 px): the sidebar becomes a short bar above the content instead
    of a fixed column taking a third of the page; the content gets the full width."""
    import json

    page = browser.open((package / page_name).as_uri(), width=800, height=900)
    box = json.loads(page.evaluate("""JSON.stringify({
      sidebar: document.querySelector('nav.sidebar').getBoundingClientRect().toJSON(),
      position: getComputedStyle(document.querySelector('nav.sidebar')).position,
      main: document.querySelector('main').getBoundingClientRect().toJSON(),
    })"""))
    assert box["position"] != "fixed"
    assert box["main"]["width"] >= 0.9 * 800 and box["main"]["left"] < 0.05 * 800
    assert box["sidebar"]["height"] <= 0.25 * 900  # a bar, scrolled within itself
    assert box["main"]["top"] >= box["sidebar"]["bottom"] - 1
    wide = browser.open((package / page_name).as_uri(), width=1280, height=900)
    beside = json.loads(wide.evaluate("JSON.stringify(document.querySelector('nav.sidebar').getBoundingClientRect())"))
    assert beside["width"] <= 1280 / 4  # on a wide screen it is a column beside the content, under a quarter
