"""The handoff package on paper: `prm docs --pdf` prints print.html with headless Chromium,
and the PDF has a cover, a table of contents, numbered pages, tables inside the page and
diagram text no smaller than 7 pt. Like the browser test, skipped without Chromium unless
PRM_REQUIRE_CHROMIUM=1 makes a missing browser a failure."""

from __future__ import annotations

import json
import math
import os
import unicodedata
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.docs.pdf import page_count
from prm_builder.errors import PrmUserError
from tests.browser import Chromium, find_chromium
from tests.conftest import ROOT, TODAY, run_prm

pypdf = pytest.importorskip("pypdf")

CHROMIUM = find_chromium()
if CHROMIUM is None and os.environ.get("PRM_REQUIRE_CHROMIUM") == "1":
    raise RuntimeError("PRM_REQUIRE_CHROMIUM=1 but no Chromium found (apt-get install chromium)")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)")

#: A4 portrait less the print stylesheet's 15 mm side margins: the narrowest content box, in CSS px
A4_CONTENT_PX = (210 - 2 * 15) / 25.4 * 96
READABLE_PT = 7.0

PRINT_LAYOUT_JS = """
JSON.stringify({
  tables: Array.from(document.querySelectorAll('main table')).filter(t => t.offsetParent !== null).map(t => ({
    caption: (t.caption ? t.caption.textContent : t.rows[0].textContent).slice(0, 60),
    width: t.getBoundingClientRect().width, scroll: t.scrollWidth,
    wrapScroll: t.parentElement.scrollWidth, wrapClient: t.parentElement.clientWidth})),
  pres: Array.from(document.querySelectorAll('main pre')).map(p => ({width: p.scrollWidth, client: p.clientWidth})),
  body: document.documentElement.scrollWidth,
  diagrams: Array.from(document.querySelectorAll('main svg.prm-diagram, main svg.print-tile'))
    .filter(svg => svg.getBoundingClientRect().width > 0).map(svg => {
      const host = svg.classList.contains('print-tile') ? svg.closest('figure').querySelector('svg.prm-diagram') : svg;
      const sizes = Array.from(host.querySelectorAll('text, tspan')).map(t => parseFloat(getComputedStyle(t).fontSize));
      return {name: svg.closest('figure').id, scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
              smallest: Math.min(...sizes), right: svg.getBoundingClientRect().right};
    }),
})
"""


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, api.DocsResult]:
    base = tmp_path_factory.mktemp("pdf")
    result = api.docs(ROOT / "specs", base / "handoff", as_of=TODAY, checklist=None, pdf=base / "handoff.pdf")
    return base / "handoff", result


def _text(reader: object, page: int) -> str:
    """A page's text, ligatures (ﬁ, ﬀ) spelled out."""
    return unicodedata.normalize("NFKC", reader.pages[page].extract_text())  # type: ignore[attr-defined]


@needs_chromium
def test_pdf_has_a_cover_contents_and_numbered_pages(printed: tuple[Path, api.DocsResult]) -> None:
    out, result = printed
    assert result.pdf is not None and result.pdf.is_file() and not list(out.glob(".print-*"))
    reader = pypdf.PdfReader(str(result.pdf))
    pages = len(reader.pages)
    assert result.pdf_pages == pages
    # every section starts a page, after the cover and the contents; a page per ~2 kB of
    # print.html at most (the example printed 74 unnumbered Letter pages before the stylesheet)
    assert len(result.sections) + 2 <= pages <= 200
    a4 = reader.pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    cover = _text(reader, 0)
    assert "Handoff documentation" in cover and "Northwind" in cover and "Page" not in cover
    contents = " ".join(_text(reader, i) for i in (1, 2))
    assert "Contents" in contents and "Page 2 of" in contents
    titles = [t.split(">")[1].split("<")[0] for t in
              (out / "print.html").read_text().split('<nav class="toc"')[1].split("</nav>")[0].split("<li><a ")[1:]]
    assert len(titles) >= len(result.sections)
    missing = [t for t in titles[:12] if t.replace("&amp;", "&") not in contents.replace("\n", " ")]
    assert missing == []
    assert f"Page {pages} of {pages}" in _text(reader, pages - 1)
    assert reader.outline, "Chromium writes a bookmark outline from the headings"


