"""CumulusCI tasks named by cumulusci.yml (class_path: prm_builder.deploy.tasks.*).

Each is a thin shell over prm_builder.api / the deploy runner, like CumulusCI's own
template-method tasks: options in, a call, return_values out, a CumulusCIFailure when
the user's input or the org said no (the flow stops there).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from cumulusci.core.exceptions import CumulusCIFailure, TaskOptionsError
from cumulusci.core.tasks import BaseSalesforceTask, BaseTask
from cumulusci.core.utils import process_bool_arg, process_list_arg
from cumulusci.tasks.metadata_etl.duplicate_rules import SetDuplicateRuleStatus

from prm_builder import api
from prm_builder.deploy.cci import CumulusCIDeployer, is_production
from prm_builder.deploy.checklist import run_checklist
from prm_builder.deploy.hints import hint_for
from prm_builder.deploy.record import DEFAULT_RECORD_DIR
from prm_builder.deploy.render import plan_text
from prm_builder.deploy.runner import DeployOptions, DeployReport, plan_for, retry_wait_scale, run_deploy
from prm_builder.errors import PrmError, PrmUserError

SPECS_OPTION = {"specs": {"description": "Folder of spec files (default: specs)."}}


class PrmDeployFailed(CumulusCIFailure):
    """The deploy reached the org and the org said no; carries the report for `prm deploy`."""

    def __init__(self, report: DeployReport) -> None:
        super().__init__(report.format())
        self.report = report


def _specs(task: BaseTask) -> Path:
    return Path(task.options.get("specs") or api.DEFAULT_SPECS)


def _user_error(exc: PrmError) -> CumulusCIFailure:
    lines = [d.format() for d in getattr(exc, "diagnostics", [])] + [str(exc)]
    return CumulusCIFailure("\n".join(lines))


class BuildSpecs(BaseTask):
    task_options = {
        **SPECS_OPTION,
        "out": {"description": "Source-format folder (default: force-app)."},
        "mdapi_out": {"description": "MDAPI package folder (default: build/mdapi)."},
    }

    def _run_task(self) -> None:
        try:
            result = api.build(_specs(self), Path(self.options.get("out") or api.DEFAULT_OUT),
                               Path(self.options.get("mdapi_out") or api.DEFAULT_MDAPI))
        except PrmUserError as exc:
            raise _user_error(exc) from None
        self.logger.info(f"{len(result.compiled.components)} components built from {_specs(self)}")
        self.return_values = {"components": len(result.compiled.components)}


class RunChecklist(BaseTask):
    task_options = {
        **SPECS_OPTION,
        "against_org": {"description": "Also check the org (default: False): fields, users, queues exist."},
    }

    def _run_task(self) -> None:
        org = self.org_config if process_bool_arg(self.options.get("against_org") or False) else None
        try:
            outcome = run_checklist(_specs(self), org)
        except PrmError as exc:  # specs that do not parse, an org that cannot be reached
            raise _user_error(exc) from None
        self.logger.info(outcome.text)
        self.return_values = {"ran": outcome.ran, "ok": outcome.ok}
        if not outcome.ok:
            raise CumulusCIFailure("the review checklist has failed items (see above)")


class PrintPlan(BaseTask):
    task_options = {
        **SPECS_OPTION,
        "org_name": {"description": "Org whose deploy record to compare with (default: the task's org)."},
        "record_dir": {"description": f"Folder of per-org deploy records (default: {DEFAULT_RECORD_DIR})."},
        "fail_on_changes": {"description": "Fail when the plan is not empty (default: False): ci_prm's "
                                           "check that the deploy sent everything."},
    }

    def _run_task(self) -> None:
        org = self.options.get("org_name") or (self.org_config.name if self.org_config else None)
        if not org:
            raise TaskOptionsError("prm_plan needs an org: --org NAME or -o org_name NAME")
        try:
            compiled = api.compile_program(_specs(self))
            plan, _ = plan_for(compiled.components, org,
                               record_dir=Path(self.options.get("record_dir") or DEFAULT_RECORD_DIR))
        except PrmUserError as exc:
            raise _user_error(exc) from None
        self.logger.info(plan_text(plan))
        self.return_values = plan.to_json()
        if process_bool_arg(self.options.get("fail_on_changes") or False) and not plan.empty:
            raise CumulusCIFailure(f"{org} is not up to date with the specs after the deploy (plan above)")


class DeploySteps(BaseSalesforceTask):
    task_options = {
        **SPECS_OPTION,
        "check_only": {"description": "Validate only: nothing is saved in the org (default: False)."},
        "test_level": {"description": "NoTestRun, RunLocalTests, RunAllTestsInOrg or RunSpecifiedTests (default: the org's)."},
        "specified_tests": {"description": "Comma-separated test classes, with test_level RunSpecifiedTests."},
        "allow_destructive": {"description": "Delete components removed from the specs (default: False: listed, skipped)."},
        "full": {"description": "Ignore the deploy record and send every component (default: False)."},
        "skip_validation": {"description": "Production: deploy without a prior check-only RunLocalTests validation."},
        "record_dir": {"description": f"Folder of per-org deploy records (default: {DEFAULT_RECORD_DIR})."},
    }

    def _options(self) -> DeployOptions:
        flag = lambda name: process_bool_arg(self.options.get(name) or False)  # noqa: E731
        return DeployOptions(
            org=self.org_config.name, check_only=flag("check_only"), test_level=self.options.get("test_level"),
            specified_tests=process_list_arg(self.options.get("specified_tests") or []),
            allow_destructive=flag("allow_destructive"), full=flag("full"), skip_validation=flag("skip_validation"),
            production=is_production(self.org_config),
            record_dir=Path(self.options.get("record_dir") or DEFAULT_RECORD_DIR))

    def _run_task(self) -> None:
        try:
            opts = self._options()
            compiled = api.compile_program(_specs(self))
            deployer = CumulusCIDeployer(self.project_config, self.org_config, self.logger)
            report = run_deploy(compiled.components, opts, deployer, progress=self.logger.info)
        except PrmUserError as exc:
            raise _user_error(exc) from None
        self.logger.info(report.format())
        self.return_values = {"report": report.to_json(), "duplicate_rules": report.duplicate_rules_to_activate}
        if not report.ok:
            raise PrmDeployFailed(report)


class ActivateDuplicateRules(SetDuplicateRuleStatus):
    """CumulusCI's set_duplicate_rule_status for the rules the deploy just sent (inactive)."""

    def _init_options(self, kwargs: dict[str, Any]) -> None:
        # CumulusCI reads a missing api_names as '*' (every duplicate rule in the org): here
        # it means none, so a flow wired without the deploy's return value touches nothing.
        self.task_config.config.setdefault("options", {}).setdefault("api_names", [])
        self.task_config.config["options"].setdefault("active", True)
        super()._init_options(kwargs)

    #: activation attempts while matching rules finish activating (PRM-D12)
    max_attempts = 4

    def _run_task(self) -> Any:
        if not self.api_names:
            self.logger.info("no duplicate rules were deployed: nothing to activate")
            return None
        waiting = hint_for("PRM-D12")
        for attempt in range(1, self.max_attempts + 1):
            try:
                return super()._run_task()
            except CumulusCIFailure as exc:
                if attempt == self.max_attempts or not waiting.matches(str(exc)):
                    raise
                delay = waiting.wait_seconds * 2 ** (attempt - 1) * retry_wait_scale()
                self.logger.info(f"matching rules still activating; activating again in {delay:g}s")
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover
