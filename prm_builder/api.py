"""The public functions the CLI and the CumulusCI tasks call. They return results and
raise PrmError subclasses; they never print."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from prm_builder.errors import Diagnostic, PrmInternalError, PrmUserError, has_errors, sort_diagnostics
from prm_builder.write.atomic import (MANIFEST, Transaction, TreeChanges, check_output_folder, diff_tree,
                                      manifest_bytes, owner_file, write_tree)
from prm_builder.write.cache import BuildSummary

# The pipeline (pydantic models, generators: 0.5 s of imports) is imported by the functions
# that run it, so a build the cache answers (write/cache.py) never loads it.
if TYPE_CHECKING:
    from prm_builder.checklist.report import ChecklistReport
    from prm_builder.generate.approvals import ApprovalLock
    from prm_builder.generate.component import Component
    from prm_builder.model.root import ProgramSpec
    from prm_builder.org.connection import OrgConnection
    from prm_builder.write.render import Elements, Files

from prm_builder.paths import DEFAULT_DOCS_OUT, DEFAULT_MDAPI, DEFAULT_OUT, DEFAULT_SPECS  # noqa: E402,F401

SOURCE_ROOT = "main/default"


@dataclass
class ValidationResult:
    spec: ProgramSpec | None
    diagnostics: list[Diagnostic]
    components: list[Component] = field(default_factory=list)
    #: approval-process versions after this build (specs/prm.lock.json)
    lock: ApprovalLock | None = None
    #: the lock file's text as it should be, and whether the one on disk differs
    lock_text: str = ""
    lock_stale: bool = False

    @property
    def ok(self) -> bool:
        return self.spec is not None and not has_errors(self.diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]


@dataclass
class CompiledProgram:
    spec: ProgramSpec
    components: list[Component]
    diagnostics: list[Diagnostic]
    source: Files
    mdapi: Files
    lock_text: str = ""
    lock_stale: bool = False


@dataclass
class BuildResult:
    #: None when the build cache answered (nothing was compiled: see write/cache.py)
    compiled: CompiledProgram | None
    source_changes: TreeChanges
    mdapi_changes: TreeChanges
    written: bool
    #: what a build reports (diagnostics, notes, ...), compiled or from the cache
    summary: BuildSummary

    @property
    def stale(self) -> bool:
        return not self.source_changes.clean or self.summary.lock_stale


def validate(specs_dir: Path = DEFAULT_SPECS, today: dt.date | None = None,
             display_root: Path | None = None, *, org_alias: str | None = None,
             deploying_user: str | None = None) -> ValidationResult:
    """Load, parse and check the specs; every problem comes back at once, sorted.

    Positions name files relative to display_root (default: the working directory).
    `org_alias` / `deploying_user`: build for that org (CumulusCI alias), i.e. give
    `named_user:` approvers their usernames there (org.named_users)."""
    from prm_builder.generate import generate
    from prm_builder.generate.approvals import LOCK_FILE, ApprovalLock, load_lock
    from prm_builder.model.parse import parse_program
    from prm_builder.model.root import ProgramSpec
    from prm_builder.spec.loader import load_specs
    from prm_builder.validate import ValidationContext, run_rules

    loaded = load_specs(specs_dir, display_root)
    parsed = parse_program(loaded)
    lock, lock_diagnostics = load_lock(specs_dir) if specs_dir.is_dir() else (ApprovalLock(), [])
    diagnostics = loaded.diagnostics + parsed.diagnostics + lock_diagnostics
    spec = parsed.spec
    if spec is not None and (org_alias or deploying_user):
        spec = spec.model_copy(update={"org": spec.org.for_org(org_alias, deploying_user)})
    components: list[Component] = []
    if spec is not None and parsed.sections:
        ctx = ValidationContext(spec, frozenset(parsed.sections), today or dt.date.today())
        diagnostics += parsed.drop_follow_ons(run_rules(ctx))
    complete = (spec is not None and not parsed.partial
                and set(ProgramSpec.model_fields) <= parsed.sections | _defaulted(loaded.data))
    if complete and not has_errors(diagnostics):
        # Reference resolution needs the generated output; only meaningful on a sound model.
        generated = generate(spec, lock)
        components = generated.components
        diagnostics += generated.diagnostics
        text = generated.lock.to_text() if generated.lock.processes else ""
        on_disk = _read_text(specs_dir / LOCK_FILE)
        return ValidationResult(spec, sort_diagnostics(diagnostics), components, generated.lock, text,
                                text != on_disk)
    return ValidationResult(spec if complete else None, sort_diagnostics(diagnostics), components)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _defaulted(data: dict[str, Any]) -> set[str]:
    from prm_builder.model.root import ProgramSpec

    return {name for name, info in ProgramSpec.model_fields.items() if not info.is_required() and name not in data}


def compile_program(specs_dir: Path = DEFAULT_SPECS, today: dt.date | None = None, *,
                    org_alias: str | None = None, deploying_user: str | None = None) -> CompiledProgram:
    result = validate(specs_dir, today, org_alias=org_alias, deploying_user=deploying_user)
    if not result.ok:
        raise PrmUserError(f"{len(result.errors)} error(s) in the specs", result.diagnostics)
    assert result.spec is not None
    components = list(result.components)
    from prm_builder.simulate.apex import replay_component  # the scenarios' Apex replay class

    replay = replay_component(specs_dir, result.spec.program.name)
    if replay is not None:
        components.append(replay)
    source, mdapi = _render(components)
    return CompiledProgram(result.spec, components, result.diagnostics, source, mdapi,
                           result.lock_text, result.lock_stale)


def _render(components: list[Component]) -> tuple[Files, Files]:
    """The source-format files and the MDAPI package of the components, every XML file
    checked against the schema (from the tree it was serialized from). With two cores and a
    big program, a forked child (write/fork.py) serializes the second half of the source files
    and the MDAPI files folding many components (objects, package.xml) while this process
    does the first half: the same bytes, in a little more than half the time."""
    from prm_builder.write import fork
    from prm_builder.write.render import Elements, folded_files, mdapi_files, source_files

    def checked(part: list[Component], with_folded: bool) -> tuple[Files, Files | None]:
        elements: Elements = []  # every XML file's tree, validated without parsing the bytes again
        files = source_files(part, elements)
        folded = folded_files(components, elements) if with_folded else None
        check_elements_conform(elements)
        return files, folded

    if fork.available(len(components)):
        split = len(components) * 11 // 20  # the child's half also folds the objects
        child = fork.start(lambda: checked(components[split:], True))
        first, _ = checked(components[:split], False)
        second, folded = child()
        source = dict(sorted({**first, **second}.items()))
    else:
        source, folded = checked(components, True)
    elements: Elements = []
    mdapi = mdapi_files(components, source, elements, folded)
    check_elements_conform(elements)
    return source, mdapi


def check_schema_conformance(*file_sets: Files) -> None:
    """Every XML file we generate must validate against the Metadata API schema. A failure
    is our bug, not the user's: an internal error naming the file and the schema message."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    docs: dict[bytes, tuple[str, etree._Element]] = {}  # most MDAPI files are byte-identical to a source file
    for files in file_sets:
        for rel, data in files.items():
            if rel + "-meta.xml" not in files and data not in docs:  # not a body file (.cls, .email)
                docs[data] = (rel, etree.fromstring(data, parser))
    check_elements_conform(list(docs.values()))


