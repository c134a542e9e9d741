"""Shared helpers: test programs, a copy-on-write project folder, the CLI as users run it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = ROOT / "tests" / "programs"
BAD_SPECS = ROOT / "tests" / "bad_specs"
GOLDEN = ROOT / "tests" / "golden"
#: A fixed "today" so due-date rules give the same answer on every day the suite runs.
TODAY = dt.date(2026, 11, 22)


def copy_program(name: str, dest: Path) -> Path:
    target = dest / "specs"
    shutil.copytree(PROGRAMS / name, target)
    return target


def edit_spec(file: Path, old: str, new: str) -> None:
    """Replace one passage of a copied spec file; the passage must be there (a test editing
    text the example no longer has would otherwise test nothing)."""
    text = file.read_text()
    assert old in text, f"{old!r} not in {file.name}"
    file.write_text(text.replace(old, new))


def run_prm(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m prm_builder` as a user would (real exit codes, real stdout/stderr)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "PRM_TODAY": TODAY.isoformat(), **(env or {})}
    return subprocess.run([sys.executable, "-m", "prm_builder", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder holding the minimal test program under specs/."""
    copy_program("minimal", tmp_path)
    return tmp_path
