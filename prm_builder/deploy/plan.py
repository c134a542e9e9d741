"""What a deploy will add, change and remove compared with the org's record, and which
components it sends.

Incremental rule: a changed component drags in every component that lives in the same
MDAPI file (e.g. all fields of objects/Account.object, the whole SharingRules file of an
object): the org replaces such files as a unit, and a partial SharingRules file would
silently drop rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from prm_builder.deploy.record import Entry, OrgRecord, entries
from prm_builder.deploy.steps import order_names
from prm_builder.generate.component import Component


@dataclass
class Plan:
    org: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    send: list[Component] = field(default_factory=list)
    """Components the deploy sends (changed and added, plus their file companions)."""
    removed_entries: dict[str, Entry] = field(default_factory=dict)
    current: dict[str, Entry] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.send or self.removed)

    def steps(self) -> list[str]:
        names = [c.deploy_step for c in self.send] + [e.step for e in self.removed_entries.values()]
        return order_names(names)

    def to_json(self) -> dict:
        return {"org": self.org, "added": self.added, "changed": self.changed, "removed": self.removed,
                "unchanged": len(self.unchanged), "send": [c.key for c in self.send], "steps": self.steps()}


def make_plan(components: Iterable[Component], record: OrgRecord, *, full: bool = False) -> Plan:
    comps = sorted(components, key=lambda c: c.key)
    current = entries(comps)
    previous = {} if full else record.components
    plan = Plan(record.org, current=current)
    dirty_files: set[str] = set()
    for key, entry in current.items():
        old = previous.get(key)
        if old is None:
            plan.added.append(key)
        elif old.hash != entry.hash or old.step != entry.step:
            plan.changed.append(key)
        else:
            plan.unchanged.append(key)
            continue
        dirty_files.add(entry.file)
    plan.send = [c for c in comps if current[c.key].file in dirty_files]
    plan.removed_entries = {k: e for k, e in sorted(record.components.items()) if k not in current}
    plan.removed = list(plan.removed_entries)
    return plan
