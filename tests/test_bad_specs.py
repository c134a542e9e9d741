"""The bad-input corpus: each folder of tests/bad_specs holds spec files laid over the
minimal program, with `# expect: CODE` on every line that must get that error.

For each case: exactly the expected errors are reported (code, file and line), `prm build`
exits 1, and the output folder is left byte-for-byte as it was.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.errors import PrmUserError
from tests.conftest import BAD_SPECS, TODAY, copy_program, run_prm

EXPECT = re.compile(r"#\s*expect:\s*(PRM-V\d{3})")
CASES = sorted(p.name for p in BAD_SPECS.iterdir() if p.is_dir())


def _case_specs(case: str, tmp_path: Path) -> Path:
    specs = copy_program("minimal", tmp_path)
    for file in (BAD_SPECS / case).iterdir():
        shutil.copy(file, specs / file.name)
    return specs


def _expected(specs: Path) -> set[tuple[str, str, int]]:
    found = set()
    for file in sorted(specs.glob("*.yml")):
        for number, line in enumerate(file.read_bytes().decode("utf-8", "replace").splitlines(), start=1):
            for code in EXPECT.findall(line.replace("\x00", "")):  # UTF-16 cases
                found.add((code, file.name, number))
    return found


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES)
def test_bad_spec_reports_exactly_the_expected_errors(case: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    specs = _case_specs(case, tmp_path)
    expected = _expected(specs)
    assert expected, f"case {case} marks no line with '# expect: CODE'"

    result = api.validate(Path("specs"), TODAY)
    reported = {(d.code, Path(d.ref.file).name, d.ref.line) for d in result.errors if d.ref}
    assert reported == expected, "\n".join(d.format() for d in result.diagnostics)
    for d in result.errors:
        assert d.hint, f"{d.code} has no fix hint"
        assert d.ref and d.ref.line >= 1 and d.ref.col >= 1


@pytest.mark.parametrize("case", CASES)
def test_bad_spec_writes_nothing(case: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    # A force-app from a good build, plus a file the user wrote by hand.
    good = tmp_path / "good"
    copy_program("minimal", good)
    api.build(good / "specs", tmp_path / "force-app", tmp_path / "build", today=TODAY)
    (tmp_path / "force-app" / "main" / "default" / "mine.txt").write_text("user file")
    before = _snapshot(tmp_path / "force-app")

    _case_specs(case, tmp_path)
    with pytest.raises(PrmUserError):
        api.build(Path("specs"), tmp_path / "force-app", tmp_path / "build", today=TODAY)
    assert _snapshot(tmp_path / "force-app") == before


def test_cli_exit_code_and_positions_for_a_bad_spec(tmp_path: Path) -> None:
    _case_specs("32-several-mistakes-at-once", tmp_path)
    proc = run_prm("build", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "specs/program.yml:3:12: error PRM-V015" in proc.stderr
    assert "specs/tiers.yml:5:7: error PRM-V003 unknown key 'deal_registraton'" in proc.stderr
    assert "did you mean 'deal_registration'?" in proc.stderr
    assert not (tmp_path / "force-app").exists()
