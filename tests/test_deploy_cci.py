"""Deploys through CumulusCI's real Deploy task and ApiDeploy code, against `responses`
mocks of the Metadata API SOAP endpoint. Each test checks the zip that was sent."""

from __future__ import annotations

from pathlib import Path

import pytest
import responses

from prm_builder.deploy import cci
from prm_builder.deploy.record import load_record
from prm_builder.deploy.runner import DeployOptions, run_deploy
from prm_builder.errors import PrmUserError
from tests import mdapi_mock as mm
from tests.deploy_fixtures import (all_steps_components, mdapi_names, metadata_components, org_config,
                                   project_config)


@pytest.fixture(autouse=True)
def _fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cci.PrmApiDeploy, "check_interval", 0)


def _deploy(tmp_path: Path, components=None, org=None, progress=None, **options):
    deployer = cci.CumulusCIDeployer(project_config(), org or org_config())
    opts = DeployOptions("dev", record_dir=tmp_path / "records", sleep=lambda s: None, **options)
    return run_deploy(components if components is not None else metadata_components(), opts, deployer,
                      progress=progress or (lambda line: None), work_dir=tmp_path)


@responses.activate
def test_success_sends_the_built_package_and_records_it(tmp_path: Path) -> None:
    comps = metadata_components()
    n = len(comps)
    mm.success_sequence(total=n, polls=2)
    lines: list[str] = []
    report = _deploy(tmp_path, progress=lines.append)
    assert report.ok, report.format()
    [call] = mm.deploy_calls()
    zf = mm.sent_zip(call)
    assert sorted(zf.namelist()) == mdapi_names(comps)
    assert "objects/Account.object" in zf.namelist() and "package.xml" in zf.namelist()
    members = mm.package_members(zf)
    # the program's groups, tier groups and territory x tier queue member groups
    assert members["Group"] == ["Channel_Leadership", "Channel_Managers", "Channel_Operations", "Finance_Team",
                                "PRM_Tier_Bronze", "PRM_Tier_Gold", "PRM_Tier_Gold_DACH", "PRM_Tier_Gold_NA",
                                "PRM_Tier_Gold_UKI", "PRM_Tier_Silver", "PRM_Tier_Silver_DACH", "PRM_Tier_Silver_NA",
                                "PRM_Tier_Silver_UKI"]
    assert sum(len(v) for v in members.values()) == n
    assert mm.deploy_option(call, "checkOnly") == "false"
    assert mm.deploy_option(call, "rollbackOnError") == "true"
    assert any(f"components {n}/{n}" in line for line in lines), lines  # progress while polling
    record = load_record(tmp_path / "records", "dev")
    assert len(record.components) == n
    # Nothing changed since: the next deploy sends nothing at all.
    again = _deploy(tmp_path)
    assert again.plan.empty and again.steps == [] and len(mm.deploy_calls()) == 1


@responses.activate
def test_steps_deploy_in_order_each_with_its_own_package(tmp_path: Path) -> None:
    for _ in range(3):
        mm.success_sequence()
    report = _deploy(tmp_path, components=all_steps_components())
    assert report.ok, report.format()
    assert [s.step.name for s in report.steps] == ["metadata", "sharing", "activate-duplicate-rules"]
    sent = [mm.package_members(mm.sent_zip(c)) for c in mm.deploy_calls()]
    assert "SharingRules" not in sent[0] and "DuplicateRule" not in sent[0]
    assert {"CustomField", "GlobalValueSet", "Group"} <= set(sent[0])
    shared = sorted(c.full_name for c in all_steps_components() if c.deploy_step == "sharing")
    assert "Account" in shared and "Lead" in shared  # the fixture's rule and the example's own
    assert sent[1] == {"SharingRules": shared}
    dupes = sorted(c.full_name for c in all_steps_components() if c.deploy_step == "activate-duplicate-rules")
    assert "Lead.Partner_Lead_Duplicate" in dupes
    assert sent[2] == {"DuplicateRule": dupes}
    assert report.duplicate_rules_to_activate == dupes


@responses.activate
def test_component_failure_is_reported_with_file_line_problem_and_hint(tmp_path: Path) -> None:
    mm.add(mm.deploy_started())
    failure = mm.component_failure("CustomField", "Account.Partner_Tier__c", "objects/Account.object",
                                   "Cannot change which global value set this picklist uses", line=42, col=13)
    mm.add(mm.status("Failed", done=True, errors=1, total=15, details=failure))
    report = _deploy(tmp_path)
    assert not report.ok
    [f] = report.steps[0].status.component_failures
    assert (f.file, f.line, f.col, f.full_name) == ("objects/Account.object", 42, 13, "Account.Partner_Tier__c")
    assert f.spec.endswith("partner_account.yml:5:3")  # the spec line the field came from
    text = report.format()
    assert "objects/Account.object:42:13: error CustomField Account.Partner_Tier__c (from " in text
    assert "Cannot change which global value set this picklist uses" in text
    assert "hint PRM-D05" in text
    assert "MetadataParseError" not in text  # not CumulusCI's wrapped message
    assert len(mm.deploy_calls()) == 1  # not retried: retrying cannot help
    assert load_record(tmp_path / "records", "dev").components == {}  # nothing recorded


