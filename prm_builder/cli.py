"""The `prm` command. Each command: parse options -> call api -> render -> exit code.

Exit codes: 0 success, 1 the user's input failed, 2 internal error (a bug).
Heavy modules (cumulusci, simple_salesforce) are imported only inside the commands
that talk to an org.
"""

from __future__ import annotations

import signal
import sys


def _interrupted_while_starting(_signum: int, _frame: object) -> None:
    # Ctrl-C while the modules below are still importing: one line, exit 130 (128 + SIGINT),
    # never an import traceback. Nothing has been written yet, so there is nothing to undo.
    sys.stderr.write("interrupted\n")
    sys.stderr.flush()
    import os as _os

    _os._exit(130)


_ARGV0 = sys.argv[0].replace("\\", "/") if sys.argv else ""
if _ARGV0.rsplit("/", 1)[-1] in ("prm", "prm.exe") or _ARGV0.endswith("prm_builder/__main__.py"):
    signal.signal(signal.SIGINT, _interrupted_while_starting)  # the command itself, not an importer

import datetime as dt  # noqa: E402 - after the Ctrl-C handler, which must come first
import json  # noqa: E402
import os  # noqa: E402
import traceback  # noqa: E402
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
    force: bool = typer.Option(False, "--force", help="Replace an --out folder built from another program."),
    as_json: bool = JsonOpt,
    today: Optional[str] = TodayOpt,
) -> None:
    """Validate the specs, then write force-app/ and the MDAPI package (nothing is written on error)."""
    result = api.build(specs, out, mdapi_out, check=check, today=_today(today), force=force)
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


@app.command()
def score(
    specs: Path = SpecsOpt,
    org: Optional[str] = typer.Option(None, "--org", help="The CumulusCI org to read (`cci org list`)."),
    org_from_env: bool = typer.Option(False, "--org-from-env",
                                      help="Read the org given by SF_INSTANCE_URL and SF_ACCESS_TOKEN."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the scores to this file (.csv or .json)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="csv or json (default: from --out, else csv)."),
    today: Optional[str] = TodayOpt,
) -> None:
    """Compute every partner's health score from the org's live data; write CSV or JSON."""
    from prm_builder.performance.live import to_csv, to_json_bytes

    if bool(org) == org_from_env:
        raise PrmUserError("give the org to read: --org NAME or --org-from-env (one of them)")
    chosen = (fmt or ("json" if out is not None and out.suffix.lower() == ".json" else "csv")).lower()
    if chosen not in ("csv", "json"):
        raise PrmUserError(f"--format '{fmt}' is not csv or json")
    from prm_builder.org import connection as org_connection

    connection = org_connection.from_cumulusci(org) if org else org_connection.from_env()
    day = _today(today) or dt.date.today()
    scores = api.score(specs, org=connection, today=day)
    data = to_json_bytes(scores, day) if chosen == "json" else to_csv(scores)
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        _write_file(out, data, "--out")
        typer.echo(f"wrote {out}: {len(scores)} partner(s)")
def diff(
    org: str = OrgOpt,
    specs: Path = SpecsOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Compare what ORG holds now (retrieved) with what the specs build: drift made by hand in Setup.
    Exit 1 when the org differs."""
    drift = api.diff(specs, org)
    _emit(as_json, drift.to_json(), drift.format())
    raise typer.Exit(0 if drift.clean else 1)


partners_app = typer.Typer(help="Partner operations from the roster: accounts, partner users, permission sets, "
                                  "tier groups and MDF budgets.", no_args_is_help=True)
app.add_typer(partners_app, name="partners")
RosterOpt = typer.Option(Path("roster/partners.yml"), "--roster", help="The partner roster (YAML).")
SuffixOpt = typer.Option(None, "--username-suffix", help="Appended to emails to form usernames in this org "
                         "(overrides the roster's settings.username_suffix).")


def _partner_org(org: Optional[str], org_from_env: bool):
    from prm_builder.org import connection as org_connection

    if bool(org) == bool(org_from_env):
        raise PrmUserError("name the org: --org NAME (a CumulusCI org) or --org-from-env")
    return org_connection.from_cumulusci(org) if org else org_connection.from_env()


@partners_app.command("plan")
def partners_plan(
    org: Optional[str] = typer.Option(None, "--org", help="The CumulusCI org to compare with (`cci org list`)."),
    org_from_env: bool = typer.Option(False, "--org-from-env", help="Use SF_INSTANCE_URL and SF_ACCESS_TOKEN."),
    roster: Path = RosterOpt,
    specs: Path = SpecsOpt,
    username_suffix: Optional[str] = SuffixOpt,
    as_json: bool = JsonOpt,
    today: Optional[str] = TodayOpt,
) -> None:
    """Print what `prm partners apply` would change in the org. Changes nothing."""
    from prm_builder.ops.report import plan_json, plan_text

    run = api.partners(specs, roster, _partner_org(org, org_from_env), today=_today(today),
                       username_suffix=username_suffix)
    _emit(as_json, plan_json(run.plan), plan_text(run.plan))
    raise typer.Exit(1 if run.plan.blockers else 0)


@partners_app.command("apply")
def partners_apply(
    org: Optional[str] = typer.Option(None, "--org", help="The CumulusCI org to change (`cci org list`)."),
    org_from_env: bool = typer.Option(False, "--org-from-env", help="Use SF_INSTANCE_URL and SF_ACCESS_TOKEN."),
    roster: Path = RosterOpt,
    specs: Path = SpecsOpt,
    username_suffix: Optional[str] = SuffixOpt,
    report: Optional[Path] = typer.Option(None, "--report", help="Row-level results (CSV); default "
                                          ".prm/partners/apply-<UTC time>.csv."),
    as_json: bool = JsonOpt,
    today: Optional[str] = TodayOpt,
) -> None:
    """Make the org match the roster, in the order the platform requires; idempotent and resumable."""
    from prm_builder.ops.report import apply_json, apply_text

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    report_path = report or Path(".prm/partners") / f"apply-{stamp}.csv"
    show = sys.stderr.isatty() and not as_json

    def progress(step: str, done: int, total: int) -> None:
        if show:
            typer.echo(f"\r{step}: {done}/{total}", err=True, nl=done >= total)

    run = api.partners(specs, roster, _partner_org(org, org_from_env), apply=True, today=_today(today),
                       username_suffix=username_suffix, report=report_path, progress=progress)
    _emit(as_json, apply_json(run.applied, run.report), apply_text(run.applied, run.report))
    raise typer.Exit(0 if run.applied.ok else 1)


@app.command()
def schema(out: Optional[Path] = typer.Option(None, "--out", help="Write to this file instead of stdout.")) -> None:
    """Print the JSON Schema of spec files (for the YAML language server in editors)."""
    text = json.dumps(api.json_schema(), indent=2, sort_keys=True) + "\n"
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


class _Interrupted(BaseException):
    """Ctrl-C. Not a KeyboardInterrupt, which click turns into Abort after printing a blank
    line: this one passes through click untouched, and `finally` blocks (staging clean-up)
    still run on its way out."""


def _interrupt(_signum: int, _frame: object) -> None:
    raise _Interrupted()


def main() -> None:
    """Console entry point: map our errors to exit codes, never show users a traceback."""
    signal.signal(signal.SIGINT, _interrupt)
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
    except (_Interrupted, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: exit 2, not a traceback
        if os.environ.get("PRM_DEBUG"):
            traceback.print_exc()
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (set PRM_DEBUG=1 for the traceback)", err=True)
        sys.exit(2)
