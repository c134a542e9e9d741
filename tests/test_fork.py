"""Serializing half the components in a forked child (prm_builder/write/fork.py) gives the
same files as one process, and a failure in the child is the caller's failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.errors import PrmInternalError
from prm_builder.generate.component import Component
from prm_builder.write import fork
from tests.conftest import ROOT, TODAY

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                                reason="forks only where there are two cores and fork()")


def _compiled(monkeypatch: pytest.MonkeyPatch, min_items: int) -> api.CompiledProgram:
    monkeypatch.setattr(fork, "MIN_ITEMS", min_items)
    forks = []
    real_start = fork.start
    monkeypatch.setattr(fork, "start", lambda work: forks.append(1) or real_start(work))
    compiled = api.compile_program(ROOT / "specs", TODAY)
    assert bool(forks) == (min_items == 1), "the fork was (not) used"
    return compiled


def test_forked_serialization_gives_the_same_files(monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _compiled(monkeypatch, 10**9)
    forked = _compiled(monkeypatch, 1)
    assert list(forked.source) == list(serial.source)  # same paths, same order
    assert forked.source == serial.source and forked.mdapi == serial.mdapi


def test_a_schema_violation_in_the_child_is_raised_in_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fork, "MIN_ITEMS", 1)
    good = Component("Group", "Fine", {"name": "Fine"}, purpose="x", source=None)
    broken = Component("CustomField", "Account.X__c", {"fullName": "X__c", "type": "NotAType"},
                       purpose="x", source=None)
    with pytest.raises(PrmInternalError, match=r"X__c.field-meta.xml.*NotAType"):
        api._render([good, broken])  # the broken one is in the child's half


def test_a_child_that_dies_is_an_error_not_an_empty_result() -> None:
    with pytest.raises(RuntimeError, match="died"):
        fork.start(lambda: os._exit(3))()


def test_the_childs_result_comes_back(tmp_path: Path) -> None:
    assert fork.start(lambda: {"a": b"x" * 1_000_000})() == {"a": b"x" * 1_000_000}
