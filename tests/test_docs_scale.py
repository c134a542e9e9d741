"""`prm docs` at the platform's limits (issue 15): the routing diagram of a 3,000-entry
assignment rule is drawn in slices, never crashes, and its cost grows linearly."""

from __future__ import annotations

import sys
import time

from lxml import etree

from prm_builder.docs.sections.lead_distribution import ENTRIES_PER_DIAGRAM, routing_diagrams

SVG = "{http://www.w3.org/2000/svg}"


def _entries(count: int) -> list[dict]:
    entries = [{"assignedTo": f"PRM_Leads_T{i % 6}_R{i // 6}", "assignedToType": "Queue",
                "criteriaItems": [{"field": "Lead.Country", "operation": "equals", "value": f"Country {i // 6}"}]}
               for i in range(count - 1)]
    return entries + [{"assignedTo": "PRM_Lead_Pool", "assignedToType": "Queue"}]  # the catch-all


def _chain(diagrams) -> list[str]:
    """Entry numbers in drawing order, and every slice's exit."""
    order = []
    for d in diagrams:
        svg = etree.fromstring(d.svg)
        order += [g.get("data-label") for g in svg.iter(f"{SVG}g") if (g.get("data-id") or "")[:1] == "e"]
    return order


def test_a_rule_at_the_entry_limit_is_drawn_in_ordered_slices_without_recursion() -> None:
    entries = _entries(3000)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # the old single chain needed depth growing with the entries
    try:
        diagrams = routing_diagrams("PRM_Lead_Distribution", entries)
    finally:
        sys.setrecursionlimit(limit)
    assert len(diagrams) == 3000 // ENTRIES_PER_DIAGRAM
    assert _chain(diagrams) == [f"Entry {n}" for n in range(1, 3001)]
    assert diagrams[0].name == "lead-routing-prm-lead-distribution-1-25"
    assert "Entries 26–3000" in diagrams[0].labels and "Lead no entry 1–25 matched" in diagrams[1].labels
    assert "No entry matched" not in diagrams[-1].labels  # the last entry is the catch-all
    assert len({d.name for d in diagrams}) == len(diagrams)


def test_a_small_rule_is_one_diagram_as_before() -> None:
    [diagram] = routing_diagrams("R", _entries(ENTRIES_PER_DIAGRAM))
    assert diagram.name == "lead-routing-r" and "New or updated lead" in diagram.labels


def test_routing_diagrams_grow_linearly() -> None:
    def cost(count: int) -> float:
        start = time.process_time()
        routing_diagrams("R", _entries(count))
        return time.process_time() - start

    small, large = min(cost(300) for _ in range(2)), min(cost(3000) for _ in range(2))
    assert large < 10 * small * 1.5  # 10x the entries: at most ~10x the time (noise allowed)
