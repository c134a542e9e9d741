"""The `prm` command. Each command: parse options -> call api -> render -> exit code.

Exit codes: 0 success, 1 the user's input failed, 2 internal error (a bug).
Heavy modules (cumulusci, simple_salesforce) are imported only inside the commands
that talk to an org.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Optional

import typer
from typer.exceptions import TyperException

from prm_builder import __version__, api, render_text
from prm_builder.errors import PrmError, PrmUserError

app = typer.Typer(
    name="prm",
    help="Partner Relationship Management setup as code: compile YAML specs into Salesforce metadata.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

SpecsOpt = typer.Option(api.DEFAULT_SPECS, "--specs", help="Folder of *.yml spec files.")
JsonOpt = typer.Option(False, "--json", help="Print machine-readable JSON instead of text.")
TodayOpt = typer.Option(None, "--today", hidden=True, help="Date to judge due dates by (tests).")


def _today(value: Optional[str], option: str = "--today") -> dt.date | None:
    given = value or os.environ.get("PRM_TODAY")
    if not given:
        return None
    try:
        return dt.date.fromisoformat(given)
    except ValueError:
        source = option if value else "PRM_TODAY"
        raise PrmUserError(f"{source} '{given}' is not a date (YYYY-MM-DD)") from None


def _write_file(path: Path, data: bytes, option: str) -> None:
    """Write a file the user named (parents created); a path that cannot be written is
    the user's mistake (exit 1), not an internal error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise PrmUserError(f"{option} {path}: cannot write it ({exc.strerror or exc})") from None


def _emit(as_json: bool, payload: dict, text: str) -> None:
    typer.echo(json.dumps(payload, indent=2, sort_keys=True) if as_json else text)


@app.command()
def validate(specs: Path = SpecsOpt, as_json: bool = JsonOpt, today: Optional[str] = TodayOpt) -> None:
    """Check the specs and report every problem at once (file:line:col CODE message)."""
    result = api.validate(specs, _today(today))
    _emit(as_json, {"ok": result.ok, "diagnostics": [d.to_json() for d in result.diagnostics]},
          render_text.diagnostics(result.diagnostics))
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def build(
    specs: Path = SpecsOpt,
    out: Path = typer.Option(api.DEFAULT_OUT, "--out", help="Source-format folder (reviewed in git)."),
    mdapi_out: Path = typer.Option(api.DEFAULT_MDAPI, "--mdapi-out", help="MDAPI package folder (deployed)."),
    check: bool = typer.Option(False, "--check", help="Write nothing; fail when --out is stale."),
    as_json: bool = JsonOpt,
    today: Optional[str] = TodayOpt,
) -> None:
    """Validate the specs, then write force-app/ and the MDAPI package (nothing is written on error)."""
    result = api.build(specs, out, mdapi_out, check=check, today=_today(today))
    compiled = result.compiled
    notes = [f"note: {c.type} {c.full_name}: {n}" for c in compiled.components for n in c.notes]
    text = [render_text.diagnostics(compiled.diagnostics)] if compiled.diagnostics else []
    text += notes
    text.append(f"{len(compiled.components)} components from {specs}")
    text.append(render_text.changes(str(out), result.source_changes))
    lock_path = specs / "prm.lock.json"
    if compiled.lock_stale:
        text.append(f"{lock_path} is stale: run `prm build` and commit it (approval-process versions)"
                    if check else f"{lock_path} updated (approval-process versions): commit it")
    if not check:
        text.append(render_text.changes(str(mdapi_out), result.mdapi_changes))
    elif result.stale:
        text.append(f"{out} is stale: run `prm build` and commit the result")
    else:
        text.append(f"{out} is up to date")
    payload = {
        "ok": not (check and result.stale),
        "components": len(compiled.components),
        "stale": result.stale if check else None,
        "diagnostics": [d.to_json() for d in compiled.diagnostics],
        "force_app": vars(result.source_changes),
        "mdapi": vars(result.mdapi_changes),
        "notes": notes,
        "lock_stale": compiled.lock_stale,
    }
    _emit(as_json, payload, "\n".join(text))
    raise typer.Exit(1 if check and result.stale else 0)


OrgOpt = typer.Option(..., "--org", help="CumulusCI org name (cci org list).")
RecordDirOpt = typer.Option(Path(".prm/deploys"), "--record-dir", help="Folder of per-org deploy records.")


