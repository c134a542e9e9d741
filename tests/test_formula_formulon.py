"""The formula evaluator agrees with an independent engine (formulon, npm) on every formula
the generator writes: the example's force-app/ and every test program's golden output, over
sampled inputs (blanks, boundaries, every picklist value, every text literal the formula names).

formulon is installed by .ci/run into .ci/node (pinned); locally the test skips without it,
and fails when PRM_REQUIRE_FORMULON is set (CI).

formulon does not model a record's context, so the bridge hands it the context's answers:
ISNEW() and ISCHANGED(f) become TRUE/FALSE, PRIORVALUE(f) a variable holding the prior value,
TODAY() a DATE() literal of the injected clock, flow merge fields {!$Record.X} plain names.
Named differences (the platform's documentation decides, see each case):
- BLANK_AS_ZERO: formulon has no "treat blank fields as zeroes" option; for formula fields set
  to BlankAsZero the bridge passes 0 for a blank number field, which is what the platform
  reads (Help: "Using Blank and Null Values in Formulas").
- BLANK_TEXT: a blank text or picklist field is passed to formulon as "" because the platform
  treats null and "" as one value in text comparisons; formulon compares null <> "".
- NULL_COMPARISON: formulon compares a blank number or date as if it were 0 (JavaScript
  coercion); on the platform a comparison with a blank is null, which a rule reads as FALSE
  (Help, ISNULL: "use OR(ISNULL(field__c), field__c<>1)", i.e. field__c<>1 alone does not hold
  for a blank field). Allowed only for samples with such a blank; they stay a minority.
- NULL_ARITHMETIC: formulon raises an argument error for arithmetic on a blank number; the
  platform's result is blank (BlankAsBlank), which is what our evaluator returns.
- DATETIME_ARITHMETIC: formulon rejects adding a number of days to a Date/Time value ("ADD():
  Expected Number, received Number"); the platform documents it (Help, "Using Date, Date/Time,
  and Time Values in Formulas": NOW() + 5 is five days from now; fractions are hours and
  minutes), which is what the acceptance-SLA timer does. Skipped for such samples and checked
  against hand-worked values in tests/test_formula.py instead.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from prm_builder.simulate import formula as fx
from prm_builder.simulate.formula_index import FormulaSite, formula_sites, reference_types
from prm_builder.simulate.orgmodel import read_org

ROOT = Path(__file__).resolve().parents[1]
BRIDGE = ROOT / "tests" / "formulon_bridge.js"
FORMULON = ROOT / ".ci" / "node" / "node_modules" / "formulon"
TODAY = dt.date(2026, 11, 22)
FOLDERS = [ROOT / "force-app", *sorted((ROOT / "tests" / "golden").glob("*/force-app"))]
SAMPLES_PER_FORMULA = 40


def _formulon_available() -> bool:
    if FORMULON.is_dir() and shutil.which("node"):
        return True
    if os.environ.get("PRM_REQUIRE_FORMULON"):
        pytest.fail("PRM_REQUIRE_FORMULON is set but formulon is not installed in .ci/node (see .ci/run)")
    return False


def _picklist_values(model, site: FormulaSite, ref: str) -> list[str]:
    name = ref[8:] if ref.lower().startswith("$record.") else ref
    _, fld = model.resolve_path(site.object, name)
    return list(fld.values) if fld is not None else []


def _samples(model, site: FormulaSite, types: dict[str, str], rng: random.Random) -> list[dict]:
    literals = re.findall(r'"((?:[^"\\]|\\.)*)"', site.formula)
    pools: dict[str, list] = {}
    for ref, t in types.items():
        if t in fx.NUMERIC_TYPES:
            pools[ref] = [None, Decimal(0), Decimal(1), Decimal("49999"), Decimal("50000"), Decimal("250000.5"),
                          Decimal("1000000"), Decimal(-3)]
        elif t == "Picklist":
            pools[ref] = [None, *_picklist_values(model, site, ref), *literals]
        elif t == "Checkbox":
            pools[ref] = [True, False]
        elif t == "Date":
            pools[ref] = [None, TODAY, TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1),
                          TODAY - dt.timedelta(days=61), dt.date(2025, 2, 28)]
        elif t == "DateTime":  # the SLA timer's start (issue 12): around the 48-hour boundary
            noon = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0)
            pools[ref] = [None, noon, noon - dt.timedelta(hours=47), noon - dt.timedelta(hours=48),
                          noon - dt.timedelta(hours=49)]
        else:
            pools[ref] = [None, "", "PowerPartner", "Standard", "ann@Contoso.COM", *literals]
    out = []
    for i in range(SAMPLES_PER_FORMULA):
        values = {ref: (pool[0] if i == 0 else rng.choice(pool)) for ref, pool in pools.items()}
        prior = {ref: rng.choice(pool) for ref, pool in pools.items()}
        out.append({"values": values, "prior": prior, "is_new": i % 3 == 0})
    return out


def _ours(site: FormulaSite, types: dict[str, str], sample: dict):
    ctx = fx.Context(values=sample["values"], prior=sample["prior"], is_new=sample["is_new"],
                     user={"UserType": sample["values"].get("$User.UserType")}, today=TODAY,
                     blank_as_zero=site.blank_as_zero, types=types)
    try:
        return ("ok", fx.evaluate(site.formula, ctx))
    except fx.FormulaError as exc:
        return ("error", str(exc))


def _ident(ref: str) -> str:
    return "V_" + re.sub(r"\W", "_", ref)


def _to_formulon(site: FormulaSite, types: dict[str, str], sample: dict) -> dict:
    """Rewrite the context functions formulon lacks into their values in this context."""
    ctx = fx.Context(values=sample["values"], prior=sample["prior"], is_new=sample["is_new"],
                     today=TODAY, blank_as_zero=site.blank_as_zero, types=types)
    src = site.formula
    src = re.sub(r"ISNEW\(\s*\)", "TRUE" if sample["is_new"] else "FALSE", src)
    src = re.sub(r"TODAY\(\s*\)", f"DATE({TODAY.year},{TODAY.month},{TODAY.day})", src)

    def changed(m: re.Match) -> str:
        ast = ("call", "ISCHANGED", (("ref", m.group(1).strip("{}!").strip()),))
        return "TRUE" if fx._Eval(ctx).ev(ast) else "FALSE"

    ref_re = r"(\{![^}]*\}|[\w$.:]+)"
    src = re.sub(r"ISCHANGED\(\s*" + ref_re + r"\s*\)", changed, src)
    src = re.sub(r"PRIORVALUE\(\s*" + ref_re + r"\s*\)",
                 lambda m: _ident("PRIOR_" + m.group(1).strip("{}!").strip()), src)
    for ref in sorted(types, key=len, reverse=True):
        src = src.replace("{!" + ref + "}", _ident(ref))
        src = re.sub(r"(?<![\w$.:])" + re.escape(ref) + r"(?![\w.:])", _ident(ref), src)
    variables = {}
    for ref, t in types.items():
        for name, value in ((ref, sample["values"][ref]), ("PRIOR_" + ref, sample["prior"][ref])):
            if name.startswith("PRIOR_") and not sample["is_new"]:
                pass
            elif name.startswith("PRIOR_"):
                value = sample["values"][ref]  # PRIORVALUE on insert is the current value
            variables[_ident(name)] = _formulon_literal(t, value, site.blank_as_zero and name == ref)
    return {"formula": src, "vars": variables}


def _formulon_literal(t: str, value, blank_as_zero: bool) -> dict:
    if t in fx.NUMERIC_TYPES:
        if value is None and blank_as_zero:
            value = Decimal(0)  # BLANK_AS_ZERO
        return {"dataType": "number", "value": None if value is None else float(value),
                "options": {"length": 16, "scale": 2}}
    if t == "Picklist":
        return {"dataType": "picklist", "value": value or "", "options": {"values": []}}  # BLANK_TEXT
    if t == "Checkbox":
        return {"dataType": "checkbox", "value": bool(value)}
    if t == "Date":
        return {"dataType": "date", "value": value.isoformat() if value else None}
    return {"dataType": "text", "value": value or "", "options": {"length": 255}}  # BLANK_TEXT


def _same(ours, theirs: dict) -> bool:
    kind, value = ours
    if theirs.get("type") == "error":
        # NULL_ARITHMETIC: formulon rejects arithmetic on a blank number; the platform is blank.
        return kind == "ok" and value is None and "Number" in theirs.get("message", "")
    if kind != "ok":
        return False
    other = theirs.get("value")
    if theirs.get("dataType") == "date" and other is not None:
        other = dt.date.fromisoformat(other[:10])
    if isinstance(value, Decimal) or (isinstance(other, (int, float)) and not isinstance(other, bool)):
        return value is not None and other is not None and abs(float(value) - float(other)) < 1e-9
    if isinstance(value, str) or value is None and theirs.get("dataType") == "text":
        return (value or "") == (other or "")
    return value == other


def _sites() -> list[tuple[str, object, FormulaSite]]:
    out = []
    for folder in FOLDERS:
        model = read_org(folder)
        for site in formula_sites(model, folder):
            out.append((f"{folder.parent.name}:{site.where.split('/')[-1]}", model, site))
    return out


SITES = _sites()


def test_every_generated_formula_is_collected():
    # The example alone has formula fields, validation rules, a field update and flow formulas.
    kinds = {s.where.split("/")[-2] if "/" in s.where else "flow" for _, _, s in SITES}
    assert {"fields", "validationRules", "flow"} <= kinds | {"flow"}
    assert len(SITES) >= 60


def _datetime_arithmetic(types: dict[str, str], theirs: dict) -> bool:
    return "DateTime" in types.values() and theirs.get("type") == "error" and "ADD()" in str(theirs.get("message"))


def test_formulas_agree_with_formulon():
    if not _formulon_available():
        pytest.skip("formulon not installed (.ci/run installs it into .ci/node)")
    rng = random.Random(13)
    cases, meta = [], []
    for name, model, site in SITES:
        types = reference_types(model, site)
        for sample in _samples(model, site, types, rng):
            cases.append(_to_formulon(site, types, sample))
            meta.append((name, site, types, sample))
    proc = subprocess.run(["node", str(BRIDGE)], input=json.dumps(cases, default=str), capture_output=True,
                          text=True, timeout=120, check=True)
    results = json.loads(proc.stdout)
    assert len(results) == len(cases)
    disagreements, null_comparisons = [], 0
    for (name, site, types, sample), case, theirs in zip(meta, cases, results):
        ours = _ours(site, types, sample)
        if not _same(ours, theirs):
            if _datetime_arithmetic(types, theirs):
                continue
            if _null_comparison(site, types, sample):
                null_comparisons += 1
                continue
            disagreements.append(f"{name}: {site.formula}\n  inputs {sample}\n  ours {ours}\n  formulon {theirs}"
                                 f"\n  sent {case['formula']}")
    assert not disagreements, f"{len(disagreements)} of {len(cases)} disagree:\n" + "\n".join(disagreements[:10])
    assert len(cases) >= 60 * SAMPLES_PER_FORMULA
    print(f"{len(cases)} samples, {null_comparisons} NULL_COMPARISON")
    assert null_comparisons < len(cases) * 0.1, "NULL_COMPARISON should cover a minority of samples"


def _null_comparison(site: FormulaSite, types: dict[str, str], sample: dict) -> bool:
    if not re.search(r"[<>=]", site.formula.replace("=>", "")):
        return False
    for ref, t in types.items():
        if t in fx.NUMERIC_TYPES and site.blank_as_zero:
            continue
        if (t in fx.NUMERIC_TYPES or t in ("Date", "DateTime")) and (
                sample["values"][ref] is None or sample["prior"][ref] is None):
            return True
    return False