@needs_chromium
def test_no_text_in_the_pdf_is_smaller_than_readable(printed: tuple[Path, api.DocsResult]) -> None:
    """The PDF itself: every run of text (diagram labels included) at its printed size."""
    _, result = printed
    reader = pypdf.PdfReader(str(result.pdf))
    small: list[tuple[int, float, str]] = []

    def visitor(page: int):  # type: ignore[no-untyped-def]
        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            m = pypdf.mult(tm, cm)
            printed_size = size * math.hypot(m[0], m[1])
            if text.strip() and printed_size < READABLE_PT:
                small.append((page + 1, round(printed_size, 1), text[:40]))
        return visit

    for i, page in enumerate(reader.pages):
        page.extract_text(visitor_text=visitor(i))
    assert small == []


@needs_chromium
def test_print_layout_keeps_tables_and_diagrams_inside_the_page(printed: tuple[Path, api.DocsResult]) -> None:
    out, _ = printed
    with Chromium(CHROMIUM) as browser:  # type: ignore[arg-type]
        page = browser.open((out / "print.html").as_uri(), width=math.floor(A4_CONTENT_PX), height=1000)
        browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=page.session)
        layout = json.loads(page.evaluate(PRINT_LAYOUT_JS))
        assert page.console_errors() == []
    assert len(layout["tables"]) >= 20 and len(layout["diagrams"]) >= 8
    wide = [t for t in layout["tables"] if t["width"] > A4_CONTENT_PX + 0.5 or t["scroll"] > t["width"] + 1
            or t["wrapScroll"] > t["wrapClient"] + 1]
    assert wide == []
    assert [p for p in layout["pres"] if p["width"] > p["client"] + 1] == []
    assert layout["body"] <= math.floor(A4_CONTENT_PX)
    for d in layout["diagrams"]:
        assert d["right"] <= A4_CONTENT_PX + 0.5, d
        # CSS px -> pt: x 0.75
        assert d["smallest"] * d["scale"] * 0.75 >= READABLE_PT, d
    tiled = {d["name"] for d in layout["diagrams"]}
    assert "figure-data-model" in tiled  # 3,600 units wide: printed in parts, not shrunk


