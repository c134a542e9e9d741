"""The public functions the CLI and the CumulusCI tasks call. They return results and
raise PrmError subclasses; they never print."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prm_builder.errors import Diagnostic, PrmInternalError, PrmUserError, has_errors, sort_diagnostics
from prm_builder.generate import generate
from prm_builder.generate.approvals import LOCK_FILE, ApprovalLock, load_lock
from prm_builder.generate.component import Component
from prm_builder.model.parse import parse_program
from prm_builder.model.root import ProgramSpec
from prm_builder.spec.loader import load_specs
from prm_builder.validate import ValidationContext, run_rules
from prm_builder.write.atomic import TreeChanges, diff_tree, write_tree
from prm_builder.write.render import Files, mdapi_files, source_files

if TYPE_CHECKING:
    from prm_builder.checklist.report import ChecklistReport
    from prm_builder.org.connection import OrgConnection

DEFAULT_SPECS = Path("specs")
DEFAULT_OUT = Path("force-app")
DEFAULT_MDAPI = Path("build/mdapi")
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
    compiled: CompiledProgram
    source_changes: TreeChanges
    mdapi_changes: TreeChanges
    written: bool

    @property
    def stale(self) -> bool:
        return not self.source_changes.clean or self.compiled.lock_stale


def validate(specs_dir: Path = DEFAULT_SPECS, today: dt.date | None = None) -> ValidationResult:
    """Load, parse and check the specs; every problem comes back at once, sorted."""
    loaded = load_specs(specs_dir)
    parsed = parse_program(loaded)
    lock, lock_diagnostics = load_lock(specs_dir) if specs_dir.is_dir() else (ApprovalLock(), [])
    diagnostics = loaded.diagnostics + parsed.diagnostics + lock_diagnostics
    spec = parsed.spec
    components: list[Component] = []
    if spec is not None and parsed.sections:
        ctx = ValidationContext(spec, frozenset(parsed.sections), today or dt.date.today())
        diagnostics += run_rules(ctx)
    complete = spec is not None and set(ProgramSpec.model_fields) <= parsed.sections | _defaulted(loaded.data)
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
    return {name for name, info in ProgramSpec.model_fields.items() if not info.is_required() and name not in data}


def compile_program(specs_dir: Path = DEFAULT_SPECS, today: dt.date | None = None) -> CompiledProgram:
    result = validate(specs_dir, today)
    if not result.ok:
        raise PrmUserError(f"{len(result.errors)} error(s) in the specs", result.diagnostics)
    assert result.spec is not None
    components = list(result.components)
    from prm_builder.simulate.apex import replay_component  # the scenarios' Apex replay class

    replay = replay_component(specs_dir, result.spec.program.name)
    if replay is not None:
        components.append(replay)
    source = source_files(components)
    mdapi = mdapi_files(components)
    check_schema_conformance(source, mdapi)
    return CompiledProgram(result.spec, components, result.diagnostics, source, mdapi,
                           result.lock_text, result.lock_stale)


def check_schema_conformance(*file_sets: Files) -> None:
    """Every XML file we generate must validate against the Metadata API schema. A failure
    is our bug, not the user's: an internal error naming the file and the schema message."""
    from prm_builder.metadata.schema import load_schema

    schema = load_schema()
    for files in file_sets:
        for rel, data in files.items():
            if rel + "-meta.xml" in files:
                continue  # a body file (.cls, .email) beside its -meta.xml: not metadata XML
            problems = schema.problems(data)
            if problems:
                raise PrmInternalError(f"generated {rel} does not conform to the Metadata API "
                                       f"schema: {'; '.join(problems[:3])}")


def build(specs_dir: Path = DEFAULT_SPECS, out_dir: Path = DEFAULT_OUT, mdapi_dir: Path = DEFAULT_MDAPI,
          *, check: bool = False, today: dt.date | None = None) -> BuildResult:
    """Compile the specs and write force-app/ (source format) and the MDAPI package.

    With check=True nothing is written: the result says whether force-app/ is stale.
    """
    check_out_dirs(specs_dir, {"--out": (out_dir, DEFAULT_OUT), "--mdapi-out": (mdapi_dir, DEFAULT_MDAPI)})
    compiled = compile_program(specs_dir, today)
    source_tree = {f"{SOURCE_ROOT}/{rel}": data for rel, data in compiled.source.items()}
    if check:
        return BuildResult(compiled, diff_tree(out_dir, source_tree), diff_tree(mdapi_dir, compiled.mdapi, manifest=False), False)
    source_changes = write_tree(out_dir, source_tree)
    mdapi_changes = write_tree(mdapi_dir, compiled.mdapi, keep_foreign=False)
    if compiled.lock_stale:
        _write_lock(specs_dir / LOCK_FILE, compiled.lock_text)
    return BuildResult(compiled, source_changes, mdapi_changes, True)


def _write_lock(path: Path, text: str) -> None:
    """Replace the lock file atomically (a temporary file renamed over it)."""
    if not text:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def json_schema() -> dict[str, Any]:
    """JSON Schema of one spec file (any subset of the top-level sections), for editors."""
    schema = ProgramSpec.model_json_schema(mode="validation")
    schema.pop("required", None)  # a program is split across files; each holds some sections
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://prm-builder.dev/schema/prm-spec.json", **schema}


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of one scenario file (specs/scenarios/*.yml), for editors."""
    from prm_builder.model.scenarios import ScenarioFile

    schema = ScenarioFile.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://prm-builder.dev/schema/prm-scenarios.json", **schema}


DEFAULT_DOCS_OUT = Path("build/docs")


@dataclass
class DocsResult:
    files: dict[str, bytes]
    changes: TreeChanges
    sections: list[str]
    as_of: str


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


def docs(specs_dir: Path = DEFAULT_SPECS, out_dir: Path = DEFAULT_DOCS_OUT, *, as_of: dt.date | None = None,
         checklist: Any = _default_checklist) -> DocsResult:
    """Generate the handoff documentation package (HTML + Markdown + SVG) into out_dir.

    `checklist(specs_dir, as_of_date)` returns the checklist report or None; the
    default runs the static checklist (`check()`).
    """
    from prm_builder.docs.context import DocContext
    from prm_builder.docs.origin import origin_of
    from prm_builder.docs.package import package_files

    check_out_dirs(specs_dir, {"--out": (out_dir, DEFAULT_DOCS_OUT)})
    origin = origin_of(specs_dir, as_of)
    when = dt.date.fromisoformat(origin.as_of)
    result = validate(specs_dir, when)
    if not result.ok:
        raise PrmUserError(f"{len(result.errors)} error(s) in the specs", result.diagnostics)
    assert result.spec is not None
    report = checklist(specs_dir, when) if checklist else None
    ctx = DocContext(result.spec, result.components, origin, report, _deploy_hints(), _scenarios(specs_dir))
    sections, files = package_files(ctx)
    changes = write_tree(out_dir, files)
    return DocsResult(files, changes, [s.id for s in sections], origin.as_of)


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
