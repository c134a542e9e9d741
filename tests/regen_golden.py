"""Regenerate the golden output of every test program: `python -m tests.regen_golden`.

Golden files are never edited by hand: change the generator or the test program, run
this, and review the diff (`git diff tests/golden`) like any other change.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from prm_builder import api
from tests.conftest import GOLDEN, PROGRAMS, TODAY


def golden_programs() -> list[str]:
    return sorted(p.name for p in PROGRAMS.iterdir() if p.is_dir())


def render(program: str) -> dict[str, bytes]:
    """Every file `prm build` writes for a test program, keyed 'force-app/..' / 'mdapi/..'."""
    compiled = api.compile_program(PROGRAMS / program, TODAY)
    files = {f"force-app/{api.SOURCE_ROOT}/{rel}": data for rel, data in compiled.source.items()}
    files.update({f"mdapi/{rel}": data for rel, data in compiled.mdapi.items()})
    return files


def main() -> int:
    for program in golden_programs():
        target = GOLDEN / program
        shutil.rmtree(target, ignore_errors=True)
        for rel, data in render(program).items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        print(f"wrote {target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
