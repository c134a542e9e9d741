"""MDF, custom model: MDF_Budget__c (per partner and period) -> MDF_Request__c -> MDF_Claim__c.

Both links are master-detail so the budget and the request can roll up amounts (roll-ups
need master-detail). The budget's link to the partner Account is master-detail too when
partners see budgets through their account (budget_access: account), else a lookup, so the
budget has its own Private default and tier sharing rules (budget_access: tier_groups).
The standard PRM objects are in mdf_standard.py.
"""

from __future__ import annotations

from typing import Callable, Iterator

from prm_builder.generate import field_types as ft
from prm_builder.generate import fields as f
from prm_builder.generate.component import Component
from prm_builder.generate.objects import (CONTROLLED_BY_PARENT, auto_number_name, custom_object,
                                          org_wide_defaults, text_name, validation_rule)
from prm_builder.generate.permissions import tab
from prm_builder.generate.sharing import criteria_rule
from prm_builder.model.mdf import MdfSpec
from prm_builder.model.root import ProgramSpec
from prm_builder.model.tiers import Tier

BUDGET, REQUEST, CLAIM = "MDF_Budget__c", "MDF_Request__c", "MDF_Claim__c"
REQUEST_STATUSES = ["Draft", "Submitted", "Approved", "Rejected", "Cancelled"]
CLAIM_STATUSES = ["Draft", "Submitted", "Approved", "Rejected", "Paid"]
#: What approval processes need of each object: amount, tier and status fields.
APPROVAL_FIELDS = {REQUEST: ("Requested_Amount__c", "Partner_Tier__c", "Status__c"),
                   CLAIM: ("Claimed_Amount__c", "Partner_Tier__c", "Status__c")}


def mdf_tiers(spec: ProgramSpec) -> list[Tier]:
    """Tiers whose partners may request funds, lowest first."""
    return [t for t in spec.tiers_by_rank() if t.features.mdf]


def tier_case(expr: str, tiers: list[Tier], value: Callable[[Tier], object], default: str) -> str:
    """CASE(expr, "Gold", v, "Silver", v, default): one branch per tier."""
    if not tiers:
        return default
    pairs = ", ".join(f"{f.formula_string(t.developer_name)}, {value(t)}" for t in tiers)
    return f"CASE({expr}, {pairs}, {default})"


def eligible_condition(expr: str, spec: ProgramSpec) -> str:
    """True when the tier in `expr` (text) may receive MDF."""
    return f"{tier_case(expr, mdf_tiers(spec), lambda t: 1, '0')} = 1"


def generate(spec: ProgramSpec) -> Iterator[Component]:
    mdf = spec.mdf
    if mdf is None or mdf.model != "custom":
        return
    parts = [*_budget(spec, mdf), *_request(spec, mdf), *_claim(spec, mdf)]
    yield from parts
    yield from _access(mdf, parts)


def _access(mdf: MdfSpec, parts: list[Component]) -> Iterator[Component]:
    """Tabs; who may read and edit what is the persona model's (model/personas.py), the
    permission sets come from generate/personas.py."""
    for obj in (BUDGET, REQUEST, CLAIM):
        yield tab(obj, "Custom17: Sack", mdf.ref(), f"Navigation to {obj} for partners and the MDF team.")


def _field(obj: str, name: str, label: str, body: dict, description: str, mdf: MdfSpec,
           references: tuple[str, ...] = (), where: str | None = None) -> Component:
    source = mdf.ref(where) if where and mdf.has_key(where) else mdf.ref()
    return f.field_component(obj, name, label, body, purpose=description, source=source,
                             description=description, references=references)


def _sum(obj: str, name: str, label: str, key: str, summarized: str, description: str, mdf: MdfSpec,
         filters: list[tuple[str, str, str]] | None = None) -> Component:
    """A sum roll-up of `summarized` over the details linked by `key`, optionally filtered."""
    refs = {f"CustomField:{summarized}", f"CustomField:{key}"} | {f"CustomField:{fld}" for fld, _, _ in filters or []}
    return _field(obj, name, label, ft.roll_up("sum", key, summarized, filters or []), description, mdf,
                  tuple(sorted(refs)))


