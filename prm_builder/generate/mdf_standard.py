"""MDF, standard model: the platform's PRM objects (PartnerFundAllocation, PartnerFundRequest,
PartnerFundClaim) with the fields, formulas and validation rules the custom model has.

These objects exist only when PRM is enabled. Every standard field prm relies on must be
listed under org.fields (PRM-V202), so `prm check --org` verifies it before a deploy: that
is how "PRM is enabled" becomes a checkable org requirement rather than a deploy failure.
The platform keeps the allocation's totals itself (TotalApprovedFrs, TotalApprovedFcs), so
prm adds only what is missing: the tier, the tier's allocation, remaining and utilisation.
"""

from __future__ import annotations

from typing import Iterator

from prm_builder.generate import field_types as ft
from prm_builder.generate import fields as f
from prm_builder.generate.component import Component
from prm_builder.generate.mdf import eligible_condition, mdf_tiers, tier_case
from prm_builder.generate.objects import validation_rule
from prm_builder.model.mdf import MdfSpec
from prm_builder.model.root import ProgramSpec

ALLOCATION, REQUEST, CLAIM = "PartnerFundAllocation", "PartnerFundRequest", "PartnerFundClaim"
PRM_OBJECTS = ("PartnerMarketingBudget", ALLOCATION, REQUEST, CLAIM)
#: Standard fields the generated formulas and rules use: they exist only with PRM enabled.
REQUIRED_ORG_FIELDS = (
    f"{ALLOCATION}.Amount", f"{ALLOCATION}.TotalApprovedFcs", f"{ALLOCATION}.TotalApprovedFrs",
    f"{REQUEST}.AllocationId", f"{REQUEST}.Amount", f"{REQUEST}.RequestedAmount", f"{REQUEST}.Status",
    f"{CLAIM}.Amount", f"{CLAIM}.RequestId", f"{CLAIM}.Status",
)
#: What approval processes need of each object: amount, tier and status fields.
APPROVAL_FIELDS = {REQUEST: ("RequestedAmount", "Partner_Tier__c", "Status"),
                   CLAIM: ("Amount", "Partner_Tier__c", "Status")}
PRM_NOTE = ("Needs PRM enabled in the org (the standard MDF objects exist only then); "
            "`prm check --org` verifies the fields listed under org.fields.")


def generate(spec: ProgramSpec) -> Iterator[Component]:
    mdf = spec.mdf
    if mdf is None or mdf.model != "standard":
        return
    parts = [*_allocation(spec, mdf), *_request(spec, mdf), *_claim(spec, mdf)]
    yield from parts


def _field(obj: str, name: str, label: str, body: dict, description: str, mdf: MdfSpec,
           references: tuple[str, ...] = (), notes: tuple[str, ...] = ()) -> Component:
    c = f.field_component(obj, name, label, body, purpose=description, source=mdf.ref("model"),
                          description=description, references=references)
    return Component(c.type, c.full_name, c.body, purpose=c.purpose, source=c.source,
                     references=c.references, notes=notes)


def _rule(obj: str, name: str, formula: str, message: str, description: str, mdf: MdfSpec,
          display_field: str | None = None, references: tuple[str, ...] = ()) -> Component:
    return validation_rule(obj, name, formula, message, description=description, source=mdf.ref("model"),
                           display_field=display_field, references=references)


