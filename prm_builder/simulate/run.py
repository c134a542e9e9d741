"""`prm test` end to end: metadata (a fresh build or a given folder) + scenarios -> report."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from prm_builder.errors import Diagnostic, PrmUserError, has_errors

from .engine import Runner
from .generated import generate
from .orgmodel import MetadataReadError, OrgModel, read_org
from .report import TestReport, coverage
from .scenarios import LoadedScenarios, check_scenarios, load_scenarios, scenario_files


def run_scenarios(model: OrgModel, loaded: LoadedScenarios, generated, today: dt.date, label: str,
                  *, first_failure: bool = False) -> TestReport:
    """Run every scenario (or, with first_failure, stop at the first that fails: mutation runs)."""
    runner = Runner(model, today)
    results = []
    for sc, ref in [*loaded.scenarios, *((g, "") for g in generated)]:
        results.append(runner.run(sc, str(ref)))
        if first_failure and not results[-1].passed:
            break
    return TestReport(results, coverage(model, runner.coverage), label)


def load_checked(scenario_dir: Path, model: OrgModel, root: Path | None = None) -> LoadedScenarios:
    loaded = load_scenarios(scenario_files(scenario_dir), root)
    diags: list[Diagnostic] = loaded.diagnostics + check_scenarios(loaded, model)
    if has_errors(diags):
        raise PrmUserError(f"{sum(d.is_error for d in diags)} error(s) in the scenarios", diags)
    loaded.diagnostics = diags
    return loaded


def run_tests(specs_dir: Path, *, metadata: Path | None = None, scenario_dir: Path | None = None,
                 include_generated: bool = True, today: dt.date | None = None) -> TestReport:
    from prm_builder import api

    today = today or dt.date.today()
    if scenario_dir is not None and not scenario_dir.is_dir():
        raise PrmUserError(f"--scenarios {scenario_dir}: no such folder")
    scenario_dir = scenario_dir or specs_dir / "scenarios"
    if metadata is None:
        compiled = api.compile_program(specs_dir, today)
        spec = compiled.spec
        with tempfile.TemporaryDirectory(prefix="prm-test-") as tmp:
            root = Path(tmp) / "force-app"
            for rel, data in compiled.source.items():
                target = root / api.SOURCE_ROOT / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            model = read_org(root)
            report = _run(model, spec, specs_dir, scenario_dir, include_generated, today, "a fresh build of the specs")
            _add_spec_lines(report, compiled.components)
            return report
    if not metadata.is_dir():
        raise PrmUserError(f"--metadata {metadata}: no such folder")
    result = api.validate(specs_dir, today)
    if not result.ok or result.spec is None:
        raise PrmUserError(f"{len(result.errors)} error(s) in the specs", result.diagnostics)
    try:
        model = read_org(metadata)
    except MetadataReadError as exc:
        raise PrmUserError(f"cannot read the metadata: {exc}") from None
    return _run(model, result.spec, specs_dir, scenario_dir, include_generated, today, str(metadata))


def _run(model, spec, specs_dir, scenario_dir, include_generated, today, label) -> TestReport:
    loaded = load_checked(scenario_dir, model, specs_dir.parent)
    generated = generate(spec) if include_generated else []
    return run_scenarios(model, loaded, generated, today, label)


def _add_spec_lines(report: TestReport, components) -> None:
    """Name the spec line each failing component came from (fresh builds: the components
    know their source), after the component's file in the failure text."""
    import re

    from prm_builder.metadata.layout import source_path

    origin: dict[str, str] = {}
    for c in components:
        if c.source is not None:
            origin.setdefault(source_path(c.type, c.full_name).as_posix(), str(c.source))
    pattern = re.compile(r"main/default/([\w./-]+?-meta\.xml)")
    for result in report.results:
        result.failures = [pattern.sub(lambda m: m.group(0) + (f" (from {origin[m.group(1)]})"
                                                               if m.group(1) in origin else ""), f)
                           for f in result.failures]
