from __future__ import annotations

from prm_builder.validate.codes import all_codes
from tests.regen_readme import README, render


def test_generated_readme_tables_are_current() -> None:
    text = README.read_text()
    assert render(text) == text, "README tables are stale: run `python -m tests.regen_readme`"


def test_every_code_is_documented_once_with_text() -> None:
    codes = [d.code for d in all_codes()]
    assert len(codes) == len(set(codes))
    assert all(d.doc for d in all_codes())
