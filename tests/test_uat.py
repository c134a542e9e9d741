"""UAT plan: the docs package turns the scenarios into a page, a CSV and an XLSX workbook a
test team fills in; the workbook opens and reads back (openpyxl)."""

from __future__ import annotations

import csv
import io

import pytest

from prm_builder import api
from prm_builder.simulate.scenarios import load_scenarios, scenario_files
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs") / "docs"
    api.docs(ROOT / "specs", out, as_of=None)
    return out


def _scenarios():
    return [sc for sc, _ in load_scenarios(scenario_files(ROOT / "specs" / "scenarios")).scenarios]


def test_workbook_reads_back_with_one_row_per_scenario(package):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(package / "uat-plan.xlsx")
    ws = wb["UAT plan"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][:5] == ("id", "scenario", "persona", "steps in Salesforce", "expected result")
    scenarios = _scenarios()
    data = rows[2:]
    assert [r[1] for r in data] == [s.name for s in scenarios]
    gold = next(r for r in data if r[1] == "A Gold deal of 50,000 goes to channel manager review")
    assert "Click Submit for Approval" in gold[3] and "Approved" in gold[4]
    assert all(r[5] is None and r[7] is None for r in data)  # tester / pass-fail left to fill in
    assert any("Pass,Fail" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)


def test_csv_and_page_carry_the_same_plan(package):
    rows = list(csv.reader(io.StringIO((package / "uat-plan.csv").read_text())))
    assert rows[0][0] == "id" and len(rows) == len(_scenarios()) + 1
    page = (package / "uat.html").read_text()
    assert "UAT plan" in page and "A Silver partner cannot see Campaign Kits" in page


def test_workbook_bytes_are_deterministic(tmp_path):
    from prm_builder.simulate.uat import uat_rows, uat_xlsx

    rows = uat_rows(_scenarios())
    assert uat_xlsx(rows, "P") == uat_xlsx(rows, "P")
