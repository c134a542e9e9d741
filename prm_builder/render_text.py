"""Plain-text rendering of results for the terminal (the CLI's only formatting code)."""

from __future__ import annotations

from prm_builder.errors import Diagnostic
from prm_builder.write.atomic import TreeChanges


def diagnostics(diags: list[Diagnostic]) -> str:
    lines = [d.format() for d in diags]
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors
    lines.append(f"{errors} error(s), {warnings} warning(s)")
    return "\n".join(lines)


def changes(label: str, ch: TreeChanges, *, details: bool = True) -> str:
    text = (f"{label}: {len(ch.added)} added, {len(ch.changed)} changed, {len(ch.removed)} removed, "
            f"{ch.unchanged} unchanged")
    lines = [f"  + {p}" for p in ch.added] + [f"  ~ {p}" for p in ch.changed] + [f"  - {p}" for p in ch.removed]
    return "\n".join([text, *lines[:200]]) if details else text
