"""The documentation record of one diagnostic code (kept apart so any module can declare codes)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeDoc:
    code: str
    name: str
    stage: str
    doc: str
