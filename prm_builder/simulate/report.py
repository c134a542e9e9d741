"""The result of `prm test`: per scenario pass/fail with reasons, and the coverage line."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from .engine import ScenarioResult
from .orgmodel import OrgModel


@dataclass
class CoverageLine:
    kind: str
    exercised: list[str]
    never: list[str]

    @property
    def total(self) -> int:
        return len(self.exercised) + len(self.never)


def coverage(model: OrgModel, seen: set[tuple]) -> list[CoverageLine]:
    def line(kind: str, items: list[tuple[tuple, str]]) -> CoverageLine:
        return CoverageLine(kind, [label for key, label in items if key in seen],
                            [label for key, label in items if key not in seen])

    entries = [(("assignment", r.name, e.index), f"{r.name} entry {e.index} -> {e.assigned_to}")
               for r in model.assignment_rules if r.active for e in r.entries]
    processes = [(("approval", p.name, "entry"), f"{p.name} entry criteria") for p in model.approval_processes
                 if p.active]
    steps = [(("approval", p.name, s.name), f"{p.name}.{s.name}") for p in model.approval_processes
             if p.active for s in p.steps]
    not_met = [(("approval", p.name, f"{s.name}:criteria-not-met"), f"{p.name}.{s.name} ({s.if_criteria_not_met})")
               for p in model.approval_processes if p.active for s in p.steps if not s.criteria.empty]
    sharing = [(("sharing", r.object, r.name), f"{r.object}.{r.name}") for r in model.sharing_rules]
    validation = [(("validation", v.object, v.name), f"{v.object}.{v.name}") for o in model.objects.values()
                  for v in o.validation_rules if v.active]
    updates = [(("field_update", fu.object, fu.name), f"{fu.object}.{fu.name}") for fu in model.field_updates.values()]
    perms = [(("permission", ps.name, key), f"{ps.name}: {key}") for ps in model.permission_sets.values()
             for key in [*ps.objects, *[k for k, (r, e) in ps.fields.items() if r or e]]]
    from .flows import scheduled_flows

    paths = [(("scheduled_path", f.name, p.name), f"{f.name}.{p.name}") for f in scheduled_flows(model)
             for p in f.paths]
    return [line("assignment entries", entries), line("approval processes", processes),
            line("approval steps", steps), line("step criteria not met", not_met),
            line("sharing rules", sharing), line("validation rules (fired)", validation),
            line("field updates", updates), line("scheduled flow paths", paths),
            line("permission entries", perms)]


@dataclass
class TestReport:
    results: list[ScenarioResult]
    coverage: list[CoverageLine]
    metadata: str
    not_modelled: list[str] = field(default_factory=lambda: list(NOT_MODELLED))

    @property
    def ok(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> list[ScenarioResult]:
        return [r for r in self.results if not r.passed]

    def coverage_text(self, names: bool = True) -> list[str]:
        out = ["coverage: " + ", ".join(f"{c.kind} {len(c.exercised)}/{c.total}" for c in self.coverage)]
        if names:
            for c in self.coverage:
                if c.never:
                    shown = ", ".join(c.never[:8]) + (f", ... ({len(c.never) - 8} more)" if len(c.never) > 8 else "")
                    out += textwrap.wrap(f"never exercised {c.kind}: {shown}", 100, subsequent_indent="    ")
        return out

    def format(self) -> str:
        own = sum(1 for r in self.results if "generated" not in r.tags)
        lines = [f"prm test: {own} scenario(s) from the specs, {len(self.results) - own} generated, "
                 f"against {self.metadata}", "", "status  scenario", "------  " + "-" * 60]
        for r in self.results:
            lines.append(f"{'PASS' if r.passed else 'FAIL':<6}  {r.name}")
            if not r.passed:
                if r.where:
                    lines.append(f"        at {r.where}")
                for f in r.failures:
                    lines += textwrap.wrap(f, 92, initial_indent="        - ", subsequent_indent="          ")
        lines += ["", *self.coverage_text()]
        lines.append("not modelled: " + "; ".join(self.not_modelled))
        passed = sum(r.passed for r in self.results)
        lines.append(f"\n{passed} passed, {len(self.results) - passed} failed -> {'OK' if self.ok else 'FAILED'}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "metadata": self.metadata, "scenarios": [r.to_json() for r in self.results],
                "coverage": [{"kind": c.kind, "exercised": len(c.exercised), "total": c.total, "never": c.never}
                             for c in self.coverage],
                "not_modelled": self.not_modelled}

    def junit(self) -> bytes:
        from lxml import etree

        failures = len(self.failed)
        suites = etree.Element("testsuites", name="prm test", tests=str(len(self.results)), failures=str(failures))
        suite = etree.SubElement(suites, "testsuite", name="prm test", tests=str(len(self.results)),
                                 failures=str(failures), errors="0", skipped="0")
        for r in self.results:
            case = etree.SubElement(suite, "testcase", classname="prm.scenarios.generated"
                                    if "generated" in r.tags else "prm.scenarios", name=r.name)
            if r.passed:
                etree.SubElement(case, "system-out").text = "\n".join(r.log)
            else:
                etree.SubElement(case, "failure", message=r.failures[0], type="fail").text = \
                    "\n".join([*(f"at {r.where}" for _ in [0] if r.where), *r.failures, "", *r.log])
        return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True)


NOT_MODELLED = [
    "Apex and flow actions: record-triggered flows run (decisions, Get Records on the scenario's records, "
    "queues, groups and custom metadata, loops, formulas, record creates and updates, immediately and on "
    "scheduled paths), but Apex and other actions are skipped: conversion, tier-group sync, the tier review, "
    "the attribution split's recalculation and referral credit at conversion, conflict e-mails, the health "
    "score job, notifications; schedule-triggered flows (the expiry schedule)",
    "duplicate rules", "e-mail alerts", "profiles and the org-wide defaults of standard objects (assumed: "
    "profiles grant standard objects and fields, standard objects are Private)",
]
