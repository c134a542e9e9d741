"""Org snapshots before a deploy and drift against the org (issue 16). Retrieves run through
CumulusCI's real RetrieveUnpackaged task and ApiRetrieveUnpackaged code against `responses`
mocks of the Metadata API SOAP endpoint (retrieve -> checkStatus -> checkRetrieveStatus)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import responses
from lxml import etree

from prm_builder import api
from prm_builder.deploy import cci
from prm_builder.deploy.drift import compare
from prm_builder.deploy.runner import DeployOptions, run_deploy
from prm_builder.deploy.snapshot import REPLACED_TYPES, cumulusci_retriever, package_for, take_snapshot
from prm_builder.write.render import mdapi_files
from tests import mdapi_mock as mm
from tests.conftest import ROOT, TODAY
from tests.deploy_fixtures import example_components, metadata_components, org_config, project_config

NOW = dt.datetime(2027, 1, 5, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    from cumulusci.salesforce_api.metadata import ApiRetrieveUnpackaged

    monkeypatch.setattr(cci.PrmApiDeploy, "check_interval", 0)
    monkeypatch.setattr(ApiRetrieveUnpackaged, "check_interval", 0)


def _members(xml: str) -> dict[str, list[str]]:
    ns = {"m": mm.NS}
    root = etree.fromstring(xml.encode())
    return {t.findtext("m:name", namespaces=ns): [m.text for m in t.findall("m:members", ns)]
            for t in root.findall("m:types", ns)}


def test_snapshot_package_holds_only_components_the_deploy_replaces_as_a_whole():
    members = _members(package_for(example_components(), REPLACED_TYPES))
    assert "AssignmentRules" in members and "SharingRules" in members and "GlobalValueSet" in members
    assert "CustomField" not in members and "CustomObject" not in members  # fields merge, nothing replaced


@responses.activate
def test_snapshot_is_retrieved_through_cumulusci_into_a_dated_folder(tmp_path):
    org_rules = b'<?xml version="1.0" encoding="UTF-8"?><AssignmentRules xmlns="http://soap.sforce.com/2006/04/metadata"/>'
    mm.retrieve_sequence({"assignmentRules/Lead.assignmentRules": org_rules, "package.xml": b"<Package/>"})
    folder = take_snapshot(example_components(), cumulusci_retriever(project_config(), org_config()), "dev",
                           root=tmp_path, now=NOW)
    assert folder == tmp_path / "dev" / "20270105T093000Z"
    assert (folder / "assignmentRules" / "Lead.assignmentRules").read_bytes() == org_rules
    sent = etree.fromstring(responses.calls[0].request.body.encode()
                            if isinstance(responses.calls[0].request.body, str) else responses.calls[0].request.body)
    names = {el.text for el in sent.iter("{%s}name" % mm.NS)}
    assert names <= set(REPLACED_TYPES) and "AssignmentRules" in names


@responses.activate
def test_deploy_takes_the_snapshot_first_and_reports_it(tmp_path):
    mm.retrieve_sequence({"package.xml": b"<Package/>"})
    mm.success_sequence()
    deployer = cci.CumulusCIDeployer(project_config(), org_config())
    retrieve = cumulusci_retriever(project_config(), org_config())
    opts = DeployOptions("dev", record_dir=tmp_path / "records", sleep=lambda s: None)
    report = run_deploy(metadata_components(), opts, deployer, work_dir=tmp_path,
                        snapshot=lambda comps: take_snapshot(comps, retrieve, "dev", root=tmp_path / "snap", now=NOW))
    assert report.ok
    actions = [c.request.headers.get("SOAPAction") for c in responses.calls]
    assert actions[0] == "retrieve" and "deploy" in actions and actions.index("deploy") > 0
    assert report.snapshot_dir == tmp_path / "snap" / "dev" / "20270105T093000Z"
    assert "roll back" in report.format() and report.to_json()["snapshot"]


def test_check_only_takes_no_snapshot(tmp_path):
    calls = []
    opts = DeployOptions("dev", record_dir=tmp_path / "records", check_only=True, sleep=lambda s: None)

    def deployer(folder, **kwargs):
        from prm_builder.deploy.runner import StepOutcome
        return StepOutcome(None)

    run_deploy(metadata_components(), opts, deployer, work_dir=tmp_path, snapshot=lambda c: calls.append(c))
    assert calls == []


def _org_copy() -> dict[str, bytes]:
    return dict(mdapi_files(example_components()))


def test_no_drift_when_the_org_holds_what_the_build_deploys_plus_platform_defaults():
    built = mdapi_files(example_components())
    org = _org_copy()
    # The org writes defaults the build never sets: not drift.
    org["objects/Account.object"] = org["objects/Account.object"].replace(
        b"<fields>", b"<enableHistory>false</enableHistory><fields>", 1)
    drift = compare(built, org)
    assert drift.clean, drift.format()


def test_hand_made_changes_in_setup_are_drift():
    built = mdapi_files(example_components())
    org = _org_copy()
    # a criteria value changed by hand, an assignment entry added by hand, a flow deleted
    rules = org["assignmentRules/Lead.assignmentRules"]
    org["assignmentRules/Lead.assignmentRules"] = rules.replace(b"<ruleEntry>", b"<ruleEntry><assignedTo>x</assignedTo></ruleEntry><ruleEntry>", 1)
    gvs = "globalValueSets/Partner_Tier.globalValueSet"
    org[gvs] = org[gvs].replace(b"<label>Gold</label>", b"<label>Gold Partner</label>")
    flow = next(p for p in org if p.startswith("flows/"))
    del org[flow]
    drift = compare(built, org)
    assert not drift.clean
    assert "ruleEntry: " in drift.changed["assignmentRules/Lead.assignmentRules"]
    assert "'Gold Partner' in the org, 'Gold' in the build" in drift.changed[gvs]
    assert drift.missing == [flow]


def test_api_diff_compares_a_retrieve_of_every_built_component(tmp_path):
    org = _org_copy()
    asked = []

    def retriever(xml: str, target: Path) -> None:
        asked.append(_members(xml))
        for path, data in org.items():
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            (target / path).write_bytes(data)

    assert api.diff(ROOT / "specs", "dev", retriever=retriever).clean
    built = _members(mdapi_files(example_components())["package.xml"].decode())
    assert asked[0] == built  # every component the build deploys was asked for