@responses.activate
def test_apex_test_failure_lists_each_test_with_its_message(tmp_path: Path) -> None:
    mm.add(mm.deploy_started())
    tests = mm.test_failure("PartnerTierTest", "promotesGold", "System.AssertException: Assertion Failed: Expected: Gold, Actual: Silver",
                            "Class.PartnerTierTest.promotesGold: line 27, column 1")
    mm.add(mm.status("Failed", done=True, deployed=15, total=15, tests_done=3, tests_total=3, test_errors=1,
                     details=tests))
    report = _deploy(tmp_path, test_level="RunLocalTests")
    assert not report.ok
    [t] = report.steps[0].status.test_failures
    assert (t.class_name, t.method) == ("PartnerTierTest", "promotesGold")
    text = report.format()
    assert "Apex test PartnerTierTest.promotesGold: System.AssertException: Assertion Failed: Expected: Gold" in text
    assert mm.deploy_option(mm.deploy_calls()[0], "testLevel") == "RunLocalTests"


@responses.activate
@pytest.mark.parametrize("level", ["RunLocalTests", "RunAllTestsInOrg"])
def test_check_only_validates_all_steps_in_one_package_and_records_the_validation(tmp_path: Path, level: str) -> None:
    """RunAllTestsInOrg runs every local test too, so it validates for production as well
    (Metadata API DeployOptions.testLevel); the level reaches the org as given."""
    mm.success_sequence()
    report = _deploy(tmp_path, components=all_steps_components(), check_only=True, test_level=level)
    assert report.ok, report.format()
    [call] = mm.deploy_calls()
    assert mm.deploy_option(call, "checkOnly") == "true" and mm.deploy_option(call, "testLevel") == level
    assert sorted(mm.sent_zip(call).namelist()) == mdapi_names(all_steps_components())
    record = load_record(tmp_path / "records", "dev")
    assert record.components == {} and record.validated_build  # validated, nothing deployed
    assert report.duplicate_rules_to_activate == []


@responses.activate
def test_polls_until_done(tmp_path: Path) -> None:
    mm.add(mm.deploy_started())
    for i in range(4):
        mm.add(mm.status("InProgress", deployed=i * 4, total=15, detail=f"Processing Type: CustomField {i}"))
    mm.add(mm.status("Succeeded", done=True, deployed=15, total=15))
    lines: list[str] = []
    assert _deploy(tmp_path, progress=lines.append).ok
    polls = [c for c in responses.calls if c.request.headers.get("SOAPAction") == "checkDeployStatus"]
    assert len(polls) == 5
    assert sum(line.startswith("  ") for line in lines) == 5  # one progress line per poll


@responses.activate
def test_network_error_then_success_is_retried(tmp_path: Path) -> None:
    mm.add(mm.NETWORK_ERROR)
    mm.success_sequence()
    waits: list[float] = []
    deployer = cci.CumulusCIDeployer(project_config(), org_config())
    opts = DeployOptions("dev", record_dir=tmp_path / "r", sleep=waits.append, wait_scale=1)
    report = run_deploy(metadata_components(), opts, deployer)
    assert report.ok, report.format()
    assert report.steps[0].attempts == 2 and waits == [5.0]
    assert len(mm.deploy_calls()) == 2
    assert mm.sent_zip(mm.deploy_calls()[0]).namelist() == mm.sent_zip(mm.deploy_calls()[1]).namelist()


@responses.activate
def test_retries_are_bounded(tmp_path: Path) -> None:
    for _ in range(6):
        mm.add(mm.NETWORK_ERROR)
    report = _deploy(tmp_path, max_attempts=3)
    assert not report.ok and report.steps[0].attempts == 3
    assert "network error" in report.format() and "PRM-D10" in report.format()


@responses.activate
def test_expired_session_says_how_to_reauthenticate(tmp_path: Path) -> None:
    org = org_config()
    expired = mm.fault("sf:INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader: Illegal Session")
    mm.add(expired)
    mm.add(expired)  # CumulusCI refreshes the token once and tries again
    report = _deploy(tmp_path, org=org)
    assert not report.ok
    assert org.refresh_oauth_token.called
    text = report.format()
    assert "INVALID_SESSION_ID" in text and "hint PRM-D09" in text and "cci org connect" in text
    assert "00D!SESSION" not in text  # never print tokens