def check_elements_conform(elements: "Elements") -> None:
    """check_schema_conformance() of the trees the files were serialized from (a build keeps
    them: parsing 8,000 files again costs more than validating them)."""
    from lxml import etree

    from prm_builder.metadata.schema import load_schema

    if not elements:
        return
    schema = load_schema()
    # only the types these documents can hold: compiling the whole schema costs more than validating
    roots = frozenset(etree.QName(doc).localname for _, doc in elements)
    for rel, doc in elements:
        problems = schema.element_problems(doc, roots)
        if problems:
            raise PrmInternalError(f"generated {rel} does not conform to the Metadata API "
                                   f"schema: {'; '.join(problems[:3])}")


#: Reports a stage of long work (the CLI prints it on stderr); None: silent.
Progress = Callable[[str], None] | None


def build(specs_dir: Path = DEFAULT_SPECS, out_dir: Path = DEFAULT_OUT, mdapi_dir: Path = DEFAULT_MDAPI,
          *, check: bool = False, today: dt.date | None = None, force: bool = False,
          org_alias: str | None = None, deploying_user: str | None = None, progress: Progress = None,
          cache: bool = False) -> BuildResult:
    """Compile the specs and write force-app/ (source format) and the MDAPI package.

    With check=True nothing is written: the result says whether force-app/ is stale.
    All outputs (both folders and specs/prm.lock.json) are staged, then swapped in together;
    nothing is written when nothing changed. A force-app/ built from another program is
    replaced only with force=True. `org_alias` / `deploying_user`: build for one org (see `validate`).
    `cache`: answer from the project's build cache when nothing changed since the last build
    (write/cache.py), and record this build there.
    """
    from prm_builder.write import cache as build_cache

    check_out_dirs(specs_dir, {"--out": (out_dir, DEFAULT_OUT), "--mdapi-out": (mdapi_dir, DEFAULT_MDAPI)})
    check_output_folder(out_dir, "--out")  # before compiling: a doomed build writes no cache either
    check_output_folder(mdapi_dir, "--mdapi-out")
    today = today or dt.date.today()
    options = {"out": str(out_dir.resolve()), "mdapi": str(mdapi_dir.resolve()), "today": today.isoformat(),
               "org": org_alias or "", "user": deploying_user or ""}
    fingerprint = build_cache.prm_fingerprint() if cache else ""
    if cache:
        hit = build_cache.lookup(specs_dir, build_cache.build_key(specs_dir, options, fingerprint=fingerprint),
                                 out_dir, mdapi_dir, owner_file(mdapi_dir))
        if hit is not None:
            return BuildResult(None, TreeChanges(unchanged=hit.source_files),
                               TreeChanges(unchanged=hit.mdapi_files), False, hit)
        if not check:
            build_cache.forget(specs_dir)
    report = _Stages(progress)
    compiled = compile_program(specs_dir, today, org_alias=org_alias, deploying_user=deploying_user)
    report(f"compiled {len(compiled.components)} components")
    source_tree = {f"{SOURCE_ROOT}/{rel}": data for rel, data in compiled.source.items()}
    program = compiled.spec.program.name
    notes = [f"{c.type} {c.full_name}: {n}" for c in compiled.components for n in c.notes]
    summary = BuildSummary(len(compiled.components), notes, compiled.diagnostics, compiled.lock_stale,
                           len(source_tree) + 1, len(compiled.mdapi))
    if check:
        return BuildResult(compiled, diff_tree(out_dir, source_tree, program=program),
                           diff_tree(mdapi_dir, compiled.mdapi, manifest=False, option="--mdapi-out"), False, summary)
    from prm_builder.generate.approvals import LOCK_FILE

    report(f"writing {out_dir} and {mdapi_dir}")
    write_lock = compiled.lock_stale and not (org_alias or deploying_user)
    with Transaction() as tx:
        source_changes = tx.tree(out_dir, source_tree, program=program, force=force, option="--out")
        mdapi_changes = tx.tree(mdapi_dir, compiled.mdapi, keep_foreign=False, option="--mdapi-out",
                                link_copies=True)
        if write_lock:
            # A build for one org (its named users) must not rewrite the committed lock file.
            tx.file(specs_dir / LOCK_FILE, compiled.lock_text, str(specs_dir / LOCK_FILE))
    if cache:
        # The key the next build computes: the specs as they are now, with the lock file written.
        after = {LOCK_FILE: compiled.lock_text.encode() or None} if write_lock else None
        owner = owner_file(mdapi_dir)
        # ... and the lock file is stale after this build only if it was not written
        recorded = dataclasses.replace(summary, lock_stale=compiled.lock_stale and not write_lock)
        build_cache.store(specs_dir, build_cache.build_key(specs_dir, options, after, fingerprint), recorded,
                          [("source", out_dir, {**source_tree, MANIFEST: manifest_bytes(source_tree, program)}),
                           ("mdapi", mdapi_dir, compiled.mdapi),
                           ("owner", owner.parent, {owner.name: manifest_bytes(compiled.mdapi)})])
    return BuildResult(compiled, source_changes, mdapi_changes, True, summary)


