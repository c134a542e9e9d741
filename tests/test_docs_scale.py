"""`prm docs` at the platform's limits (issues 15 and 19): the routing diagrams of a
3,000-entry assignment rule (6 tiers x 428 territories + the pool entries) are one small
diagram per territory, each queue drawn once in it, never a crash, and the cost grows
linearly."""

from __future__ import annotations

import sys
import time
from collections import Counter

from lxml import etree

from prm_builder.docs.routing import ENTRIES_PER_DIAGRAM, Region, Sla, routing_diagrams

SVG = "{http://www.w3.org/2000/svg}"
TIERS = 6


def _entries(territories: int) -> list[dict]:
    """As the generator orders them: the pool mark, then tier x territory (higher tiers
    first), then the catch-all."""
    entries = [{"assignedTo": "PRM_Lead_Pool", "assignedToType": "Queue",
                "criteriaItems": [{"field": "Lead.Pool_Minimum_Tier__c", "operation": "notEqual"}]}]
    for tier in range(TIERS):
        entries += [{"assignedTo": f"PRM_Leads_T{tier}_R{r}", "assignedToType": "Queue",
                     "criteriaItems": [{"field": "Lead.Country", "operation": "equals", "value": f"Country {r}"},
                                       {"field": "Lead.Tier__c", "operation": "equals", "value": f"T{tier}"}]}
                    for r in range(territories)]
    return entries + [{"assignedTo": "PRM_Lead_Pool", "assignedToType": "Queue"}]  # the catch-all


def _regions(territories: int) -> list[Region]:
    return [Region(f"R{r}", f"Region {r}", "Country", (f"Country {r}",)) for r in range(territories)]


def _sla(territories: int) -> Sla:
    nxt = {f"PRM_Leads_T{t}_R{r}": (f"PRM_Leads_T{t + 1}_R{r}" if t + 1 < TIERS else "PRM_Lead_Pool")
           for t in range(TIERS) for r in range(territories)}
    return Sla(48, nxt)


def _nodes(diagram) -> list[tuple[str, str]]:
    svg = etree.fromstring(diagram.svg)
    return [(g.get("data-id"), g.get("data-label")) for g in svg.iter(f"{SVG}g") if g.get("data-id")]


def test_a_rule_at_the_entry_limit_is_one_small_diagram_per_territory() -> None:
    entries = _entries(428)
    assert len(entries) == 2570
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # the old single chain needed depth growing with the entries
    try:
        diagrams = routing_diagrams("PRM_Lead_Distribution", entries, _regions(428), _sla(428))
    finally:
        sys.setrecursionlimit(limit)
    assert len(diagrams) == 428 + 1  # one per territory, one for leads in none
    assert len({d.name for d in diagrams}) == len(diagrams)
    assert diagrams[0].name == "lead-routing-prm-lead-distribution-r0"
    seen: set[str] = set()
    for d in diagrams:
        nodes = _nodes(d)
        queues = Counter(label for nid, label in nodes if nid.startswith("q"))
        assert queues and max(queues.values()) == 1, d.name  # every queue once per diagram
        tests = [label for nid, label in nodes if nid.startswith("e")]
        assert len(tests) <= ENTRIES_PER_DIAGRAM
        seen.update(tests)
    # a territory meets the pool mark, its six tier entries and the catch-all, in rule order
    first = [label for nid, label in _nodes(diagrams[0]) if nid.startswith("e")]
    assert first == ["Entry 1", *(f"Entry {2 + t * 428}" for t in range(TIERS)), "Entry 2570"]
    # and its SLA chain: each tier's queue hands on to the next lower one, the lowest to the pool
    svg = etree.fromstring(diagrams[0].svg)
    ids = dict(_nodes(diagrams[0]))
    sla = [(ids[p.get("data-from")], ids[p.get("data-to")]) for p in svg.iter(f"{SVG}path")
           if "edge-expire" in (p.get("class") or "") and p.get("data-from", "").startswith("q")]
    assert ("PRM_Leads_T5_R0", "PRM_Lead_Pool") in sla and ("PRM_Leads_T0_R0", "PRM_Leads_T1_R0") in sla
    assert len(sla) == TIERS
    assert seen == {f"Entry {n}" for n in range(1, len(entries) + 1)}  # every entry drawn somewhere


def test_without_regions_a_small_rule_is_one_diagram_and_a_long_one_is_drawn_in_parts() -> None:
    [diagram] = routing_diagrams("R", _entries(2))
    assert diagram.name == "lead-routing-r" and "New or updated lead" in diagram.labels
    parts = routing_diagrams("R", _entries(10))  # 62 entries, no territories to split by
    assert len(parts) == 3 and parts[0].name == "lead-routing-r-1-25"
    assert "Entries 26–62" in parts[0].labels


def test_routing_diagrams_grow_linearly() -> None:
    def cost(territories: int) -> float:
        start = time.process_time()
        routing_diagrams("R", _entries(territories), _regions(territories), _sla(territories))
        return time.process_time() - start

    small, large = min(cost(40) for _ in range(2)), min(cost(400) for _ in range(2))
    assert large < 10 * small * 1.5  # 10x the territories: at most ~10x the time (noise allowed)


def test_entries_a_region_cannot_meet_are_left_out_and_undecidable_ones_kept() -> None:
    from prm_builder.docs.routing import allowed

    tier = {"field": "Lead.Tier__c", "operation": "equals", "value": "Gold,Silver"}
    assert allowed({"criteriaItems": [tier]}, "Tier__c") == {"Gold", "Silver"}
    assert allowed({"criteriaItems": [tier, {**tier, "value": "Gold"}]}, "Tier__c") == {"Gold"}  # ANDed
    assert allowed({"criteriaItems": [tier]}, "Country") is None
    assert allowed({"criteriaItems": [tier], "booleanFilter": "1 OR 2"}, "Tier__c") is None  # may match anything
    assert allowed({"formula": "true"}, "Tier__c") is None
    entries = [{"assignedTo": "Q_Gold", "criteriaItems": [{**tier, "value": "Gold"}]},
               {"assignedTo": "Q_Silver", "criteriaItems": [{**tier, "value": "Silver"}]},
               {"assignedTo": "Q_Untiered", "criteriaItems": [{**tier, "value": ""}]},
               {"assignedTo": "Q_Formula", "formula": "ISPICKVAL(Status, 'New')"}]
    gold, silver, rest = routing_diagrams("R", entries, [Region("Gold", "tier Gold", "Tier__c", ("Gold",)),
                                                         Region("Silver", "tier Silver", "Tier__c", ("Silver",))])
    labels = [[label for nid, label in _nodes(d) if nid[0] in "eq"] for d in (gold, silver, rest)]
    assert labels[0] == ["Entry 1", "Q_Gold", "Entry 4", "Q_Formula"]
    assert labels[1] == ["Entry 2", "Q_Silver", "Entry 4", "Q_Formula"]
    assert labels[2] == ["Entry 3", "Q_Untiered", "Entry 4", "Q_Formula"]  # leads of no listed tier
    assert rest.name == "lead-routing-r-elsewhere" and gold.name == "lead-routing-r-gold"


def test_a_territory_called_elsewhere_keeps_its_own_diagram() -> None:
    entries = [{"assignedTo": "Q", "criteriaItems": [{"field": "Lead.Country", "operation": "equals", "value": "X"}]},
               {"assignedTo": "Pool"}]
    names = [d.name for d in routing_diagrams("R", entries, [Region("Elsewhere", "Elsewhere", "Country", ("X",))])]
    assert names == ["lead-routing-r-elsewhere", "lead-routing-r-elsewhere-leads"]
