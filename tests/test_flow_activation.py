"""Issue 12, item 8: flows reach production active without Apex flow coverage.

Policy (prm_builder/deploy/flow_activation.py): production deploys send every flow inactive
(status Draft) and the prm_activate_flows step activates the deployed versions through the
Tooling API (FlowDefinition Metadata.activeVersionNumber). Salesforce Help, "Deploy
Processes and Flows as Active": flows active in a sandbox "are deployed to a production org
as inactive" unless the org opts in, and opting in requires flow test coverage, which
schedule-triggered flows and scheduled paths cannot get from Apex tests. Other orgs "can
always deploy a new active version", so they get the flows as generated (Active).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import responses
import yaml
from lxml import etree

from prm_builder.deploy.results import DeployStatus
from prm_builder.deploy.runner import DeployOptions, StepOutcome, run_deploy
from tests import mdapi_mock as mm
from tests.conftest import ROOT
from tests.deploy_fixtures import example_components, org_config, project_config
from tests.test_deploy_e2e import ORG_ENV, _prm, checklist_calls, mock_whole_deploy, project  # noqa: F401 - fixtures

NS = {"m": "http://soap.sforce.com/2006/04/metadata"}


class StatusReader:
    """A deployer that reads the status of every flow in the packages it is given."""

    def __init__(self) -> None:
        self.flows: dict[str, str] = {}

    def __call__(self, folder: Path, **_: object) -> StepOutcome:
        for path in (folder / "flows").glob("*.flow"):
            self.flows[path.stem] = etree.parse(str(path)).getroot().findtext("m:status", namespaces=NS)
        return StepOutcome(DeployStatus(status="Succeeded", done=True))


def _generated_flows() -> set[str]:
    return {c.full_name for c in example_components() if c.type == "Flow"}


def test_production_deploy_sends_flows_inactive_and_lists_them_for_activation(tmp_path: Path) -> None:
    flows = _generated_flows()
    assert len(flows) >= 5
    deployer = StatusReader()
    opts = DeployOptions("prod", production=True, skip_validation=True, record_dir=tmp_path)
    report = run_deploy(example_components(), opts, deployer, work_dir=tmp_path)
    assert report.ok
    assert deployer.flows == {name: "Draft" for name in flows}
    assert sorted(report.flows_to_activate) == sorted(flows)
    assert report.to_json()["flows_to_activate"] == report.flows_to_activate
    assert f"activate-flows: {len(flows)} flows sent inactive" in report.format()
    # the record keeps the generated (active) flows: after activation the org runs them
    again = run_deploy(example_components(), opts, StatusReader(), work_dir=tmp_path)
    assert again.plan.empty


def test_production_validation_checks_inactive_flows_and_activates_nothing(tmp_path: Path) -> None:
    deployer = StatusReader()
    opts = DeployOptions("prod", production=True, check_only=True, test_level="RunLocalTests", record_dir=tmp_path)
    report = run_deploy(example_components(), opts, deployer, work_dir=tmp_path)
    assert set(deployer.flows.values()) == {"Draft"} and report.flows_to_activate == []


def test_other_orgs_get_the_flows_active(tmp_path: Path) -> None:
    deployer = StatusReader()
    report = run_deploy(example_components(), DeployOptions("dev", record_dir=tmp_path), deployer, work_dir=tmp_path)
    assert set(deployer.flows.values()) == {"Active"} and report.flows_to_activate == []


TOOLING = f"{mm.INSTANCE}/services/data/v63.0/tooling"


def _task(names: list[str]):
    from cumulusci.tasks.salesforce.tests.util import create_task

    from prm_builder.deploy.tasks import ActivateFlows

    org = org_config()
    org.config["instance_url"] = mm.INSTANCE
    return create_task(ActivateFlows, {"api_names": names}, project_config(), org)


def _definition(name: str, record_id: str, latest: int, active: int | None) -> dict:
    return {"Id": record_id, "DeveloperName": name, "LatestVersion": {"VersionNumber": latest},
            "ActiveVersion": {"VersionNumber": active} if active else None}


@responses.activate
def test_activation_sets_the_latest_version_active_through_the_tooling_api() -> None:
    rows = [_definition("Deal_Registration_Expiry", "300000000000001", 3, 2),
            _definition("Deal_Registration_Stamp", "300000000000002", 1, 1)]
    responses.add(responses.GET, re.compile(re.escape(TOOLING) + r"/query/.*"),
                  json={"totalSize": 2, "done": True, "records": rows})
    responses.add(responses.PATCH, f"{TOOLING}/sobjects/FlowDefinition/300000000000001", status=204)
    task = _task(["Deal_Registration_Expiry", "Deal_Registration_Stamp"])
    task()
    query = parse_qs(urlparse(responses.calls[0].request.url).query)["q"][0]
    assert "FROM FlowDefinition" in query and "'Deal_Registration_Expiry', 'Deal_Registration_Stamp'" in query
    [patch] = [c for c in responses.calls if c.request.method == "PATCH"]  # the active one is left alone
    assert json.loads(patch.request.body) == {"Metadata": {"activeVersionNumber": 3}}
    assert task.return_values == {"activated": {"Deal_Registration_Expiry": 3, "Deal_Registration_Stamp": 1}}


@responses.activate
def test_activation_of_a_flow_the_org_lacks_fails_readably() -> None:
    from cumulusci.core.exceptions import CumulusCIFailure

    responses.add(responses.GET, re.compile(re.escape(TOOLING) + r"/query/.*"),
                  json={"totalSize": 0, "done": True, "records": []})
    with pytest.raises(CumulusCIFailure, match="flows not found in the org: PRM_Lead_Pool_Claim"):
        _task(["PRM_Lead_Pool_Claim"])()


@responses.activate
def test_activation_without_names_calls_nothing() -> None:
    _task([])()
    assert len(responses.calls) == 0


def test_policy_is_in_the_deploy_flow_and_the_runbook() -> None:
    config = yaml.safe_load((ROOT / "cumulusci.yml").read_text())
    steps = config["flows"]["prm_deploy"]["steps"]
    activation = next(s for s in steps.values() if s.get("task") == "prm_activate_flows")
    assert activation["options"]["api_names"] == "^^prm_deploy_steps.flows"
    runbook = (ROOT / "prm_builder" / "docs" / "runbook.yaml").read_text()
    assert "prm_activate_flows" in runbook and "inactive" in runbook


@responses.activate
def test_prm_deploy_to_production_activates_the_flows_it_sent_inactive(
        project: Path, checklist_calls: list, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """End to end through the prm_deploy flow: deploy steps (flows inactive), duplicate-rule
    activation, then prm_activate_flows with the deploy step's return value."""
    monkeypatch.setenv("CUMULUSCI_ORG_prod", json.dumps({**ORG_ENV, "org_type": "Enterprise Edition"}))
    steps = mock_whole_deploy()
    flows = sorted(c.full_name for comps in steps.values() for c in comps if c.type == "Flow")
    rows = [_definition(name, f"3000000000000{i:02d}", 1, None) for i, name in enumerate(flows)]
    responses.add(responses.GET, re.compile(re.escape(TOOLING) + r"/query/.*"),
                  json={"totalSize": len(rows), "done": True, "records": rows})
    for row in rows:
        responses.add(responses.PATCH, f"{TOOLING}/sobjects/FlowDefinition/{row['Id']}", status=204)
    assert _prm("deploy", "--org", "prod", "--skip-validation") == 0, capsys.readouterr()
    metadata = mm.sent_zip(mm.deploy_calls()[0])
    statuses = {n: etree.fromstring(metadata.read(n)).findtext("m:status", namespaces=NS)
                for n in metadata.namelist() if n.startswith("flows/")}
    assert statuses and set(statuses.values()) == {"Draft"}
    patched = [c for c in responses.calls if c.request.method == "PATCH"]
    assert len(patched) == len(flows) >= 5
    assert all(json.loads(c.request.body) == {"Metadata": {"activeVersionNumber": 1}} for c in patched)
    assert len(checklist_calls) == 1  # the flow went on to the checklist
