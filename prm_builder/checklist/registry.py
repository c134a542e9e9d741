"""Checklist items, registered like validation rules: one small function per item, with an
id, a title, the requirement it verifies (its docstring) and the fix.

Static items (C..) read the specs; live items (L..) also ask the org. An item that needs
a spec section this version of prm does not model yet reports 'manual' (not specified)
instead of guessing what the section will look like.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from prm_builder.checklist.report import ItemResult, Outcome, failed, manual
from prm_builder.generate.component import Component
from prm_builder.model.root import ProgramSpec
from prm_builder.org.errors import OrgQueryError

if TYPE_CHECKING:
    from prm_builder.api import ValidationResult
    from prm_builder.org.client import OrgClient


@dataclass(frozen=True)
class CheckContext:
    spec: ProgramSpec
    validation: "ValidationResult"
    today: dt.date
    #: None for a static check
    org: "OrgClient | None" = None

    @property
    def components(self) -> list[Component]:
        return self.validation.components

    def written(self, section: str) -> bool:
        """True when the specs define the section (not just its defaults)."""
        return self.spec.has_key(section)

    def section(self, name: str) -> object | None:
        """A feature section's model, or None when prm has no such section (yet)."""
        return getattr(self.spec, name, None) if name in type(self.spec).model_fields else None


ItemFn = Callable[[CheckContext], Outcome]


@dataclass(frozen=True)
class Item:
    id: str
    name: str
    title: str
    fix: str
    requirement: str
    #: spec sections the item judges; when prm does not model one yet the item is 'manual'
    needs: frozenset[str]
    live: bool
    fn: ItemFn

    def run(self, ctx: CheckContext) -> ItemResult:
        missing = sorted(s for s in self.needs if s not in type(ctx.spec).model_fields)
        if missing:
            outcome = manual(f"not specified: this version of prm has no `{'`, `'.join(missing)}` "
                             "section yet; review this item by hand")
        else:
            try:
                outcome = self.fn(ctx)
            except OrgQueryError as exc:
                # One question the org would not answer: this item is unverified (a fail,
                # since sign-off needs evidence), the other items still run.
                outcome = failed(f"could not verify: {exc}")
        return ItemResult(self.id, self.title, outcome.status, outcome.detail, self.fix,
                          self.requirement, outcome.evidence + self._open_decisions(ctx), self.live)

    def _open_decisions(self, ctx: CheckContext) -> tuple[str, ...]:
        """Open decisions that affect a section this item judges: the reviewer should know
        the item's answer may still change."""
        sections = self.needs - {"program", "org"}
        return tuple(f"open decision {d.id} (due {d.due.isoformat()}, {d.owner}) affects this: {d.title}"
                     for d in ctx.spec.open_decisions if d.status == "open" and sections & set(d.affects))


ITEMS: dict[str, Item] = {}


def item(item_id: str, name: str, title: str, *, fix: str, needs: Iterable[str] = (),
         live: bool = False) -> Callable[[ItemFn], ItemFn]:
    """Register a checklist item; its docstring is the requirement it verifies."""

    def register(fn: ItemFn) -> ItemFn:
        if item_id in ITEMS:
            raise RuntimeError(f"checklist item {item_id} registered twice ({ITEMS[item_id].name}, {name})")
        requirement = " ".join((fn.__doc__ or "").split())
        ITEMS[item_id] = Item(item_id, name, title, fix, requirement, frozenset(needs), live, fn)
        return fn

    return register


def static_items() -> list[Item]:
    return [i for _, i in sorted(ITEMS.items()) if not i.live]


def live_items() -> list[Item]:
    return [i for _, i in sorted(ITEMS.items()) if i.live]


def markdown_table() -> str:
    """The README's table of checklist items (generated: `python -m tests.regen_readme`)."""
    rows = ["| id | kind | item | requirement it verifies | fix |", "|---|---|---|---|---|"]
    for i in sorted(ITEMS.values(), key=lambda i: (i.live, i.id)):
        cells = [i.id, "live (`--org`)" if i.live else "static", i.title, i.requirement, i.fix]
        rows.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(rows) + "\n"