@app.command()
def plan(
    org: str = OrgOpt,
    specs: Path = SpecsOpt,
    record_dir: Path = RecordDirOpt,
    allow_destructive: bool = typer.Option(False, "--allow-destructive", help="Show removals as deletions."),
    as_json: bool = JsonOpt,
) -> None:
    """What a deploy to ORG would add, change and remove, by deploy step (no org connection)."""
    from prm_builder.deploy.render import plan_text
    from prm_builder.deploy.runner import plan_for

    compiled = api.compile_program(specs)
    the_plan, _ = plan_for(compiled.components, org, record_dir=record_dir)
    _emit(as_json, the_plan.to_json(), plan_text(the_plan, allow_destructive=allow_destructive))


@app.command()
def deploy(
    org: str = OrgOpt,
    specs: Path = SpecsOpt,
    check_only: bool = typer.Option(False, "--check-only", help="Validate only; nothing is saved in the org."),
    test_level: Optional[str] = typer.Option(None, "--test-level", help="NoTestRun | RunLocalTests | RunSpecifiedTests."),
    tests: Optional[str] = typer.Option(None, "--tests", help="Comma-separated test classes (RunSpecifiedTests)."),
    allow_destructive: bool = typer.Option(False, "--allow-destructive", help="Delete components removed from the specs."),
    full: bool = typer.Option(False, "--full", help="Ignore the deploy record: send every component."),
    skip_validation: bool = typer.Option(False, "--skip-validation",
                                         help="Production: deploy without a prior check-only RunLocalTests validation."),
    record_dir: Path = RecordDirOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Build and deploy to ORG in dependency order: runs cumulusci.yml's prm_deploy flow
    (prm_validate with --check-only), exactly as `cci flow run` would."""
    from prm_builder.deploy.flow import run_flow
    from prm_builder.deploy.runner import DeployOptions

    DeployOptions(org, test_level=test_level,  # type: ignore[arg-type]
                  specified_tests=[t for t in (tests or "").split(",") if t]).check()
    # Invalid specs are reported before any org work (the flow's build would stop on them
    # later). Outside the project root the flow's own message says where to run instead.
    checked = api.validate(specs) if Path("cumulusci.yml").is_file() else None
    if checked is not None and not checked.ok:
        raise PrmUserError(f"{len(checked.errors)} error(s) in the specs", checked.diagnostics)
    step_options: dict[str, object] = {
        "specs": str(specs), "allow_destructive": allow_destructive, "full": full,
        "skip_validation": skip_validation, "record_dir": str(record_dir)}
    if test_level:
        step_options["test_level"] = test_level
    if tests:
        step_options["specified_tests"] = tests
    if check_only:
        step_options["check_only"] = True
    flow = "prm_validate" if check_only else "prm_deploy"
    options = {"prm_build": {"specs": str(specs)}, "prm_check": {"specs": str(specs)},
               "prm_deploy_steps": step_options}
    outcome = run_flow(flow, org, options, quiet=as_json)
    if as_json:
        typer.echo(json.dumps({"ok": outcome.ok, "report": outcome.report}, indent=2, sort_keys=True))
    raise typer.Exit(0 if outcome.ok else 1)


@app.command()
def docs(
    specs: Path = SpecsOpt,
    out: Path = typer.Option(api.DEFAULT_DOCS_OUT, "--out", help="Folder of the handoff package."),
    as_of: Optional[str] = typer.Option(
        None, "--as-of", help="Judge due dates as of this day (YYYY-MM-DD); default: the date of the "
                              "specs' last commit, or today when they have uncommitted changes."),
    as_json: bool = JsonOpt,
) -> None:
    """Generate the handoff documentation package (HTML site + Markdown + SVG diagrams)."""
    when = _today(as_of, "--as-of")
    result = api.docs(specs, out, as_of=when)
    pages = [f for f in result.files if f.endswith(".html")]
    text = [render_text.changes(str(out), result.changes),
            f"{len(result.sections)} sections, {len(pages)} HTML pages (as of {result.as_of}): open {out / 'index.html'}"]
    _emit(as_json, {"ok": True, "sections": result.sections, "as_of": result.as_of, "out": str(out),
                    "changes": vars(result.changes)}, "\n".join(text))


@app.command()
def check(
    specs: Path = SpecsOpt,
    org: Optional[str] = typer.Option(None, "--org", help="Also check this CumulusCI org (`cci org list`)."),
    org_from_env: bool = typer.Option(False, "--org-from-env",
                                      help="Also check the org given by SF_INSTANCE_URL and SF_ACCESS_TOKEN."),
    as_json: bool = JsonOpt,
    junit: Optional[Path] = typer.Option(None, "--junit", help="Also write a JUnit XML report to this file."),
    today: Optional[str] = TodayOpt,
) -> None:
    """Run the requirements review checklist; with --org also check the live org. Exit 1 when an item fails."""
    from prm_builder.checklist.render import junit_error, junit_xml

    if org and org_from_env:
        raise PrmUserError("use either --org NAME or --org-from-env, not both")
    try:
        connection = None
        if org or org_from_env:
            from prm_builder.org import connection as org_connection

            connection = org_connection.from_cumulusci(org) if org else org_connection.from_env()
        report = api.check(specs, org=connection, today=_today(today))
    except PrmUserError as exc:
        # A CI pipeline reads the JUnit file / JSON even when the run stops early (specs that
        # do not parse, an expired session): give it a failing report, then exit 1 as usual.
        details = [d.format().replace("\n    ", " ") for d in exc.diagnostics]
        if junit is not None:
            junit.parent.mkdir(parents=True, exist_ok=True)
            junit.write_bytes(junit_error(str(exc), details))
        if as_json:
            typer.echo(json.dumps({"ok": False, "error": str(exc),
                                   "diagnostics": [d.to_json() for d in exc.diagnostics]}, indent=2, sort_keys=True))
        raise
    if junit is not None:
        _write_file(junit, junit_xml(report), "--junit")
    _emit(as_json, report.to_json(), report.format())
    raise typer.Exit(0 if report.ok else 1)


@app.command("test")
def test_cmd(
    specs: Path = SpecsOpt,
    metadata: Optional[Path] = typer.Option(None, "--metadata", help="Test this source-format folder (e.g. "
                                            "retrieved from an org) instead of a fresh build of the specs."),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", help="Folder of scenario files "
                                             "(default: <specs>/scenarios)."),
    no_generated: bool = typer.Option(False, "--no-generated", help="Run only the scenarios of the files, "
                                      "not those generated from the specs."),
    as_json: bool = JsonOpt,
    junit: Optional[Path] = typer.Option(None, "--junit", help="Also write a JUnit XML report to this file."),
    today: Optional[str] = TodayOpt,
) -> None:
    """Prove the business rules: run the scenarios against the generated metadata. Exit 1 when one fails."""
    report = api.test(specs, metadata=metadata, scenarios=scenarios, generated=not no_generated,
                      today=_today(today))
    if junit is not None:
        _write_file(junit, report.junit(), "--junit")
    _emit(as_json, report.to_json(), report.format())
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def schema(out: Optional[Path] = typer.Option(None, "--out", help="Write to this file instead of stdout."),
           scenarios: bool = typer.Option(False, "--scenarios", help="The schema of scenario files "
                                          "(specs/scenarios/*.yml) instead of spec files.")) -> None:
    """Print the JSON Schema of spec files (for the YAML language server in editors)."""
    data = api.scenario_json_schema() if scenarios else api.json_schema()
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        _write_file(out, text.encode("utf-8"), "--out")
        typer.echo(f"wrote {out}")


@app.command()
def rules(markdown: bool = typer.Option(False, "--markdown", help="Print a Markdown table (the README's).")) -> None:
    """List every diagnostic code prm reports, what it means and how to fix it."""
    from prm_builder.validate.codes import all_codes, markdown_table

    if markdown:
        typer.echo(markdown_table(), nl=False)
        return
    for doc in all_codes():
        typer.echo(f"{doc.code}  {doc.name}  ({doc.stage})\n    {doc.doc}")


@app.command()
def version() -> None:
    """Print the prm_builder version."""
    typer.echo(__version__)


def main() -> None:
    """Console entry point: map our errors to exit codes, never show users a traceback."""
    try:
        # Without standalone mode, typer.Exit comes back as the return value.
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except TyperException as exc:
        # Usage errors (unknown option, bad value): the user's input, so exit 1.
        exc.show()
        sys.exit(1)
    except PrmUserError as exc:
        for d in exc.diagnostics:
            typer.echo(d.format(), err=True)
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except PrmError as exc:
        typer.echo(f"internal error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: exit 2, not a traceback
        if os.environ.get("PRM_DEBUG"):
            traceback.print_exc()
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (set PRM_DEBUG=1 for the traceback)", err=True)
        sys.exit(2)
