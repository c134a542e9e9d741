"""Stage-level behaviour that the corpus and golden tests do not pin down."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.errors import PrmInternalError
from prm_builder.generate.component import Component
from prm_builder.write.render import source_files
from tests.conftest import TODAY


def test_warnings_do_not_block_a_build(project: Path, monkeypatch) -> None:
    monkeypatch.chdir(project)
    (project / "specs" / "decisions.yml").write_text(
        "open_decisions:\n  - id: D-1\n    title: Late question\n    owner: VP\n    due: 2020-01-01\n")
    result = api.build(Path("specs"), Path("force-app"), Path("build"), today=TODAY)
    assert [d.code for d in result.compiled.diagnostics] == ["PRM-V018"]
    assert (project / "force-app" / "main" / "default").is_dir()


def test_due_dates_are_judged_by_the_given_day(project: Path) -> None:
    (project / "specs" / "decisions.yml").write_text(
        "open_decisions:\n  - id: D-1\n    title: Q\n    owner: VP\n    due: 2026-11-21\n")
    assert [d.code for d in api.validate(project / "specs", TODAY).warnings] == ["PRM-V018"]
    assert api.validate(project / "specs", dt.date(2026, 11, 20)).warnings == []


def test_higher_tier_asking_less_is_an_error_at_both_thresholds(project: Path) -> None:
    # The lower tier's threshold is dead (issue 14): an error, pointing at both lines.
    tiers = project / "specs" / "tiers.yml"
    tiers.write_text(tiers.read_text().replace("annual_revenue: 500000", "annual_revenue: 50000"))
    result = api.validate(project / "specs", TODAY)
    assert not result.ok
    errors = result.errors
    assert [d.code for d in errors] == ["PRM-V020", "PRM-V020"]
    assert sorted(d.ref.line for d in errors) == [5, 14]
    assert all("50000" in d.message and d.related for d in errors)


def test_schema_violation_is_an_internal_error_naming_the_file() -> None:
    broken = Component("CustomField", "Account.X__c", {"fullName": "X__c", "type": "NotAType"},
                       purpose="x", source=None)
    with pytest.raises(PrmInternalError, match=r"objects/Account/fields/X__c.field-meta.xml.*NotAType"):
        api.check_schema_conformance(source_files([broken]))


def test_every_component_knows_its_spec_line() -> None:
    compiled = api.compile_program(Path(__file__).parents[1] / "specs", TODAY)
    missing = [c.key for c in compiled.components if c.source is None or c.source.line < 1]
    assert missing == []


def test_qualified_tier_formula_reads_metrics_highest_tier_first() -> None:
    compiled = api.compile_program(Path(__file__).parents[1] / "tests" / "programs" / "minimal", TODAY)
    [field] = [c for c in compiled.components if c.full_name == "Account.Qualified_Partner_Tier__c"]
    assert field.body["formula"] == (
        'IF(Partner_Annual_Revenue__c >= 500000, "Premier", '
        'IF(Partner_Annual_Revenue__c >= 100000, "Authorized", "Registered"))')
