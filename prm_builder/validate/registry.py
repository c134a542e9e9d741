"""The rule registry, in the manner of sqlfluff: one function per rule, with a code,
a name and a docstring that explains the anti-pattern and the fix."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from prm_builder.errors import Diagnostic, Severity, SourceRef
from prm_builder.model.root import ProgramSpec


@dataclass(frozen=True)
class ValidationContext:
    spec: ProgramSpec
    sections: frozenset[str]
    #: "today" for date rules; injected so tests and builds are reproducible
    today: dt.date = field(default_factory=dt.date.today)


RuleFn = Callable[[ValidationContext], Iterable[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    needs: frozenset[str]
    fn: RuleFn
    doc: str

    def run(self, ctx: ValidationContext) -> Iterator[Diagnostic]:
        yield from self.fn(ctx)


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, needs: Iterable[str]) -> Callable[[RuleFn], RuleFn]:
    """Register a rule. `needs` lists the spec sections it reads: when one of them failed
    to parse, the rule is skipped rather than crash on a half-built model."""

    def register(fn: RuleFn) -> RuleFn:
        if code in RULES:
            raise RuntimeError(f"rule code {code} registered twice ({RULES[code].name}, {name})")
        RULES[code] = Rule(code, name, frozenset(needs), fn, (fn.__doc__ or "").strip())
        return fn

    return register


def run_rules(ctx: ValidationContext) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for code in sorted(RULES):
        r = RULES[code]
        if r.needs <= ctx.sections:
            found.extend(r.run(ctx))
    return found


def error(code: str, message: str, ref: SourceRef | None, hint: str,
          related: Iterable[SourceRef | None] = ()) -> Diagnostic:
    return Diagnostic(code, message, ref, hint, Severity.ERROR, tuple(r for r in related if r))


def warning(code: str, message: str, ref: SourceRef | None, hint: str,
            related: Iterable[SourceRef | None] = ()) -> Diagnostic:
    return Diagnostic(code, message, ref, hint, Severity.WARNING, tuple(r for r in related if r))
