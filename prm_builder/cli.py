"""The `prm` command. Each command: parse options -> call api -> render -> exit code.

Exit codes: 0 success, 1 the user's input failed, 2 internal error (a bug).

Startup is kept light: nothing of the pipeline (api, pydantic models, lxml) is imported
before the arguments are parsed, so `prm --help` answers at once; each command imports
what it needs. Heavy org modules (cumulusci, simple_salesforce) load only in the
commands that talk to an org.

Every command's `--json` prints one envelope (prm_builder/output.py, schema in
schema/prm-output.schema.json), in success and failure alike.
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
import os  # noqa: E402
import re  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer  # noqa: E402
from typer.exceptions import TyperException  # noqa: E402

from prm_builder import __version__  # noqa: E402
from prm_builder.errors import Diagnostic, PrmError, PrmUserError  # noqa: E402
from prm_builder.output import colour_enabled, dumps, envelope, paint, progress  # noqa: E402
from prm_builder.paths import (DEFAULT_DOCS_OUT, DEFAULT_MDAPI, DEFAULT_OUT, DEFAULT_RECORD_DIR,  # noqa: E402
                               DEFAULT_SPECS, find_project_root, is_project_root)

if TYPE_CHECKING:
    from types import ModuleType


def __getattr__(name: str) -> Any:
    """`cli.api` for tests that patch the API, without importing it at startup."""
    if name == "api":
        return _api()
    raise AttributeError(name)


def _api() -> "ModuleType":
    from prm_builder import api

    return api


def _version(value: bool) -> None:
    if value:
        typer.echo(f"prm {__version__}")
        raise typer.Exit(0)


app = typer.Typer(
    name="prm",
    help="Partner Relationship Management setup as code: compile YAML specs into Salesforce metadata.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: typer's rich help costs 150 ms of imports and prints `<bool>` after flags.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _main_options(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Partner Relationship Management setup as code: compile YAML specs into Salesforce metadata.

    Run it anywhere in a project: like sf and cci, prm finds the project root (the folder
    holding sfdx-project.json, cumulusci.yml or specs/) from a subfolder.
    """


SpecsOpt = typer.Option(DEFAULT_SPECS, "--specs", metavar="DIR", help="Folder of *.yml spec files.")
JsonOpt = typer.Option(False, "--json", help="Print one machine-readable JSON envelope instead of text.")
TodayOpt = typer.Option(None, "--today", hidden=True, help="Date to judge due dates by (tests).")
AsOfOpt = typer.Option(None, "--as-of", metavar="DATE",
                       help="Judge due dates as of this day (YYYY-MM-DD); default: today.")


def _today(value: Optional[str], option: str = "--today") -> dt.date | None:
    given = value or os.environ.get("PRM_TODAY")
    if not given:
        return None
    try:
        return dt.date.fromisoformat(given)
    except ValueError:
        source = option if value else "PRM_TODAY"
        raise PrmUserError(f"{source} '{given}' is not a date (YYYY-MM-DD)") from None


def _as_of(as_of: Optional[str], today: Optional[str] = None) -> dt.date:
    """The one due-date rule of `prm check` and `prm docs`: --as-of when given, else today
    (PRM_TODAY in tests). Both print the date they used."""
    return _today(as_of, "--as-of") or _today(today) or dt.date.today()


