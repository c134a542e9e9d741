"""Every entry of prm_builder/deploy/hints.yaml: its examples match it, its counter-examples
do not, and the runbook lists it."""

from __future__ import annotations

import pytest

from prm_builder.deploy.hints import load_hints, markdown_table, match_hints
from tests.conftest import ROOT

HINTS = load_hints()


@pytest.mark.parametrize("hint", HINTS, ids=[h.id for h in HINTS])
def test_hint_matches_its_examples_and_not_its_counter_examples(hint) -> None:
    assert hint.examples and hint.not_examples, f"{hint.id} needs examples and not_examples"
    for text in hint.examples:
        assert hint in match_hints(text), f"{hint.id} should match {text!r}"
    for text in hint.not_examples:
        assert hint not in match_hints(text), f"{hint.id} should not match {text!r}"


@pytest.mark.parametrize("hint", HINTS, ids=[h.id for h in HINTS])
def test_hint_is_documented_in_the_runbook(hint) -> None:
    runbook = (ROOT / "docs" / "RUNBOOK.md").read_text(encoding="utf-8")
    assert f"| {hint.id} | {hint.name} |" in runbook


def test_runbook_table_is_current() -> None:
    runbook = (ROOT / "docs" / "RUNBOOK.md").read_text(encoding="utf-8")
    start, end = "<!-- prm-hints:start -->\n", "<!-- prm-hints:end -->"
    current = runbook[runbook.index(start) + len(start):runbook.index(end)]
    assert current == markdown_table(), "refresh with: python -m tests.regen_readme"


def test_ids_are_unique_and_in_the_reserved_range() -> None:
    ids = [h.id for h in HINTS]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("PRM-D") and 1 <= int(i[5:]) <= 99 for i in ids)


def test_only_retry_safe_problems_have_remedies() -> None:
    remedies = {h.name: h.remedy for h in HINTS if h.remedy}
    assert remedies == {"sharing-operation-in-progress": "retry-step", "transient": "retry",
                        "matching-rule-still-activating": "retry-step"}


def test_unknown_problem_gets_no_hint() -> None:
    assert match_hints("Field Partner_Tier__c does not exist. Check spelling.") == []
