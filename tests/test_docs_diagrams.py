"""Every diagram of the example program and of the test programs, read back from its SVG:
no floating box, edge labels clear of each other, of the boxes and of the other edges (a
label never sits on a crossing), labelled edges into approval routes, text inside its box
(measured by a real browser), and the content issue 19 asked each diagram to show."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.browser import Chromium, find_chromium
from tests.docs_programs import diagram_files, line_hits, overlap, packages, read

CHROMIUM = find_chromium()


def test_every_box_has_an_edge() -> None:
    floating = []
    for program, svg in diagram_files():
        d = read(svg)
        linked = {e[0] for e in d.edges} | {e[1] for e in d.edges}
        floating += [(program, svg.name, d.node_labels[n]) for n in d.nodes if n not in linked and len(d.nodes) > 1]
    assert floating == []


def test_edge_labels_overlap_no_label_no_box_and_no_other_edge() -> None:
    problems = []
    count = 0
    for program, svg in diagram_files():
        d = read(svg)
        for i, (src, dst, box) in enumerate(d.labels):
            count += 1
            where = (program, svg.name, src, dst)
            problems += [(*where, "label", o[:2]) for o in d.labels[i + 1:] if overlap(box, o[2])]
            problems += [(*where, "box", n) for n, r in d.nodes.items() if overlap(box, r)]
            problems += [(*where, "edge", e[:2]) for e in d.edges if e[:2] != (src, dst) and line_hits(e[2], box)]
    assert count > 100  # the check saw the labels
    assert problems == []


def test_edges_into_approval_routes_are_labelled() -> None:
    out = packages()["example"]
    for name in ("deal-registration-flow", "mdf-process"):
        d = read(out / "diagrams" / f"{name}.svg")
        labelled = {(s, t) for s, t, _ in d.labels}
        routes = [n for n, label in d.node_labels.items() if "approval:" in label.lower()]
        assert len(routes) >= 2, name
        into = [(s, t) for s, t, _ in d.edges if t in routes]
        assert into and all(e in labelled for e in into), (name, into, labelled)


def test_mdf_flow_lists_every_activity_type() -> None:
    from prm_builder import api
    from tests.conftest import ROOT, TODAY

    spec = api.validate(ROOT / "specs", TODAY).spec
    assert spec is not None and spec.mdf is not None and len(spec.mdf.activity_types) > 3
    text = (packages()["example"] / "diagrams" / "mdf-process.svg").read_text()
    # wrapped over lines: compare without the line breaks
    words = " ".join(t.split(">", 1)[1] for t in text.split("<tspan")[1:] if ">" in t).replace("</tspan>", " ")
    flat = " ".join(words.replace("</text>", " ").replace("</g>", " ").split())
    for activity in spec.mdf.activity_types:
        assert activity in flat, activity


def test_routing_diagrams_split_by_territory_with_each_queue_once_and_the_sla() -> None:
    out = packages()["example"]
    files = sorted((out / "diagrams").glob("lead-routing-*.svg"))
    assert [f.stem.rsplit("-", 1)[1] for f in files] == ["dach", "elsewhere", "na", "uki"]
    for f in files:
        d = read(f)
        queues = Counter(label for n, label in d.node_labels.items() if n.startswith("q"))
        assert queues and max(queues.values()) == 1, f.name
    na = read(out / "diagrams" / "lead-routing-prm-lead-distribution-na.svg")
    ids = {label: n for n, label in na.node_labels.items()}
    sla = {(na.node_labels[s], na.node_labels[t]) for s, t, _ in na.edges if s.startswith("q") and t.startswith("q")}
    # the acceptance SLA (48 hours, next queue): Gold hands on to Silver, Silver to the pool
    assert {("PRM_Leads_Gold_NA", "PRM_Leads_Silver_NA"), ("PRM_Leads_Silver_NA", "PRM_Lead_Pool")} <= sla
    assert (ids["PRM_Leads_Gold_NA"], ids["PRM_Leads_Silver_NA"]) in {(s, t) for s, t, _ in na.labels}
    assert ">48 h<" in (out / "diagrams" / "lead-routing-prm-lead-distribution-na.svg").read_text()
    # a North American lead meets only the entries that allow North America
    assert "Entry 4" not in na.node_labels.values() and "Entry 3" in na.node_labels.values()


def test_tier_diagram_shows_promotion_and_demotion() -> None:
    d = read(packages()["example"] / "diagrams" / "tier-hierarchy.svg")
    pairs = {(d.node_labels[s], d.node_labels[t]) for s, t, _ in d.edges}
    assert {("Bronze (rank 1)", "Silver (rank 2)"), ("Silver (rank 2)", "Gold (rank 3)")} <= pairs
    assert {("Silver (rank 2)", "Bronze (rank 1)"), ("Gold (rank 3)", "Silver (rank 2)")} <= pairs
    text = (packages()["example"] / "diagrams" / "tier-hierarchy.svg").read_text()
    assert "demote after 90 days below" in text  # program.tier_review.demotion_grace_days


def test_data_model_shows_lead_and_opportunity_and_connects_the_content_object() -> None:
    d = read(packages()["example"] / "diagrams" / "data-model.svg")
    assert {"Lead", "Opportunity", "Co_Marketing_Asset__c"} <= set(d.nodes)
    pairs = {(s, t) for s, t, _ in d.edges}
    assert ("Lead", "Opportunity") in pairs  # conversion
    assert any("Co_Marketing_Asset__c" in p for p in pairs)
    text = (packages()["example"] / "diagrams" / "data-model.svg").read_text()
    assert "Attributed_Percent__c: Summary" in text  # Opportunity's generated field


TEXT_FIT_JS = """
JSON.stringify((() => {
  const bad = [];
  for (const g of document.querySelectorAll('g.node')) {
    const r = g.querySelector('rect').getBBox(), t = g.querySelector('text').getBBox();
    if (t.x < r.x + 1 || t.y < r.y + 1 || t.x + t.width > r.x + r.width - 1 || t.y + t.height > r.y + r.height - 1)
      bad.push([g.dataset.id, r.width, t.width, r.height, t.height]);
  }
  for (const t of document.querySelectorAll('text.edge-label')) {
    const r = t.previousElementSibling.getBBox(), b = t.getBBox();
    if (b.x < r.x || b.x + b.width > r.x + r.width) bad.push(['label ' + t.textContent, r.width, b.width]);
  }
  return bad;
})())
"""


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)")
def test_every_text_fits_its_box_in_a_browser() -> None:
    """Measured with the real font: a box grows to its text (the MDF activity list was cut off)."""
    bad = []
    with Chromium(CHROMIUM) as browser:  # type: ignore[arg-type]
        for program, svg in diagram_files():
            page = browser.open(svg.as_uri(), width=1200, height=900)
            bad += [(program, svg.name, *b) for b in json.loads(page.evaluate(TEXT_FIT_JS))]
    assert bad == []


#: A4 portrait less the print stylesheet's 15 mm side margins (the narrowest printed page), CSS px
A4_CONTENT_PX = (210 - 2 * 15) / 25.4 * 96
READABLE_PT = 7.0


def test_every_diagram_prints_no_text_below_a_readable_size() -> None:
    """From the print stylesheet's rules, without a browser: a diagram prints at its own
    size or shrunk to the page width (max-width: 100%); one too large for that prints in
    parts (print tiles), each at most MIN_SCALE and shrunk to the page width if wider.
    The smallest text times that scale, in points (x 0.75), is at least 7 pt."""
    from prm_builder.docs.diagram import MIN_SCALE

    small = []
    for program, svg in diagram_files():
        d = read(svg)
        if len(d.tiles) > 1:
            scale = min(min(MIN_SCALE, A4_CONTENT_PX / (t[2] - t[0])) for t in d.tiles)
        else:
            scale = min(1.0, A4_CONTENT_PX / d.width)
        printed = min(d.font_sizes) * scale * 0.75
        if printed < READABLE_PT:
            small.append((program, svg.name, round(printed, 2)))
    assert small == []


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)")
def test_every_program_prints_its_diagrams_at_a_readable_size_in_a_browser() -> None:
    """The same, measured: each program's print.html at the A4 content width in print media."""
    import math

    from tests.test_docs_pdf import PRINT_LAYOUT_JS

    small, seen = [], 0
    with Chromium(CHROMIUM) as browser:  # type: ignore[arg-type]
        for program, out in packages().items():
            page = browser.open((out / "print.html").as_uri(), width=math.floor(A4_CONTENT_PX), height=1000)
            browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=page.session)
            for d in json.loads(page.evaluate(PRINT_LAYOUT_JS))["diagrams"]:
                seen += 1
                if d["smallest"] * d["scale"] * 0.75 < READABLE_PT or d["right"] > A4_CONTENT_PX + 0.5:
                    small.append((program, d))
    assert seen >= 20 and small == []


