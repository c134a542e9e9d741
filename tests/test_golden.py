"""Golden-file tests: the output of every test program and of the example program.

Regenerate with `python -m tests.regen_golden` (test programs) and `prm build`
(the example's force-app/), then review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prm_builder import api
from tests.conftest import GOLDEN, ROOT, TODAY
from tests.regen_golden import golden_programs, render


@pytest.mark.parametrize("program", golden_programs())
def test_program_matches_golden(program: str) -> None:
    expected = {p.relative_to(GOLDEN / program).as_posix(): p.read_bytes()
                for p in sorted((GOLDEN / program).rglob("*")) if p.is_file()}
    actual = render(program)
    assert sorted(actual) == sorted(expected), "file list differs: run python -m tests.regen_golden"
    for rel, data in actual.items():
        assert data == expected[rel], f"{rel} differs from golden: run python -m tests.regen_golden"


def test_example_program_force_app_is_current(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = api.build(Path("specs"), Path("force-app"), Path("build/mdapi"), check=True, today=TODAY)
    assert result.source_changes.clean, (
        f"force-app/ is stale ({result.source_changes}): run `prm build` and commit")


def test_output_is_deterministic() -> None:
    first = render("minimal")
    second = render("minimal")
    assert first == second
