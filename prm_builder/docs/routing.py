"""The routing diagrams of a Lead assignment rule: one per territory (or per tier when the
program has no territories), plus one for the leads in none of them.

A rule at the platform's 3,000 entries (6 tiers x 428 territories + the pool entries) is
unreadable as one chain, and slices of it (entries 1-25, 26-50, ...) draw the same queues
again and again. A lead of one territory can only meet the entries that do not exclude its
territory, so each territory's diagram is small: the entries it can meet, in evaluation
order, each queue once, and where the acceptance SLA moves a lead nobody accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from prm_builder.docs.content import Diagram
from prm_builder.docs.diagram import Edge, Graph, Node, render_svg
from prm_builder.docs.sections.common import as_list, criteria_text

#: Entries in one diagram at most: a region with more (hand-written entries) is drawn in parts.
ENTRIES_PER_DIAGRAM = 25


@dataclass(frozen=True)
class Region:
    """The leads one diagram follows: those whose `field` holds one of `values`."""

    key: str
    """Unique among the regions, safe in a file name (a territory's or tier's developer name)."""
    name: str
    field: str
    """The Lead field without the object prefix, e.g. 'Country'."""
    values: tuple[str, ...]


@dataclass(frozen=True)
class Sla:
    """The acceptance SLA: a lead its push queue did not accept within `hours` moves on."""

    hours: int
    next_queue: dict[str, str] = field(default_factory=dict)
    """push queue -> the queue a lead it did not accept moves to (PRM_Lead_Route records)."""


def _field(item: dict[str, Any]) -> str:
    return str(item.get("field", "")).removeprefix("Lead.")


def allowed(entry: dict[str, Any], field_name: str) -> frozenset[str] | None:
    """The values of `field_name` a lead may have to match `entry` (None: any value). Only
    ANDed `equals` items restrict it; a formula or a boolean filter may match anything."""
    if entry.get("formula") or entry.get("booleanFilter"):
        return None
    values: frozenset[str] | None = None
    for item in as_list(entry.get("criteriaItems")):
        if _field(item) == field_name and item.get("operation") == "equals":
            these = frozenset(v.strip() for v in str(item.get("value") or "").split(","))
            values = these if values is None else values & these
    return values


def routing_diagrams(rule_name: str, entries: list[dict[str, Any]], regions: Iterable[Region] = (),
                     sla: Sla | None = None) -> list[Diagram]:
    """One diagram per region (with one more for leads in no region), else one for the rule;
    in parts when a diagram would hold more than ENTRIES_PER_DIAGRAM entries."""
    regions = list(regions)
    numbered = list(enumerate(entries, 1))
    base = f"lead-routing-{rule_name.lower().replace('_', '-')}"
    if not regions:
        return _parts(base, f"Lead routing by the assignment rule {rule_name}", "New or updated lead",
                      ("assignment rule runs",), numbered, sla, None)
    fields = sorted({r.field for r in regions})
    limits = {f: [allowed(e, f) for e in entries] for f in fields}
    # value -> entries that allow it, and the entries no region field restricts: linear, so a
    # rule of 3,000 entries over 428 territories is not read 428 times
    by_value: dict[tuple[str, str], list[int]] = {}
    free: dict[str, list[int]] = {f: [] for f in fields}
    for f in fields:
        for i, values in enumerate(limits[f]):
            if values is None:
                free[f].append(i)
            else:
                for v in values:
                    by_value.setdefault((f, v), []).append(i)
    diagrams = []
    for region in regions:
        chosen = set(free[region.field])
        for v in region.values:
            chosen.update(by_value.get((region.field, v), ()))
        # an entry on another region field may still exclude this region's leads: not decidable
        # without knowing their values, so such entries stay in (the diagram may show one too many)
        picked = [numbered[i] for i in sorted(chosen)]
        title = f"Lead routing in {region.name} by the assignment rule {rule_name}"
        diagrams += _parts(f"{base}-{region.key.lower().replace('_', '-')}", title, f"Lead in {region.name}",
                           (f"{region.field} = {', '.join(region.values)}",), picked, sla, region)
    inside = {f: {v for r in regions if r.field == f for v in r.values} for f in fields}
    others = [numbered[i] for i in range(len(entries))
              if all(limits[f][i] is None or limits[f][i] - inside[f] for f in fields)]  # type: ignore[operator]
    if others:
        what = " / ".join(fields)
        other = "elsewhere"
        while other in {r.key.lower().replace("_", "-") for r in regions}:  # a territory named Elsewhere
            other += "-leads"
        diagrams += _parts(f"{base}-{other}", f"Lead routing of leads in no listed {what} value by the assignment "
                           f"rule {rule_name}", f"Lead in no listed {what}", (f"{what} none of the values above",),
                           others, sla, None)
    return diagrams


def _parts(name: str, title: str, start: str, details: tuple[str, ...], picked: list[tuple[int, dict[str, Any]]],
           sla: Sla | None, region: Region | None) -> list[Diagram]:
    if len(picked) <= ENTRIES_PER_DIAGRAM:
        return [routing_diagram(name, title, start, details, picked, sla, region)]
    parts = []
    for first in range(0, len(picked), ENTRIES_PER_DIAGRAM):
        chunk = picked[first:first + ENTRIES_PER_DIAGRAM]
        rest = picked[first + ENTRIES_PER_DIAGRAM:]
        a, b = chunk[0][0], chunk[-1][0]
        label = start if first == 0 else f"{start}, no entry before {a} matched"
        parts.append(routing_diagram(f"{name}-{a}-{b}", f"{title}, entries {a}–{b}", label, details, chunk, sla,
                                     region, continues=f"Entries {rest[0][0]}–{rest[-1][0]}" if rest else None))
    return parts


def _criteria(entry: dict[str, Any], region: Region | None) -> str:
    """The entry's criteria less the region's own test (the start box says it)."""
    if region is None:
        return criteria_text(entry)
    items = [i for i in as_list(entry.get("criteriaItems")) if not (
        _field(i) == region.field and i.get("operation") == "equals" and allowed(
            {"criteriaItems": [i]}, region.field) == frozenset(region.values))]
    if not items or entry.get("formula") or entry.get("booleanFilter"):
        return criteria_text(entry)
    return criteria_text({**entry, "criteriaItems": items})


def routing_diagram(name: str, title: str, start: str, details: tuple[str, ...],
                    picked: list[tuple[int, dict[str, Any]]], sla: Sla | None = None,
                    region: Region | None = None, continues: str | None = None) -> Diagram:
    """Entries as a chain of tests (order matters), each pointing at the queue it assigns;
    every queue drawn once; from each push queue, where the SLA moves a lead nobody accepted."""
    nodes = [Node("lead", start, "start", details)]
    edges: list[Edge] = []
    queues: dict[str, str] = {}  # queue -> node id, in first-use order

    def queue(target: str, kind: str) -> str:
        if target not in queues:
            queues[target] = f"q{len(queues) + 1}"
            nodes.append(Node(queues[target], target, "ok", (kind,)))
        return queues[target]

    previous = "lead"
    for n, entry in picked:
        test = f"e{n}"
        nodes.append(Node(test, f"Entry {n}", "step", (_criteria(entry, region),)))
        edges.append(Edge(previous, test, "" if previous == "lead" else "no match"))
        edges.append(Edge(test, queue(str(entry.get("assignedTo", "")), str(entry.get("assignedToType", "Queue"))),
                          "match"))
        previous = test
    if continues:
        nodes.append(Node("next", continues, "wait", ("next diagram",)))
        edges.append(Edge(previous, "next", "no match"))
    elif not (picked and criteria_text(picked[-1][1]) == "all records"):
        # after a catch-all entry every lead is assigned
        nodes.append(Node("unassigned", "No entry matched", "wait", ("Default Lead Owner (Lead Settings)",)))
        edges.append(Edge(previous, "unassigned", "no match" if picked else "", "expire"))
    if sla is not None:
        todo = list(queues)
        while todo:  # each queue's route once: a lead moves down the tiers to the pool
            q = todo.pop(0)
            target = sla.next_queue.get(q)
            if target and target != q:
                known = target in queues
                # labelled with the hours only: the title says what the dotted edges mean
                edges.append(Edge(queues[q], queue(target, "Queue"), f"{sla.hours} h", "expire"))
                if not known:
                    todo.append(target)
        title += f"; dotted: where a lead not accepted within {sla.hours} hours moves"
    graph = Graph(tuple(nodes), tuple(edges))
    right = [n.id for n in nodes if n.id.startswith("q")]
    left = [n.id for n in nodes if not n.id.startswith("q")]
    return Diagram(name, title, render_svg(name, title, graph, (left, right)), graph.labels())