def _allocation(spec: ProgramSpec, mdf: MdfSpec) -> Iterator[Component]:
    value_set = spec.partner_account.tier_value_set
    yield _field(ALLOCATION, "Partner_Tier__c", "Partner Tier", f.global_picklist(value_set),
                 "Tier the allocation was sized for (the partner's tier when funds were allocated).", mdf,
                 (f"GlobalValueSet:{value_set}",), notes=(PRM_NOTE,))
    tier_amount = tier_case("TEXT(Partner_Tier__c)", mdf_tiers(spec),
                            lambda t: f.formula_number(t.mdf.annual_allocation if t.mdf else 0), "0")
    yield _field(ALLOCATION, "Tier_Allocation__c", "Tier Allocation", ft.currency_formula(tier_amount),
                 "The tier's annual allocation (tiers.mdf.annual_allocation): the default for Amount.", mdf)
    yield _field(ALLOCATION, "Remaining_Amount__c", "Remaining Amount",
                 ft.currency_formula("Amount - TotalApprovedFrs"),
                 "Allocation not yet committed to approved fund requests.", mdf)
    yield _field(ALLOCATION, "Utilisation_Rate__c", "Utilisation Rate",
                 ft.percent_formula("IF(Amount > 0, TotalApprovedFcs / Amount, 0)"),
                 "Share of the allocation claimed in approved claims (the program's utilisation figure).", mdf)
    yield _field(ALLOCATION, "Approved_Share__c", "Approved Share",
                 ft.percent_formula("IF(Amount > 0, TotalApprovedFrs / Amount, 0)"),
                 "Share of the allocation committed to approved requests.", mdf)
    yield _rule(ALLOCATION, "Allocation_Tier_Eligible_For_MDF",
                f"NOT({eligible_condition('TEXT(Partner_Tier__c)', spec)})",
                "Only tiers with MDF (" + ", ".join(t.name for t in mdf_tiers(spec)) + ") get an allocation.",
                "Allocations exist only for tiers whose features include MDF.", mdf, "Partner_Tier__c")


def _request(spec: ProgramSpec, mdf: MdfSpec) -> Iterator[Component]:
    yield _field(REQUEST, "Partner_Tier__c", "Partner Tier",
                 f.text_formula("TEXT(Allocation.Partner_Tier__c)", blanks_as_zero=False),
                 "Tier of the allocation the request draws on (approval routing reads it).", mdf,
                 (f"CustomField:{REQUEST}.AllocationId",))
    yield _rule(REQUEST, "Request_Tier_Eligible_For_MDF",
                f"AND(ISNEW(), NOT({eligible_condition('Partner_Tier__c', spec)}))",
                "Only partners in an MDF tier (" + ", ".join(t.name for t in mdf_tiers(spec)) + ") can request funds.",
                "Requests draw only on allocations of MDF tiers.", mdf)
    yield _rule(REQUEST, "Request_Within_Remaining_Allocation",
                'AND(OR(ISNEW(), ISCHANGED(RequestedAmount)), NOT(ISPICKVAL(Status, "Approved")), '
                "RequestedAmount > Allocation.Remaining_Amount__c)",
                "The request exceeds the allocation's remaining amount.",
                "A request cannot exceed what is left of the allocation.", mdf, "RequestedAmount",
                (f"CustomField:{REQUEST}.AllocationId",))
    yield _rule(REQUEST, "Request_Approved_Not_Above_Request", "Amount > RequestedAmount",
                "The approved amount cannot exceed the requested amount.",
                "Approvers may cut a request, never raise it.", mdf, "Amount")


def _claim(spec: ProgramSpec, mdf: MdfSpec) -> Iterator[Component]:
    yield _field(CLAIM, "Proof_of_Performance__c", "Proof of Performance", ft.long_text(),
                 "Evidence the activity happened (links to invoices, photos, attendee lists).", mdf)
    yield _field(CLAIM, "Partner_Tier__c", "Partner Tier",
                 f.text_formula("Request.Partner_Tier__c", blanks_as_zero=False),
                 "Tier of the request's allocation (approval routing reads it).", mdf,
                 (f"CustomField:{CLAIM}.RequestId",))
    yield _rule(CLAIM, "Claim_Needs_Approved_Request", 'AND(ISNEW(), NOT(ISPICKVAL(Request.Status, "Approved")))',
                "Claims can only be made against an approved request.",
                "A claim is linked to an approved request.", mdf, references=(f"CustomField:{CLAIM}.RequestId",))
    yield _rule(CLAIM, "Claim_Within_Approved_Amount", "Amount > Request.Amount",
                "The claim exceeds the request's approved amount.",
                "A claim cannot exceed its request's approved amount.", mdf, "Amount",
                (f"CustomField:{CLAIM}.RequestId",))
    yield _rule(CLAIM, "Claim_Proof_Before_Submission",
                'AND(NOT(ISPICKVAL(Status, "Draft")), ISBLANK(Proof_of_Performance__c))',
                "Add proof of performance before submitting the claim.",
                "A claim needs proof of performance before submission.", mdf, "Proof_of_Performance__c")
