"""The Apex replay class (PRM_Scenario_Replay_Test): generated from specs/scenarios into
force-app/, schema-valid, parses with a maintained Apex grammar (@apexdevtools/apex-parser,
installed by .ci/run into .ci/node; the parse test skips locally without it and fails when
PRM_REQUIRE_APEX_PARSER is set), lists what it cannot replay, and escapes spec text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from prm_builder.model.scenarios import Scenario
from prm_builder.simulate.apex import CLASS_NAME, apex_string, replay_class, replayable
from tests.conftest import ROOT

CLASSES = ROOT / "force-app" / "main" / "default" / "classes"
PARSER = ROOT / ".ci" / "node" / "node_modules" / "@apexdevtools" / "apex-parser"


def test_the_example_ships_the_replay_class():
    text = (CLASSES / f"{CLASS_NAME}.cls").read_text()
    assert "@IsTest" in text and "static void scenario" in text
    assert "Approval.ProcessSubmitRequest" in text and "assignmentRuleHeader.useDefaultRule = true" in text
    # what cannot replay in Apex is listed, not silently skipped
    assert "Not replayed here" in text and "acts as a partner user" in text
    assert (CLASSES / f"{CLASS_NAME}.cls-meta.xml").is_file()


def test_generated_apex_parses_with_the_apex_grammar():
    if not (PARSER.is_dir() and shutil.which("node")):
        if os.environ.get("PRM_REQUIRE_APEX_PARSER"):
            pytest.fail("PRM_REQUIRE_APEX_PARSER is set but @apexdevtools/apex-parser is not in .ci/node")
        pytest.skip("@apexdevtools/apex-parser not installed (.ci/run installs it into .ci/node)")
    files = [str(p) for p in sorted(CLASSES.glob("*.cls"))]
    assert any(CLASS_NAME in f for f in files)
    proc = subprocess.run(["node", str(ROOT / "tests" / "apex_parse.js"), *files], capture_output=True, text=True,
                          timeout=120, check=True)
    errors = {f: e for f, e in json.loads(proc.stdout).items() if e}
    assert not errors


def _scenario(name: str, **extra) -> Scenario:
    return Scenario.model_validate({"name": name, "persona": "admin", "record": {"object": "Lead", "fields":
                                    {"Company": "O'Brien \\ Sons */"}}, **extra})


def test_spec_text_is_escaped_in_apex():
    text, _ = replay_class([(_scenario("Quote ' and */ comment end\nnext line"), "")], "Prog */ x")
    body = text.decode()
    assert "'O\\'Brien \\\\ Sons */'" in body  # a string literal, escaped
    assert "*/ comment" not in body.split("@IsTest", 1)[0].replace("* /", "")  # header comment stays closed
    assert apex_string("a'b\\c\n") == "'a\\'b\\\\c\\n'"


def test_partner_and_time_scenarios_are_not_replayed_and_say_why():
    partner = Scenario.model_validate({"name": "p", "persona": {"role": "partner_user", "tier": "Gold"},
                                       "record": {"object": "Lead"}})
    wait = _scenario("w", steps=[{"action": "create"}, {"action": "wait", "hours": 49}])
    assert "partner user" in replayable(partner)
    assert "wait" in replayable(wait)
    assert replayable(_scenario("ok")) == ""
