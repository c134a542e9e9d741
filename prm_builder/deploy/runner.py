"""Run a deploy: plan against the org's record, cut the plan into ordered steps, deploy
each step (through a StepDeployer: CumulusCI in real life), retry what is safe to
retry, stop at the first failure, record what reached the org.

Knows nothing about CumulusCI: the deployer and the sleep are passed in, so the order,
retry and safety rules are testable on their own (the CumulusCI path is tested too).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Literal, Protocol

from prm_builder.deploy.flow_activation import deploy_inactive, flow_names
from prm_builder.deploy.hints import Hint, hint_for, match_hints
from prm_builder.deploy.package import StepPackage, destructive_xml, step_packages, write_step_package
from prm_builder.deploy.plan import Plan, make_plan
from prm_builder.deploy.record import DEFAULT_RECORD_DIR, OrgRecord, build_hash, load_record, save_record
from prm_builder.deploy.results import DeployStatus
from prm_builder.deploy.steps import FLOW_ACTIVATION, DeployStep
from prm_builder.errors import PrmUserError
from prm_builder.generate.component import Component
from prm_builder.write.render import mdapi_files

# The Metadata API's DeployOptions.testLevel values (CumulusCI's Deploy task accepts the same).
TestLevel = Literal["NoTestRun", "RunLocalTests", "RunAllTestsInOrg", "RunSpecifiedTests"]
TEST_LEVELS: tuple[str, ...] = ("NoTestRun", "RunLocalTests", "RunAllTestsInOrg", "RunSpecifiedTests")
#: check-only runs that count as the validation a production deploy needs: every local
#: test ran (RunAllTestsInOrg runs those and the managed packages' tests too)
VALIDATING_LEVELS = ("RunLocalTests", "RunAllTestsInOrg")
Progress = Callable[[str], None]


def retry_wait_scale() -> float:
    """Multiplier of every retry wait: PRM_RETRY_WAIT_SCALE (tests set 0), default 1."""
    return float(os.environ.get("PRM_RETRY_WAIT_SCALE", "1"))


@dataclass
class StepOutcome:
    """What one deploy call came back with."""

    status: DeployStatus | None
    error: str = ""
    """The failure text when there is no usable DeployResult (network, session, SOAP fault)."""
    transient: bool = False
    """Network error or 5xx: safe to send the same package again."""

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and self.status.succeeded


class StepDeployer(Protocol):
    def __call__(self, folder: Path, *, check_only: bool, test_level: str | None,
                 specified_tests: list[str], progress: Progress) -> StepOutcome: ...


@dataclass
class DeployOptions:
    org: str
    check_only: bool = False
    test_level: TestLevel | None = None
    specified_tests: list[str] = field(default_factory=list)
    allow_destructive: bool = False
    full: bool = False
    """Ignore the record: send every component."""
    skip_validation: bool = False
    """Production only: deploy without a prior check-only RunLocalTests validation."""
    production: bool = False
    record_dir: Path = DEFAULT_RECORD_DIR
    max_attempts: int = 4
    wait_scale: float = field(default_factory=lambda: retry_wait_scale())
    """Multiplies every retry wait (tests set 0)."""
    sleep: Callable[[float], None] = time.sleep

    def check(self) -> None:
        if self.test_level is not None and self.test_level not in TEST_LEVELS:
            raise PrmUserError(f"--test-level {self.test_level}: use one of {', '.join(TEST_LEVELS)}")
        if bool(self.specified_tests) != (self.test_level == "RunSpecifiedTests"):
            raise PrmUserError("--tests and --test-level RunSpecifiedTests go together")


@dataclass
class StepReport:
    step: DeployStep
    components: list[str]
    removals: list[str]
    attempts: int = 0
    status: DeployStatus | None = None
    error: str = ""
    hints: list[Hint] = field(default_factory=list)
    ok: bool = False

    def to_json(self) -> dict:
        st = self.status
        return {
            "step": self.step.name, "ok": self.ok, "attempts": self.attempts, "components": self.components,
            "removals": self.removals, "error": self.error, "hints": [h.id for h in self.hints],
            "component_failures": [vars(f) for f in st.component_failures] if st else [],
            "test_failures": [vars(f) for f in st.test_failures] if st else [],
            "coverage_warnings": list(st.coverage_warnings) if st else [],
        }


@dataclass
class DeployReport:
    org: str
    check_only: bool
    plan: Plan
    steps: list[StepReport] = field(default_factory=list)
    skipped_removals: list[str] = field(default_factory=list)
    duplicate_rules_to_activate: list[str] = field(default_factory=list)
    flows_to_activate: list[str] = field(default_factory=list)
    """Production: flows deployed inactive, for the prm_activate_flows step (flow_activation.py)."""
    record_file: Path | None = None
    #: the org's versions of what this deploy replaces, retrieved before it (deploy/snapshot.py)
    snapshot_dir: Path | None = None

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)

    def to_json(self) -> dict:
        return {"ok": self.ok, "org": self.org, "check_only": self.check_only, "plan": self.plan.to_json(),
                "steps": [s.to_json() for s in self.steps], "skipped_removals": self.skipped_removals,
                "duplicate_rules_to_activate": self.duplicate_rules_to_activate,
                "flows_to_activate": self.flows_to_activate,
                "snapshot": str(self.snapshot_dir) if self.snapshot_dir else None}

    def format(self) -> str:
        verb = "validation (check-only)" if self.check_only else "deploy"
        lines = []
        if self.plan.empty:
            lines.append(f"{self.org}: nothing to deploy (the org's record matches this build)")
        for s in self.steps:
            mark = "ok" if s.ok else "FAILED"
            tries = f", {s.attempts} attempts" if s.attempts > 1 else ""
            lines.append(f"step {s.step.name}: {mark} ({len(s.components)} components, "
                         f"{len(s.removals)} removals{tries})")
            if s.status:
                lines += ["  " + f.format().replace("\n", "\n  ") for f in s.status.component_failures]
                lines += ["  " + f.format().replace("\n", "\n  ") for f in s.status.test_failures]
                lines += [f"  coverage: {w}" for w in s.status.coverage_warnings]
            st = s.status
            if s.error and not (st and (st.component_failures or st.test_failures or st.coverage_warnings)):
                lines.append(f"  {_readable(s.error, st)}")
            shown = {h.id for f in (s.status.component_failures if s.status else []) for h in f.hints}
            lines += [f"  hint {h.id}: {h.hint}" for h in s.hints if h.id not in shown]
        if self.flows_to_activate:
            lines.append(f"step {FLOW_ACTIVATION.name}: {len(self.flows_to_activate)} flows sent inactive "
                         "(production), activated next by prm_activate_flows")
        if self.snapshot_dir:
            lines.append(f"snapshot of what the deploy replaced: {self.snapshot_dir} (roll back: "
                         f"`cci task run deploy --path {self.snapshot_dir} --org {self.org}`)")
        for key in self.skipped_removals:
            lines.append(f"skipped removal {key}: pass --allow-destructive to delete it from the org")
        done = "succeeded" if self.ok else "failed"
        lines.append(f"{verb} to {self.org} {done}")
        return "\n".join(lines)


def _readable(error: str, status: DeployStatus | None) -> str:
    """CumulusCI puts the whole SOAP answer in some errors: show the org's message instead."""
    if not error.lstrip().startswith("<"):
        return error
    if status is not None and status.error_message:
        return status.error_message
    return f"the org rejected the deploy (status {status.status if status else 'unknown'}) without details"


