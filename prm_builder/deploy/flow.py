"""`prm deploy` = `cci flow run prm_deploy`: prm runs the very flow cumulusci.yml defines,
through CumulusCI's runtime (the same keychain, org and options as cci)."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
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
            _check_org_known(runtime, org)
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


def _check_org_known(runtime: Any, org: str) -> None:
    """An org name that is neither connected nor a scratch definition whose file exists is
    the user's mistake. CumulusCI would otherwise try to create a scratch org from the
    missing file (its default `dev` definition names orgs/dev.json) and fail deep inside."""
    scratch = runtime.project_config.lookup(f"orgs__scratch__{org}") or {}
    config_file = scratch.get("config_file") if isinstance(scratch, dict) else None
    if not config_file or (Path(runtime.project_config.repo_root or ".") / config_file).is_file():
        return
    try:
        org_config = runtime.keychain.get_org(org)
    except Exception:  # noqa: BLE001 - unknown orgs get CumulusCI's own message from get_org
        return
    if getattr(org_config, "scratch", False) and not org_config.config.get("created"):
        raise PrmUserError(f"org '{org}' is not connected to CumulusCI and its scratch org definition "
                           f"{config_file} does not exist: connect it with `cci org connect {org}` "
                           "(`cci org list` shows the connected orgs)")
