"""Deploy order, the per-org record, plans and incremental packages (no org involved)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from prm_builder.deploy.package import step_packages
from prm_builder.deploy.plan import make_plan
from prm_builder.deploy.record import OrgRecord, entries, load_record, record_path, save_record
from prm_builder.deploy.render import plan_text
from prm_builder.deploy.runner import DeployOptions, StepOutcome, run_deploy
from prm_builder.deploy.results import DeployStatus
from prm_builder.deploy.steps import STEP_NAMES, group_by_step
from prm_builder.errors import PrmInternalError, PrmUserError
from tests.deploy_fixtures import all_steps_components, example_components, sharing_rules


def test_every_generated_component_has_a_known_step() -> None:
    groups = group_by_step(all_steps_components())
    assert [s.name for s, _ in groups] == list(STEP_NAMES)


def test_unknown_step_is_an_internal_error() -> None:
    odd = dataclasses.replace(example_components()[0], deploy_step="whenever")
    with pytest.raises(PrmInternalError, match="unknown deploy step 'whenever'"):
        group_by_step([odd])


def test_plan_against_an_empty_record_adds_everything_in_order() -> None:
    comps = all_steps_components()
    plan = make_plan(comps, OrgRecord("dev"))
    assert len(plan.added) == len(comps) and not plan.changed and not plan.removed
    assert plan.steps() == ["metadata", "sharing", "activate-duplicate-rules"]
    text = plan_text(plan)
    assert f"{len(comps)} to add" in text and "1. metadata" in text and "2. sharing" in text
    assert "3. activate-duplicate-rules" in text


def test_changed_field_sends_its_whole_object_file_only() -> None:
    comps = example_components()
    record = OrgRecord("dev", entries(comps))
    changed = [dataclasses.replace(c, body={**c.body, "description": "changed"})
               if c.full_name == "Account.Partner_Segment__c" else c for c in comps]
    plan = make_plan(changed, record)
    assert plan.changed == ["CustomField:Account.Partner_Segment__c"]
    # every child of objects/Account.object (and the object's own defaults), nothing else
    from prm_builder.metadata.layout import layout

    account = [c.key for c in comps if (c.full_name.startswith("Account.") and layout(c.type).object_child_tag)
               or c.key == "CustomObject:Account"]
    assert sorted(c.key for c in plan.send) == sorted(account)
    assert "sent with a changed component in the same file" in plan_text(plan)
    [package] = step_packages(plan, allow_destructive=False)
    assert sorted(package.files) == ["objects/Account.object", "package.xml"]


def test_full_ignores_the_record_but_still_lists_removals() -> None:
    comps = example_components()
    record = OrgRecord("dev", entries(comps + sharing_rules()))
    plan = make_plan(comps, record, full=True)
    assert len(plan.send) == len(comps) and plan.removed == ["SharingRules:Account"]


def test_record_round_trip_and_bad_records(tmp_path: Path) -> None:
    record = OrgRecord("dev", entries(example_components()), validated_build="abc")
    save_record(tmp_path, record)
    assert load_record(tmp_path, "dev") == record
    (tmp_path / "dev.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(PrmUserError, match="unreadable deploy record"):
        load_record(tmp_path, "dev")


@pytest.mark.parametrize("name", ["../etc", "a/b", "", ".hidden", "x" * 90])
def test_org_names_never_become_arbitrary_paths(tmp_path: Path, name: str) -> None:
    with pytest.raises(PrmUserError, match="cannot be used"):
        record_path(tmp_path, name)


class FakeDeployer:
    """Records the folders it was given; fails the steps named in `fail`."""

    def __init__(self, fail: set[str] = frozenset()) -> None:
        self.fail = fail
        self.folders: list[str] = []

    def __call__(self, folder: Path, **_: object) -> StepOutcome:
        self.folders.append(folder.name)
        if any(folder.name.endswith(name) for name in self.fail):
            return StepOutcome(DeployStatus(status="Failed", done=True), "Deploy failed")
        return StepOutcome(DeployStatus(status="Succeeded", done=True))


def test_a_failed_step_stops_the_deploy_and_only_earlier_steps_are_recorded(tmp_path: Path) -> None:
    deployer = FakeDeployer(fail={"sharing"})
    report = run_deploy(all_steps_components(), DeployOptions("dev", record_dir=tmp_path), deployer)
    assert not report.ok
    assert deployer.folders == ["01-metadata", "02-sharing"]
    recorded = load_record(tmp_path, "dev").components
    first_step = [c.key for c in all_steps_components() if c.deploy_step == "metadata"]
    assert sorted(recorded) == sorted(first_step) and "SharingRules:Account" not in recorded
    # The next run resumes where it stopped.
    again = FakeDeployer()
    assert run_deploy(all_steps_components(), DeployOptions("dev", record_dir=tmp_path), again).ok
    assert again.folders == ["01-sharing", "02-activate-duplicate-rules"]


def test_option_checks() -> None:
    with pytest.raises(PrmUserError, match="--test-level"):
        DeployOptions("dev", test_level="RunEverything").check()  # type: ignore[arg-type]
    with pytest.raises(PrmUserError, match="go together"):
        DeployOptions("dev", specified_tests=["PartnerTierTest"]).check()


def test_prm_plan_cli_needs_no_org_and_no_cumulusci(tmp_path: Path) -> None:
    """`prm plan` only reads the record: it must work offline and stay a light command."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, copy_program

    copy_program("minimal", tmp_path)
    script = (
        "import runpy, sys\n"
        "sys.argv = ['prm', 'plan', '--org', 'dev', '--json']\n"
        "try:\n"
        "    runpy.run_module('prm_builder', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('cumulusci', 'simple_salesforce'))\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "PRM_TODAY": "2026-11-22"}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "HEAVY []"
    assert '"steps": [\n      "metadata"\n    ]' in proc.stdout  # inside the --json envelope's result