def _write_file(path: Path, data: bytes, option: str) -> None:
    """Write a file the user named (parents created); a path that cannot be written is
    the user's mistake (exit 1), not an internal error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise PrmUserError(f"{option} {path}: cannot write it ({exc.strerror or exc})") from None


def _in_project(**paths: Path) -> dict[str, Path]:
    """Run from the project root, as sf and cci do. When the current folder is not a project
    root but a parent is, options the user gave are resolved against the current folder,
    then prm moves to the root where the defaults (specs, force-app, ...) live."""
    cwd = Path.cwd()
    if is_project_root(cwd):
        _keep_compiled_templates()
        return paths
    root = find_project_root(cwd)
    if root is None:
        return paths
    defaults = {DEFAULT_SPECS, DEFAULT_OUT, DEFAULT_MDAPI, DEFAULT_DOCS_OUT, DEFAULT_RECORD_DIR}
    resolved = {name: p if p in defaults else (cwd / p).resolve() for name, p in paths.items()}
    os.chdir(root)
    _keep_compiled_templates()
    return resolved


def _keep_compiled_templates() -> None:
    """Keep compiled Jinja templates between runs (see paths.TEMPLATE_CACHE)."""
    import prm_builder.paths

    prm_builder.paths.TEMPLATE_CACHE = prm_builder.paths.PACKAGE_TEMPLATE_CACHE


def _emit(command: str, as_json: bool, status: int, result: Any, text: str, *,
          diagnostics: list[Diagnostic] = (), warnings: list[str] | None = None) -> None:
    if as_json:
        typer.echo(dumps(envelope(command, status, result, diagnostics=[d.to_json() for d in diagnostics],
                                  warnings=warnings)))
    else:
        # color=: click strips ANSI codes from anything but a terminal; we decided already
        typer.echo(_colour(text), color=colour_enabled(sys.stdout))
    raise typer.Exit(status)


#: What gets colour: checklist status words, diagnostic severities (`file:1:2: error PRM-...`)
#: and the checklist's verdict; never the same words in prose.
_COLOURED = re.compile(r"(?<=\s)(PASS|FAIL|WARN|MANUAL)(?=\s)|(?:^|(?<=: ))(error|warning)(?= PRM-)"
                       r"|(NOT READY for sign-off)$", re.MULTILINE)


def _colour(text: str, stream: Any = None) -> str:
    """Status words and diagnostic severities in colour on a terminal (never with NO_COLOR,
    never when piped)."""
    stream = stream or sys.stdout
    if not colour_enabled(stream):
        return text

    def paint_match(m: re.Match[str]) -> str:
        word = m.group(0)
        return paint(word, "fail" if word.startswith("NOT READY") else word, stream)

    return _COLOURED.sub(paint_match, text)


def _diagnostics_text(diags: list[Diagnostic]) -> str:
    from prm_builder import render_text

    return render_text.diagnostics(diags)


@app.command()
def validate(specs: Path = SpecsOpt, as_json: bool = JsonOpt, today: Optional[str] = TodayOpt) -> None:
    """Check the specs and report every problem at once (file:line:col CODE message)."""
    specs = _in_project(specs=specs)["specs"]
    result = _api().validate(specs, _today(today))
    _emit("validate", as_json, 0 if result.ok else 1, {"specs": str(specs)}, _diagnostics_text(result.diagnostics),
          diagnostics=result.diagnostics)


@app.command()
def build(
    specs: Path = SpecsOpt,
    out: Path = typer.Option(DEFAULT_OUT, "--out", metavar="DIR", help="Source-format folder (reviewed in git)."),
    mdapi_out: Path = typer.Option(DEFAULT_MDAPI, "--mdapi-out", metavar="DIR",
                                   help="MDAPI package folder (deployed)."),
    check: bool = typer.Option(False, "--check", help="Write nothing; fail when --out is stale."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show every note, not only new ones."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print no notes and no file lists, only the summary."),
    force: bool = typer.Option(False, "--force", help="Replace an --out folder built from another program."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Compile even when nothing changed since the last build."),
    as_json: bool = JsonOpt,
    today: Optional[str] = TodayOpt,
) -> None:
    """Validate the specs, then write force-app/ and the MDAPI package (nothing is written on error).

    Notes (design remarks on generated components) are shown when they are new since the
    last build; --verbose shows them all, --quiet none. When the specs, prm and the outputs
    are as the last build left them, the build is answered from .prm/build-cache.json.
    """
    from prm_builder import render_text
    from prm_builder.notes import unseen_notes

    paths = _in_project(specs=specs, out=out, mdapi_out=mdapi_out)
    specs, out, mdapi_out = paths["specs"], paths["out"], paths["mdapi_out"]
    if verbose and quiet:
        raise PrmUserError("use either --verbose or --quiet, not both")
    result = _api().build(specs, out, mdapi_out, check=check, today=_today(today), force=force,
                          progress=None if as_json or quiet else progress, cache=not no_cache)
    summary = result.summary
    notes = summary.notes
    shown = notes if verbose else [] if quiet else unseen_notes(notes, remember=not check)
    text = [render_text.diagnostics(summary.diagnostics)] if summary.diagnostics else []
    text += [f"note: {n}" for n in shown]
    if len(shown) < len(notes) and not quiet:
        text.append(f"{len(notes) - len(shown)} note(s) shown before: `prm build --verbose` shows them")
    text.append(f"{summary.components} components from {specs}")
    text.append(render_text.changes(str(out), result.source_changes, details=not quiet))
    lock_path = specs / "prm.lock.json"
    if summary.lock_stale:
        text.append(f"{lock_path} is stale: run `prm build` and commit it (approval-process versions)"
                    if check else f"{lock_path} updated (approval-process versions): commit it")
    if not check:
        text.append(render_text.changes(str(mdapi_out), result.mdapi_changes, details=not quiet))
    elif result.stale:
        text.append(f"{out} is stale: run `prm build` and commit the result")
    else:
        text.append(f"{out} is up to date")
    status = 1 if check and result.stale else 0
    payload = {
        "components": summary.components,
        "stale": result.stale if check else None,
        "force_app": vars(result.source_changes),
        "mdapi": vars(result.mdapi_changes),
        "notes": notes,
        "lock_stale": summary.lock_stale,
        "cached": result.compiled is None,  # answered by .prm/build-cache.json: nothing compiled
    }
    _emit("build", as_json, status, payload, "\n".join(text), diagnostics=summary.diagnostics,
          warnings=[f"{out} is stale: run `prm build` and commit the result"] if status else None)


OrgOpt = typer.Option(..., "--org", "-o", "--target-org", metavar="NAME",
                      help="CumulusCI org name (`cci org list`); -o/--target-org as in sf.")
RecordDirOpt = typer.Option(DEFAULT_RECORD_DIR, "--record-dir", metavar="DIR", help="Folder of per-org deploy records.")


@app.command()
def plan(
    org: str = OrgOpt,
    specs: Path = SpecsOpt,
    record_dir: Path = RecordDirOpt,
    allow_destructive: bool = typer.Option(False, "--allow-destructive", help="Show removals as deletions."),
    as_json: bool = JsonOpt,
) -> None:
    """What a deploy to ORG would add, change and remove, by deploy step (no org connection)."""
    from prm_builder.deploy.orgs import check_org_configured
    from prm_builder.deploy.record import record_path
    from prm_builder.deploy.render import plan_text
    from prm_builder.deploy.runner import plan_for

    paths = _in_project(specs=specs, record_dir=record_dir)
    specs, record_dir = paths["specs"], paths["record_dir"]
    check_org_configured(org, Path.cwd(), has_record=record_path(record_dir, org).is_file())
    compiled = _api().compile_program(specs)
    the_plan, _ = plan_for(compiled.components, org, record_dir=record_dir)
    _emit("plan", as_json, 0, the_plan.to_json(), plan_text(the_plan, allow_destructive=allow_destructive),
          diagnostics=compiled.diagnostics)


@app.command()
def deploy(
    org: str = OrgOpt,
    specs: Path = SpecsOpt,
    check_only: bool = typer.Option(False, "--check-only", help="Validate only; nothing is saved in the org."),
    test_level: Optional[str] = typer.Option(
        None, "--test-level", "-l", metavar="LEVEL",
        help="NoTestRun | RunLocalTests | RunAllTestsInOrg | RunSpecifiedTests."),
    tests: Optional[str] = typer.Option(None, "--tests", metavar="A,B",
                                        help="Comma-separated test classes (RunSpecifiedTests)."),
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

    paths = _in_project(specs=specs, record_dir=record_dir)
    specs, record_dir = paths["specs"], paths["record_dir"]
    DeployOptions(org, test_level=test_level,  # type: ignore[arg-type]
                  specified_tests=[t for t in (tests or "").split(",") if t]).check()
    # Invalid specs are reported before any org work (the flow's build would stop on them
    # later). Outside the project root the flow's own message says where to run instead.
    checked = _api().validate(specs) if Path("cumulusci.yml").is_file() else None
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
    status = 0 if outcome.ok else 1
    text = f"{flow} on {org}: {'done' if outcome.ok else 'FAIL'}"
    _emit("deploy", as_json, status, {"org": org, "flow": flow, "report": outcome.report}, text,
          warnings=None if outcome.ok else [f"{flow} on {org} failed: see result.report"])


@app.command()
def docs(
    specs: Path = SpecsOpt,
    out: Path = typer.Option(DEFAULT_DOCS_OUT, "--out", metavar="DIR", help="Folder of the handoff package."),
    as_of: Optional[str] = AsOfOpt,
    pdf: bool = typer.Option(False, "--pdf", help="Also print the package to one PDF (headless Chromium): "
                                                   "<out>/handoff.pdf unless --pdf-file names it."),
    pdf_file: Optional[Path] = typer.Option(None, "--pdf-file", metavar="FILE",
                                            help="Where --pdf writes the PDF (implies --pdf)."),
    paper: str = typer.Option("a4", "--paper", metavar="a4|letter", help="Paper size of the PDF."),
    org: Optional[str] = typer.Option(None, "--org", "-o", "--target-org", metavar="NAME",
                                      help="Run the checklist's live items against this CumulusCI org too: the "
                                           "sign-off page signs the org's result."),
    org_from_env: bool = typer.Option(False, "--org-from-env",
                                      help="Live items against the org given by SF_INSTANCE_URL and SF_ACCESS_TOKEN."),
    as_json: bool = JsonOpt,
) -> None:
    """Generate the handoff documentation package (HTML site + Markdown + SVG diagrams; --pdf: one PDF)."""
    from prm_builder import render_text

    paths = _in_project(specs=specs, out=out, **({"pdf": pdf_file} if pdf_file else {}))
    specs, out = paths["specs"], paths["out"]
    pdf_path = paths["pdf"] if pdf_file else out / "handoff.pdf" if pdf else None
    when = _as_of(as_of)
    result = _api().docs(specs, out, as_of=when, progress=None if as_json else progress, pdf=pdf_path,
                         paper=paper.lower(), org=_optional_org(org, org_from_env))
    pages = [f for f in result.files if f.endswith(".html")]
    text = [render_text.changes(str(out), result.changes),
            f"{len(result.sections)} sections, {len(pages)} HTML pages (due dates as of {result.as_of}): "
            f"open {out / 'index.html'}"]
    warnings = []
    if result.pdf is not None:
        text.append(f"PDF: {pdf_path} ({result.pdf_pages} pages, {paper.lower()})")
    elif (out / "handoff.pdf").is_file():
        # the package folder keeps files it did not write: say the PDF is not this package
        warnings.append(f"{out / 'handoff.pdf'} is from an earlier run and was not reprinted: add --pdf to reprint it")
        text.append("warning: " + warnings[-1])
    _emit("docs", as_json, 0, {"sections": result.sections, "as_of": result.as_of, "out": str(out),
                               "changes": vars(result.changes),
                               "pdf": None if result.pdf is None else {"path": str(pdf_path), "pages": result.pdf_pages,
                                                                        "paper": paper.lower()}},
          "\n".join(text), warnings=warnings)


def _optional_org(org: Optional[str], org_from_env: bool) -> Any:
    """The org named by --org (CumulusCI keychain) or --org-from-env, or None for neither."""
    if org and org_from_env:
        raise PrmUserError("use either --org NAME or --org-from-env, not both")
    if not (org or org_from_env):
        return None
    from prm_builder.org import connection as org_connection

    return org_connection.from_cumulusci(org) if org else org_connection.from_env()


@app.command()
def check(
    specs: Path = SpecsOpt,
    org: Optional[str] = typer.Option(None, "--org", "-o", "--target-org", metavar="NAME",
                                      help="Also check this CumulusCI org (`cci org list`)."),
    org_from_env: bool = typer.Option(False, "--org-from-env",
                                      help="Also check the org given by SF_INSTANCE_URL and SF_ACCESS_TOKEN."),
    as_of: Optional[str] = AsOfOpt,
    as_json: bool = JsonOpt,
    junit: Optional[Path] = typer.Option(None, "--junit", metavar="FILE", help="Also write a JUnit XML report to this file."),
    today: Optional[str] = TodayOpt,
) -> None:
    """Run the requirements review checklist; with --org also check the live org. Exit 1 when an item fails."""
    from prm_builder.checklist.render import junit_error, junit_xml

    paths = _in_project(specs=specs, **({"junit": junit} if junit is not None else {}))
    specs, junit = paths["specs"], paths.get("junit")
    try:
        connection = _optional_org(org, org_from_env)
        report = _api().check(specs, org=connection, today=_as_of(as_of, today))
    except PrmUserError as exc:
        # A CI pipeline reads the JUnit file even when the run stops early (specs that do not
        # parse, an expired session): give it a failing report, then exit 1 as usual (main()
        # prints the JSON envelope).
        details = [d.format().replace("\n    ", " ") for d in exc.diagnostics]
        if junit is not None:
            junit.parent.mkdir(parents=True, exist_ok=True)
            junit.write_bytes(junit_error(str(exc), details))
        raise
    if junit is not None:
        _write_file(junit, junit_xml(report), "--junit")
    result = report.to_json()
    result.pop("ok", None)
    result["as_of"] = result.pop("today")
    failed = [f"{i['id']} failed: {i['title']}" for i in result["items"] if i["status"] == "fail"]
    _emit("check", as_json, 0 if report.ok else 1, result, report.format(), warnings=failed)


@app.command("test")
def test_cmd(
    specs: Path = SpecsOpt,
    metadata: Optional[Path] = typer.Option(None, "--metadata", metavar="DIR", help="Test this source-format "
                                            "folder (e.g. retrieved from an org) instead of a fresh build of the specs."),
    scenarios: Optional[Path] = typer.Option(None, "--scenarios", metavar="DIR", help="Folder of scenario files "
                                             "(default: <specs>/scenarios)."),
    no_generated: bool = typer.Option(False, "--no-generated", help="Run only the scenarios of the files, "
                                      "not those generated from the specs."),
    as_json: bool = JsonOpt,
    junit: Optional[Path] = typer.Option(None, "--junit", metavar="FILE", help="Also write a JUnit XML report to this file."),
    today: Optional[str] = TodayOpt,
) -> None:
    """Prove the business rules: run the scenarios against the generated metadata. Exit 1 when one fails."""
    given = {k: v for k, v in (("metadata", metadata), ("scenarios", scenarios), ("junit", junit)) if v is not None}
    paths = _in_project(specs=specs, **given)
    report = _api().test(paths["specs"], metadata=paths.get("metadata"), scenarios=paths.get("scenarios"),
                         generated=not no_generated, today=_today(today))
    if paths.get("junit") is not None:
        _write_file(paths["junit"], report.junit(), "--junit")
    result = report.to_json()
    result.pop("ok", None)
    _emit("test", as_json, 0 if report.ok else 1, result, report.format(),
          warnings=[f"{len(report.failed)} scenario(s) failed"] if report.failed else None)


@app.command()
def score(
    specs: Path = SpecsOpt,
    org: Optional[str] = typer.Option(None, "--org", "-o", "--target-org", metavar="NAME",
                                      help="The CumulusCI org to read (`cci org list`)."),
    org_from_env: bool = typer.Option(False, "--org-from-env",
                                      help="Read the org given by SF_INSTANCE_URL and SF_ACCESS_TOKEN."),
    out: Optional[Path] = typer.Option(None, "--out", metavar="FILE", help="Write the scores to this file (.csv or .json)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="csv or json (default: from --out, else csv)."),
    today: Optional[str] = TodayOpt,
) -> None:
    """Compute every partner's health score from the org's live data; write CSV or JSON."""
    from prm_builder.performance.live import to_csv, to_json_bytes

    specs = _in_project(specs=specs)["specs"]
    if bool(org) == org_from_env:
        raise PrmUserError("give the org to read: --org NAME or --org-from-env (one of them)")
    chosen = (fmt or ("json" if out is not None and out.suffix.lower() == ".json" else "csv")).lower()
    if chosen not in ("csv", "json"):
        raise PrmUserError(f"--format '{fmt}' is not csv or json")
    connection = _org_connection(org, org_from_env)
    day = _today(today) or dt.date.today()
    scores = _api().score(specs, org=connection, today=day)
    data = to_json_bytes(scores, day) if chosen == "json" else to_csv(scores)
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        _write_file(out, data, "--out")
        typer.echo(f"wrote {out}: {len(scores)} partner(s)")


@app.command()
def diff(org: str = OrgOpt, specs: Path = SpecsOpt, as_json: bool = JsonOpt) -> None:
    """Compare what ORG holds now (retrieved) with what the specs build: drift made by hand in
    Setup. Exit 1 when the org differs."""
    specs = _in_project(specs=specs)["specs"]
    drift = _api().diff(specs, org)
    _emit("diff", as_json, 0 if drift.clean else 1, drift.to_json(), drift.format(),
          warnings=None if drift.clean else [f"{len(drift.changed)} changed, {len(drift.missing)} missing in {org}"])


def _org_connection(org: Optional[str], org_from_env: bool) -> Any:
    from prm_builder.org import connection as org_connection

    if bool(org) == bool(org_from_env):
        raise PrmUserError("name the org: --org NAME (a CumulusCI org) or --org-from-env")
    return org_connection.from_cumulusci(org) if org else org_connection.from_env()


partners_app = typer.Typer(help="Partner operations from the roster: accounts, partner users, permission sets, "
                                "tier groups and MDF budgets.", no_args_is_help=True, rich_markup_mode=None,
                           context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(partners_app, name="partners")
RosterOpt = typer.Option(Path("roster/partners.yml"), "--roster", metavar="FILE", help="The partner roster (YAML).")
SuffixOpt = typer.Option(None, "--username-suffix", metavar="S", help="Appended to emails to form usernames in this "
                         "org (overrides the roster's settings.username_suffix).")
PartnerOrgOpt = typer.Option(None, "--org", "-o", "--target-org", metavar="NAME", help="The CumulusCI org (`cci org list`).")
PartnerEnvOpt = typer.Option(False, "--org-from-env", help="Use SF_INSTANCE_URL and SF_ACCESS_TOKEN.")


@partners_app.command("plan")
def partners_plan(
    org: Optional[str] = PartnerOrgOpt,
    org_from_env: bool = PartnerEnvOpt,
    roster: Path = RosterOpt,
    specs: Path = SpecsOpt,
    username_suffix: Optional[str] = SuffixOpt,
    as_json: bool = JsonOpt,
    today: Optional[str] = TodayOpt,
) -> None:
    """Print what `prm partners apply` would change in the org. Changes nothing."""
    from prm_builder.ops.report import plan_json, plan_text

    paths = _in_project(specs=specs, roster=roster)
    run = _api().partners(paths["specs"], paths["roster"], _org_connection(org, org_from_env), today=_today(today),
                          username_suffix=username_suffix)
    _emit("partners plan", as_json, 1 if run.plan.blockers else 0, plan_json(run.plan), plan_text(run.plan),
          warnings=run.plan.warnings or None)


@partners_app.command("apply")
def partners_apply(
    org: Optional[str] = PartnerOrgOpt,
    org_from_env: bool = PartnerEnvOpt,
    roster: Path = RosterOpt,
    specs: Path = SpecsOpt,
    username_suffix: Optional[str] = SuffixOpt,
    report: Optional[Path] = typer.Option(None, "--report", metavar="FILE", help="Row-level results (CSV); default "
                                          ".prm/partners/apply-<UTC time>.csv."),
    as_json: bool = JsonOpt,
    today: Optional[str] = TodayOpt,
) -> None:
    """Make the org match the roster, in the order the platform requires; idempotent and resumable."""
    from prm_builder.ops.report import apply_json, apply_text

    paths = _in_project(specs=specs, roster=roster, **({"report": report} if report is not None else {}))
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    report_path = paths.get("report") or Path(".prm/partners") / f"apply-{stamp}.csv"
    show = sys.stderr.isatty() and not as_json

    def step_progress(step: str, done: int, total: int) -> None:
        if show:
            typer.echo(f"\r{step}: {done}/{total}", err=True, nl=done >= total)

    run = _api().partners(paths["specs"], paths["roster"], _org_connection(org, org_from_env), apply=True,
                          today=_today(today), username_suffix=username_suffix, report=report_path,
                          progress=step_progress)
    _emit("partners apply", as_json, 0 if run.applied.ok else 1, apply_json(run.applied, run.report),
          apply_text(run.applied, run.report), warnings=[run.applied.stopped] if run.applied.stopped else None)


@app.command()
def schema(out: Optional[Path] = typer.Option(None, "--out", metavar="FILE",
                                              help="Write to this file instead of stdout."),
           scenarios: bool = typer.Option(False, "--scenarios", help="The schema of scenario files "
                                          "(specs/scenarios/*.yml) instead of spec files.")) -> None:
    """Print the JSON Schema of spec files (for the YAML language server in editors)."""
    import json

    data = _api().scenario_json_schema() if scenarios else _api().json_schema()
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        _write_file(out, text.encode("utf-8"), "--out")
        typer.echo(f"wrote {out}")


@app.command()
def rules(markdown: bool = typer.Option(False, "--markdown", help="Print a Markdown table (the README's)."),
          as_json: bool = JsonOpt) -> None:
    """List every diagnostic code prm reports, what it means and how to fix it."""
    from prm_builder.validate.codes import all_codes, markdown_table

    if markdown:
        typer.echo(markdown_table(), nl=False)
        return
    codes = all_codes()
    text = "\n".join(f"{doc.code}  {doc.name}  ({doc.stage})\n    {doc.doc}" for doc in codes)
    _emit("rules", as_json, 0, {"codes": [{"code": d.code, "name": d.name, "stage": d.stage, "doc": d.doc}
                                          for d in codes]}, text)


@app.command()
def version(as_json: bool = JsonOpt) -> None:
    """Print the prm_builder version (also `prm --version`)."""
    _emit("version", as_json, 0, {"version": __version__}, __version__)


def _invocation(argv: list[str]) -> tuple[str | None, bool]:
    """(command name, --json given) from the raw arguments, for errors raised before or
    outside a command's own output."""
    command = next((a for a in argv if not a.startswith("-")), None)
    return command, "--json" in argv


