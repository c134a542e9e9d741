"""End to end, mocked at the Metadata API SOAP endpoint: `prm deploy --org dev` and
`cci flow run prm_deploy --org dev` run the same flow (build -> ordered deploy ->
duplicate-rule activation -> checklist) through CumulusCI's runtime, keychain and tasks."""

from __future__ import annotations

import json
import re
import os
from pathlib import Path
from unittest import mock

import pytest
import responses
from click.testing import CliRunner

from prm_builder.deploy import cci, checklist
from prm_builder.deploy.record import load_record
from tests import mdapi_mock as mm
from tests.test_deploy_config import cci_env, cci_project

ORG_ENV = {"username": "admin@northwind.example", "instance_url": mm.INSTANCE, "org_id": mm.ORG_ID,
           "access_token": "00D!SESSION", "org_type": "Developer Edition", "is_sandbox": False}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = cci_project(tmp_path)
    for key, value in cci_env(tmp_path).items():
        if key != "PYTHONPATH":
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("CUMULUSCI_ORG_dev", json.dumps(ORG_ENV))
    monkeypatch.setenv("PRM_TODAY", "2026-11-22")
    monkeypatch.chdir(root)
    monkeypatch.setattr(cci.PrmApiDeploy, "check_interval", 0)
    # set_duplicate_rule_status uses CumulusCI's plain retrieve/deploy calls: poll without waiting too.
    monkeypatch.setattr("cumulusci.salesforce_api.metadata.ApiDeploy.check_interval", 0)
    monkeypatch.setattr("cumulusci.salesforce_api.metadata.ApiRetrieveUnpackaged.check_interval", 0)
    # The session in CUMULUSCI_ORG_dev is used as is: no OAuth round trip to mock.
    monkeypatch.setattr("cumulusci.core.config.org_config.OrgConfig.refresh_oauth_token", mock.Mock())
    return root


