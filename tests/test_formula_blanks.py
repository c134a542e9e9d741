"""Issue 12, item 3: number formulas that test for blanks must treat blanks as blanks.

Salesforce Help (NULLVALUE / BLANKVALUE tips): with "Treat blank fields as zeroes"
(formulaTreatBlanksAs BlankAsZero) blank number, currency and percent fields are given the
value zero before the formula runs, so BLANKVALUE/ISBLANK/NULLVALUE/ISNULL never see a blank.
The committed metadata of the example and of every test program is read as XML here (the
files a deploy sends), independently of the generator's own check (PRM-V033).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from prm_builder import api
from prm_builder.errors import Severity
from prm_builder.generate.component import Component
from prm_builder.generate.formula_blanks import check_blank_handling
from tests.conftest import GOLDEN, PROGRAMS, ROOT

NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
BLANK_TEST = re.compile(r"\b(BLANKVALUE|ISBLANK|NULLVALUE|ISNULL)\s*\(")
SOURCE_FOLDERS = [ROOT / "force-app"] + sorted(p / "force-app" for p in GOLDEN.iterdir() if (p / "force-app").is_dir())


def _formula_fields(folder: Path):
    for path in sorted(folder.rglob("*.field-meta.xml")):
        root = etree.parse(str(path)).getroot()
        formula = root.findtext("m:formula", namespaces=NS)
        if formula is not None:
            yield path, root.findtext("m:type", namespaces=NS), root.findtext("m:formulaTreatBlanksAs", namespaces=NS), formula


@pytest.mark.parametrize("folder", SOURCE_FOLDERS, ids=lambda p: str(p.parent.relative_to(ROOT)) or "example")
def test_no_numeric_formula_tests_blanks_while_blanks_are_zero(folder: Path) -> None:
    bad = [f"{p.relative_to(ROOT)}: {treat or 'BlankAsZero (default)'}"
           for p, kind, treat, formula in _formula_fields(folder)
           if kind in ("Number", "Currency", "Percent") and (treat or "BlankAsZero") == "BlankAsZero"
           and BLANK_TEST.search(formula)]
    assert not bad, "blank tests that can never see a blank:\n" + "\n".join(bad)


def test_mdf_amounts_fall_back_when_blank() -> None:
    """The two fields of the bug: a blank override / partial amount must fall back."""
    fields = ROOT / "force-app/main/default/objects"
    for rel in ("MDF_Budget__c/fields/Allocated_Amount__c.field-meta.xml",
                "MDF_Request__c/fields/Approved_Amount__c.field-meta.xml"):
        root = etree.parse(str(fields / rel)).getroot()
        assert "BLANKVALUE(" in root.findtext("m:formula", namespaces=NS)
        assert root.findtext("m:formulaTreatBlanksAs", namespaces=NS) == "BlankAsBlank", rel


def _field(body: dict) -> Component:
    return Component("CustomField", "X__c.Y__c", {"fullName": "Y__c", **body}, purpose="t", source=None)


@pytest.mark.parametrize("body, codes", [
    ({"type": "Currency", "formula": "BLANKVALUE(A__c, 1)", "formulaTreatBlanksAs": "BlankAsZero"}, ["PRM-V033"]),
    ({"type": "Number", "formula": "IF(isblank(A__c), 1, A__c)"}, ["PRM-V033"]),  # absent = BlankAsZero
    ({"type": "Percent", "formula": "NULLVALUE(A__c, 0)", "formulaTreatBlanksAs": "BlankAsZero"}, ["PRM-V033"]),
    ({"type": "Currency", "formula": "BLANKVALUE(A__c, 1)", "formulaTreatBlanksAs": "BlankAsBlank"}, []),
    ({"type": "Currency", "formula": "A__c - B__c", "formulaTreatBlanksAs": "BlankAsZero"}, []),
    ({"type": "Text", "formula": "IF(ISBLANK(TEXT(P__c)), '', 'x')", "formulaTreatBlanksAs": "BlankAsBlank"}, []),
])
def test_check_blank_handling(body: dict, codes: list[str]) -> None:
    spec = api.compile_program(PROGRAMS / "minimal").spec
    found = check_blank_handling(spec, [_field(body)])
    assert [d.code for d in found] == codes
    assert all(d.severity is Severity.ERROR and d.hint and d.ref for d in found)


@pytest.mark.parametrize("program", [ROOT / "specs"] + sorted(p for p in PROGRAMS.iterdir() if p.is_dir()),
                         ids=lambda p: p.name)
def test_every_program_builds_without_blank_handling_errors(program: Path) -> None:
    compiled = api.compile_program(program)
    assert not check_blank_handling(compiled.spec, compiled.components)
