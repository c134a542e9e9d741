"""cumulusci.yml, the scratch-org definition and the CI workflow example: validated with
the tools and schemas their platforms publish, and `cci task info` / `cci flow info` run
for each task and flow."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT

CCI = Path(sys.executable).with_name("cci")
CONFIG = yaml.safe_load((ROOT / "cumulusci.yml").read_text(encoding="utf-8"))
PRM_TASKS = sorted(CONFIG["tasks"])
FLOWS = sorted(CONFIG["flows"])
SCHEMA_HOME = ROOT / ".ci" / "node" / "node_modules" / "@salesforce" / "schemas"


def cci_project(tmp_path: Path) -> Path:
    """A fresh clone's worth of project: cci needs a git repository around cumulusci.yml."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("cumulusci.yml", "sfdx-project.json"):
        shutil.copy(ROOT / name, project / name)
    for name in ("specs", "orgs"):
        shutil.copytree(ROOT / name, project / name)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    return project


def cci_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {**os.environ, "HOME": str(home), "CUMULUSCI_KEY": "0123456789abcdef",
            "PYTHONPATH": str(ROOT), "CUMULUSCI_DISABLE_UPDATE_CHECK": "1"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("cci")
    return cci_project(tmp), cci_env(tmp)


def run_cci(project: tuple[Path, dict[str, str]], *args: str) -> subprocess.CompletedProcess:
    cwd, env = project
    return subprocess.run([str(CCI), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_project_section() -> None:
    assert CONFIG["project"]["package"]["api_version"] == "63.0"
    assert CONFIG["project"]["source_format"] == "sfdx"


@pytest.mark.parametrize("task", PRM_TASKS)
def test_cci_task_info(project, task: str) -> None:
    result = run_cci(project, "task", "info", task)
    assert result.returncode == 0, result.stdout + result.stderr
    assert CONFIG["tasks"][task]["description"].split(" (")[0][:40] in " ".join(result.stdout.split())
    module, _, name = CONFIG["tasks"][task]["class_path"].rpartition(".")
    assert module.startswith("prm_builder.") and hasattr(importlib.import_module(module), name)


@pytest.mark.parametrize("flow", FLOWS)
def test_cci_flow_info(project, flow: str) -> None:
    result = run_cci(project, "flow", "info", flow)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "task: prm_" in result.stdout


def test_flow_steps_chain_build_checklist_and_deploy() -> None:
    steps = {name: [s.get("task") or s.get("flow") for _, s in sorted(f["steps"].items())]
             for name, f in CONFIG["flows"].items()}
    assert steps["prm_validate"] == ["prm_build", "prm_check", "prm_deploy_steps"]
    assert steps["prm_deploy"] == ["prm_build", "prm_deploy_steps", "prm_activate_duplicate_rules",
                                   "prm_activate_flows", "prm_schedule_tier_review",
                                  "prm_check"]
    assert steps["ci_prm"][0] == "prm_deploy"
    validate = CONFIG["flows"]["prm_validate"]["steps"][3]["options"]
    assert validate == {"check_only": True, "test_level": "RunLocalTests"}
    assert CONFIG["orgs"]["scratch"]["prm"]["config_file"] == "orgs/prm.json"


def test_scratch_org_definition_against_salesforce_schema() -> None:
    schema_file = SCHEMA_HOME / "project-scratch-def.schema.json"
    if not schema_file.exists():
        if os.environ.get("PRM_REQUIRE_SF_SCHEMAS"):
            pytest.fail(f"{schema_file} missing: .ci/run installs @salesforce/schemas there")
        pytest.skip("npm package @salesforce/schemas not installed (.ci/run installs it)")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    definition = json.loads((ROOT / "orgs" / "prm.json").read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(definition)] == []
    assert {"Communities", "EnablePRM"} <= set(definition["features"])
    assert definition["settings"]["communitiesSettings"] == {"enableNetworksEnabled": True, "enableEnablePRM": True}
    # The schema is strict enough to catch a wrong edition (so this test can fail).
    assert list(validator.iter_errors({**definition, "edition": "Enterprize"}))


@pytest.mark.parametrize("content, ok", [(None, True), ("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    stepz: []\n", False)])
def test_ci_workflow_against_github_schema(tmp_path: Path, content: str | None, ok: bool) -> None:
    workflow = ROOT / ".github" / "workflows" / "prm-scratch-org.yml"
    if content is not None:
        workflow = tmp_path / "bad.yml"
        workflow.write_text(content, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                             "vendor.github-workflows", str(workflow)], capture_output=True, text=True, timeout=120)
    assert (result.returncode == 0) is ok, result.stdout + result.stderr


def test_ci_workflow_runs_the_ci_flow_in_a_scratch_org() -> None:
    text = (ROOT / ".github" / "workflows" / "prm-scratch-org.yml").read_text(encoding="utf-8")
    assert "cci flow run ci_prm --org prm" in text and "scratch_delete prm" in text


def test_ci_workflow_never_pastes_secrets_into_scripts() -> None:
    """A secret expanded inside `run:` becomes script text (quoting, injection, logs): pass it in `env:`."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "prm-scratch-org.yml").read_text(encoding="utf-8"))
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "secrets." not in step.get("run", ""), step["name"]


def test_the_prm_deploy_flow_is_the_one_the_runbook_prints() -> None:
    """The runbook lists prm_builder.deploy.steps.DEPLOY_FLOW as the order `prm deploy` runs;
    `prm deploy` runs cumulusci.yml's prm_deploy flow: the two must name the same tasks in
    the same order."""
    from prm_builder.deploy.steps import DEPLOY_FLOW

    steps = CONFIG["flows"]["prm_deploy"]["steps"]
    assert [steps[n]["task"] for n in sorted(steps)] == [t.task for t in DEPLOY_FLOW]
    assert sum(t.runs_steps for t in DEPLOY_FLOW) == 1
