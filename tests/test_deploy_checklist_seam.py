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


def test_against_org_without_an_adapter_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "check", lambda specs_dir, *, org=None, today=None: FakeReport(True), raising=False)
    monkeypatch.setattr("prm_builder.deploy.checklist._org_connection", lambda org_config: None)
    outcome = run_checklist(Path("specs"), org_config=object())
    assert outcome.ran and "org items were not checked" in outcome.text


def test_org_connection_from_a_cumulusci_org(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 6's OrgConnection(instance_url, access_token, label=...) made from the org config."""
    import sys
    import types

    made: list[tuple] = []

    class OrgConnection:
        def __init__(self, instance_url: str, access_token: str, label: str = "") -> None:
            made.append((instance_url, access_token, label))

    monkeypatch.setitem(sys.modules, "prm_builder.org", types.SimpleNamespace(OrgConnection=OrgConnection))
    org_config = types.SimpleNamespace(instance_url="https://northwind.my.salesforce.com/", access_token="T",
                                       name="dev")
    from prm_builder.deploy.checklist import _org_connection

    assert isinstance(_org_connection(org_config), OrgConnection)
    assert made == [("https://northwind.my.salesforce.com", "T", "CumulusCI org 'dev'")]