@responses.activate
def test_removals_are_skipped_without_the_flag_and_deleted_with_it(tmp_path: Path) -> None:
    mm.success_sequence()
    assert _deploy(tmp_path).ok
    fewer = [c for c in metadata_components() if c.full_name != "PRM_Tier_Bronze"]

    skipped = _deploy(tmp_path, components=fewer)
    assert skipped.ok and skipped.skipped_removals == ["Group:PRM_Tier_Bronze"]
    assert skipped.steps == [] and len(mm.deploy_calls()) == 1  # nothing sent
    assert "pass --allow-destructive" in skipped.format()
    assert "Group:PRM_Tier_Bronze" in load_record(tmp_path / "records", "dev").components

    mm.success_sequence()
    deleted = _deploy(tmp_path, components=fewer, allow_destructive=True)
    assert deleted.ok, deleted.format()
    zf = mm.sent_zip(mm.deploy_calls()[-1])
    assert sorted(zf.namelist()) == ["destructiveChanges.xml", "package.xml"]
    assert mm.package_members(zf, "destructiveChanges.xml") == {"Group": ["PRM_Tier_Bronze"]}
    assert mm.package_members(zf) == {}
    assert "Group:PRM_Tier_Bronze" not in load_record(tmp_path / "records", "dev").components


@responses.activate
def test_production_needs_a_validation_first(tmp_path: Path) -> None:
    prod = org_config(org_type="Enterprise Edition", is_sandbox=False)
    assert cci.is_production(prod)
    assert not cci.is_production(org_config(org_type="Enterprise Edition", is_sandbox=True))
    with pytest.raises(PrmUserError, match="--check-only --test-level RunLocalTests"):
        _deploy(tmp_path, org=prod, production=True)
    assert mm.deploy_calls() == []

    mm.success_sequence()  # the validation
    assert _deploy(tmp_path, org=prod, production=True, check_only=True, test_level="RunLocalTests").ok
    mm.success_sequence()  # now the deploy of the same build is allowed
    assert _deploy(tmp_path, org=prod, production=True).ok
    # and the validation is used up: the org changed
    assert load_record(tmp_path / "records", "dev").validated_build is None


@responses.activate
def test_production_override_flag(tmp_path: Path) -> None:
    mm.success_sequence()
    assert _deploy(tmp_path, org=org_config(org_type="Enterprise Edition"), production=True,
                   skip_validation=True).ok


@responses.activate
def test_sharing_lock_waits_and_retries_the_sharing_step(tmp_path: Path) -> None:
    mm.success_sequence()  # metadata
    mm.add(mm.deploy_started())
    locked = mm.component_failure("SharingRules", "Account", "sharingRules/Account.sharingRules",
                                  "A sharing operation is already in progress. Please try again later.")
    mm.add(mm.status("Failed", done=True, errors=1, details=locked))
    mm.success_sequence()  # sharing, second attempt
    mm.success_sequence()  # duplicate rules
    waits: list[float] = []
    deployer = cci.CumulusCIDeployer(project_config(), org_config())
    opts = DeployOptions("dev", record_dir=tmp_path / "r", sleep=waits.append, wait_scale=1)
    report = run_deploy(all_steps_components(), opts, deployer)
    assert report.ok, report.format()
    assert [s.attempts for s in report.steps] == [1, 2, 1] and waits == [30.0]


@responses.activate
def test_outage_page_on_deploy_is_transient(tmp_path: Path) -> None:
    mm.add("<html><body>Service Unavailable</body>", status_code=503)  # a maintenance page, not SOAP
    mm.success_sequence()
    report = _deploy(tmp_path)
    assert report.ok and report.steps[0].attempts == 2


@pytest.mark.parametrize("lost", [mm.NETWORK_ERROR, "<html><body>Service Unavailable</body>"])
@responses.activate
def test_lost_status_check_polls_again_without_redeploying(tmp_path: Path, lost) -> None:
    mm.add(mm.deploy_started())
    mm.add(mm.status("InProgress", deployed=5, total=15))
    mm.add(lost, status_code=503)
    mm.add(mm.status("Succeeded", done=True, deployed=15, total=15))
    lines: list[str] = []
    report = _deploy(tmp_path, progress=lines.append)
    assert report.ok and report.steps[0].attempts == 1
    assert len(mm.deploy_calls()) == 1  # the running deploy was not sent a second time
    assert any("status check failed" in line for line in lines)


@responses.activate
def test_soap_fault_with_status_500_is_not_retried_blindly(tmp_path: Path) -> None:
    mm.add(mm.fault("sf:INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id"), status_code=500)
    report = _deploy(tmp_path)
    assert not report.ok and report.steps[0].attempts == 1


@responses.activate
def test_coverage_failure_is_reported_readably(tmp_path: Path) -> None:
    mm.add(mm.deploy_started())
    coverage = ("<runTestResult><codeCoverageWarnings><id>01p5e000000BBBB</id><message>Average test coverage "
                "across all Apex Classes and Triggers is 61%, at least 75% test coverage is required."
                "</message><name xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/>"
                "</codeCoverageWarnings><numFailures>0</numFailures><numTestsRun>4</numTestsRun></runTestResult>")
    mm.add(mm.status("Failed", done=True, deployed=15, total=15, tests_done=4, tests_total=4, details=coverage))
    report = _deploy(tmp_path, test_level="RunLocalTests")
    assert not report.ok
    text = report.format()
    assert "coverage: Average test coverage across all Apex Classes and Triggers is 61%" in text
    assert "hint PRM-D11" in text
    assert "<?xml" not in text and "soapenv" not in text  # not CumulusCI's raw SOAP dump
