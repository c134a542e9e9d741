"""What every command prints: one JSON envelope for `--json`, colour for people.

The envelope (schema/prm-output.schema.json) is the same for every command, in success
and failure, like the Salesforce CLI's `{status, result, warnings}`:

    {"command": "build", "status": 0, "ok": true, "result": {...}, "diagnostics": [...],
     "warnings": [...], "error": null}

`status` is the exit code; `result` is the command's own data (null when it stopped
early); `error` is {"kind": "user" | "usage" | "internal", "message": ...} on failure.
Dates are always under the key `as_of`.

Light on purpose (imported before arguments are parsed): no pipeline imports.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO

ENVELOPE_VERSION = 1


def envelope(command: str, status: int, result: Any = None, *, diagnostics: list[dict] | None = None,
             warnings: list[str] | None = None, error: tuple[str, str] | None = None) -> dict[str, Any]:
    return {
        "command": command,
        "version": ENVELOPE_VERSION,
        "status": status,
        "ok": status == 0,
        "result": result,
        "diagnostics": diagnostics or [],
        "warnings": warnings or [],
        "error": {"kind": error[0], "message": error[1]} if error else None,
    }


def dumps(payload: dict[str, Any]) -> str:
    return json.dumps(payload, indent=2, sort_keys=True)


# --- colour -------------------------------------------------------------------------------

_CODES = {"pass": "32", "ok": "32", "fail": "31", "error": "31", "warn": "33", "warning": "33",
          "manual": "36", "note": "2", "bold": "1"}


def colour_enabled(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org);
    FORCE_COLOR forces it (CI logs that render ANSI)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def paint(text: str, kind: str, stream: TextIO | None = None) -> str:
    code = _CODES.get(kind.lower())
    if code is None or not colour_enabled(stream or sys.stdout):
        return text
    return f"\033[{code}m{text}\033[0m"


def progress(message: str) -> None:
    """Progress of long work, on stderr so stdout (and --json) stays clean."""
    print(message, file=sys.stderr, flush=True)
