"""What `prm check` returns: one result per checklist item, and the report around them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    #: passes, but something deserves a look before sign-off
    WARN = "warn"
    #: needs a human decision or cannot be judged from the specs (not specified yet)
    MANUAL = "manual"


@dataclass(frozen=True)
class Outcome:
    """What an item's check function returns; the registry adds id, title and fix."""

    status: Status
    detail: str
    evidence: tuple[str, ...] = ()


def passed(detail: str, evidence: list[str] | tuple[str, ...] = ()) -> Outcome:
    return Outcome(Status.PASS, detail, tuple(evidence))


def failed(detail: str, evidence: list[str] | tuple[str, ...] = ()) -> Outcome:
    return Outcome(Status.FAIL, detail, tuple(evidence))


def warned(detail: str, evidence: list[str] | tuple[str, ...] = ()) -> Outcome:
    return Outcome(Status.WARN, detail, tuple(evidence))


def manual(detail: str, evidence: list[str] | tuple[str, ...] = ()) -> Outcome:
    return Outcome(Status.MANUAL, detail, tuple(evidence))


@dataclass(frozen=True)
class ItemResult:
    id: str
    title: str
    status: Status
    detail: str
    #: how to fix it (shown when the item does not pass)
    fix: str = ""
    #: the requirement the item verifies
    requirement: str = ""
    evidence: tuple[str, ...] = ()
    live: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "status": self.status.value, "detail": self.detail,
                "fix": self.fix if self.status is not Status.PASS else "", "requirement": self.requirement,
                "evidence": list(self.evidence), "live": self.live}


@dataclass
class ChecklistReport:
    items: list[ItemResult]
    specs_dir: str = "specs"
    #: label and instance URL of the org checked live, None for a static check
    org: dict[str, str] | None = None
    today: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Sign-off is possible: no item failed (warnings and manual items need a human)."""
        return not any(i.status is Status.FAIL for i in self.items)

    def counts(self) -> dict[str, int]:
        return {s.value: sum(i.status is s for i in self.items) for s in Status}

    def item(self, item_id: str) -> ItemResult:
        for i in self.items:
            if i.id == item_id:
                return i
        raise KeyError(item_id)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "specs": self.specs_dir, "org": self.org, "today": self.today,
                "counts": self.counts(), "items": [i.to_json() for i in self.items]}

    def format(self, *, evidence: bool = True) -> str:
        from prm_builder.checklist.render import format_report

        return format_report(self, evidence=evidence)