def _budget(spec: ProgramSpec, mdf: MdfSpec) -> Iterator[Component]:
    by_account = mdf.budget_access == "account"
    internal, external = ((CONTROLLED_BY_PARENT, CONTROLLED_BY_PARENT) if by_account
                          else org_wide_defaults(spec, BUDGET, "Private", "Private"))
    yield custom_object(
        BUDGET, "MDF Budget", "MDF Budgets", name_field=text_name("Budget Name"), sharing=internal,
        external_sharing=external, source=mdf.ref(),
        description="Market development funds of one partner for one period; requests draw on it.",
        purpose="Holds each partner's MDF allocation and rolls up what was requested, approved and claimed.")
    account_tier = spec.partner_account.tier_field.api_name
    relation = (ft.master_detail("Account", "MDF_Budgets", "MDF Budgets") if by_account
                else ft.lookup("Account", "MDF_Budgets", "MDF Budgets"))
    yield _field(BUDGET, "Partner_Account__c", "Partner Account", relation,
                 "The partner whose funds these are.", mdf, where="budget_access")
    yield _field(BUDGET, "Partner_Tier__c", "Partner Tier",
                 ft.required(f.global_picklist(spec.partner_account.tier_value_set)),
                 "Tier the allocation was sized for (the partner's tier when the budget was set up).", mdf,
                 (f"GlobalValueSet:{spec.partner_account.tier_value_set}",))
    yield _field(BUDGET, "Period_Start__c", "Period Start", ft.required(f.date()), "First day of the fund period.", mdf)
    yield _field(BUDGET, "Period_End__c", "Period End", ft.required(f.date()), "Last day of the fund period.", mdf)
    yield _field(BUDGET, "Allocation_Override__c", "Allocation Override", f.currency(),
                 "Allocation agreed for this partner when it differs from the tier's; blank: the tier's.", mdf)
    tier_amount = tier_case("TEXT(Partner_Tier__c)", mdf_tiers(spec),
                            lambda t: f.formula_number(t.mdf.annual_allocation if t.mdf else 0), "0")
    yield f.field_component(
        BUDGET, "Allocated_Amount__c", "Allocated Amount",
        # BlankAsBlank: with BlankAsZero the blank override reads 0 and the allocation is 0 (PRM-V033).
        ft.currency_formula(f"BLANKVALUE(Allocation_Override__c, {tier_amount})", blanks_as_zero=False),
        purpose="Allocation defaulted from the tier (tiers.mdf.annual_allocation), overridable per partner.",
        description="The override when set, else the annual allocation of the budget's tier.",
        source=spec.ref("tiers"))
    request_key = f"{REQUEST}.MDF_Budget__c"
    yield _sum(BUDGET, "Requested_Amount__c", "Requested Amount", request_key, f"{REQUEST}.Requested_Amount__c",
               "Total of the requests submitted against this budget.", mdf,
               [(f"{REQUEST}.Status__c", "notEqual", "Draft")])
    yield _sum(BUDGET, "Approved_Amount__c", "Approved Amount", request_key, f"{REQUEST}.Approved_Amount__c",
               "Total approved on this budget's requests (committed funds).", mdf)
    # Submitted requests hold funds too: without them every partner could submit requests for
    # the whole remaining amount at once and approvers would over-commit the budget.
    yield _sum(BUDGET, "Pending_Amount__c", "Pending Amount", request_key, f"{REQUEST}.Requested_Amount__c",
               "Total of the requests submitted and awaiting a decision (funds on hold).", mdf,
               [(f"{REQUEST}.Status__c", "equals", "Submitted")])
    yield _sum(BUDGET, "Claimed_Amount__c", "Claimed Amount", request_key, f"{REQUEST}.Claimed_Amount__c",
               "Total claimed on this budget's requests (submitted, approved and paid claims).", mdf)
    yield _field(BUDGET, "Remaining_Amount__c", "Remaining Amount",
                 ft.currency_formula("Allocated_Amount__c - Approved_Amount__c - Pending_Amount__c"),
                 "Allocation not yet committed to approved requests nor held by submitted ones.", mdf)
    yield _field(BUDGET, "Utilisation_Rate__c", "Utilisation Rate",
                 ft.percent_formula("IF(Allocated_Amount__c > 0, Claimed_Amount__c / Allocated_Amount__c, 0)"),
                 "Share of the allocation the partner has claimed (the program's utilisation figure).", mdf)
    yield _field(BUDGET, "Approval_Rate__c", "Approval Rate",
                 ft.percent_formula("IF(Requested_Amount__c > 0, Approved_Amount__c / Requested_Amount__c, 0)"),
                 "Share of the requested amount that was approved.", mdf)
    yield validation_rule(
        BUDGET, "Budget_Tier_Eligible_For_MDF",
        f"NOT({eligible_condition('TEXT(Partner_Tier__c)', spec)})",
        "Only tiers with MDF (" + ", ".join(t.name for t in mdf_tiers(spec)) + ") get an MDF budget.",
        description="Budgets exist only for tiers whose features include MDF.", source=spec.ref("tiers"),
        display_field="Partner_Tier__c")
    yield validation_rule(
        BUDGET, "Budget_Tier_Matches_Account",
        f"AND(OR(ISNEW(), ISCHANGED(Partner_Tier__c)), TEXT(Partner_Tier__c) <> TEXT(Partner_Account__r.{account_tier}))",
        "The budget's tier must be the partner account's current tier.",
        description="A budget is sized for the tier the partner holds when it is set up.", source=mdf.ref(),
        display_field="Partner_Tier__c")
    yield validation_rule(
        BUDGET, "Budget_Period_Ends_After_Start", "Period_End__c < Period_Start__c",
        "The period cannot end before it starts.", description="Fund periods run forwards.",
        source=mdf.ref(), display_field="Period_End__c")
    if not by_account:
        for tier in mdf_tiers(spec):
            yield criteria_rule(
                BUDGET, f"MDF_Budgets_{tier.developer_name}", label=f"MDF budgets of {tier.name} partners"[:80],
                group=tier.group_name, criteria=[("Partner_Tier__c", "equals", tier.developer_name)],
                source=tier.ref(), purpose=f"Opens {tier.name} budgets (and their requests and claims) "
                "to the tier's group (budget_access: tier_groups).",
                description="Every partner of the tier sees these budgets: chosen with budget_access: tier_groups.")


