"""`prm test`: the example's scenarios pass on a fresh build; failures are explained; bad
scenario files are coded, positioned diagnostics (exit 1, no traceback)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from prm_builder import api
from prm_builder.errors import PrmUserError
from tests.conftest import ROOT, TODAY, run_prm


@pytest.fixture(scope="module")
def example_report():
    return api.test(ROOT / "specs", today=TODAY)


def test_example_scenarios_pass_on_a_fresh_build(example_report):
    failed = [(r.name, r.failures) for r in example_report.results if not r.passed]
    assert not failed
    own = [r for r in example_report.results if "generated" not in r.tags]
    generated = [r for r in example_report.results if "generated" in r.tags]
    assert len(own) >= 15 and len(generated) >= 40


def test_coverage_line_counts_and_names(example_report):
    text = example_report.format()
    assert "coverage: assignment entries" in text and "never exercised" in text
    kinds = {c.kind: c for c in example_report.coverage}
    assert kinds["sharing rules"].total == 6 and len(kinds["sharing rules"].exercised) == 6
    assert kinds["approval steps"].total == 10


def _project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    return tmp_path


def test_cli_json_and_junit(tmp_path):
    project = _project(tmp_path)
    proc = run_prm("test", "--json", "--junit", "out/junit.xml", "--no-generated", cwd=project)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    # the one JSON envelope of every command (issue 15): the report is the result
    assert data["ok"] and data["command"] == "test" and len(data["result"]["scenarios"]) >= 15
    suite = etree.parse(str(project / "out/junit.xml")).getroot()
    assert suite.get("failures") == "0" and int(suite.get("tests")) == len(data["result"]["scenarios"])


def test_a_wrong_expectation_fails_with_expected_actual_and_component(tmp_path):
    project = _project(tmp_path)
    f = project / "specs/scenarios/lead_distribution.yml"
    f.write_text(f.read_text().replace("owner: PRM_Leads_Silver_DACH", "owner: PRM_Leads_Gold_DACH", 1))
    proc = run_prm("test", "--no-generated", "--junit", "j.xml", cwd=project)
    assert proc.returncode == 1
    assert "FAIL    A German lead for Silver goes to Silver DACH" in proc.stdout
    flat = " ".join(proc.stdout.split())  # the table wraps long reasons
    assert "owner: expected PRM_Leads_Gold_DACH, actual queue PRM_Leads_Silver_DACH" in flat
    assert "decided by PRM_Lead_Distribution entry" in flat
    assert "specs/scenarios/lead_distribution.yml:" in flat
    assert etree.parse(str(project / "j.xml")).getroot().get("failures") == "1"


@pytest.mark.parametrize("text, code, where", [
    ("scenarios:\n  - name: x\n    persona: admin\n    record: {object: Lead, fields: {Nope__c: 1}}\n",
     "PRM-V402", "bad.yml:4:"),
    ("scenarios:\n  - name: x\n    persona: admin\n    record: {object: Lead}\n    expect: {owner: No_Queue}\n",
     "PRM-V403", "bad.yml:5:"),
    ("scenarios:\n  - name: x\n    persona: admin\n    record: {object: Leed}\n", "PRM-V401", "bad.yml:4:"),
    ("scenarios:\n  - name: x\n    persona: {role: partner_user, tier: Platinum}\n    record: {object: Lead}\n",
     "PRM-V407", "bad.yml:3:"),
    ("scenarios:\n  - name: x\n    persona: admin\n    record: {object: Lead}\n    steps:\n"
     "      - action: create\n        expect: {blocked: {rule: Not_A_Rule}}\n", "PRM-V406", "bad.yml:7:"),
    ("scenarios:\n  - name: x\n    persona: admin\n    record: {object: Lead}\n    expect:\n"
     "      approval: {process: Nope}\n", "PRM-V404", "bad.yml:6:"),
    ("tiers: []\n", "PRM-V400", "bad.yml:1:"),
    # given records (issue 18): a key used before (or without) its record; `on` only for edits;
    # expected records of an unknown object or field
    ("scenarios:\n  - name: x\n    persona: admin\n    given:\n      - {key: a, object: Account, fields: "
     "{ParentId: \"@given:b\"}}\n    record: {object: Lead}\n", "PRM-V707", "bad.yml:5:"),
    ("scenarios:\n  - name: x\n    persona: admin\n    given:\n      - {key: a, object: Account}\n"
     "    record: {object: Lead}\n    steps:\n      - action: create\n      - {action: submit, on: \"@given:a\"}\n",
     "PRM-V708", "bad.yml:9:"),
    ("scenarios:\n  - name: x\n    persona: admin\n    record: {object: Lead}\n    expect:\n"
     "      records: [{object: Commission__c, fields: {Nope__c: 1}}]\n", "PRM-V402", "bad.yml:6:"),
    ("scenarios:\n  - name: x\n    persona: admin\n    given:\n      - {key: a, object: Acount}\n"
     "    record: {object: Lead}\n", "PRM-V401", "bad.yml:5:"),
    ("scenarios:\n  - name: x\n    persona: admin\n    recrod: {object: Lead}\n", "PRM-V003", "bad.yml:4:"),
    ("scenarios:\n  - name: x\n    persona: {role: partner_user}\n    record: {object: Lead}\n", "PRM-V006", "bad.yml:3:"),
])
def test_bad_scenarios_are_coded_diagnostics(tmp_path, text, code, where):
    project = _project(tmp_path)
    (project / "specs/scenarios/bad.yml").write_text(text)
    proc = run_prm("test", "--no-generated", cwd=project)
    assert proc.returncode == 1, proc.stdout
    assert code in proc.stderr + proc.stdout and where in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


def test_duplicate_scenario_names(tmp_path):
    project = _project(tmp_path)
    (project / "specs/scenarios/dup.yml").write_text(
        "scenarios:\n  - name: A German lead for Silver goes to Silver DACH\n    persona: admin\n"
        "    record: {object: Lead}\n")
    with pytest.raises(PrmUserError) as exc:
        api.test(project / "specs", generated=False, today=TODAY)
    assert any(d.code == "PRM-V405" for d in exc.value.diagnostics)


def test_metadata_option_tests_a_given_folder(tmp_path):
    # The committed force-app/ is what the specs build: the same verdict as a fresh build.
    report = api.test(ROOT / "specs", metadata=ROOT / "force-app", generated=False, today=TODAY)
    assert report.ok and "force-app" in report.metadata
    with pytest.raises(PrmUserError):
        api.test(ROOT / "specs", metadata=tmp_path / "missing", today=TODAY)
    with pytest.raises(PrmUserError, match="--scenarios"):
        api.test(ROOT / "specs", scenarios=tmp_path / "missing", today=TODAY)


def test_hand_edited_metadata_is_caught(tmp_path):
    meta = tmp_path / "force-app"
    shutil.copytree(ROOT / "force-app", meta)
    rules = meta / "main/default/assignmentRules/Lead.assignmentRules-meta.xml"
    rules.write_text(rules.read_text().replace("<value>Germany,Austria,Switzerland</value>",
                                               "<value>Austria,Switzerland</value>"))
    report = api.test(ROOT / "specs", metadata=meta, generated=False, today=TODAY)
    failed = {r.name for r in report.failed}
    assert "A German lead for Silver goes to Silver DACH" in failed


def test_scenario_schema_is_current_documented_and_accepts_the_examples():
    jsonschema = pytest.importorskip("jsonschema")
    from prm_builder.spec.loader import load_file

    committed = json.loads((ROOT / "schema" / "prm-scenarios.schema.json").read_text())
    assert committed == json.loads(json.dumps(api.scenario_json_schema(), sort_keys=True)), \
        "stale: run `prm schema --scenarios --out schema/prm-scenarios.schema.json`"
    models = {"<root>": committed, **committed.get("$defs", {})}
    missing = [f"{m}.{k}" for m, node in models.items() for k, p in node.get("properties", {}).items()
               if not p.get("description")]
    assert not missing
    files = sorted((ROOT / "specs" / "scenarios").glob("*.yml")) + \
        sorted((ROOT / "tests" / "fixtures" / "issue12_scenarios").glob("*.yml"))
    for file in files:
        data, _, diags = load_file(file, file.name)
        assert not diags
        jsonschema.validate(json.loads(json.dumps(data, default=str)), committed)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"scenarios": [{"name": "x", "persona": "admin", "record": {"objekt": "Lead"}}]},
                            committed)


@pytest.mark.parametrize("program", sorted(p.name for p in (ROOT / "tests" / "programs").iterdir()))
def test_generated_scenarios_pass_on_every_test_program(program):
    report = api.test(ROOT / "tests" / "programs" / program, today=TODAY)
    assert report.ok, [(r.name, r.failures) for r in report.failed]