@needs_chromium
def test_letter_paper(tmp_path: Path) -> None:
    result = api.docs(ROOT / "specs", tmp_path / "docs", as_of=TODAY, checklist=None,
                      pdf=tmp_path / "letter.pdf", paper="letter")
    assert result.pdf is not None and result.pdf_pages == page_count(result.pdf) > 20
    box = pypdf.PdfReader(str(result.pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_missing_chromium_is_a_user_error_before_anything_is_written(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRM_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(PrmUserError, match="needs Chromium"):
        api.docs(ROOT / "specs", tmp_path / "docs", as_of=TODAY, checklist=None, pdf=tmp_path / "x.pdf")
    assert not (tmp_path / "docs").exists()


def test_cli_pdf_without_chromium_exits_1_with_the_envelope(project: Path) -> None:
    run = run_prm("docs", "--pdf", "--json", cwd=project, env={"PRM_CHROMIUM": str(project / "no-such-browser")})
    assert run.returncode == 1
    payload = json.loads(run.stdout)
    assert payload["error"]["kind"] == "user" and "Chromium" in payload["error"]["message"]
    assert not (project / "build" / "docs").exists()


@needs_chromium
def test_cli_pdf_writes_handoff_pdf_into_the_package(project: Path) -> None:
    run = run_prm("docs", "--pdf", "--paper", "letter", "--json", cwd=project)
    assert run.returncode == 0, run.stderr
    import jsonschema

    payload = json.loads(run.stdout)
    jsonschema.validate(payload, json.loads((ROOT / "schema" / "prm-output.schema.json").read_text()))
    pdf = payload["result"]["pdf"]
    assert pdf["path"].endswith("build/docs/handoff.pdf") and pdf["paper"] == "letter"
    assert pdf["pages"] == page_count(project / "build" / "docs" / "handoff.pdf") >= 3
    again = run_prm("docs", "--json", cwd=project)  # without --pdf the old PDF stays, flagged
    assert again.returncode == 0 and "not reprinted" in json.loads(again.stdout)["warnings"][0]


@needs_chromium
def test_screen_layouts_keep_diagrams_readable_and_the_sidebar_small(printed: tuple[Path, api.DocsResult]) -> None:
    """On screen a wide diagram scrolls instead of shrinking below MIN_SCALE; at 800 px the
    sidebar sits above the content instead of taking a third of the width."""
    from prm_builder.docs.diagram import MIN_SCALE

    out, _ = printed
    with Chromium(CHROMIUM) as browser:  # type: ignore[arg-type]
        page = browser.open((out / "data-model.html").as_uri(), width=1280, height=900)
        scale = page.evaluate("(() => { const s = document.querySelector('svg.prm-diagram');"
                              " return s.getBoundingClientRect().width / s.viewBox.baseVal.width; })()")
        assert scale >= MIN_SCALE - 0.001
        assert page.evaluate("(() => { const f = document.querySelector('figure.diagram');"
                             " return f.scrollWidth > f.clientWidth && getComputedStyle(f).overflowX === 'auto'; })()")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        narrow = browser.open((out / "lead-distribution.html").as_uri(), width=800, height=900)
        side = narrow.evaluate("JSON.stringify(document.querySelector('nav.sidebar').getBoundingClientRect())")
        main = narrow.evaluate("JSON.stringify(document.querySelector('main').getBoundingClientRect())")
        side, main = json.loads(side), json.loads(main)
        assert main["width"] >= 760 and main["top"] >= side["bottom"] - 1 and side["height"] <= 250
        wide = browser.open((out / "lead-distribution.html").as_uri(), width=1280, height=900)
        assert wide.evaluate("getComputedStyle(document.querySelector('nav.sidebar')).position") == "fixed"
        # print.html's sidebar points at its own sections
        links = browser.open((out / "print.html").as_uri()).evaluate(
            "Array.from(document.querySelectorAll('nav.sidebar ol a')).map(a => a.getAttribute('href'))")
        assert links and all(h.startswith("#section-") for h in links)


def test_diagram_parts_fit_the_page_at_a_readable_scale() -> None:
    """Without a browser: the parts a wide or tall diagram prints in are no larger than the
    page allows at MIN_SCALE, cover the whole drawing, and cut between boxes when they can."""
    from prm_builder.docs.diagram import MIN_SCALE, PRINT_HEIGHT_PX, PRINT_WIDTH_PX, _cuts, print_tiles

    boxes = {f"n{i}": (100.0 + 300 * i, 50.0 + 120 * (i % 3), 200.0, 60.0) for i in range(12)}
    bounds = (0.0, 0.0, 3700.0, 400.0)
    tiles = print_tiles(boxes, bounds)
    assert len(tiles) > 1
    for x, y, w, h in tiles:
        assert w * MIN_SCALE <= PRINT_WIDTH_PX + 0.01 and h * MIN_SCALE <= PRINT_HEIGHT_PX + 0.01
    assert min(t[0] for t in tiles) == 0.0 and max(t[0] + t[2] for t in tiles) == 3700.0
    # every cut falls in a gap between boxes (the boxes are 100 units apart)
    for x, _, w, _ in tiles[:-1]:
        assert all(not (bx - bw / 2 < x + w < bx + bw / 2) for bx, _, bw, _ in boxes.values())
    assert print_tiles({"a": (100.0, 100.0, 200.0, 100.0)}, (0.0, 0.0, 216.0, 216.0)) == [(0.0, 0.0, 216.0, 216.0)]
    # no gap at all: parts overlap so that each box is whole in one of them
    spans = [(0.0, 500.0), (400.0, 900.0), (800.0, 1300.0), (1200.0, 1700.0)]
    parts = _cuts(spans, 0.0, 1700.0, 800.0)
    assert parts[0][0] == 0.0 and parts[-1][1] == 1700.0 and all(b - a <= 800.0 for a, b in parts)
    assert all(any(a <= lo and hi <= b for a, b in parts) for lo, hi in spans), parts


def test_only_the_columns_with_the_longest_words_may_break_in_print() -> None:
    from prm_builder.docs.content import Table
    from prm_builder.docs.render import _breakable

    assert _breakable(Table(("name", "count"), (("Partner", "3"),))) == set()
    api_names = tuple((f"PRM_Very_Long_Api_Name_Number_{i}_With_A_Longer_Tail_Still__c", "Currency",
                       "specs/a_long_folder/performance_and_more.yml:6:3",
                       "A sentence of short words") for i in range(3))
    chosen = _breakable(Table(("API name", "type", "spec", "description"), api_names))
    assert 0 in chosen and 1 not in chosen and 3 not in chosen