def _with_spec_lines(status: DeployStatus | None, components: Iterable[Component]) -> DeployStatus | None:
    """Point each component failure back at the spec line its component came from."""
    if status is None:
        return None
    sources = {(c.type, c.full_name): c.source for c in components}
    status.component_failures = [
        dataclasses.replace(f, spec=str(sources[(f.type, f.full_name)])) if sources.get((f.type, f.full_name)) else f
        for f in status.component_failures]
    return status


def _failure_hints(outcome: StepOutcome) -> list[Hint]:
    texts = [outcome.error]
    if outcome.status:
        texts += [f.problem for f in outcome.status.component_failures] + [outcome.status.error_message]
        texts += outcome.status.coverage_warnings
    seen: dict[str, Hint] = {}
    for text in texts:
        for h in match_hints(text) if text else []:
            seen.setdefault(h.id, h)
    return list(seen.values())


def _retry_wait(step: DeployStep, outcome: StepOutcome, hints: list[Hint]) -> float | None:
    """Seconds to wait before sending the step again, or None when retrying is not safe."""
    if outcome.transient:
        return hint_for("PRM-D10").wait_seconds
    for h in hints:
        if h.remedy == "retry" or (h.remedy == "retry-step" and step.serial_retry):
            return h.wait_seconds
    return None


