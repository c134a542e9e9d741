"""The formula evaluator on the platform behaviours prm's metadata depends on (Salesforce Help:
"Formula Operators and Functions", "Using Blank and Null Values in Formulas")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from prm_builder.simulate.formula import Context, FormulaError, evaluate, references

NUM = {"Amount__c": "Currency", "Override__c": "Currency"}


def test_blank_as_zero_hides_blanks_from_blankvalue():
    # Issue 12 item 3: BLANKVALUE on a BlankAsZero formula never substitutes.
    src = "BLANKVALUE(Override__c, 15000)"
    assert evaluate(src, Context(values={"Override__c": None}, types=NUM, blank_as_zero=True)) == 0
    assert evaluate(src, Context(values={"Override__c": None}, types=NUM)) == 15000
    assert evaluate("ISBLANK(Override__c)", Context(values={"Override__c": None}, types=NUM, blank_as_zero=True)) is False


def test_blank_arithmetic_is_blank_and_comparison_false():
    ctx = Context(values={"Amount__c": None}, types=NUM)
    assert evaluate("Amount__c + 1", ctx) is None
    assert evaluate("Amount__c > 5", ctx) is False
    assert evaluate("Amount__c <> 1", ctx) is False


def test_picklists_need_ispickval_or_text():
    ctx = Context(values={"S": "Gold"}, types={"S": "Picklist"})
    assert evaluate('ISPICKVAL(S, "Gold")', ctx) is True
    assert evaluate('CASE(S, "Gold", 1, 0)', ctx) == 1
    assert evaluate("TEXT(S)", ctx) == "Gold"
    with pytest.raises(FormulaError):
        evaluate('S = "Gold"', ctx)


def test_ischanged_priorvalue_isnew():
    types = {"S": "Picklist"}
    upd = Context(values={"S": "Submitted"}, prior={"S": "Draft"}, types=types)
    assert evaluate("ISCHANGED(S)", upd) is True
    assert evaluate('ISPICKVAL(PRIORVALUE(S), "Draft")', upd) is True
    new = Context(values={"S": "Submitted"}, is_new=True, types=types)
    assert evaluate("ISCHANGED(S)", new) is False  # FALSE on insert (Help: ISCHANGED)
    assert evaluate("ISNEW() && NOT(ISCHANGED(S))", new) is True


def test_dates_and_operators():
    ctx = Context(values={"D": dt.date(2026, 1, 31)}, types={"D": "Date"}, today=dt.date(2026, 3, 1))
    assert evaluate("TODAY() + 90", ctx) == dt.date(2026, 5, 30)
    assert evaluate("TODAY() - D", ctx) == 29
    assert evaluate("D < TODAY() || FALSE", ctx) is True
    assert evaluate("1 != 2 && 2 <> 3", ctx) is True
    assert evaluate('"a" & "b"', ctx) == "ab"
    assert evaluate("10000.5 * 2", ctx) == Decimal("20001.0")


def test_user_fields_and_flow_merge_fields():
    ctx = Context(values={"Email": "ann@Contoso.COM"}, user={"UserType": "PowerPartner"})
    assert evaluate('$User.UserType = "PowerPartner"', ctx) is True
    assert evaluate('LOWER(MID({!$Record.Email}, FIND("@", {!$Record.Email}) + 1, 255))', ctx) == "contoso.com"


def test_blank_text_equals_empty_string():
    assert evaluate('T = ""', Context(values={"T": None})) is True


def test_syntax_errors_are_formula_errors():
    for bad in ("IF(TRUE, 1", "1 +", "NOPE(1)", "AND(1, TRUE)"):
        with pytest.raises(FormulaError):
            evaluate(bad)


def test_references():
    assert references("IF(A__c > 0, B__r.C__c, PRIORVALUE(D))") == ["A__c", "B__r.C__c", "D"]



def test_datetime_plus_days_and_fractions_as_the_sla_timer_uses_them():
    """Help, "Using Date, Date/Time, and Time Values in Formulas": adding a number to a
    Date/Time adds days, fractions being hours (48/24 = two days, 5/1440 = five minutes)."""
    import datetime as dt

    started = dt.datetime(2026, 11, 20, 12, 0)
    src = "{!$Record.Started} + 48/24 <= {!$Flow.CurrentDateTime} + 5/1440"
    for now, due in ((dt.datetime(2026, 11, 22, 11, 54), False), (dt.datetime(2026, 11, 22, 11, 56), True),
                     (dt.datetime(2026, 11, 22, 12, 0), True)):
        ctx = Context(values={"$Record.Started": started, "$Flow.CurrentDateTime": now},
                         types={"$Record.Started": "DateTime", "$Flow.CurrentDateTime": "DateTime"})
        assert evaluate(src, ctx) is due, now
