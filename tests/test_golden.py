"""Golden-file tests: the output of every test program and of the example program.

Regenerate with `python -m tests.regen_golden` (test programs) and `prm build`
(the example's force-app/), then review the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.write.atomic import MANIFEST
from tests.conftest import GOLDEN, ROOT, TODAY, run_prm
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


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_example_build_is_byte_identical_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    """Set/dict order must never leak into the output: two `prm build`s of the example in
    separate processes with different PYTHONHASHSEED give the same bytes, in force-app/
    and in the MDAPI package (which is not committed, so the golden test cannot see it)."""
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    for seed in ("1", "4242"):
        proc = run_prm("build", "--out", f"src-{seed}", "--mdapi-out", f"mdapi-{seed}", cwd=tmp_path,
                       env={"PYTHONHASHSEED": seed})
        assert proc.returncode == 0, proc.stdout + proc.stderr
    source, mdapi = _tree(tmp_path / "src-1"), _tree(tmp_path / "mdapi-1")
    assert len(mdapi) > 50 and "package.xml" in mdapi
    assert source == _tree(tmp_path / "src-4242")
    assert mdapi == _tree(tmp_path / "mdapi-4242")
    assert source == {MANIFEST: source[MANIFEST], **{f"main/default/{rel}": data for rel, data in
                                                      _tree(ROOT / "force-app" / "main" / "default").items()}}