def _request(spec: ProgramSpec, mdf: MdfSpec) -> Iterator[Component]:
    yield custom_object(
        REQUEST, "MDF Request", "MDF Requests", name_field=auto_number_name("Request Number", "MDFR-{00000}"),
        sharing=CONTROLLED_BY_PARENT, external_sharing=CONTROLLED_BY_PARENT, source=mdf.ref(),
        description="A partner's request for funds for one marketing activity.",
        purpose="Partners ask for funds against their budget; approvals decide the amount.")
    account_tier = spec.partner_account.tier_field.api_name
    yield _field(REQUEST, "MDF_Budget__c", "MDF Budget", ft.master_detail(BUDGET, "MDF_Requests", "MDF Requests"),
                 "The budget the funds come from.", mdf)
    yield _field(REQUEST, "Activity_Type__c", "Activity Type", ft.required(f.picklist(mdf.activity_types)),
                 "What the funds pay for.", mdf, where="activity_types")
    yield _field(REQUEST, "Activity_Description__c", "Activity Description", ft.long_text(),
                 "The planned activity, audience and expected outcome.", mdf)
    yield _field(REQUEST, "Start_Date__c", "Start Date", ft.required(f.date()), "First day of the activity.", mdf)
    yield _field(REQUEST, "End_Date__c", "End Date", ft.required(f.date()), "Last day of the activity.", mdf)
    yield _field(REQUEST, "Status__c", "Status", f.picklist(REQUEST_STATUSES, "Draft"),
                 "Draft until submitted; approval sets Approved or Rejected.", mdf)
    yield _field(REQUEST, "Requested_Amount__c", "Requested Amount", ft.required(f.currency()),
                 "Funds the partner asks for.", mdf)
    yield _field(REQUEST, "Partial_Approval_Amount__c", "Partial Approval Amount", f.currency(),
                 "Set by the approver to approve less than requested; blank: the requested amount.", mdf)
    yield _field(REQUEST, "Approved_Amount__c", "Approved Amount",
                 # BlankAsBlank: a blank partial amount must fall back to the request (PRM-V033).
                 ft.currency_formula('IF(ISPICKVAL(Status__c, "Approved"), '
                                     'BLANKVALUE(Partial_Approval_Amount__c, Requested_Amount__c), 0)',
                                     blanks_as_zero=False),
                 "Funds committed once approved (the budget rolls this up).", mdf)
    claim_key = f"{CLAIM}.MDF_Request__c"
    yield _sum(REQUEST, "Claimed_Amount__c", "Claimed Amount", claim_key, f"{CLAIM}.Claimed_Amount__c",
               "Total of the submitted, approved and paid claims on this request.", mdf,
               [(f"{CLAIM}.Status__c", "notEqual", "Draft"), (f"{CLAIM}.Status__c", "notEqual", "Rejected")])
    yield _sum(REQUEST, "Paid_Amount__c", "Paid Amount", claim_key, f"{CLAIM}.Claimed_Amount__c",
               "Total of the paid claims on this request.", mdf, [(f"{CLAIM}.Status__c", "equals", "Paid")])
    yield _field(REQUEST, "Partner_Tier__c", "Partner Tier",
                 f.text_formula(f"TEXT(MDF_Budget__r.Partner_Account__r.{account_tier})", blanks_as_zero=False),
                 "The partner's current tier (approval routing and eligibility read it).", mdf)
    yield validation_rule(
        REQUEST, "Request_Tier_Eligible_For_MDF",
        f'AND(OR(ISNEW(), AND(ISCHANGED(Status__c), ISPICKVAL(Status__c, "Submitted"))), '
        f"NOT({eligible_condition('Partner_Tier__c', spec)}))",
        "Only partners in an MDF tier (" + ", ".join(t.name for t in mdf_tiers(spec)) + ") can request funds.",
        description="A partner demoted out of the MDF tiers cannot request more funds.", source=spec.ref("tiers"))
    yield validation_rule(
        REQUEST, "Request_Within_Remaining_Budget",
        # Checked when a request is created, its amount changes, or it is submitted; a request
        # already submitted is part of Pending_Amount__c, so its own prior amount is added back
        # (PRIORVALUE on insert is the new value, hence NOT(ISNEW())).
        'AND(OR(ISNEW(), ISCHANGED(Requested_Amount__c), AND(ISCHANGED(Status__c), ISPICKVAL(Status__c, "Submitted"))), '
        'OR(ISPICKVAL(Status__c, "Draft"), ISPICKVAL(Status__c, "Submitted")), '
        'Requested_Amount__c - IF(AND(NOT(ISNEW()), ISPICKVAL(PRIORVALUE(Status__c), "Submitted")), '
        "PRIORVALUE(Requested_Amount__c), 0) > MDF_Budget__r.Remaining_Amount__c)",
        "The request exceeds the budget's remaining amount (allocation less approved and submitted requests).",
        description="A request cannot exceed what is left of the budget, counting submitted requests "
        "awaiting a decision (no over-commit).", source=mdf.ref(),
        display_field="Requested_Amount__c")
    yield validation_rule(
        REQUEST, "Request_Partial_Approval_Not_Above_Request",
        "Partial_Approval_Amount__c > Requested_Amount__c",
        "The approved amount cannot exceed the requested amount.",
        description="Approvers may cut a request, never raise it.", source=mdf.ref(),
        display_field="Partial_Approval_Amount__c")
    yield validation_rule(
        REQUEST, "Request_Claims_Within_Approved", "Claimed_Amount__c > Approved_Amount__c",
        "The claims on this request exceed its approved amount.",
        description="All claims together stay within the approved amount (runs when a claim changes the roll-up).",
        source=mdf.ref())
    yield validation_rule(
        REQUEST, "Request_Ends_After_Start", "End_Date__c < Start_Date__c",
        "The activity cannot end before it starts.", description="Activities run forwards.",
        source=mdf.ref(), display_field="End_Date__c")