def json_schema() -> dict[str, Any]:
    """JSON Schema of one spec file (any subset of the top-level sections), for editors."""
    from prm_builder.model.base import describe_fields
    from prm_builder.model.root import ProgramSpec

    schema = describe_fields(ProgramSpec.model_json_schema(mode="validation"), ProgramSpec)
    schema.pop("required", None)  # a program is split across files; each holds some sections
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://prm-builder.dev/schema/prm-spec.json", **schema}


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of one scenario file (specs/scenarios/*.yml), for editors."""
    from prm_builder.model.base import describe_fields
    from prm_builder.model.scenarios import ScenarioFile

    schema = describe_fields(ScenarioFile.model_json_schema(mode="validation"), ScenarioFile)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://prm-builder.dev/schema/prm-scenarios.json", **schema}


@dataclass
class DocsResult:
    files: dict[str, bytes]
    changes: TreeChanges
    sections: list[str]
    as_of: str
    #: the PDF printed from print.html (`pdf=`), and its number of pages
    pdf: Path | None = None
    pdf_pages: int | None = None


def _default_checklist(specs_dir: Path, today: dt.date) -> Any:
    """The static review checklist (`prm check` without an org), judged as of `today`."""
    return check(specs_dir, today=today)


def _deploy_hints() -> list[dict[str, Any]]:
    """`prm deploy`'s known-error hints, as plain data for the runbook."""
    from prm_builder.deploy.hints import load_hints

    return [dict(vars(h)) for h in load_hints()]


def check_out_dirs(specs_dir: Path, outs: dict[str, tuple[Path, Path]]) -> None:
    """Output folders are swapped in whole (the MDAPI package and the docs replace what was
    there): none may hold the project or the specs, sit inside the specs, or overlap another
    output folder. `outs` maps each option (e.g. '--out') to (the folder given, its default)."""
    cwd, specs = Path.cwd().resolve(), specs_dir.resolve()
    for option, (given, default) in outs.items():
        out = given.resolve()
        if out == cwd or out in cwd.parents or out == specs or out in specs.parents or specs in out.parents:
            raise PrmUserError(f"{option} {given} would hold the project or the specs; "
                               f"pass a folder of its own, e.g. {default.as_posix()}")
        for other, (other_given, _) in outs.items():
            other_out = other_given.resolve()
            if other != option and (out == other_out or other_out in out.parents):
                raise PrmUserError(f"{option} {given} and {other} {other_given} overlap; "
                                   "give each output a folder of its own")


class _Stages:
    """Progress for long work: silent for the first second (small programs stay quiet),
    then each stage is announced with the time so far."""

    def __init__(self, progress: Progress, after: float = 1.0) -> None:
        import time

        self._progress, self._after, self._clock = progress, after, time.perf_counter
        self._start = self._clock()

    def __call__(self, message: str) -> None:
        elapsed = self._clock() - self._start
        if self._progress is not None and elapsed >= self._after:
            self._progress(f"[{elapsed:5.1f}s] {message}")


def docs(specs_dir: Path = DEFAULT_SPECS, out_dir: Path = DEFAULT_DOCS_OUT, *, as_of: dt.date | None = None,
         checklist: Any = _default_checklist, progress: Progress = None, pdf: Path | None = None,
         paper: str = "a4", org: "OrgConnection | None" = None) -> DocsResult:
    """Generate the handoff documentation package (HTML + Markdown + SVG) into out_dir.

    `checklist(specs_dir, as_of_date)` returns the checklist report or None; the
    default runs the static checklist (`check()`), with `org` also its live items (the
    sign-off page then signs the org's result). With `pdf`, print.html is also printed
    to that file (A4 or US Letter: `paper`) by headless Chromium; PrmUserError when no
    Chromium is installed (checked before anything is written).
    """
    from prm_builder.docs.context import DocContext
    from prm_builder.docs.origin import origin_of
    from prm_builder.docs.package import package_files

    check_out_dirs(specs_dir, {"--out": (out_dir, DEFAULT_DOCS_OUT)})
    if pdf is not None:
        from prm_builder.docs.pdf import PAPERS, find_chromium

        if paper not in PAPERS:
            raise PrmUserError(f"unknown paper size '{paper}': use one of {', '.join(PAPERS)}")
        if find_chromium() is None:
            raise PrmUserError("--pdf needs Chromium or Google Chrome to print the package, and none was found "
                               "(apt-get install chromium, or set PRM_CHROMIUM to the browser's path)")
        where = pdf.resolve()
        if where == specs_dir.resolve() or specs_dir.resolve() in where.parents:
            raise PrmUserError(f"--pdf {pdf} is inside the specs; write it elsewhere, e.g. {DEFAULT_DOCS_OUT / 'handoff.pdf'}")
    origin = origin_of(specs_dir, as_of)
    when = dt.date.fromisoformat(origin.as_of)
    # The package names spec files relative to the project (the specs folder's parent),
    # so it is the same whichever folder prm was started from.
    result = validate(specs_dir, when, display_root=specs_dir.resolve().parent)
    if not result.ok:
        raise PrmUserError(f"{len(result.errors)} error(s) in the specs", result.diagnostics)
    assert result.spec is not None
    stages = _Stages(progress)
    stages("specs validated; running the review checklist")
    if checklist is _default_checklist:
        # the same validation the checklist would repeat (1 s at 3,000 assignment entries)
        from prm_builder.checklist import run_checklist

        report = run_checklist(result, specs_dir=str(specs_dir), today=when, org=org)
    else:
        report = checklist(specs_dir, when) if checklist else None
    ctx = DocContext(result.spec, result.components, origin, report, _deploy_hints(), _scenarios(specs_dir))
    stages("rendering pages and diagrams")
    sections, files = package_files(ctx)
    stages(f"writing {len(files)} files to {out_dir}")
    changes = write_tree(out_dir, files)
    if pdf is None:
        return DocsResult(files, changes, [s.id for s in sections], origin.as_of)
    from prm_builder.docs.pdf import page_count, print_pdf

    stages(f"printing {pdf} with headless Chromium")
    printed = print_pdf(out_dir / "print.html", pdf, paper=paper)
    return DocsResult(files, changes, [s.id for s in sections], origin.as_of, pdf, page_count(printed))


def _scenarios(specs_dir: Path) -> list[Any]:
    """The scenarios of specs/scenarios (for the UAT plan); bad files stop the docs as bad specs do."""
    from prm_builder.simulate.scenarios import load_scenarios, scenario_files

    loaded = load_scenarios(scenario_files(specs_dir / "scenarios"), specs_dir.parent)
    if has_errors(loaded.diagnostics):
        raise PrmUserError("errors in the scenario files", loaded.diagnostics)
    return [sc for sc, _ in loaded.scenarios]


def check(specs_dir: Path = DEFAULT_SPECS, *, org: "OrgConnection | None" = None,
          today: dt.date | None = None) -> "ChecklistReport":
    """The requirements review checklist: every static item, plus the live items when an
    org is given. Specs with semantic errors still get a report (item C00 fails); specs
    that do not parse raise PrmUserError with the diagnostics. Org failures that stop the
    run (expired session, network) raise prm_builder.org.OrgUnavailable (exit 1)."""
    from prm_builder.checklist import run_checklist

    day = today or dt.date.today()
    result = validate(specs_dir, day)
    if result.spec is None:
        raise PrmUserError(f"{len(result.errors)} error(s) in the specs; the checklist needs specs that parse",
                           result.diagnostics)
    return run_checklist(result, specs_dir=str(specs_dir), today=day, org=org)


def score(specs_dir: Path = DEFAULT_SPECS, *, org: "OrgConnection", today: dt.date | None = None) -> list[Any]:
    """Every partner's health score from the org's live data (`prm score`): SOQL aggregates
    through the org adapter, scored by prm_builder.performance.score. Specs without a
    performance.health_score section are the user's mistake (PrmUserError)."""
    from prm_builder.org.client import OrgClient
    from prm_builder.performance.live import collect

    result = validate(specs_dir, today)
    if result.spec is None or not result.ok:
        raise PrmUserError(f"{len(result.errors)} error(s) in the specs; fix them before scoring", result.diagnostics)
    perf = result.spec.performance
    if perf is None or perf.health_score is None:
        raise PrmUserError("the specs define no performance.health_score: there is no score to compute")
    return collect(OrgClient(org), result.spec, today or dt.date.today())
# --- partner operations (prm partners) -------------------------------------------------------

@dataclass
class PartnersRun:
    plan: Any
    #: the apply's result (None for a plan)
    applied: Any = None
    report: Path | None = None


def partners(specs_dir: Path, roster_path: Path, org: "OrgConnection", *, apply: bool = False,
             today: dt.date | None = None, username_suffix: str | None = None, report: Path | None = None,
             progress: Any = None, client: Any = None, writer_options: dict[str, Any] | None = None) -> PartnersRun:
    """Compare the partner roster with the org (`apply=False`) or make the org match it."""
    from prm_builder.ops.apply import StateReader, apply_plan
    from prm_builder.ops.plan import make_plan, program_access
    from prm_builder.ops.report import write_report
    from prm_builder.ops.roster import load_roster
    from prm_builder.org.client import OrgClient
    from prm_builder.org.writer import OrgWriter

    result = validate(specs_dir, today)
    if not result.ok or result.spec is None:
        raise PrmUserError(f"{len(result.errors)} error(s) in the specs", result.diagnostics)
    roster, diagnostics = load_roster(roster_path, result.spec)
    if roster is None or has_errors(diagnostics):
        raise PrmUserError(f"{sum(d.is_error for d in diagnostics)} error(s) in the roster {roster_path}",
                           sort_diagnostics(diagnostics))
    day = today or dt.date.today()
    access = program_access(result.spec, result.components)
    client = client or OrgClient(org)
    reader = StateReader(client, result.spec, roster, access, day)
    # Org errors are PrmUserErrors (exit 1) with a message that never holds the token.
    if not apply:
        return PartnersRun(make_plan(result.spec, roster, reader.read(), access, today=day,
                                     username_suffix=username_suffix))
    writer = OrgWriter(client, **(writer_options or {}))
    applied = apply_plan(result.spec, roster, access, reader, writer, today=day,
                         username_suffix=username_suffix, progress=progress)
    if report is not None and applied.outcomes:
        write_report(applied, report)
    return PartnersRun(None, applied, report if applied.outcomes else None)


def diff(specs_dir: Path, org: str, *, retriever: Any = None) -> Any:
    """Retrieve every component the specs build from the CumulusCI org and compare (drift.Drift)."""
    from prm_builder.deploy.drift import compare
    from prm_builder.deploy.snapshot import retrieve_all

    compiled = compile_program(specs_dir)
    if retriever is None:
        retriever = _cumulusci_retriever(org)
    return compare(compiled.mdapi, retrieve_all(compiled.components, retriever))


def _cumulusci_retriever(org: str) -> Any:
    from cumulusci.cli.runtime import CliRuntime
    from cumulusci.core.exceptions import CumulusCIException

    from prm_builder.deploy.snapshot import cumulusci_retriever

    try:
        runtime = CliRuntime(load_keychain=True)
        if runtime.project_config is None:
            raise PrmUserError("no CumulusCI project here: run `prm diff` in the project root (cumulusci.yml)")
        _, org_config = runtime.get_org(org)
    except CumulusCIException as exc:
        raise PrmUserError(f"org '{org}': {exc}; `cci org list` shows the orgs CumulusCI knows") from None
    retrieve = cumulusci_retriever(runtime.project_config, org_config)

    def guarded(xml: str, target: Path) -> None:
        try:
            retrieve(xml, target)
        except CumulusCIException as exc:
            raise PrmUserError(f"retrieve from '{org}' failed: {exc}") from None

    return guarded
def test(specs_dir: Path = DEFAULT_SPECS, *, metadata: Path | None = None, scenarios: Path | None = None,
         generated: bool = True, today: dt.date | None = None) -> Any:
    """`prm test`: run the scenarios (specs/scenarios/*.yml, plus those generated from the
    specs) against the metadata -- a fresh build of the specs, or the source-format folder
    `metadata` (hand-edited or retrieved from an org). Returns a TestReport (`.ok`,
    `.format()`, `.to_json()`, `.junit()`); bad specs or scenarios raise PrmUserError."""
    from prm_builder.simulate.run import run_tests

    return run_tests(specs_dir, metadata=metadata, scenario_dir=scenarios, include_generated=generated,
                     today=today)


test.__test__ = False  # type: ignore[attr-defined]  # not a pytest test when imported into one
