"""CLI conventions (issue 15): one --json envelope, colour, help, aliases, project root,
notes, actionable org errors, one due-date rule. In process where possible (fast)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from unittest import mock

import pytest

from prm_builder import cli
from tests.conftest import ROOT, TODAY, copy_program, run_prm

ENVELOPE_SCHEMA = json.loads((ROOT / "schema" / "prm-output.schema.json").read_text())


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, cwd: Path, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("PRM_TODAY", TODAY.isoformat())
    monkeypatch.setenv("HOME", str(cwd / "home"))  # CumulusCI's ~/.cumulusci: empty
    monkeypatch.setattr(sys, "argv", ["prm", *args])
    with pytest.raises(SystemExit) as info:
        cli.main()
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def _break_specs(project: Path) -> None:
    (project / "specs" / "program.yml").write_text("program:\n  name: X\n  license: Customer Community\n")


def _example(project: Path) -> None:
    shutil.rmtree(project / "specs")
    shutil.copytree(ROOT / "specs", project / "specs")


def _deploy_ok(monkeypatch: pytest.MonkeyPatch) -> None:
    from prm_builder.deploy import flow

    monkeypatch.setattr(flow, "run_flow", lambda *a, **k: flow.FlowOutcome(True, {"org": "dev", "steps": []}))


def _crash(monkeypatch: pytest.MonkeyPatch) -> None:
    from prm_builder import api

    def boom(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "validate", boom)


# (command line, how to prepare the project, expected exit code)
CASES = [
    (["validate"], None, 0),
    (["validate"], _break_specs, 1),
    (["validate"], _crash, 2),
    (["build"], None, 0),
    (["build"], _break_specs, 1),
    (["build", "--check", "--out", "elsewhere"], None, 1),  # stale: never built there
    (["plan", "--org", "dev"], None, 0),
    (["plan", "--org", "nosuch"], None, 1),
    (["deploy", "--org", "dev"], _deploy_ok, 0),
    (["deploy", "--org", "dev", "--test-level", "Bogus"], None, 1),
    (["docs", "--as-of", "2026-11-22", "--out", "handoff"], None, 0),
    (["docs", "--as-of", "someday"], None, 1),
    (["check"], _example, 0),
    (["check"], None, 1),  # the minimal program fails checklist items: each is a warning
    (["check"], lambda p: (p / "specs" / "tiers.yml").write_text("tiers: [{name: Gold}]\n"), 1),
    (["rules"], None, 0),
    (["rules", "--bogus"], None, 1),
    (["version"], None, 0),
    (["version", "--bogus"], None, 1),
    (["nosuchcommand"], None, 1),
]


@pytest.mark.parametrize("args, prepare, status", CASES, ids=[" ".join(c[0]) + f" -> {c[2]}" for c in CASES])
def test_every_command_prints_one_json_envelope(project: Path, monkeypatch, capsys, args, prepare, status) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    (project / "cumulusci.yml").write_text("project:\n  name: demo\n")
    if prepare in (_deploy_ok, _crash):
        prepare(monkeypatch)
    elif prepare is not None:
        prepare(project)
    code, out, err = _run(monkeypatch, capsys, project, *args, "--json")
    assert code == status, out + err
    payload = json.loads(out)  # stdout is exactly one JSON document
    jsonschema.validate(payload, ENVELOPE_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert payload["status"] == status and payload["ok"] is (status == 0)
    assert payload["command"] == (args[0] if args[0] != "nosuchcommand" else "nosuchcommand")
    if status:
        assert payload["error"] or payload["warnings"] or payload["diagnostics"]
    assert "Traceback" not in err


def test_the_date_key_is_as_of_everywhere(project: Path, monkeypatch, capsys) -> None:
    _, out, _ = _run(monkeypatch, capsys, project, "check", "--json", "--as-of", "2027-01-20")
    check = json.loads(out)["result"]
    _, out, _ = _run(monkeypatch, capsys, project, "docs", "--json", "--as-of", "2027-01-20", "--out", "handoff")
    docs = json.loads(out)["result"]
    assert check["as_of"] == docs["as_of"] == "2027-01-20"
    assert "today" not in check


def _decisions_item(out: str) -> str:
    items = json.loads(out)["result"]["items"]
    return next(i["status"] for i in items if i["title"].startswith("Open decisions"))


def test_check_and_docs_judge_due_dates_by_one_rule(project: Path, monkeypatch, capsys) -> None:
    """A decision due 2026-12-01: as of 2027-01-20 both commands call it overdue, as of
    today (PRM_TODAY) neither does, and both print the day they judged by."""
    (project / "specs" / "decisions.yml").write_text(
        "open_decisions:\n  - {id: D-9, title: Late, owner: VP, due: 2026-12-01}\n")
    _, out, _ = _run(monkeypatch, capsys, project, "check", "--json", "--as-of", "2027-01-20")
    assert _decisions_item(out) == "fail"
    _, out, _ = _run(monkeypatch, capsys, project, "check", "--json")
    assert _decisions_item(out) != "fail"  # open, not yet due: a decision to take
    _, out, _ = _run(monkeypatch, capsys, project, "check")
    assert f"as of {TODAY.isoformat()}" in out
    _, out, _ = _run(monkeypatch, capsys, project, "docs", "--out", "handoff")
    assert f"as of {TODAY.isoformat()}" in out
    assert "past due<" not in (project / "handoff" / "decisions.html").read_text()
    _, out, _ = _run(monkeypatch, capsys, project, "docs", "--out", "handoff", "--as-of", "2027-01-20")
    assert "as of 2027-01-20" in out and "open — past due" in (project / "handoff" / "decisions.html").read_text()


def test_help_short_flag_version_and_no_bool_placeholders(tmp_path: Path) -> None:
    short = run_prm("-h", cwd=tmp_path)
    assert short.returncode == 0 and "validate" in short.stdout and "-h, --help" in short.stdout
    for command in ("build", "check", "deploy", "plan", "docs"):
        proc = run_prm(command, "-h", cwd=tmp_path)
        assert proc.returncode == 0 and "<bool>" not in proc.stdout and "--json" in proc.stdout
    from prm_builder import __version__

    assert run_prm("--version", cwd=tmp_path).stdout.strip() == f"prm {__version__}"


def test_target_org_aliases_and_run_all_tests_in_org(project: Path, monkeypatch, capsys) -> None:
    from prm_builder.deploy.runner import DeployOptions

    for flag in ("-o", "--target-org", "--org"):
        code, out, err = _run(monkeypatch, capsys, project, "plan", flag, "dev", "--json")
        assert code == 0 and json.loads(out)["result"]["org"] == "dev", err
    DeployOptions("dev", test_level="RunAllTestsInOrg").check()  # no error
    _deploy_ok(monkeypatch)
    (project / "cumulusci.yml").write_text("project:\n  name: demo\n")
    code, _, err = _run(monkeypatch, capsys, project, "deploy", "-o", "dev", "-l", "RunAllTestsInOrg")
    assert code == 0, err


def test_project_root_is_found_from_a_subfolder(project: Path, monkeypatch, capsys) -> None:
    sub = project / "notes" / "deeper"
    sub.mkdir(parents=True)
    code, out, err = _run(monkeypatch, capsys, sub, "build")
    assert code == 0, err
    assert (project / "force-app" / "main" / "default").is_dir() and not (sub / "force-app").exists()
    # a path the user typed is still relative to where they typed it
    shutil.copytree(project / "specs", sub / "myspecs")
    code, out, err = _run(monkeypatch, capsys, sub, "validate", "--specs", "myspecs")
    assert code == 0, err


def test_colour_on_a_terminal_only_and_never_with_no_color(project: Path, monkeypatch, capsys) -> None:
    _break_specs(project)
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = _run(monkeypatch, capsys, project, "validate")
    assert "\033[31merror\033[0m PRM-V015" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = _run(monkeypatch, capsys, project, "validate")
    assert "\033[" not in out and "error PRM-V015" in out
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.delenv("FORCE_COLOR")
    _, out, _ = _run(monkeypatch, capsys, project, "validate")  # captured = not a terminal
    assert "\033[" not in out
    from prm_builder.output import colour_enabled

    tty = mock.Mock(isatty=lambda: True)
    with mock.patch.dict(os.environ, {"TERM": "xterm"}, clear=False):
        os.environ.pop("NO_COLOR", None)
        assert colour_enabled(tty)
        os.environ["NO_COLOR"] = "1"
        assert not colour_enabled(tty)
        del os.environ["NO_COLOR"]


def test_checklist_status_words_in_colour(project: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = _run(monkeypatch, capsys, project, "check")
    assert "\033[32mPASS\033[0m" in out


def test_build_notes_only_when_new(tmp_path: Path, monkeypatch, capsys) -> None:
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    _, first, _ = _run(monkeypatch, capsys, tmp_path, "build")
    notes = [line for line in first.splitlines() if line.startswith("note: ")]
    assert notes, "the example program has notes"
    _, second, _ = _run(monkeypatch, capsys, tmp_path, "build")
    assert "note: " not in second and f"{len(notes)} note(s) shown before" in second
    _, verbose, _ = _run(monkeypatch, capsys, tmp_path, "build", "--verbose")
    assert [line for line in verbose.splitlines() if line.startswith("note: ")] == notes
    _, quiet, _ = _run(monkeypatch, capsys, tmp_path, "build", "-q")
    assert "note" not in quiet and "components from" in quiet
    # --json always carries every note
    _, out, _ = _run(monkeypatch, capsys, tmp_path, "build", "--json")
    assert len(json.loads(out)["result"]["notes"]) == len(notes)


def test_plan_for_an_org_cumulusci_does_not_know_is_actionable(project: Path, monkeypatch, capsys) -> None:
    code, out, err = _run(monkeypatch, capsys, project, "plan", "--org", "nosuch")
    assert code == 1 and out == ""
    assert "org 'nosuch' is not configured" in err and "cci org connect nosuch" in err
    # a connected org (CumulusCI's <name>.org file in ~/.cumulusci/<project>/) is known
    (project / "cumulusci.yml").write_text("project:\n  name: demo\n")
    (project / "home" / ".cumulusci" / "demo").mkdir(parents=True)
    (project / "home" / ".cumulusci" / "demo" / "nosuch.org").write_bytes(b"encrypted")
    code, _, err = _run(monkeypatch, capsys, project, "plan", "--org", "nosuch")
    assert code == 0, err


def test_progress_reports_stages_after_the_first_second() -> None:
    from prm_builder.api import _Stages

    seen: list[str] = []
    clock = iter([0.0, 0.5, 1.5])
    stages = _Stages(seen.append)
    stages._clock = lambda: next(clock)
    stages._start = stages._clock()
    stages("quick")
    stages("slow")
    assert seen == ["[  1.5s] slow"]


def test_help_and_argument_errors_load_nothing_of_the_pipeline(tmp_path: Path) -> None:
    """`prm --help` answers in ~0.1 s (was 0.6-0.8 s): nothing heavy is imported before the
    arguments are parsed - no pipeline, no spec models, no lxml, no rich help. (typer 0.29
    itself imports pydantic to coerce a subcommand's options: ~0.1 s, measured acceptable.)"""
    import subprocess

    script = (
        "import sys\n"
        "from prm_builder import cli\n"
        "for argv in (['prm', '--help'], ['prm', 'build', '-h'], ['prm', 'build', '--bogus'], ['prm', '--version']):\n"
        "    sys.argv = argv\n"
        "    try:\n"
        "        cli.main()\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich', 'lxml', 'yaml', 'jinja2', 'grandalf')\n"
        "             or m in ('prm_builder.api', 'prm_builder.model', 'prm_builder.generate')))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"
