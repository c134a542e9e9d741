"""Filter criteria (criteriaItems + booleanFilter) as assignment rules, approval processes and
criteria sharing rules evaluate them.

Platform behaviour relied on (Help: "Filter Operators"; Metadata API FilterItem): a
comma-separated value list means "any of"; text comparison ignores case; `equals` with no
value matches a blank field and `notEqual` with no value a non-blank one; number and date
operators never match a blank field; criteria are ANDed unless a booleanFilter says otherwise.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from .formula import NUMERIC_TYPES
from .orgmodel import Criteria, Criterion

Getter = Callable[[str], tuple[Any, str]]  # field name -> (value, field type)


def _as_number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def item_matches(item: Criterion, get: Getter) -> bool:
    value, ftype = get(item.field_name)
    op = item.operation
    wanted = [v.strip() for v in item.value.split(",")] if item.value else []
    blank = value is None or value == ""
    if ftype == "Checkbox":
        actual = "true" if value else "false"
        hit = actual in [w.lower() for w in wanted]
        return hit if op == "equals" else (not hit if op == "notEqual" else False)
    if op in ("equals", "notEqual") and not wanted:
        return blank if op == "equals" else not blank
    if ftype in NUMERIC_TYPES or ftype in ("Date", "DateTime"):
        if blank:
            return op == "notEqual"
        targets = [_as_number(w) if ftype in NUMERIC_TYPES else _as_date(w) for w in wanted]
        v = Decimal(str(value)) if ftype in NUMERIC_TYPES else value
        cmp = {"equals": lambda t: v == t, "notEqual": lambda t: v != t, "lessThan": lambda t: v < t,
               "greaterThan": lambda t: v > t, "lessOrEqual": lambda t: v <= t,
               "greaterOrEqual": lambda t: v >= t}.get(op)
        if cmp is None:
            return False
        ok = [cmp(t) for t in targets if t is not None]
        return all(ok) if op == "notEqual" else any(ok)
    text = "" if blank else str(value).lower()
    w = [x.lower() for x in wanted]
    if op == "equals":
        return text in w
    if op == "notEqual":
        return text not in w
    if op == "contains":
        return any(x in text for x in w)
    if op == "notContain":
        return not any(x in text for x in w)
    if op == "startsWith":
        return any(text.startswith(x) for x in w)
    if op == "includes":
        return bool(set(text.split(";")) & set(w))
    if op == "excludes":
        return not set(text.split(";")) & set(w)
    return False


def _as_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def criteria_match(criteria: Criteria, get: Getter, formula: Callable[[str], Any] | None = None) -> bool:
    """True when the record meets the criteria (no criteria: always)."""
    if criteria.formula:
        return bool(formula(criteria.formula)) if formula else False
    results = [item_matches(i, get) for i in criteria.items]
    if not results:
        return True
    if not criteria.boolean_filter:
        return all(results)
    return _boolean_filter(criteria.boolean_filter, results)


def _boolean_filter(text: str, results: list[bool]) -> bool:
    """Evaluate a booleanFilter such as '1 AND (2 OR 3)' (numbers are criteria, 1-based)."""
    toks = re.findall(r"\d+|AND|OR|NOT|\(|\)", text.upper())
    pos = 0

    def atom() -> bool:
        nonlocal pos
        tok = toks[pos]
        pos += 1
        if tok == "NOT":
            return not atom()
        if tok == "(":
            val = disj()
            pos += 1  # ')'
            return val
        return results[int(tok) - 1]

    def conj() -> bool:
        nonlocal pos
        val = atom()
        while pos < len(toks) and toks[pos] == "AND":
            pos += 1
            val = atom() and val
        return val

    def disj() -> bool:
        nonlocal pos
        val = conj()
        while pos < len(toks) and toks[pos] == "OR":
            pos += 1
            val = conj() or val
        return val

    return disj()
