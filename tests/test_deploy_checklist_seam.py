"""The seam to issue 6's checklist (`prm_builder.api.check`): skipped while it is missing,
used through its contract once it exists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.deploy.checklist import run_checklist


@dataclass
class FakeReport:
    ok: bool

    def format(self) -> str:
        return "C01 pass" if self.ok else "C01 fail: decision D-01 past due"


def test_missing_checklist_is_reported_as_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(api, "check", raising=False)
    outcome = run_checklist(Path("specs"))
    assert (outcome.ran, outcome.ok) == (False, True) and "skipped" in outcome.text


@pytest.mark.parametrize("ok", [True, False])
def test_checklist_contract_is_used(monkeypatch: pytest.MonkeyPatch, ok: bool) -> None:
    calls: list[tuple] = []

    def check(specs_dir: Path, *, org=None, today=None) -> FakeReport:
        calls.append((specs_dir, org))
        return FakeReport(ok)

    monkeypatch.setattr(api, "check", check, raising=False)
    outcome = run_checklist(Path("specs"))
    assert outcome.ran and outcome.ok is ok and outcome.text == FakeReport(ok).format()
    assert calls == [(Path("specs"), None)]
