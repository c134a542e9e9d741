"""The CLI as users run it: real subprocesses, real exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from prm_builder import cli
from tests.conftest import ROOT, run_prm


def test_help_lists_the_commands(tmp_path: Path) -> None:
    proc = run_prm("--help", cwd=tmp_path)
    assert proc.returncode == 0
    for command in ("validate", "build", "schema"):
        assert command in proc.stdout


def test_validate_and_help_do_not_import_heavy_modules(project: Path) -> None:
    # build and docs work offline too: only deploy and `check --org` may load the org libraries
    # (plan and check have their own tests).
    script = (
        "import runpy, sys\n"
        "for argv in (['prm', '--help'], ['prm', 'validate'], ['prm', 'build'], ['prm', 'docs']):\n"
        "    sys.argv = argv\n"
        "    try:\n"
        "        runpy.run_module('prm_builder', run_name='__main__')\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, exc.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('cumulusci', 'simple_salesforce'))\n"
        "print(heavy)\n"
    )
    import subprocess, os
    proc = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_validate_ok_and_json(project: Path) -> None:
    proc = run_prm("validate", "--json", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["ok"] is True and payload["diagnostics"] == []


def test_validate_reports_json_diagnostics_with_positions(project: Path) -> None:
    (project / "specs" / "program.yml").write_text(
        "program:\n  name: X\n  license: Customer Community\n")
    proc = run_prm("validate", "--json", cwd=project)
    assert proc.returncode == 1
    [diag] = json.loads(proc.stdout)["diagnostics"]
    assert (diag["code"], diag["file"], diag["line"], diag["col"]) == ("PRM-V015", "specs/program.yml", 3, 12)
    assert diag["hint"]


def test_build_then_check_then_stale(project: Path) -> None:
    assert run_prm("build", cwd=project).returncode == 0
    assert (project / "force-app" / "main" / "default" / "groups" / "PRM_Tier_Premier.group-meta.xml").is_file()
    assert (project / "build" / "mdapi" / "package.xml").is_file()
    check = run_prm("build", "--check", cwd=project)
    assert check.returncode == 0 and "up to date" in check.stdout

    tiers = project / "specs" / "tiers.yml"
    tiers.write_text(tiers.read_text().replace("name: Registered", "name: Member"))
    stale = run_prm("build", "--check", cwd=project)
    assert stale.returncode == 1
    assert "stale" in stale.stdout
    assert "PRM_Tier_Member.group-meta.xml" in stale.stdout
    # --check wrote nothing
    assert not (project / "force-app" / "main" / "default" / "groups" / "PRM_Tier_Member.group-meta.xml").exists()

    assert run_prm("build", cwd=project).returncode == 0
    assert not (project / "force-app" / "main" / "default" / "groups" / "PRM_Tier_Registered.group-meta.xml").exists()


def test_custom_folders(project: Path) -> None:
    (project / "specs").rename(project / "program")
    proc = run_prm("build", "--specs", "program", "--out", "out/src", "--mdapi-out", "out/md", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert (project / "out" / "md" / "package.xml").is_file()


def test_missing_specs_folder_is_exit_1_without_traceback(tmp_path: Path) -> None:
    proc = run_prm("build", cwd=tmp_path)
    assert proc.returncode == 1
    assert "PRM-V008" in proc.stderr and "Traceback" not in proc.stderr
    # one error, not also "required section missing" for every section of the absent files
    assert "PRM-V004" not in proc.stderr and "1 error(s)" in proc.stderr


def test_bad_option_is_exit_1(tmp_path: Path) -> None:
    proc = run_prm("build", "--no-such-option", cwd=tmp_path)
    assert proc.returncode == 1
    assert "No such option" in proc.stderr


def test_internal_error_is_exit_2_without_traceback(project: Path, monkeypatch, capsys) -> None:
    def crash(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.chdir(project)
    monkeypatch.setattr(cli.api, "build", crash)
    monkeypatch.setattr(sys, "argv", ["prm", "build"])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err


def test_schema_command_matches_committed_schema(tmp_path: Path) -> None:
    proc = run_prm("schema", cwd=tmp_path)
    assert proc.returncode == 0
    committed = (ROOT / "schema" / "prm-spec.schema.json").read_text()
    assert proc.stdout == committed, "schema is stale: run `prm schema --out schema/prm-spec.schema.json`"


def test_every_schema_property_has_a_description() -> None:
    """Editors show a key's description as hover text: every spec key needs a field docstring.
    (A docstring identical to the referenced model's own docstring is dropped from the schema.)"""
    schema = json.loads((ROOT / "schema" / "prm-spec.schema.json").read_text())
    models = {"<root>": schema, **schema.get("$defs", {})}
    missing = [f"{model}.{key}" for model, node in models.items()
               for key, prop in node.get("properties", {}).items() if not prop.get("description")]
    assert not missing, f"schema properties without a description (add a field docstring): {missing}"


@pytest.mark.parametrize("folder", ["specs"] + sorted(f"tests/programs/{p.name}" for p in (ROOT / "tests" / "programs").iterdir()))
def test_example_specs_validate_against_the_json_schema(folder: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from prm_builder.spec.loader import load_file

    schema = json.loads((ROOT / "schema" / "prm-spec.schema.json").read_text())
    files = sorted((ROOT / folder).glob("*.yml"))
    assert files
    for file in files:
        data, _, diags = load_file(file, file.name)
        assert not diags
        jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def test_json_schema_rejects_a_typo() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "schema" / "prm-spec.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"program": {"name": "x", "licence": "Partner Community"}}, schema)


@pytest.mark.parametrize("options", [
    ("--mdapi-out", "specs"),          # the MDAPI folder is replaced whole: this deleted the specs
    ("--mdapi-out", "."),
    ("--out", "specs/force-app"),
    ("--out", ".."),
    ("--out", "out", "--mdapi-out", "out/mdapi"),
    ("--out", "build/mdapi"),          # the default --mdapi-out
])
def test_build_refuses_output_folders_holding_specs_project_or_each_other(project: Path,
                                                                          options: tuple[str, ...]) -> None:
    before = {p: p.read_bytes() for p in sorted((project / "specs").rglob("*")) if p.is_file()}
    proc = run_prm("build", *options, cwd=project)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and options[-2] in proc.stderr
    after = {p: p.read_bytes() for p in sorted((project / "specs").rglob("*")) if p.is_file()}
    assert after == before
    assert not (project / "force-app").exists() and not (project / "out").exists()


@pytest.mark.parametrize("args", [
    ("schema", "--out", "blocker/schema.json"),
    ("check", "--junit", "blocker/report.xml"),
    ("validate", "--today", "someday"),
])
def test_unwritable_paths_and_malformed_dates_are_user_errors(project: Path, args: tuple[str, ...]) -> None:
    (project / "blocker").write_text("a file, not a folder\n")
    proc = run_prm(*args, cwd=project)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert args[1] in proc.stderr