def _claim(spec: ProgramSpec, mdf: MdfSpec) -> Iterator[Component]:
    yield custom_object(
        CLAIM, "MDF Claim", "MDF Claims", name_field=auto_number_name("Claim Number", "MDFC-{00000}"),
        sharing=CONTROLLED_BY_PARENT, external_sharing=CONTROLLED_BY_PARENT, source=mdf.ref(),
        description="A partner's claim for reimbursement of an approved request, with proof of performance.",
        purpose="Partners claim approved funds after the activity; approval and payment close it.")
    yield _field(CLAIM, "MDF_Request__c", "MDF Request", ft.master_detail(REQUEST, "MDF_Claims", "MDF Claims"),
                 "The approved request this claim is for.", mdf)
    yield _field(CLAIM, "Claimed_Amount__c", "Claimed Amount", ft.required(f.currency()),
                 "Amount the partner asks to be reimbursed.", mdf)
    yield _field(CLAIM, "Proof_of_Performance__c", "Proof of Performance", ft.long_text(),
                 "Evidence the activity happened (links to invoices, photos, attendee lists).", mdf)
    yield _field(CLAIM, "Status__c", "Status", f.picklist(CLAIM_STATUSES, "Draft"),
                 "Draft until submitted; approval sets Approved or Rejected; finance sets Paid.", mdf)
    yield _field(CLAIM, "Paid_Date__c", "Paid Date", f.date(), "Day the reimbursement was paid.", mdf)
    yield _field(CLAIM, "Partner_Tier__c", "Partner Tier",
                 f.text_formula("MDF_Request__r.Partner_Tier__c", blanks_as_zero=False),
                 "The partner's current tier (approval routing reads it).", mdf)
    yield validation_rule(
        CLAIM, "Claim_Needs_Approved_Request", 'AND(ISNEW(), NOT(ISPICKVAL(MDF_Request__r.Status__c, "Approved")))',
        "Claims can only be made against an approved request.",
        description="A claim is linked to an approved request.", source=mdf.ref())
    yield validation_rule(
        CLAIM, "Claim_Within_Approved_Amount", "Claimed_Amount__c > MDF_Request__r.Approved_Amount__c",
        "The claim exceeds the request's approved amount.",
        description="A claim cannot exceed its request's approved amount.", source=mdf.ref(),
        display_field="Claimed_Amount__c")
    yield validation_rule(
        CLAIM, "Claim_Proof_Before_Submission",
        'AND(NOT(ISPICKVAL(Status__c, "Draft")), ISBLANK(Proof_of_Performance__c))',
        "Add proof of performance before submitting the claim.",
        description="A claim needs proof of performance before submission.", source=mdf.ref(),
        display_field="Proof_of_Performance__c")
    yield validation_rule(
        CLAIM, "Claim_Paid_Needs_Date", 'AND(ISPICKVAL(Status__c, "Paid"), ISBLANK(Paid_Date__c))',
        "Enter the paid date when marking the claim paid.",
        description="Paid claims record when they were paid.", source=mdf.ref(), display_field="Paid_Date__c")
    if mdf.claim_window_days is not None:
        yield validation_rule(
            CLAIM, "Claim_Within_Claim_Window",
            'AND(OR(ISNEW(), ISCHANGED(Status__c)), ISPICKVAL(Status__c, "Submitted"), '
            f"TODAY() > MDF_Request__r.End_Date__c + {mdf.claim_window_days})",
            f"Claims must be submitted within {mdf.claim_window_days} days of the activity's end.",
            description="Late claims distort the period's figures; the window comes from mdf.claim_window_days.",
            source=mdf.ref("claim_window_days") if mdf.has_key("claim_window_days") else mdf.ref())