def _fail(argv: list[str], kind: str, message: str, code: int, diagnostics: list[Diagnostic] = ()) -> None:
    command, as_json = _invocation(argv)
    if as_json:
        typer.echo(dumps(envelope(command or "", code, None, diagnostics=[d.to_json() for d in diagnostics],
                                  error=(kind, message))))
    else:
        colour = colour_enabled(sys.stderr)
        for d in diagnostics:
            typer.echo(_colour(d.format(), sys.stderr), err=True, color=colour)
        label = "internal error" if kind == "internal" else "error"
        typer.echo(f"{paint(label, 'error', sys.stderr)}: {message}", err=True, color=colour)
    sys.exit(code)


class _Interrupted(BaseException):
    """Ctrl-C. Not a KeyboardInterrupt, which click turns into Abort after printing a blank
    line: this one passes through click untouched, and `finally` blocks (staging clean-up)
    still run on its way out."""


def _interrupt(_signum: int, _frame: object) -> None:
    raise _Interrupted()


def main() -> None:
    """Console entry point: map our errors to exit codes, never show users a traceback."""
    signal.signal(signal.SIGINT, _interrupt)
    argv = sys.argv[1:]
    try:
        # Without standalone mode, typer.Exit comes back as the return value.
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except TyperException as exc:
        # Usage errors (unknown option, bad value): the user's input, so exit 1.
        if _invocation(argv)[1]:
            _fail(argv, "usage", exc.format_message(), 1)
        exc.show()
        sys.exit(1)
    except PrmUserError as exc:
        _fail(argv, "user", str(exc), 1, exc.diagnostics)
    except PrmError as exc:
        _fail(argv, "internal", str(exc), exc.exit_code)
    except (_Interrupted, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except typer.Abort:
        _fail(argv, "user", "aborted", 1)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: exit 2, not a traceback
        if os.environ.get("PRM_DEBUG"):
            traceback.print_exc()
        _fail(argv, "internal", f"{type(exc).__name__}: {exc} (set PRM_DEBUG=1 for the traceback)", 2)
