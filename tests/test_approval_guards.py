"""Issue 12, items 5 and 16: partners cannot approve their own records, nor change what was
approved; approved claims stay locked; submitted requests hold budget (no over-commit).

The generated validation rules are read from the built metadata and evaluated for a partner
and for an internal user with a small evaluator of the formula subset they use, so the tests
check what the org would do with an edit, not the text of the rule. Validation rules do not
run on approval-process field updates ("Triggers and Order of Execution", Apex Developer
Guide: after workflow field updates custom validation rules "aren't run again"), so the
approval itself is never blocked; the tests model edits by users.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from prm_builder import api
from prm_builder.generate.component import Component
from tests.conftest import PROGRAMS, ROOT, TODAY

PROGRAM_DIRS = [ROOT / "specs"] + sorted(p for p in PROGRAMS.iterdir() if p.is_dir())
TOKEN = re.compile(r'\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>"(?:\\.|[^"\\])*")|(?P<id>[$A-Za-z_][\w.$]*)'
                   r"|(?P<op><>|>=|<=|[=<>(),+\-]))")


class Edit:
    """One save: the record's values before (None: insert) and after, and who saves it."""

    def __init__(self, old: dict[str, Any] | None, new: dict[str, Any], user_type: str) -> None:
        self.old, self.new, self.user_type = old, new, user_type


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    while pos < len(text.rstrip()):
        m = TOKEN.match(text, pos)
        assert m, f"cannot read formula at {text[pos:pos + 30]!r}"
        out.append(m.group(m.lastgroup))
        pos = m.end()
    return out


def evaluate(formula: str, edit: Edit) -> Any:
    """The subset generated guards use: AND OR NOT IF ISNEW ISCHANGED PRIORVALUE ISPICKVAL,
    fields, $User.UserType, strings, numbers, = <> > < + -."""
    toks = _tokens(formula)
    pos = 0

    def peek() -> str | None:
        return toks[pos] if pos < len(toks) else None

    def take(expected: str | None = None) -> str:
        nonlocal pos
        tok = toks[pos]
        assert expected is None or tok == expected, f"expected {expected}, got {tok}"
        pos += 1
        return tok

    def args() -> list[Any]:
        take("(")
        items = []
        while peek() != ")":
            items.append(comparison())
            if peek() == ",":
                take(",")
        take(")")
        return items

    def field_value(name: str, old: bool) -> Any:
        if name == "$User.UserType":
            return edit.user_type
        source = (edit.old if edit.old is not None else edit.new) if old else edit.new
        return source.get(name)

    def atom() -> Any:
        tok = take()
        if tok == "(":
            value = comparison()
            take(")")
            return value
        if tok.startswith('"'):
            return tok[1:-1].replace('\\"', '"')
        if tok[0].isdigit():
            return float(tok)
        fn = tok.upper()
        if fn in ("ISCHANGED", "PRIORVALUE") and peek() == "(":
            take("(")
            name = take()
            take(")")
            if fn == "PRIORVALUE":
                return field_value(name, old=True)
            return edit.old is not None and edit.old.get(name) != edit.new.get(name)
        if peek() == "(":
            values = args()
            if fn == "AND":
                return all(values)
            if fn == "OR":
                return any(values)
            if fn == "NOT":
                return not values[0]
            if fn == "IF":
                return values[1] if values[0] else values[2]
            if fn == "ISNEW":
                return edit.old is None
            if fn == "ISPICKVAL":
                return values[0] == values[1]
            raise AssertionError(f"function {fn} not supported by the test evaluator")
        return field_value(tok, old=False)

    def additive() -> Any:
        value = atom()
        while peek() in ("+", "-"):
            op, right = take(), atom()
            value = (value or 0) + (right or 0) if op == "+" else (value or 0) - (right or 0)
        return value

    def comparison() -> Any:
        left = additive()
        while peek() in ("=", "<>", ">", "<", ">=", "<="):
            op, right = take(), additive()
            left = {"=": left == right, "<>": left != right, ">": left > right, "<": left < right,
                    ">=": left >= right, "<=": left <= right}[op]
        return left

    result = comparison()
    assert pos == len(toks), f"trailing tokens {toks[pos:]}"
    return result


