"""What every section reads: the validated spec, the generated components, the
checklist report (when there is one) and where the package came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath
from typing import Any, Iterable, Protocol, Sequence

from prm_builder.docs.naming import Naming, format_money
from prm_builder.errors import SourceRef
from prm_builder.generate.component import Component
from prm_builder.model.root import ProgramSpec


class ChecklistItem(Protocol):
    id: str
    title: str
    status: str
    detail: str


class ChecklistReport(Protocol):
    """What docs needs of `prm_builder.api.check(...)`'s result (issue 6's contract)."""

    ok: bool
    items: Sequence[Any]


@dataclass(frozen=True)
class Change:
    """One commit that changed the specs (the sign-off page's change log)."""

    commit: str
    date: str
    author: str
    subject: str


@dataclass(frozen=True)
class Origin:
    """Where the package came from: no clock, so the same specs give the same package."""

    specs_label: str
    """How the spec folder is named in the package (e.g. 'specs')."""
    digest: str
    """sha256 over the spec files' names and bytes."""
    files: tuple[str, ...]
    commit: str = ""
    """The git commit of the specs, when they are committed and unmodified."""
    as_of: str = ""
    """Date the date-dependent checklist items were judged by (YYYY-MM-DD)."""
    signed: str = ""
    """The last signed version: the newest `signed-*` git tag at or before `commit` ('' if none)."""
    changes: tuple[Change, ...] = ()
    """Commits that changed the specs since `signed` (all of them when nothing is signed), newest first."""
    history: str = ""
    """Where the change log came from: 'git'; 'uncommitted' (the specs have changes git does
    not hold, so no commit describes them); '' (no git repository or no git)."""


@dataclass
class DocContext:
    spec: ProgramSpec
    components: list[Component]
    origin: Origin
    checklist: ChecklistReport | None = None
    deploy_hints: list[dict[str, Any]] = field(default_factory=list)
    scenarios: list[Any] = field(default_factory=list)
    """The program's scenarios (specs/scenarios/*.yml): the UAT plan is made of them."""
    pages: set[str] = field(default_factory=set)
    """Ids of the pages the package has (filled in before the requirements page is built)."""

    def of_type(self, *types: str) -> list[Component]:
        """The components of these types, in generation order (a new list each call)."""
        if len(types) == 1:
            return list(self._by_type.get(types[0], ()))
        return [c for c in self.components if c.type in types]

    @cached_property
    def _by_type(self) -> dict[str, list[Component]]:
        # sections ask per list view, queue or rule: one pass, not one scan of every component each
        by_type: dict[str, list[Component]] = {}
        for c in self.components:
            by_type.setdefault(c.type, []).append(c)
        return by_type

    def where(self, ref: SourceRef | None) -> str:
        """A spec position as the package shows it: relative, never a machine's absolute path."""
        if ref is None:
            return ""
        path = PurePath(ref.file)
        name = f"{self.origin.specs_label}/{path.name}" if path.is_absolute() else path.as_posix()
        return str(SourceRef(name, ref.line, ref.col))

    def money(self, amount: float | None) -> str:
        return "" if amount is None else format_money(amount, self.spec.program.currency)

    @cached_property
    def naming(self) -> Naming:
        """Labels of the generated fields and objects, and the program's money format."""
        return Naming.of(self.components, self.spec.program.currency)

    def metric_value(self, name: str, value: float | None) -> str:
        """A qualification threshold in its metric's unit."""
        if value is None:
            return "—"
        metric = self.spec.partner_account.metrics.get(name)
        if metric is not None and metric.type == "currency":
            return self.money(value)
        text = f"{value:,.2f}".removesuffix(".00")
        return f"{text}%" if metric is not None and metric.type == "percent" else text

    def metric_label(self, name: str) -> str:
        metric = self.spec.partner_account.metrics.get(name)
        return metric.label if metric is not None else name

    def review_cadence(self) -> str:
        return {"quarterly": "every quarter", "semiannual": "every six months",
                "annual": "once a year"}.get(self.spec.program.tier_review.cycle, self.spec.program.tier_review.cycle)

    def tiers_high_first(self) -> list:
        return sorted(self.spec.tiers, key=lambda t: -t.rank)


def slug(*parts: str) -> str:
    """An HTML id / Markdown anchor from text: lower case, [a-z0-9-] only."""
    text = "-".join(parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


def yes(flag: bool) -> str:
    return "yes" if flag else "—"


def join(items: Iterable[str], empty: str = "—") -> str:
    items = [i for i in items if i]
    return ", ".join(items) if items else empty
