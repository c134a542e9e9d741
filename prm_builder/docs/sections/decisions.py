"""Open decisions with owners and dates."""

from __future__ import annotations

from prm_builder.docs.content import Para, Section, Table
from prm_builder.docs.context import DocContext, join

ID = "decisions"
TITLE = "Open decisions"


def build(ctx: DocContext) -> Section:
    decisions = sorted(ctx.spec.open_decisions, key=lambda d: (d.status != "open", d.due, d.id))
    section = Section(ID, TITLE, "Questions the requirements review has not settled, who decides and by when.")
    open_count = sum(d.status == "open" for d in decisions)
    if not decisions:
        return section.add(Para("No open decisions are recorded in the specs."))
    as_of = ctx.origin.as_of
    section.add(Para(f"{open_count} open, {len(decisions) - open_count} decided. "
                     + (f"Past due as of {as_of} is marked." if as_of else "")))
    rows = []
    for d in decisions:
        status = d.status
        if d.status == "open" and as_of and d.due.isoformat() < as_of:
            status = "open — past due"
        rows.append((d.id, d.title, d.owner, d.due.isoformat(), status, d.decision or "—",
                     join(d.affects), ctx.where(d.ref())))
    section.add(Table(("id", "question", "owner", "due", "status", "decision", "affects", "spec"), tuple(rows)))
    return section
