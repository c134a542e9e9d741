"""`.ci/install-chromium` on a machine without Chromium: run with a PATH holding only stub
tools, so the real apt-get and browser are never touched. It must install when apt works,
give up (non-zero) when apt fails, and stay inside its time budget when apt hangs."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "install-chromium"
TOOLS = ("id", "timeout", "sleep")


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    for tool in TOOLS:
        found = shutil.which(tool)
        if found is None:
            pytest.skip(f"{tool} not on this machine")
        (tmp_path / tool).symlink_to(found)
    return tmp_path


def _stub(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!{shutil.which('bash')}\n{body}\n")
    path.chmod(0o755)


def _run(bin_dir: Path, budget: int) -> tuple[int, float, str]:
    env = {"PATH": str(bin_dir), "PRM_CHROMIUM_INSTALL_BUDGET": str(budget)}
    started = time.monotonic()
    done = subprocess.run([shutil.which("bash") or "bash", str(SCRIPT)], env=env, capture_output=True,
                          text=True, timeout=120)
    return done.returncode, time.monotonic() - started, done.stdout + done.stderr


def test_installs_when_apt_works(bin_dir: Path) -> None:
    # apt-get "installs" chromium by dropping a stub next to itself
    _stub(bin_dir, "apt-get", f'[ "$*" != "${{*%install*}}" ] && printf "#!/bin/sh\\n" > {bin_dir}/chromium '
                              f'&& chmod +x {bin_dir}/chromium; exit 0')
    rc, _, out = _run(bin_dir, budget=60)
    assert rc == 0, out
    assert (bin_dir / "chromium").exists()


def test_gives_up_when_apt_fails(bin_dir: Path) -> None:
    _stub(bin_dir, "apt-get", "echo 'E: Unable to locate package chromium' >&2; exit 100")
    rc, _, out = _run(bin_dir, budget=3)
    assert rc != 0
    assert "attempt 1 failed" in out


def test_hanging_apt_stays_within_budget(bin_dir: Path) -> None:
    # a stalled mirror or a dpkg lock held by someone else: apt-get never returns
    _stub(bin_dir, "apt-get", "exec sleep 600")
    rc, elapsed, out = _run(bin_dir, budget=3)
    assert rc != 0, out
    assert elapsed < 30, f"took {elapsed:.0f}s with a 3s budget"


def test_ci_run_uses_the_bounded_installer() -> None:
    text = (ROOT / ".ci" / "run").read_text()
    assert "bash .ci/install-chromium" in text
    assert "apt-get" not in text, "apt-get belongs in .ci/install-chromium (time-bounded)"


def test_browser_installed_despite_an_apt_error_counts(bin_dir: Path) -> None:
    # the package unpacked, then a trigger failed: apt-get exits non-zero, chromium is there
    _stub(bin_dir, "apt-get", f'case "$*" in *install*) printf "#!/bin/sh\\n" > {bin_dir}/chromium; '
                              f'chmod +x {bin_dir}/chromium; exit 100;; esac; exit 0')
    rc, _, out = _run(bin_dir, budget=3)
    assert rc == 0, out
