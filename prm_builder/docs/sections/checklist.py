"""The review checklist results with evidence (from `prm check`, issue 6's API)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from prm_builder.docs.content import Bullets, Link, Para, Section, Table
from prm_builder.docs.context import DocContext

ID = "checklist"
TITLE = "Review checklist"

STATUS_ORDER = ("fail", "warn", "manual", "pass")


def _field(item: Any, name: str) -> str:
    value = item.get(name, "") if isinstance(item, dict) else getattr(item, name, "")
    return str(getattr(value, "value", value) or "")


def build(ctx: DocContext) -> Section:
    section = Section(ID, TITLE, "Every item of the requirements review checklist, its result and the evidence.")
    report = ctx.checklist
    if report is None:
        section.add(Para("The review checklist (`prm check`) is not available in this installation of prm, "
                         "so no results are included. The open decisions are listed on their own page:"),
                    Bullets((Link("Open decisions", "decisions"),)))
        return section
    items = list(report.items)
    counts = Counter(_field(i, "status") for i in items)
    summary = ", ".join(f"{counts[s]} {s}" for s in STATUS_ORDER if counts[s])
    verdict = "passes" if report.ok else "does not pass"
    as_of = f" (judged as of {ctx.origin.as_of})" if ctx.origin.as_of else ""
    section.add(Para(f"The program {verdict} the review checklist{as_of}: {summary or 'no items'}."))
    rows = tuple((_field(i, "id"), _field(i, "title"), _field(i, "status"), _field(i, "detail") or "—")
                 for i in items)
    section.add(Table(("id", "item", "result", "evidence"), rows))
    return section
