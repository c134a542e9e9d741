"""`prm deploy` = `cci flow run prm_deploy`: prm runs the very flow cumulusci.yml defines,
through CumulusCI's runtime (the same keychain, org and options as cci)."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Any

from prm_builder.errors import PrmUserError


@dataclass
class FlowOutcome:
    ok: bool
    report: dict | None
    """The deploy step's report (DeployReport.to_json()), when the deploy step ran."""


def _log_to(stream: Any) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


def run_flow(flow_name: str, org: str, task_options: dict[str, dict[str, Any]], *, quiet: bool = False) -> FlowOutcome:
    import click
    from cumulusci.cli.runtime import CliRuntime
    from cumulusci.core.exceptions import CumulusCIException

    from prm_builder.deploy.tasks import PrmDeployFailed

    handler = _log_to(sys.stderr if quiet else sys.stdout)
    try:
        try:
            runtime = CliRuntime(load_keychain=True)
            if runtime.project_config is None:
                raise PrmUserError("no CumulusCI project here: run `prm deploy` in the project root, the git "
                                   "checkout holding cumulusci.yml")
            _, org_config = runtime.get_org(org)
            coordinator = runtime.get_flow(flow_name, options=task_options)
            coordinator.run(org_config)
        except PrmDeployFailed as exc:
            return FlowOutcome(False, exc.report.to_json())
        except (CumulusCIException, click.ClickException) as exc:
            message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
            raise PrmUserError(f"{flow_name} on {org}: {message or type(exc).__name__}") from None
        report = next((r.return_values.get("report") for r in coordinator.results
                       if isinstance(r.return_values, dict) and "report" in r.return_values), None)
        return FlowOutcome(True, report)
    finally:
        logging.getLogger().removeHandler(handler)
