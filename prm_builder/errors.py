"""Diagnostics and the two error families the CLI maps to exit codes.

Exit code 1 means "the user's input failed" (PrmUserError, error diagnostics);
exit code 2 means "we crashed" (PrmInternalError, anything unexpected).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable


@dataclass(frozen=True, order=True)
class SourceRef:
    """A position in a spec file, 1-based like every editor shows it."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    ref: SourceRef | None = None
    hint: str = ""
    severity: Severity = Severity.ERROR
    related: tuple[SourceRef, ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        ref = self.ref or SourceRef("")
        return (ref.file, ref.line, ref.col, self.code, self.message)

    def format(self) -> str:
        where = f"{self.ref}: " if self.ref else ""
        text = f"{where}{self.severity.value} {self.code} {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "file": self.ref.file if self.ref else None,
            "line": self.ref.line if self.ref else None,
            "col": self.ref.col if self.ref else None,
            "related": [str(r) for r in self.related],
        }


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diags), key=Diagnostic.sort_key)


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diags)


class PrmError(Exception):
    """Base class of the errors we raise on purpose."""

    exit_code = 2


class PrmUserError(PrmError):
    """The user's input (specs, options, environment) is wrong: exit code 1."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = sort_diagnostics(diagnostics)


class PrmInternalError(PrmError):
    """A bug in prm_builder (e.g. it generated XML the schema rejects): exit code 2."""

    exit_code = 2
