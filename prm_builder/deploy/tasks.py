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
from cumulusci.tasks.salesforce import BaseSalesforceApiTask
from cumulusci.core.utils import process_bool_arg, process_list_arg
from cumulusci.tasks.metadata_etl.duplicate_rules import SetDuplicateRuleStatus

from prm_builder import api
from prm_builder.deploy.cci import CumulusCIDeployer, is_production
from prm_builder.deploy.checklist import run_checklist
from prm_builder.deploy.flow_activation import activate
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
        # Run with an org (a flow's --org), the build is for that org: `named_user:` approvers
        # get their usernames there (org.named_users by CumulusCI alias; `$deploying_user`
        # is the org's own user, e.g. a scratch org's admin).
        org = getattr(self, "org_config", None)
        try:
            result = api.build(_specs(self), Path(self.options.get("out") or api.DEFAULT_OUT),
                               Path(self.options.get("mdapi_out") or api.DEFAULT_MDAPI),
                               org_alias=getattr(org, "name", None) if org else None,
                               deploying_user=getattr(org, "username", None) if org else None)
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
        "snapshot": {"description": "Retrieve the org's versions of what the deploy replaces into "
                                    ".prm/snapshots/<org>/<time>/ first (default: True)."},
        "snapshot_dir": {"description": "Folder of snapshots (default: .prm/snapshots)."},
    }

    def _snapshot(self):  # -> Callable | None
        from prm_builder.deploy.snapshot import DEFAULT_SNAPSHOT_DIR, cumulusci_retriever, take_snapshot

        if not process_bool_arg(self.options.get("snapshot", True)):
            return None
        retrieve = cumulusci_retriever(self.project_config, self.org_config, self.logger)
        root = Path(self.options.get("snapshot_dir") or DEFAULT_SNAPSHOT_DIR)

        def snapshot(components):
            try:
                return take_snapshot(components, retrieve, self.org_config.name, root=root)
            except CumulusCIFailure:
                raise
            except Exception as exc:  # noqa: BLE001 - a retrieve that fails stops the deploy, readably
                raise PrmUserError(f"could not retrieve the pre-deploy snapshot ({type(exc).__name__}: {exc}); "
                                   "nothing was deployed. Fix the cause, or deploy without a snapshot "
                                   "(-o snapshot False)") from None

        return snapshot

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
            report = run_deploy(compiled.components, opts, deployer, progress=self.logger.info,
                                snapshot=self._snapshot())
        except PrmUserError as exc:
            raise _user_error(exc) from None
        self.logger.info(report.format())
        self.return_values = {"report": report.to_json(), "duplicate_rules": report.duplicate_rules_to_activate,
                              "flows": report.flows_to_activate}
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


class ActivateFlows(BaseSalesforceApiTask):
    """Activate the flows a production deploy sent inactive (prm_builder/deploy/flow_activation.py):
    the latest version of each, through the Tooling API's FlowDefinition. Nothing to do
    elsewhere: sandboxes and scratch orgs receive the flows active."""

    task_options = {"api_names": {"description": "Flow API names (default: none; the deploy step's return value)."}}

    def _run_task(self) -> None:
        names = process_list_arg(self.options.get("api_names") or [])
        try:
            self.return_values = {"activated": activate(self.tooling, names, self.logger.info)}
        except LookupError as exc:
            raise CumulusCIFailure(str(exc)) from None


class PartnersApply(BaseSalesforceTask):
    """`prm partners apply` as a CumulusCI task: the ci_prm flow seeds a scratch org with the
    roster's partners, so the scenarios and live checks have partner accounts and users."""

    task_options = {
        **SPECS_OPTION,
        "roster": {"description": "The partner roster (default: roster/partners.yml)."},
        "username_suffix": {"description": "Appended to emails to form usernames (default: the roster's; in a "
                                           "scratch org '.<org id>', since usernames are unique across orgs)."},
        "report": {"description": "Row-level results CSV (default: .prm/partners/<org>-apply.csv)."},
    }

    def _run_task(self) -> None:
        from prm_builder.org.connection import OrgConnection

        suffix = self.options.get("username_suffix")
        if suffix is None and getattr(self.org_config, "scratch", False):
            suffix = "." + str(self.org_config.org_id or "scratch").lower()
        conn = OrgConnection(str(self.org_config.instance_url).rstrip("/"), str(self.org_config.access_token),
                             label=f"CumulusCI org '{self.org_config.name}'")
        report = Path(self.options.get("report") or f".prm/partners/{self.org_config.name}-apply.csv")
        try:
            run = api.partners(_specs(self), Path(self.options.get("roster") or "roster/partners.yml"), conn,
                               apply=True, username_suffix=suffix, report=report,
                               progress=lambda step, done, total: self.logger.info(f"{step}: {done}/{total}"))
        except PrmUserError as exc:
            raise _user_error(exc) from None
        from prm_builder.ops.report import apply_text

        self.logger.info(apply_text(run.applied, run.report))
        self.return_values = {"done": run.applied.count("done"), "failed": run.applied.count("failed")}
        if not run.applied.ok:
            raise CumulusCIFailure("the roster was not fully applied (see the report above)")


class ScheduleTierReview(BaseSalesforceTask):
    """Schedules the daily tier review in the org (generate/tier_lifecycle.py) with CumulusCI's
    anonymous Apex task; idempotent, so it runs after every deploy. The job runs as the user
    who deployed: give that user access to partner accounts (an admin or integration user)."""

    task_options = {"apex": {"description": "Anonymous Apex to run (default: PartnerTierReview.scheduleDaily();)."}}

    def _run_task(self) -> None:
        from cumulusci.core.config import TaskConfig
        from cumulusci.tasks.apex.anon import AnonymousApexTask

        apex = self.options.get("apex") or "PartnerTierReview.scheduleDaily();"
        task = AnonymousApexTask(self.project_config, TaskConfig({"options": {"apex": apex}}), self.org_config,
                                 logger=self.logger)
        task()
        self.logger.info("the partner tier review runs daily at 03:00 (job 'PRM Partner Tier Review')")


class SeedGroupMembers(BaseSalesforceTask):
    """Adds the org's user (the flow's --org user, e.g. a scratch org's admin) to every public
    group the specs' `groups` section generates, so approvals and queues routed to them reach
    someone in a fresh org. Production members are maintained by the channel team instead."""

    task_options = {**SPECS_OPTION}

    def _run_task(self) -> None:
        from simple_salesforce import Salesforce

        from prm_builder.deploy.seed import seed_group_members

        result = api.validate(_specs(self))
        if not result.ok or result.spec is None:
            raise _user_error(PrmUserError("the specs have errors", result.diagnostics))
        groups = [g.name for g in result.spec.groups]
        sf = Salesforce(instance_url=self.org_config.instance_url, session_id=self.org_config.access_token,
                        version=self.project_config.project__package__api_version)
        try:
            added = seed_group_members(sf, groups, self.org_config.user_id)
        except ValueError as exc:
            raise CumulusCIFailure(str(exc)) from None
        self.logger.info(f"added {self.org_config.username} to {len(added)} group(s): {', '.join(added) or 'none'}")
        self.return_values = {"added": added}