def _components(specs: Path) -> dict[str, Component]:
    result = api.validate(specs, TODAY)
    assert result.ok, "\n".join(d.format() for d in result.errors)
    return {c.key: c for c in result.components}


def _rules(comps: dict[str, Component], obj: str) -> dict[str, str]:
    """The object's rules that depend on who saves (the others check data, not the actor)."""
    return {c.full_name.split(".", 1)[1]: c.body["errorConditionFormula"]
            for c in comps.values() if c.type == "ValidationRule" and c.full_name.startswith(obj + ".")
            and "$User.UserType" in c.body["errorConditionFormula"]}


def _blocked(rules: dict[str, str], edit: Edit) -> list[str]:
    return sorted(name for name, formula in rules.items() if evaluate(formula, edit))


def _status_field(comps: dict[str, Component], obj: str) -> tuple[str, str, str]:
    """(status field, submitted value, approved value) read from an approval process of obj."""
    process = next(c for c in comps.values() if c.type == "ApprovalProcess" and c.full_name.startswith(obj + "."))
    entry = process.body["entryCriteria"]["criteriaItems"][0]
    approve = next(a for a in process.body["finalApprovalActions"]["action"] if a["type"] == "FieldUpdate")
    update = comps[f"Workflow:{obj}"].body["fieldUpdates"]
    approved = next(u for u in update if u["fullName"] == approve["name"])["literalValue"]
    return entry["field"].split(".", 1)[1], entry["value"], approved


@pytest.mark.parametrize("specs", PROGRAM_DIRS, ids=lambda p: p.name)
def test_partner_cannot_set_an_approved_status_on_any_approval_routed_object(specs: Path) -> None:
    comps = _components(specs)
    objects = sorted({c.full_name.split(".")[0] for c in comps.values() if c.type == "ApprovalProcess"})
    if not objects:
        pytest.skip(f"{specs.name} routes nothing through approval")
    for obj in objects:
        status, submitted, approved = _status_field(comps, obj)
        rules = _rules(comps, obj)
        pending = {status: submitted}
        to_approved = {status: approved}
        assert _blocked(rules, Edit(pending, to_approved, "PowerPartner")), f"{obj}: a partner approved its own record"
        assert not _blocked(rules, Edit(pending, to_approved, "Standard")), f"{obj}: internal users must decide"
        # creating a record straight in the approved status is the same forgery
        assert _blocked(rules, Edit(None, to_approved, "PowerPartner")), f"{obj}: partner inserted an approved record"


def test_deal_registration_partner_moves() -> None:
    comps = _components(ROOT / "specs")
    rules = {k: v for k, v in _rules(comps, "Lead").items() if k == "Deal_Reg_Status_Set_By_Approval"}
    assert rules, "the Lead's approver-owned statuses are not guarded"
    s = "Registration_Status__c"

    def partner(old: str | None, new: str) -> bool:
        return bool(_blocked(rules, Edit(None if old is None else {s: old}, {s: new}, "PowerPartner")))

    assert not partner("Draft", "Submitted") and not partner("Rejected", "Submitted")
    assert not partner("Expired", "Submitted") and not partner(None, "Draft")
    for forged in ("Approved", "Rejected", "Expired", "Converted"):
        assert partner("Submitted", forged) and partner("Draft", forged), forged
    # A partner cannot fake the conversion step (Approved -> Converted) any more...
    assert partner("Approved", "Converted")
    assert partner("Approved", "Draft") and partner("Converted", "Submitted")
    # ...but the converter's saves (it flips the guard token, which no person can edit) pass,
    # also when it runs as the partner after an auto-approval, and so does its failure path.
    token = "PRM_Automation_Token__c"

    def converter(old: str, new: str) -> bool:
        return bool(_blocked(rules, Edit({s: old, token: False}, {s: new, token: True}, "PowerPartner")))

    assert not converter("Approved", "Converted") and not converter("Converted", "Approved")
    assert partner("Submitted", "Approved")  # without the flip the same partner save is refused


