"""The CumulusCI side of a deploy: CumulusCI's own Deploy task and ApiDeploy code do the
talking (zip building, SOAP deploy, polling, token refresh); these subclasses only add
progress reporting and keep the final response so results.py can read it.

Imported only by the deploy commands and the CumulusCI tasks (heavy import).
"""

from __future__ import annotations

import logging
import time
from xml.parsers.expat import ExpatError
from pathlib import Path
from typing import Any

import requests
from cumulusci.core.config import TaskConfig
from cumulusci.core.exceptions import ApexTestException, CumulusCIException
from cumulusci.salesforce_api.exceptions import MetadataApiError
from cumulusci.salesforce_api.metadata import ApiDeploy
from cumulusci.tasks.salesforce.Deploy import Deploy

from prm_builder.deploy.results import DeployStatus, parse_deploy_status
from prm_builder.deploy.runner import Progress, StepOutcome


class PrmApiDeploy(ApiDeploy):
    """ApiDeploy that reports progress on every poll, survives a lost poll and remembers
    the final result."""

    #: status polls retried in place on a network error or an outage page: re-sending the
    #: deploy instead would queue a second deploy behind the one still running in the org
    poll_attempts = 4

    def __init__(self, task: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(task, *args, **kwargs)
        self.final_status: DeployStatus | None = None
        self._last_line = ""

    def _call_mdapi(self, headers: dict, envelope: str, refresh: bool | None = None) -> requests.Response:
        if headers.get("SOAPAction") != self.soap_action_status:
            return super()._call_mdapi(headers, envelope, refresh)
        for attempt in range(1, self.poll_attempts + 1):
            try:
                return super()._call_mdapi(headers, envelope, refresh)
            except (requests.ConnectionError, requests.Timeout, ExpatError) as exc:
                if attempt == self.poll_attempts:
                    raise
                self._progress(f"  status check failed ({type(exc).__name__}); checking again")
                time.sleep(self.check_interval * 2 ** attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _progress(self, line: str) -> None:
        progress = getattr(self.task, "prm_progress", None)
        if progress is not None:
            progress(line)

    def _process_response_status(self, response: requests.Response) -> requests.Response:
        response = super()._process_response_status(response)
        status = parse_deploy_status(response.content)
        if status is not None:
            line = status.progress_line()
            if line != self._last_line:  # one line per change, not per poll
                self._progress("  " + line)
                self._last_line = line
        return response

    def _process_response(self, response: requests.Response) -> Any:
        self.final_status = parse_deploy_status(response.content)
        return super()._process_response(response)


class PrmStepDeploy(Deploy):
    """CumulusCI's Deploy task with our ApiDeploy; `self.api` is kept for the report."""

    api_class = PrmApiDeploy
    prm_progress: Progress | None = None

    def _get_api(self, path: Any = None) -> Any:
        self.api = super()._get_api(path)
        return self.api


def is_production(org_config: Any) -> bool:
    """Neither a scratch org, a sandbox nor a Developer Edition org."""
    if getattr(org_config, "scratch", False) or org_config.config.get("scratch"):
        return False
    if org_config.config.get("is_sandbox"):
        return False
    return org_config.config.get("org_type") not in ("Developer Edition",)


class CumulusCIDeployer:
    """The StepDeployer that runs CumulusCI's Deploy task for one step folder."""

    def __init__(self, project_config: Any, org_config: Any, logger: logging.Logger | None = None) -> None:
        self.project_config = project_config
        self.org_config = org_config
        self.logger = logger or logging.getLogger("prm_builder.deploy")

    def __call__(self, folder: Path, *, check_only: bool, test_level: str | None,
                 specified_tests: list[str], progress: Progress) -> StepOutcome:
        options: dict[str, Any] = {"path": str(folder), "check_only": check_only, "unmanaged": True}
        if test_level:
            options["test_level"] = test_level
        if specified_tests:
            options["specified_tests"] = ",".join(specified_tests)
        task = PrmStepDeploy(self.project_config, TaskConfig({"options": options}), self.org_config,
                             logger=self.logger)
        task.prm_progress = progress
        try:
            task()
        except (requests.ConnectionError, requests.Timeout) as exc:
            return StepOutcome(None, f"network error: {type(exc).__name__}: {exc}", transient=True)
        except ApexTestException as exc:
            return StepOutcome(self._final(task), f"Apex tests failed: {exc}")
        except MetadataApiError as exc:
            # SOAP faults (bad session, invalid data) come with status 500 too: only CumulusCI's
            # own "HTTP ERROR 5xx" is transient as such; faults go through the hint table.
            text = str(exc)
            return StepOutcome(self._final(task), text, transient=text.startswith("HTTP ERROR 5"))
        except ExpatError:
            # CumulusCI parses every answer as XML before looking at the status: an outage
            # page (HTML 502/503 from a proxy or maintenance) surfaces as a parse error.
            return StepOutcome(None, "the org answered with a page that is not SOAP XML (an outage?)",
                               transient=True)
        except CumulusCIException as exc:
            return StepOutcome(self._final(task), f"{type(exc).__name__}: {exc}")
        return StepOutcome(self._final(task))

    @staticmethod
    def _final(task: PrmStepDeploy) -> DeployStatus | None:
        api = getattr(task, "api", None)
        return getattr(api, "final_status", None)
