"""Refresh the generated tables in README.md: `python -m tests.regen_readme`.

Each table sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers and is
produced by the code it documents, so the README cannot drift from the rules.
"""

from __future__ import annotations

import re
import sys
from typing import Callable

from tests.conftest import ROOT

README = ROOT / "README.md"
RUNBOOK = ROOT / "docs" / "RUNBOOK.md"


def _rules() -> str:
    from prm_builder.validate.codes import markdown_table

    return markdown_table()


def _hints() -> str:
    from prm_builder.deploy.hints import markdown_table

    return markdown_table()


#: marker name -> function producing the text between the markers
GENERATED: dict[str, Callable[[], str]] = {"prm-rules": _rules}
#: the deploy runbook's generated tables
RUNBOOK_GENERATED: dict[str, Callable[[], str]] = {"prm-hints": _hints}


def render(text: str, generated: dict[str, Callable[[], str]] | None = None) -> str:
    for name, produce in (GENERATED if generated is None else generated).items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"no {name} markers")
        text = pattern.sub(lambda m: m.group(1) + produce() + m.group(2), text)
    return text


def main() -> int:
    README.write_text(render(README.read_text()))
    RUNBOOK.write_text(render(RUNBOOK.read_text(), RUNBOOK_GENERATED))
    print("README.md and docs/RUNBOOK.md tables refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