def _crossings(points_a: list[tuple[float, float]], points_b: list[tuple[float, float]]) -> int:
    """Proper crossings of two polylines (touching at a shared end does not count)."""
    def orient(p, q, r) -> float:  # type: ignore[no-untyped-def]
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    count = 0
    for a, b in zip(points_a, points_a[1:]):
        for c, d in zip(points_b, points_b[1:]):
            d1, d2, d3, d4 = orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d)
            if d1 * d2 < 0 and d3 * d4 < 0:
                count += 1
    return count


def test_approval_flows_cross_only_where_two_routes_share_both_outcomes() -> None:
    """A layered drawing of two routes that both lead to 'approved' and to 'rejected' needs
    one crossing (K2,2 on two layers); every other crossing would be avoidable."""
    for program, out in packages().items():
        for name in ("deal-registration-flow", "mdf-process"):
            svg = out / "diagrams" / f"{name}.svg"
            if not svg.exists():
                continue
            d = read(svg)
            crossings = sum(_crossings(a[2], b[2]) for i, a in enumerate(d.edges) for b in d.edges[i + 1:])
            # per approval stage, a pair of routes sharing the same two outcomes
            stages = Counter((frozenset(t for s2, t, _ in d.edges if s2 == s)) for s, label in
                             ((n, label) for n, label in d.node_labels.items() if "approval:" in label.lower()))
            unavoidable = sum(k * (k - 1) // 2 for k in stages.values())
            assert crossings <= unavoidable, (program, name, crossings, unavoidable)
