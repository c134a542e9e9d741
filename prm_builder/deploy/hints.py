"""Known platform deploy errors -> fix hints and safe remedies (data in hints.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml

from prm_builder.errors import PrmInternalError

Remedy = Literal["retry-step", "retry"]


@dataclass(frozen=True)
class Hint:
    id: str
    name: str
    patterns: tuple[re.Pattern[str], ...]
    hint: str
    remedy: Remedy | None = None
    wait_seconds: float = 0
    examples: tuple[str, ...] = ()
    not_examples: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        return any(p.search(text) for p in self.patterns)


@lru_cache(maxsize=1)
def load_hints() -> tuple[Hint, ...]:
    """The hint table, in file order (the first match is the one shown first)."""
    text = resources.files("prm_builder.deploy").joinpath("hints.yaml").read_text(encoding="utf-8")
    hints = []
    for raw in yaml.safe_load(text):
        try:
            hints.append(Hint(
                id=raw["id"], name=raw["name"], hint=" ".join(raw["hint"].split()),
                patterns=tuple(re.compile(p, re.IGNORECASE) for p in raw["patterns"]),
                remedy=raw.get("remedy"), wait_seconds=float(raw.get("wait_seconds", 0)),
                examples=tuple(raw.get("examples", ())), not_examples=tuple(raw.get("not_examples", ())),
            ))
        except (KeyError, re.error, TypeError) as exc:
            raise PrmInternalError(f"hints.yaml entry {raw.get('id', '?')}: {exc}") from None
    return tuple(hints)


def match_hints(text: str) -> list[Hint]:
    return [h for h in load_hints() if h.matches(text)]


def hint_for(code: str) -> Hint:
    for h in load_hints():
        if h.id == code:
            return h
    raise PrmInternalError(f"no deploy hint {code}")


def markdown_table() -> str:
    """The runbook's table of known errors (a test keeps docs/RUNBOOK.md in step)."""
    rows = ["| code | error | automatic remedy | what to do |", "|---|---|---|---|"]
    for h in load_hints():
        remedy = {"retry-step": f"wait {h.wait_seconds:g}s, retry the step",
                  "retry": "retry with backoff"}.get(h.remedy or "", "none")
        rows.append(f"| {h.id} | {h.name} | {remedy} | {h.hint} |")
    return "\n".join(rows) + "\n"
