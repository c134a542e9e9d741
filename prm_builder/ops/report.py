"""The outputs of `prm partners`: the plan as text/JSON, and the apply report file.

The report has one row per change with its outcome and the roster line it came from, so
a failed row can be fixed in the roster and applied again. Written to a temporary file
and renamed, so a report is never half-written.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from prm_builder.ops.apply import ApplyResult
from prm_builder.ops.plan import STEP_TITLES, STEPS, Plan

REPORT_COLUMNS = ("step", "action", "object", "subject", "reason", "roster", "outcome", "id", "error")


def plan_text(plan: Plan) -> str:
    if plan.empty and not plan.blockers:
        return "\n".join([f"warning: {w}" for w in plan.warnings] + ["The org matches the roster: nothing to change."])
    lines = []
    for step in STEPS:
        changes = plan.step(step)
        if not changes:
            continue
        lines.append(f"{STEP_TITLES[step]} ({len(changes)}):")
        lines += [f"  {c.action:<10} {c.subject}: {c.reason}" + (f"  [{c.ref}]" if c.ref else "") for c in changes]
    if plan.seats_needed:
        free = "unknown" if plan.free_seats is None else f"{plan.free_seats}"
        lines.append(f"licences: {plan.seats_needed} new partner user(s), {free} seat(s) free")
    lines += [f"warning: {w}" for w in plan.warnings]
    lines += [f"blocked: {b}" for b in plan.blockers]
    lines.append(f"{len(plan.changes)} change(s); nothing was changed (run `prm partners apply` to apply them)")
    return "\n".join(lines)


def plan_json(plan: Plan) -> dict[str, Any]:
    return {"ok": not plan.blockers, "changes": [c.to_json() for c in plan.changes], "blockers": plan.blockers, "warnings": plan.warnings,
            "seats_needed": plan.seats_needed, "free_seats": plan.free_seats}


def apply_text(result: ApplyResult, report: Path | None) -> str:
    lines = []
    for o in result.outcomes:
        if o.outcome != "done":
            lines.append(f"  {o.outcome:<7} {STEP_TITLES[o.change.step]}: {o.change.subject}: {o.error}"
                         + (f"  [{o.change.ref}]" if o.change.ref else ""))
    summary = (f"{result.count('done')} done, {result.count('failed')} failed, {result.count('skipped')} skipped "
               f"({result.calls} API calls)")
    if not result.outcomes:
        summary = f"The org already matches the roster: nothing to do ({result.calls} API calls)."
    if result.stopped:
        lines.append(f"stopped: {result.stopped}")
    if report is not None and result.outcomes:
        lines.append(f"report: {report}")
    return "\n".join(lines + [summary])


def apply_json(result: ApplyResult, report: Path | None) -> dict[str, Any]:
    return {"ok": result.ok, "done": result.count("done"), "failed": result.count("failed"),
            "skipped": result.count("skipped"), "calls": result.calls, "stopped": result.stopped or None,
            "report": str(report) if report else None, "rows": [o.to_json() for o in result.outcomes]}


def write_report(result: ApplyResult, path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for o in result.outcomes:
        row = o.to_json()
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in REPORT_COLUMNS})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".prm-report-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