def test_mdf_approved_values_are_frozen_for_partners() -> None:
    comps = _components(ROOT / "specs")
    request = _rules(comps, "MDF_Request__c")
    approved = {"Status__c": "Approved", "Requested_Amount__c": 5000.0, "End_Date__c": "2026-05-01"}
    raise_amount = Edit(approved, {**approved, "Requested_Amount__c": 9000.0}, "PowerPartner")
    assert "Request_Approved_Values_Locked" in _blocked(request, raise_amount)
    assert not _blocked({"r": request["Request_Approved_Values_Locked"]},
                        Edit(approved, {**approved, "Requested_Amount__c": 9000.0}, "Standard"))
    draft = {**approved, "Status__c": "Draft"}
    assert not _blocked({"r": request["Request_Approved_Values_Locked"]},
                        Edit(draft, {**draft, "Requested_Amount__c": 9000.0}, "PowerPartner"))
    # a partner cannot reopen an approved request to change it either
    assert "Request_Status_Set_By_Approval" in _blocked(request, Edit(approved, draft, "PowerPartner"))
    claim = _rules(comps, "MDF_Claim__c")
    paid = {"Status__c": "Approved", "Claimed_Amount__c": 100.0}
    assert "Claim_Approved_Values_Locked" in _blocked(
        claim, Edit(paid, {**paid, "Claimed_Amount__c": 900.0}, "PowerPartner"))


def test_approved_claims_stay_locked_but_requests_accept_claims() -> None:
    """A lock on an approved request would lock its master-detail claims too (partners could
    not claim), so only claims keep finalApprovalRecordLock."""
    comps = _components(ROOT / "specs")
    locks = {c.full_name.split(".")[0]: c.body["finalApprovalRecordLock"]
             for c in comps.values() if c.type == "ApprovalProcess" and c.body.get("active", True)}
    assert locks["MDF_Claim__c"] is True and locks["MDF_Request__c"] is False


def test_submitted_requests_hold_budget() -> None:
    """Remaining = allocation - approved - submitted; a new request over it is refused."""
    comps = _components(ROOT / "specs")
    remaining = comps["CustomField:MDF_Budget__c.Remaining_Amount__c"].body["formula"]
    rollups = {c.full_name.split(".")[1]: c.body for c in comps.values()
               if c.type == "CustomField" and c.full_name.startswith("MDF_Budget__c.") and c.body.get("type") == "Summary"}
    held = [name for name, body in rollups.items() if name in remaining
            and body["summarizedField"] == "MDF_Request__c.Requested_Amount__c"
            and any(f["field"] == "MDF_Request__c.Status__c" and "Submitted" in f["value"] and f["operation"] == "equals"
                    for f in body["summaryFilterItems"])]
    assert held, f"Remaining_Amount__c ({remaining}) ignores submitted requests"
    budget = {"Allocated_Amount__c": 10000.0, "Approved_Amount__c": 4000.0, held[0]: 5000.0}
    left = evaluate(remaining, Edit(None, budget, "Standard"))
    assert left == 1000.0
    rule = comps["ValidationRule:MDF_Request__c.Request_Within_Remaining_Budget"].body["errorConditionFormula"]
    rule = rule.replace("MDF_Budget__r.Remaining_Amount__c", str(left))
    new = {"Status__c": "Draft", "Requested_Amount__c": 1500.0}
    assert evaluate(rule, Edit(None, new, "PowerPartner")), "request above what is left was accepted"
    assert not evaluate(rule, Edit(None, {**new, "Requested_Amount__c": 800.0}, "PowerPartner"))
    # submitting a draft counts it; a submitted request's own amount is already held
    assert evaluate(rule, Edit(new, {**new, "Status__c": "Submitted"}, "PowerPartner"))
    held_request = {"Status__c": "Submitted", "Requested_Amount__c": 1500.0}
    assert not evaluate(rule, Edit(held_request, {**held_request, "Requested_Amount__c": 2000.0}, "Standard"))
