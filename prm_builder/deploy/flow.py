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
    from cumulusci.core.exceptions import CumulusCIException, ScratchOrgException

    from prm_builder.org.cci_runtime import cli_runtime

    from prm_builder.deploy.tasks import PrmDeployFailed

    handler = _log_to(sys.stderr if quiet else sys.stdout)
    try:
        try:
            runtime = cli_runtime()
            if runtime.project_config is None:
                raise PrmUserError("no CumulusCI project here: run `prm deploy` in the project root, the git "
                                   "checkout holding cumulusci.yml")
            _check_org_known(runtime, org)
            _, org_config = runtime.get_org(org)
            coordinator = runtime.get_flow(flow_name, options=task_options)
            coordinator.run(org_config)
        except PrmDeployFailed as exc:
            return FlowOutcome(False, exc.report.to_json())
        except ScratchOrgException as exc:
            raise PrmUserError(scratch_org_message(org, str(exc))) from None
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


def scratch_org_message(org: str, raw: str) -> str:
    """One actionable line for a scratch org CumulusCI could not create, instead of the
    Salesforce CLI's raw JSON and Node stack trace CumulusCI passes on. `sf org create
    scratch --json` fails with e.g. {"name": "NoDefaultDevHubError", "message": "No default
    dev hub found. Use -v or --target-dev-hub to specify an environment.", "stack": ...}."""
    sf_error = _sf_json_error(raw)
    name, message = str(sf_error.get("name", "")), str(sf_error.get("message", ""))
    said = " ".join((message or raw.replace("Failed to create scratch org:", "")).split())[:300]
    if "devhub" in name.lower() or "dev hub" in (message or raw).lower():
        return (f"org '{org}' is a scratch org that CumulusCI creates with a Dev Hub, and no Dev Hub is "
                "connected: log in to your Dev Hub once with `sf org login web --set-default-dev-hub "
                f"--alias devhub`, then run the command again (sf said: {said or name})")
    return (f"could not create scratch org '{org}': {said or name or 'the Salesforce CLI failed'}; "
            "`sf org list` shows your Dev Hub and `sf doctor` checks the Salesforce CLI")


def _sf_json_error(raw: str) -> dict[str, Any]:
    """The first JSON object in CumulusCI's message (sf's --json output), or {}."""
    import json

    start = raw.find("{")
    while start != -1:
        try:
            value, _ = json.JSONDecoder().raw_decode(raw[start:])
            if isinstance(value, dict):
                return value
        except ValueError:
            pass
        start = raw.find("{", start + 1)
    return {}