@pytest.fixture
def checklist_calls(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The checklist seam, stubbed until issue 6's prm_builder.api.check is on main."""
    calls: list[object] = []

    def fake(specs_dir: Path, org_config: object = None) -> checklist.ChecklistOutcome:
        calls.append(org_config)
        return checklist.ChecklistOutcome(True, True, "checklist: all items pass")

    monkeypatch.setattr("prm_builder.deploy.tasks.run_checklist", fake)
    return calls


def mock_whole_deploy() -> dict[str, list]:
    """The example program's deploy: one deploy per step, then the activation (CumulusCI
    retrieves the duplicate rules and deploys them back active). Returns the steps' components."""
    from prm_builder.deploy.steps import group_by_step
    from prm_builder.write.render import mdapi_files
    from tests.deploy_fixtures import example_components

    steps = {step.name: comps for step, comps in group_by_step(example_components())}
    assert steps.get("activate-duplicate-rules"), "the example program is expected to have a duplicate rule"
    # the pre-deploy snapshot: the org's versions of what the deploy replaces (deploy/snapshot.py)
    mm.retrieve_sequence({"package.xml": b"<Package/>"})
    for comps in steps.values():
        mm.success_sequence(total=len(comps))
    dupes = steps["activate-duplicate-rules"]
    mm.retrieve_sequence({k: v for k, v in mdapi_files(dupes).items() if k != "package.xml"})
    mm.success_sequence(total=len(dupes))
    # prm_schedule_tier_review: anonymous Apex through the Tooling API
    responses.add(responses.GET, re.compile(re.escape(mm.INSTANCE) + r"/services/data/v[\d.]+/tooling/executeAnonymous"),
                  json={"compiled": True, "success": True, "line": -1, "column": -1, "compileProblem": None,
                        "exceptionMessage": None, "exceptionStackTrace": None})
    return steps


def assert_whole_deploy(project: Path, steps: dict[str, list]) -> None:
    calls = mm.deploy_calls()
    assert len(calls) == len(steps) + 1  # one per step, then the activation
    sent = [mm.package_members(mm.sent_zip(c)) for c in calls]
    for members, comps in zip(sent, steps.values()):
        # by full name: package.xml lists email folders under EmailTemplate, as the Metadata API wants
        assert sorted(m for ms in members.values() for m in ms) == sorted(c.full_name for c in comps)
    dupes = steps["activate-duplicate-rules"]
    assert sent[-1] == {"DuplicateRule": sorted(c.full_name for c in dupes)}
    rule = next(n for n in mm.sent_zip(calls[-1]).namelist() if n.startswith("duplicateRules/"))
    assert b"<isActive>true</isActive>" in mm.sent_zip(calls[-1]).read(rule)
    assert b"<isActive>false</isActive>" in mm.sent_zip(calls[-2]).read(rule)
    assert (project / "force-app" / "main" / "default").is_dir()  # prm_build ran first
    assert len(list((project / ".prm" / "snapshots" / "dev").iterdir())) == 1  # the snapshot came first
    recorded = load_record(project / ".prm" / "deploys", "dev").components
    assert len(recorded) == sum(len(c) for c in steps.values())


def _prm(*args: str) -> int:
    from prm_builder.cli import main

    with mock.patch("sys.argv", ["prm", *args]), pytest.raises(SystemExit) as exit_info:
        main()
    return exit_info.value.code


@responses.activate
def test_prm_deploy_runs_the_flow(project: Path, checklist_calls: list, capsys: pytest.CaptureFixture) -> None:
    steps = mock_whole_deploy()
    assert _prm("deploy", "--org", "dev") == 0
    out = capsys.readouterr().out
    for name, comps in steps.items():
        assert f"step {name}: ok ({len(comps)} components" in out
    assert out.index("step metadata: ok") < out.index("step activate-duplicate-rules: ok")
    assert "deploy to dev succeeded" in out
    assert_whole_deploy(project, steps)
    assert len(checklist_calls) == 1 and checklist_calls[0] is not None  # against the org
    [anon] = [c for c in responses.calls if "executeAnonymous" in c.request.url]
    assert "PartnerTierReview.scheduleDaily" in anon.request.url  # the tier review is scheduled

    # `prm plan` now has nothing to do.
    assert _prm("plan", "--org", "dev") == 0
    assert "nothing to deploy" in capsys.readouterr().out


@responses.activate
def test_cci_flow_run_does_the_same(project: Path, checklist_calls: list) -> None:
    from cumulusci.cli.cci import cli
    from cumulusci.cli.runtime import CliRuntime

    steps = mock_whole_deploy()
    # As cci's main() does: a runtime without keychain, which the command loads itself.
    result = CliRunner().invoke(cli, ["flow", "run", "prm_deploy", "--org", "dev"],
                                obj=CliRuntime(load_keychain=False), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert_whole_deploy(project, steps)
    assert len(checklist_calls) == 1


@responses.activate
def test_prm_deploy_failure_json_report_and_exit_1(project: Path, checklist_calls: list,
                                                   capsys: pytest.CaptureFixture) -> None:
    mm.retrieve_sequence({"package.xml": b"<Package/>"})  # the pre-deploy snapshot
    mm.add(mm.deploy_started())
    failure = mm.component_failure("CustomField", "Account.Partner_Tier__c", "objects/Account.object",
                                   "Cannot change which global value set this picklist uses", line=7, col=5)
    mm.add(mm.status("Failed", done=True, errors=1, total=15, details=failure))
    assert _prm("deploy", "--org", "dev", "--json") == 1
    payload = json.loads(capsys.readouterr().out)
    [step] = payload["result"]["report"]["steps"]
    assert step["hints"] == ["PRM-D05"] and step["component_failures"][0]["line"] == 7
    assert checklist_calls == []  # the flow stopped at the failed step


@responses.activate
def test_prm_deploy_check_only_runs_prm_validate(project: Path, checklist_calls: list,
                                                 capsys: pytest.CaptureFixture) -> None:
    mm.success_sequence()
    assert _prm("deploy", "--org", "dev", "--check-only", "--test-level", "RunLocalTests") == 0
    [call] = mm.deploy_calls()
    assert mm.deploy_option(call, "checkOnly") == "true"
    assert mm.deploy_option(call, "testLevel") == "RunLocalTests"
    assert checklist_calls == [None]  # static checklist before the validation
    assert "validation (check-only) to dev succeeded" in capsys.readouterr().out


def test_unknown_org_is_a_user_error(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert _prm("deploy", "--org", "nosuchorg") == 1
    err = capsys.readouterr().err
    assert "nosuchorg" in err and "Traceback" not in err


def test_bad_test_level_is_rejected_before_any_org_work(project: Path, capsys: pytest.CaptureFixture) -> None:
    assert _prm("deploy", "--org", "dev", "--test-level", "RunAll") == 1
    assert "--test-level RunAll" in capsys.readouterr().err


@pytest.mark.parametrize("options", [{}, {"api_names": []}])
@responses.activate
def test_activation_without_names_touches_nothing(options: dict) -> None:
    from cumulusci.tasks.salesforce.tests.util import create_task

    from prm_builder.deploy.tasks import ActivateDuplicateRules
    from tests.deploy_fixtures import org_config, project_config

    task = create_task(ActivateDuplicateRules, options, project_config(), org_config())
    assert task.api_names == set() and task.options["active"] is True
    task()
    assert len(responses.calls) == 0  # no retrieve, no deploy: not '*' (every rule in the org)


@responses.activate
def test_activation_uses_cumulusci_set_duplicate_rule_status() -> None:
    from cumulusci.tasks.metadata_etl.duplicate_rules import SetDuplicateRuleStatus
    from cumulusci.tasks.salesforce.tests.util import create_task

    from prm_builder.deploy.tasks import ActivateDuplicateRules
    from tests.deploy_fixtures import org_config, project_config

    task = create_task(ActivateDuplicateRules, {"api_names": "Lead.Partner_Lead_Duplicate"},
                       project_config(), org_config())
    assert isinstance(task, SetDuplicateRuleStatus)
    assert task.api_names == {"Lead.Partner_Lead_Duplicate"}
    with mock.patch.object(SetDuplicateRuleStatus, "_run_task", return_value="ran") as run:
        task()
    run.assert_called_once()


@responses.activate
def test_activation_retrieves_flips_is_active_and_deploys(monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole post step against the mocked SOAP endpoint: CumulusCI retrieves the rule,
    sets isActive, deploys it back."""
    from cumulusci.salesforce_api.metadata import ApiDeploy, ApiRetrieveUnpackaged
    from cumulusci.tasks.salesforce.tests.util import create_task
    from lxml import etree

    from prm_builder.deploy.tasks import ActivateDuplicateRules
    from prm_builder.write.render import mdapi_files
    from tests.deploy_fixtures import duplicate_rule, org_config, project_config

    monkeypatch.setattr(ApiDeploy, "check_interval", 0)
    monkeypatch.setattr(ApiRetrieveUnpackaged, "check_interval", 0)
    rule_file = "duplicateRules/Lead.Partner_Lead_Duplicate.duplicateRule"
    mm.retrieve_sequence({rule_file: mdapi_files([duplicate_rule()])[rule_file]})
    mm.success_sequence(total=1)
    task = create_task(ActivateDuplicateRules, {"api_names": ["Lead.Partner_Lead_Duplicate"]},
                       project_config(), org_config())
    task()
    [call] = mm.deploy_calls()
    zf = mm.sent_zip(call)
    assert mm.package_members(zf) == {"DuplicateRule": ["Lead.Partner_Lead_Duplicate"]}
    sent = etree.fromstring(zf.read(rule_file))
    assert sent.findtext(f"{{{mm.NS}}}isActive") == "true"


def test_deploy_outside_a_cumulusci_project_says_where_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture) -> None:
    for key, value in cci_env(tmp_path).items():
        if key != "PYTHONPATH":
            monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    assert _prm("deploy", "--org", "dev") == 1
    assert "no CumulusCI project here" in capsys.readouterr().err


@responses.activate
def test_activation_waits_for_matching_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """PRM-D12: the org says the matching rule is still activating; the task tries again."""
    from cumulusci.salesforce_api.metadata import ApiDeploy, ApiRetrieveUnpackaged
    from cumulusci.tasks.salesforce.tests.util import create_task

    from prm_builder.deploy.tasks import ActivateDuplicateRules
    from prm_builder.write.render import mdapi_files
    from tests.deploy_fixtures import duplicate_rule, org_config, project_config

    monkeypatch.setattr(ApiDeploy, "check_interval", 0)
    monkeypatch.setattr(ApiRetrieveUnpackaged, "check_interval", 0)
    sleeps: list[float] = []
    monkeypatch.setattr("prm_builder.deploy.tasks.time.sleep", sleeps.append)
    rule_file = "duplicateRules/Lead.Partner_Lead_Duplicate.duplicateRule"
    files = {rule_file: mdapi_files([duplicate_rule()])[rule_file]}
    mm.retrieve_sequence(files)
    mm.add(mm.deploy_started())
    busy = mm.component_failure("DuplicateRule", "Lead.Partner_Lead_Duplicate", rule_file,
                                "Matching rule Lead_Match is being activated. Try again later.")
    mm.add(mm.status("Failed", done=True, errors=1, details=busy))
    mm.retrieve_sequence(files)
    mm.success_sequence(total=1)
    task = create_task(ActivateDuplicateRules, {"api_names": ["Lead.Partner_Lead_Duplicate"]},
                       project_config(), org_config())
    task()
    assert len(mm.deploy_calls()) == 2
    assert [s for s in sleeps if s] == [30.0]  # (CumulusCI polls with sleep(0) here)


@responses.activate
def test_command_line_options_override_the_flow_defaults(project: Path, checklist_calls: list) -> None:
    mm.success_sequence()
    assert _prm("deploy", "--org", "dev", "--check-only", "--test-level", "NoTestRun") == 0
    assert mm.deploy_option(mm.deploy_calls()[0], "testLevel") == "NoTestRun"
    # A NoTestRun validation does not vouch for production.
    assert load_record(project / ".prm" / "deploys", "dev").validated_build is None


@pytest.mark.parametrize("fail_on_changes", [False, True])
def test_prm_plan_task_fails_on_changes_only_when_asked(tmp_path: Path, fail_on_changes: bool) -> None:
    from cumulusci.core.exceptions import CumulusCIFailure
    from cumulusci.tasks.salesforce.tests.util import create_task

    from prm_builder.deploy.tasks import PrintPlan
    from tests.deploy_fixtures import org_config, project_config

    specs = Path(__file__).resolve().parent.parent / "specs"
    task = create_task(PrintPlan, {"specs": str(specs), "record_dir": str(tmp_path), "fail_on_changes":
                                   fail_on_changes}, project_config(), org_config())
    if fail_on_changes:  # no deploy record: everything is still to be sent
        with pytest.raises(CumulusCIFailure, match="not up to date"):
            task()
    else:
        task()
    assert task.return_values["added"]


def test_ci_prm_checks_that_the_plan_is_empty_after_the_deploy() -> None:
    import yaml

    root = Path(__file__).resolve().parent.parent
    flow = yaml.safe_load((root / "cumulusci.yml").read_text())["flows"]["ci_prm"]["steps"]
    last = flow[max(flow)]
    assert last["task"] == "prm_plan" and last["options"]["fail_on_changes"] is True


@responses.activate
def test_prm_deploy_to_production_without_validation_stops_before_any_deploy(
        project: Path, checklist_calls: list, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("CUMULUSCI_ORG_dev", json.dumps({**ORG_ENV, "org_type": "Enterprise Edition"}))
    assert _prm("deploy", "--org", "dev") == 1
    captured = capsys.readouterr()
    assert "is a production org" in captured.out + captured.err
    assert "--check-only --test-level RunLocalTests" in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err
    assert mm.deploy_calls() == []


def test_invalid_specs_stop_before_any_org_work(project: Path, capsys: pytest.CaptureFixture) -> None:
    (project / "specs" / "program.yml").write_text("program: {name: X, license: Customer Community}\n")
    assert _prm("deploy", "--org", "dev") == 1
    err = capsys.readouterr().err
    assert "PRM-V015" in err and "Traceback" not in err and "internal error" not in err


def test_unconnected_org_with_a_missing_scratch_definition_is_a_user_error(
        project: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    # CumulusCI's default scratch definition `qa` names orgs/qa.json, which the project lacks.
    monkeypatch.delenv("CUMULUSCI_ORG_dev")
    assert _prm("deploy", "--org", "qa") == 1
    err = capsys.readouterr().err
    assert "cci org connect qa" in err and "internal error" not in err