def run_step(package: StepPackage, folder: Path, deployer: StepDeployer, opts: DeployOptions,
             progress: Progress) -> StepReport:
    report = StepReport(package.step, package.keys, package.removals)
    while True:
        report.attempts += 1
        progress(f"step {package.step.name}: sending {len(package.components)} components"
                 + (f", {len(package.removals)} removals" if package.removals else "")
                 + (f" (attempt {report.attempts})" if report.attempts > 1 else ""))
        outcome = deployer(folder, check_only=opts.check_only, test_level=opts.test_level,
                           specified_tests=opts.specified_tests, progress=progress)
        report.status = _with_spec_lines(outcome.status, package.components)
        report.error = outcome.error
        report.hints = _failure_hints(outcome)
        if outcome.ok:
            report.ok = True
            return report
        wait = _retry_wait(package.step, outcome, report.hints)
        if wait is None or report.attempts >= opts.max_attempts:
            return report
        delay = wait * (2 ** (report.attempts - 1)) * opts.wait_scale
        progress(f"step {package.step.name}: {outcome.error or 'failed'}; retrying in {delay:g}s")
        opts.sleep(delay)


def plan_for(components: list[Component], org: str, *, record_dir: Path = DEFAULT_RECORD_DIR,
             full: bool = False) -> tuple[Plan, OrgRecord]:
    record = load_record(record_dir, org)
    return make_plan(components, record, full=full), record


def run_deploy(components: list[Component], opts: DeployOptions, deployer: StepDeployer,
               progress: Progress = lambda _: None, work_dir: Path | None = None,
               snapshot: Callable[[list[Component]], Path | None] | None = None) -> DeployReport:
    """`snapshot`: retrieves the org's versions of the components a (real) deploy is about to
    replace; it runs once, before the first step, and a failure stops the deploy."""
    opts.check()
    plan, record = plan_for(components, opts.org, record_dir=opts.record_dir, full=opts.full)
    current_build = build_hash(plan.current)
    if opts.production and not opts.check_only and not opts.skip_validation \
            and record.validated_build != current_build:
        raise PrmUserError(
            f"'{opts.org}' is a production org: validate this build first with "
            f"`prm deploy --org {opts.org} --check-only --test-level RunLocalTests`, then deploy it "
            f"(or pass --skip-validation to deploy without one)")
    report = DeployReport(opts.org, opts.check_only, plan)
    if not opts.allow_destructive:
        report.skipped_removals = list(plan.removed)
    packages = step_packages(plan, allow_destructive=opts.allow_destructive)
    if opts.check_only and len(packages) > 1:
        packages = [_merged(packages)]
    if opts.production:
        # production activates flows only with flow test coverage: send them inactive and let
        # the later prm_activate_flows step switch them on (flow_activation.py says why)
        packages = [deploy_inactive(p) for p in packages]
    if snapshot is not None and not opts.check_only and packages:
        progress("retrieving the org's current versions of what this deploy replaces (snapshot)")
        report.snapshot_dir = snapshot([c for p in packages for c in p.components])
    with tempfile.TemporaryDirectory(prefix="prm-deploy-", dir=work_dir) as tmp:
        for index, package in enumerate(packages, 1):
            folder = write_step_package(Path(tmp), index, package)
            step_report = run_step(package, folder, deployer, opts, progress)
            report.steps.append(step_report)
            if not step_report.ok:
                break
            if not opts.check_only:
                _remember(record, plan, package)
                report.record_file = save_record(opts.record_dir, record)
                if opts.production:
                    report.flows_to_activate += flow_names(package.components)
                if package.step.activate_duplicate_rules:
                    report.duplicate_rules_to_activate += [
                        c.full_name for c in package.components if c.type == "DuplicateRule"]
    if opts.check_only and report.ok and opts.test_level in VALIDATING_LEVELS:
        record.validated_build = current_build
        report.record_file = save_record(opts.record_dir, record)
    return report


def _merged(packages: list[StepPackage]) -> StepPackage:
    """A check-only run saves nothing, so a later step could not see an earlier one's
    components: validate the whole change as one package (one test run, too)."""
    comps = [c for p in packages for c in p.components]
    removals = [k for p in packages for k in p.removals]
    files = mdapi_files(comps)
    if removals:
        files["destructiveChanges.xml"] = destructive_xml(removals)
    whole = DeployStep("validate-all", "check-only: every step in one package")
    return StepPackage(whole, comps, removals, dict(sorted(files.items())))


def _remember(record: OrgRecord, plan: Plan, package: StepPackage) -> None:
    for c in package.components:
        record.components[c.key] = plan.current[c.key]
    for key in package.removals:
        record.components.pop(key, None)
    record.validated_build = None  # the org changed: an earlier validation no longer vouches for it
