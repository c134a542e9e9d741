"""Org commands without a working environment (issue 15): a scratch org without a Dev Hub
and a machine without an OS keyring each give one actionable message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prm_builder.deploy.flow import scratch_org_message
from tests.conftest import ROOT
from tests.test_deploy_config import cci_env, cci_project

# What `sf org create scratch --json` prints without a default Dev Hub (sf-plugins-core's
# NoDefaultDevHubError), stack trace included; CumulusCI passes it on in its exception.
SF_NO_DEV_HUB = """{
  "code": 1,
  "context": "CreateScratch",
  "message": "No default dev hub found. Use -v or --target-dev-hub to specify an environment.",
  "name": "NoDefaultDevHubError",
  "status": 1,
  "stack": "NoDefaultDevHubError: No default dev hub found.\\n    at Function.create (/usr/lib/sf/node_modules/@salesforce/sf-plugins-core/lib/util.js:42:19)",
  "exitCode": 1,
  "warnings": []
}"""


def _fake_sf(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    sf = folder / "sf"
    sf.write_text(f"#!/bin/sh\ncat <<'JSON'\n{SF_NO_DEV_HUB}\nJSON\nexit 1\n")
    sf.chmod(0o755)
    return folder


def test_scratch_org_message_keeps_sf_s_message_and_drops_the_stack() -> None:
    raw = f"Failed to create scratch org: \n{SF_NO_DEV_HUB}\n"
    text = scratch_org_message("prm", raw)
    assert "no Dev Hub is connected" in text and "sf org login web --set-default-dev-hub" in text
    assert "No default dev hub found" in text and "node_modules" not in text and "{" not in text
    other = scratch_org_message("prm", 'Failed to create scratch org: \n{"name": "X", "message": "Daily limit"}')
    assert other.startswith("could not create scratch org 'prm': Daily limit")


def test_deploy_to_a_scratch_org_without_a_dev_hub_is_one_actionable_message(tmp_path: Path) -> None:
    """The real path: CumulusCI runs `sf org create scratch`, which fails; a keyring-less
    machine (no CUMULUSCI_KEY) also gets CumulusCI's encryption-key warning explained once."""
    project = cci_project(tmp_path)
    env = {k: v for k, v in cci_env(tmp_path).items() if k != "CUMULUSCI_KEY"}
    env["PATH"] = f"{_fake_sf(tmp_path / 'bin')}{os.pathsep}{env['PATH']}"
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"  # no OS keyring, as on a server
    outputs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-m", "prm_builder", "deploy", "--org", "prm"], cwd=project,
                              env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 1
        outputs.append(proc.stdout + proc.stderr)
        assert "Traceback" not in outputs[-1] and "node_modules" not in outputs[-1] and '"stack"' not in outputs[-1]
        assert "error: org 'prm' is a scratch org" in proc.stderr and "sf org login web" in proc.stderr
        assert "Unable to store an encryption key" not in outputs[-1]
    assert "set CUMULUSCI_KEY" in outputs[0] and "set CUMULUSCI_KEY" not in outputs[1]  # explained once
