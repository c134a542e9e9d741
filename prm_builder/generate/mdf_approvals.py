"""Approval processes for MDF requests and claims, through the shared machinery
(generate/approvals.py): this module only says what each MDF object looks like to it.

Custom and standard models differ in field names and in the claim's statuses: the
standard PartnerFundClaim status has no 'Submitted' value (Draft, Approved, Rejected,
Paid), so standard records enter approval while Draft, and a recall leaves them Draft.
"""

from __future__ import annotations

from typing import Iterator

from prm_builder.generate import mdf, mdf_standard
from prm_builder.generate.approvals import (ApprovalStatuses, ApprovalTarget, approval_components,
                                            queue_for_object)
from prm_builder.generate.component import Component
from prm_builder.model.approval import ApprovalRouting
from prm_builder.model.root import ProgramSpec

CUSTOM_STATUSES = ApprovalStatuses(submitted="Submitted", approved="Approved", rejected="Rejected", recalled="Draft")
STANDARD_STATUSES = ApprovalStatuses(submitted="Draft", approved="Approved", rejected="Rejected", recalled="Draft")
#: Who may submit: the partner user who created the record, and (custom model) any employee
#: submitting on a partner's behalf. Custom requests and claims are master-detail children
#: without an owner of their own, so the usual "owner" submitter does not apply to them.
CUSTOM_SUBMITTERS = (("creator", None), ("allInternalUsers", None))
STANDARD_SUBMITTERS = (("creator", None), ("owner", None))


def targets(spec: ProgramSpec) -> list[tuple[ApprovalTarget, ApprovalRouting, str]]:
    """(target, routing, spec key) of every MDF approval the spec asks for."""
    section = spec.mdf
    if section is None:
        return []
    tier_names = {name: t.developer_name for t in spec.tiers for name in (t.name, t.developer_name)}
    if section.model == "custom":
        objects = {"request_approval": (mdf.REQUEST, "MDF_Request", "MDF request", CUSTOM_STATUSES,
                                        mdf.APPROVAL_FIELDS[mdf.REQUEST]),
                   "claim_approval": (mdf.CLAIM, "MDF_Claim", "MDF claim", CUSTOM_STATUSES,
                                      mdf.APPROVAL_FIELDS[mdf.CLAIM])}
    else:
        objects = {"request_approval": (mdf_standard.REQUEST, "Fund_Request", "fund request", STANDARD_STATUSES,
                                        mdf_standard.APPROVAL_FIELDS[mdf_standard.REQUEST]),
                   "claim_approval": (mdf_standard.CLAIM, "Fund_Claim", "fund claim", STANDARD_STATUSES,
                                      mdf_standard.APPROVAL_FIELDS[mdf_standard.CLAIM])}
    out = []
    for key, (obj, prefix, feature, statuses, (amount, tier, status)) in objects.items():
        routing = getattr(section, key)
        if routing is None:
            continue
        # approvers of a claim judge its proof of performance, so the approval page shows it
        proof = ("Proof_of_Performance__c",) if key == "claim_approval" else ()
        # Approved claims stay locked (nothing hangs off a claim). Approved requests cannot: an
        # approval lock on a master record locks its master-detail children too, and partners
        # must still file claims against an approved request; approval_guards.py freezes the
        # request's approved values instead (issue 12, item 16). Source: the approval lock
        # covers "the record and any child records in a master-detail relationship with it"
        # (douglascayers.com, "How to lock related lists when parent record approved", quoting
        # Salesforce's approval documentation; no org was reachable to confirm).
        target = ApprovalTarget(object=obj, prefix=prefix, status_field=status, statuses=statuses,
                                tier_field=tier, amount_field=amount, tier_names=tier_names,
                                page_fields=(amount, tier, *proof), feature=feature,
                                submitters=CUSTOM_SUBMITTERS if section.model == "custom" else STANDARD_SUBMITTERS,
                                lock_when_approved=key == "claim_approval")
        out.append((target, routing, key))
    return out


def generated_queues(spec: ProgramSpec) -> set[str]:
    """Queues other sections generate (deal registration's), which MDF steps may name too."""
    section = spec.deal_registration
    return {q.name for q in section.queues} if section is not None else set()


def generate(spec: ProgramSpec) -> Iterator[Component]:
    shared = generated_queues(spec)
    for target, routing, key in targets(spec):
        assert spec.mdf is not None  # targets() is empty without the section
        yield from approval_components(target, routing, source=spec.mdf.ref(key), named_users=spec.org.named_username)
        # A queue approving MDF records must also serve their object; a generated queue is
        # extended here (queues that live in the org must already serve it).
        named = {a.queue for r in routing.routes for s in r.steps for a in s.approvers if a.queue}
        for queue in sorted(named & shared):
            yield queue_for_object(queue, target.object, spec.mdf.ref(key))
