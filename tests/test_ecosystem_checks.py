"""The checks Salesforce teams run in their own pipelines, over the generated metadata of the
example and of every test program (issue 12, "Done when"):

- Lightning Flow Scanner (npm `lightning-flow-scanner-core`, pinned in .ci/run) with its
  default rules: no error-severity finding in any generated flow;
- a maintained Apex grammar (npm `@apexdevtools/apex-parser`, pinned in .ci/run): every
  generated class parses.

Both run through small Node scripts (.ci/flow_scan.cjs, .ci/apex_parse.cjs) over programs
built into temporary folders. The tests skip when the npm packages are not installed in
.ci/node, and fail instead when CI says they must be there (PRM_REQUIRE_FLOW_SCANNER,
PRM_REQUIRE_APEX_PARSER, set by .ci/run after installing them).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from prm_builder import api
from tests.conftest import PROGRAMS, ROOT

MODULES = Path(os.environ.get("PRM_NODE_MODULES") or ROOT / ".ci" / "node" / "node_modules")
PROGRAM_DIRS = {"example": ROOT / "specs", **{p.name: p for p in sorted(PROGRAMS.iterdir()) if p.is_dir()}}

#: Error findings in flows other branches own (deal registration and lead distribution are
#: adding fault paths and null handlers in issue 12); each entry is (program, flow, rule,
#: element). An entry that no longer occurs fails the test too: delete it then.
KNOWN_FINDINGS: set[tuple[str, str, str, str]] = set()


def _tool(package: str, env_var: str) -> None:
    """Skip without the package, unless CI requires it (then fail)."""
    missing = [what for what, ok in (("node", shutil.which("node")), (package, (MODULES / package).is_dir())) if not ok]
    if missing:
        message = f"{', '.join(missing)} not installed (.ci/run installs {package} into .ci/node)"
        if os.environ.get(env_var):
            pytest.fail(f"{env_var} is set but {message}")
        pytest.skip(message)


def _node(script: str, *targets: Path) -> dict:
    done = subprocess.run(["node", str(ROOT / ".ci" / script), *map(str, targets)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PRM_NODE_MODULES": str(MODULES)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every program built (source format) into its own temporary folder; from a copy of its
    specs, because a build also writes the program's prm.lock.json."""
    out = {}
    for name, specs in PROGRAM_DIRS.items():
        root = tmp_path_factory.mktemp(name)
        shutil.copytree(specs, root / "specs")
        api.build(root / "specs", root / "force-app", root / "mdapi")
        out[name] = root / "force-app"
    return out


def test_flow_scanner_finds_no_errors_in_generated_flows(built: dict[str, Path]) -> None:
    _tool("lightning-flow-scanner-core", "PRM_REQUIRE_FLOW_SCANNER")
    errors, scanned = set(), 0
    for program, folder in built.items():
        flows = folder / "main" / "default" / "flows"
        if not flows.is_dir():
            continue
        result = _node("flow_scan.cjs", flows)
        scanned += result["flows"]
        errors |= {(program, f["flow"], f["rule"], f["element"]) for f in result["findings"] if f["severity"] == "error"}
    assert scanned >= 6, "the programs generate flows: the scanner must have read them"
    new = sorted(errors - KNOWN_FINDINGS)
    assert not new, "Flow Scanner errors (default rules):\n" + "\n".join(map(str, new))
    fixed = sorted(KNOWN_FINDINGS - errors)
    assert not fixed, "fixed: delete these from KNOWN_FINDINGS:\n" + "\n".join(map(str, fixed))


UNGUARDED_FLOW = """<?xml version="1.0" encoding="UTF-8"?>
<Flow xmlns="http://soap.sforce.com/2006/04/metadata">
    <apiVersion>63.0</apiVersion>
    <description>Probe: a record update without a fault path.</description>
    <label>Probe Unguarded Update</label>
    <processMetadataValues><name>CanvasMode</name><value><stringValue>AUTO_LAYOUT_CANVAS</stringValue></value></processMetadataValues>
    <processType>AutoLaunchedFlow</processType>
    <recordUpdates>
        <name>Mark_Done</name>
        <label>Mark done</label>
        <locationX>176</locationX>
        <locationY>134</locationY>
        <inputAssignments><field>Description</field><value><stringValue>done</stringValue></value></inputAssignments>
        <inputReference>$Record</inputReference>
    </recordUpdates>
    <start>
        <locationX>50</locationX>
        <locationY>0</locationY>
        <connector><targetReference>Mark_Done</targetReference></connector>
        <object>Lead</object>
        <recordTriggerType>Update</recordTriggerType>
        <triggerType>RecordAfterSave</triggerType>
    </start>
    <status>Active</status>
</Flow>
"""


def test_flow_scanner_reports_a_missing_fault_path(tmp_path: Path) -> None:
    """The check can fail: a record update without a fault connector is an error finding."""
    _tool("lightning-flow-scanner-core", "PRM_REQUIRE_FLOW_SCANNER")
    flow = tmp_path / "Probe_Unguarded_Update.flow-meta.xml"
    flow.write_text(UNGUARDED_FLOW)
    findings = _node("flow_scan.cjs", flow)["findings"]
    assert {(f["rule"], f["severity"], f["element"]) for f in findings} >= {("MissingFaultPath", "error", "Mark_Done")}


def test_every_generated_apex_class_and_trigger_parses(built: dict[str, Path]) -> None:
    _tool("@apexdevtools/apex-parser", "PRM_REQUIRE_APEX_PARSER")
    folders = [f / "main" / "default" / kind for f in built.values() for kind in ("classes", "triggers")
               if (f / "main" / "default" / kind).is_dir()]
    result = _node("apex_parse.cjs", *folders)
    assert result["classes"] >= 2, "the programs generate Apex: the parser must have read it"
    assert not result["errors"], "\n".join(f"{e['file']}:{e['line']}:{e['column']}: {e['message']}"
                                           for e in result["errors"])


def test_apex_parser_rejects_an_unterminated_literal(tmp_path: Path) -> None:
    """The check can fail: what an unescaped quote from the specs would produce."""
    _tool("@apexdevtools/apex-parser", "PRM_REQUIRE_APEX_PARSER")
    broken = tmp_path / "Broken.cls"
    broken.write_text("public class Broken {\n    public static final String S = 'Partner's Closed';\n}\n")
    errors = _node("apex_parse.cjs", broken)["errors"]
    assert errors and errors[0]["line"] == 2, errors


def test_apex_parser_reads_triggers_with_their_own_grammar_rule(tmp_path: Path) -> None:
    _tool("@apexdevtools/apex-parser", "PRM_REQUIRE_APEX_PARSER")
    good = tmp_path / "Good.trigger"
    good.write_text("trigger Good on Account (after update) {\n    Handler.run(Trigger.new);\n}\n")
    bad = tmp_path / "Bad.trigger"
    bad.write_text("trigger Bad on Account (after update) {\n    Handler.run(Trigger.new;\n}\n")
    assert _node("apex_parse.cjs", good)["errors"] == []
    errors = _node("apex_parse.cjs", bad)["errors"]
    assert errors and errors[0]["line"] == 2, errors
