"""Approver-owned statuses and approved values: one guard for every approval-routed object.

A partner who may edit a record's status (needed to submit it) could otherwise set it to a
value only the approval may set — e.g. a deal registration to Approved, which then creates
the Opportunity (issue 12, items 5 and 16). Field access cannot stop it (partners need edit
access to the status to submit; required amount fields cannot be made read-only by field
permissions), so each approval-routed object gets validation rules:

- `<Prefix>_Status_Set_By_Approval`: an external user (partner, customer or guest) may not
  move a record into an approver-owned status (Approved, Rejected, Expired, Converted,
  Paid...), nor out of a sealed one (Approved...). Internal users, the approval process and
  automation running as internal users or the Automated Process user are not external.
- `<Prefix>_Approved_Values_Locked`: once approved, an external user may not change what
  was approved (amounts, dates, the activity) — the approved amount would otherwise follow.

Why validation rules do not block the approval itself: field updates made by approval
processes and workflow rules do not run custom validation rules again ("Triggers and Order
of Execution", Apex Developer Guide: after workflow field updates "Custom validation rules,
flows, duplicate rules, processes, and escalation rules aren't run again"; the approval's
final actions are such field updates). So the approval can set Approved/Rejected while a
partner's own edit to the same value fails. Platform note (PLATFORM-NOTES, Behaviour
pitfalls): `$User.UserType` is 'PowerPartner' for partner users.

Which objects are guarded is listed once, in `targets()`; generate() yields the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from prm_builder.errors import SourceRef
from prm_builder.generate import field_types as ft
from prm_builder.generate import fields as f
from prm_builder.generate import mdf as mdf_custom
from prm_builder.generate import mdf_standard
from prm_builder.generate.component import Component
from prm_builder.generate.objects import validation_rule
from prm_builder.model.root import ProgramSpec

#: User.UserType values of users outside the company (Experience Cloud partner / customer
#: users and the site guest user). Internal users are 'Standard'; automation runs as a
#: Standard user (the Default Workflow User) or as 'AutomatedProcess'.
#: Lead checkbox the deal-registration converter flips (see GuardTarget.token)
GUARD_TOKEN = "PRM_Automation_Token__c"
EXTERNAL_USER_TYPES = ("PowerPartner", "PowerCustomerSuccess", "CustomerSuccess", "CspLitePortal", "Guest")


@dataclass(frozen=True)
class GuardTarget:
    """What the guard needs to know about one approval-routed object."""

    object: str
    prefix: str
    status_field: str
    approver_owned: tuple[str, ...]
    """Statuses only the approval, automation or internal users may set."""
    sealed: tuple[str, ...]
    """Statuses external users may not move a record out of (and in which approved values freeze)."""
    approved_values: tuple[str, ...] = ()
    """Fields an external user may not change while the record is in a sealed status."""
    automation_from: dict[str, str] = field(default_factory=dict)
    """approver-owned value -> the prior value from which automation running in the partner's
    own transaction may set it (kept for objects without a token)."""
    token: str | None = None
    """A checkbox no person may edit (no field access for anyone) that prm's own Apex flips on
    every save it makes of a guarded status: Apex DML runs in system mode and ignores field
    access, a user's save through the UI or the API cannot change the field. A save that
    flips it is the automation's, whoever the running user is (the converter runs as the
    partner after an auto-approval), so the guard lets exactly that save through and
    nothing else (a partner can no longer fake the Approved -> Converted step)."""
    feature: str = "record"
    source: SourceRef | None = None


def external_user() -> str:
    return "OR(" + ", ".join(f"$User.UserType = {f.formula_string(t)}" for t in EXTERNAL_USER_TYPES) + ")"


def _is(field_expr: str, values: tuple[str, ...] | list[str]) -> str:
    tests = [f"ISPICKVAL({field_expr}, {f.formula_string(v)})" for v in values]
    return tests[0] if len(tests) == 1 else f"OR({', '.join(tests)})"


def status_formula(t: GuardTarget) -> str:
    """True (error) when an external user sets an approver-owned status or leaves a sealed one."""
    s = t.status_field
    changed = f"OR(ISNEW(), ISCHANGED({s}))"
    prior = f"PRIORVALUE({s})"
    plain = [v for v in t.approver_owned if v not in t.automation_from]
    branches = []
    if plain:
        branches.append(_is(s, plain))
    for value, source in sorted(t.automation_from.items()):
        # allowed only as the automation's step from `source`; from anywhere else it is forged
        branches.append(f"AND({_is(s, [value])}, OR(ISNEW(), NOT({_is(prior, [source])})))")
    sealed_exits = [f"AND(NOT(ISNEW()), {_is(prior, t.sealed)}"
                    + "".join(f", NOT(AND({_is(prior, [src])}, {_is(s, [v])}))"
                              for v, src in sorted(t.automation_from.items()))
                    + ")"] if t.sealed else []
    moves = branches + sealed_exits
    automation = [f"NOT(ISCHANGED({t.token}))"] if t.token else []
    return (f"AND({', '.join([external_user(), changed] + automation)}, "
            f"{moves[0] if len(moves) == 1 else 'OR(' + ', '.join(moves) + ')'})")


def approved_values_formula(t: GuardTarget) -> str:
    changes = [f"ISCHANGED({name})" for name in t.approved_values]
    return (f"AND({external_user()}, NOT(ISNEW()), {_is(f'PRIORVALUE({t.status_field})', t.sealed)}, "
            f"{changes[0] if len(changes) == 1 else 'OR(' + ', '.join(changes) + ')'})")


def guard_components(t: GuardTarget) -> Iterator[Component]:
    yield validation_rule(
        t.object, f"{t.prefix}_Status_Set_By_Approval", status_formula(t),
        f"Only the approval process and the channel team set {' / '.join(t.approver_owned)}"
        + (f", and only they change a {t.feature} that is {' or '.join(t.sealed)}." if t.sealed else "."),
        description=f"Partners cannot approve, reject or reopen their own {t.feature}s (only the approval "
        "process, automation and internal users set these statuses).",
        source=t.source, display_field=t.status_field)
    if t.approved_values and t.sealed:
        yield validation_rule(
            t.object, f"{t.prefix}_Approved_Values_Locked", approved_values_formula(t),
            f"This {t.feature} is {' / '.join(t.sealed)}: what was approved cannot be changed. "
            "Ask your channel team.",
            description=f"Partners cannot change an approved {t.feature}'s amounts or dates (the approved amount "
            "would follow); required fields cannot be made read-only by field access.",
            source=t.source, display_field=t.approved_values[0])


def targets(spec: ProgramSpec) -> list[GuardTarget]:
    """Every approval-routed object of the program, with its approver-owned statuses."""
    out: list[GuardTarget] = []
    dr = spec.deal_registration
    if dr is not None:
        v = dr.status_value
        out.append(GuardTarget(
            "Lead", "Deal_Reg", dr.fields.status.api_name,
            approver_owned=(v("approved"), v("rejected"), v("expired"), v("converted")),
            sealed=(v("approved"), v("converted")),
            # The converter records Converted before converting (converted leads are read-only),
            # and Approved again when the conversion fails; after an auto-approval it runs as
            # the partner: it flips the token with each of those saves.
            token=GUARD_TOKEN,
            feature="deal registration", source=dr.fields.status.ref()))
    mdf = spec.mdf
    if mdf is not None:
        custom = mdf.model == "custom"
        model = mdf_custom if custom else mdf_standard
        request, claim = model.REQUEST, model.CLAIM
        status = model.APPROVAL_FIELDS[request][2]
        request_values = (("Requested_Amount__c", "Partial_Approval_Amount__c", "Start_Date__c", "End_Date__c",
                           "Activity_Type__c") if custom else ("RequestedAmount", "Amount"))
        claim_values = ("Claimed_Amount__c",) if custom else ("Amount",)
        source = mdf.ref("model") if not custom else mdf.ref()
        out.append(GuardTarget(request, "Request", status, approver_owned=("Approved", "Rejected"),
                               sealed=("Approved",), approved_values=request_values,
                               feature="MDF request", source=source))
        out.append(GuardTarget(claim, "Claim", status, approver_owned=("Approved", "Rejected", "Paid"),
                               sealed=("Approved", "Paid"), approved_values=claim_values,
                               feature="MDF claim", source=source))
    return out


def generate(spec: ProgramSpec) -> Iterator[Component]:
    for target in targets(spec):
        if target.token:
            yield f.field_component(
                target.object, target.token, "PRM Automation Token", ft.checkbox(False),
                purpose="Marks a save of a guarded status by prm's own Apex (the approval guard lets only "
                        "those through for partner users).",
                source=target.source,
                description="Flipped by prm's automation when it sets a guarded status; no one has access to it.")
        yield from guard_components(target)
