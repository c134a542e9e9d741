"""Tier lifecycle in the org: the review the specs describe (program.tier_review), applied.

- `PartnerTierReview` (Apex, Schedulable + Batchable) runs daily (scheduled after each deploy
  by the `prm_schedule_tier_review` task). On the review days of the cycle it promotes
  partners whose qualified tier is higher, and starts the grace period of partners below
  their tier's criteria; every day it demotes partners whose grace period has run out, and
  ends the grace period of partners that qualify again. Accounts with `Tier_Override__c`
  (a channel manager's decision) are left alone.
- Every change is a `Partner_Tier_Change__c` row (who, when, from, to, why), and the
  channel manager (account owner) and the partner's users are emailed.
- A tier changed by hand (a channel-manager override) is recorded by the `PartnerTierChange`
  trigger as an Override row with the reason in `Tier_Override_Reason__c`.
- Tier-group membership follows the account's tier through the group automation.

Apex gets no free spec text: only tier api names (validated developer names, PRM-V010),
field api names, numbers and the cycle keyword, so nothing needs escaping.
"""

from __future__ import annotations

from typing import Iterator

from metadata_templates import render
from prm_builder import API_VERSION
from prm_builder.generate import field_types as ft
from prm_builder.generate import fields as f
from prm_builder.generate.component import Component
from prm_builder.generate.objects import CONTROLLED_BY_PARENT, auto_number_name, custom_object
from prm_builder.model.root import ProgramSpec

HISTORY = "Partner_Tier_Change__c"
GRACE_ENDS = "Tier_Grace_Ends__c"
OVERRIDE = "Tier_Override__c"
OVERRIDE_REASON = "Tier_Override_Reason__c"
LAST_REVIEW = "Last_Tier_Review__c"
REVIEW_CLASS = "PartnerTierReview"
TRIGGER = "PartnerTierChange"
CHANGE_TYPES = ["Promotion", "Demotion", "Grace Started", "Grace Cleared", "Override"]


def generate(spec: ProgramSpec) -> Iterator[Component]:
    review = spec.program.tier_review
    source = spec.program.ref("tier_review") if spec.program.has_key("tier_review") else spec.program.ref()

    def account_field(name: str, label: str, body: dict, description: str) -> Component:
        return f.field_component("Account", name, label, body, purpose=description, source=source,
                                 description=description)

    yield account_field(GRACE_ENDS, "Tier Grace Period Ends", f.date(),
                        "Set by the tier review when the partner falls below its tier's criteria: the partner "
                        f"keeps the tier until this date ({review.demotion_grace_days} days), then is demoted.")
    yield account_field(OVERRIDE, "Tier Override", ft.checkbox(False),
                        "A channel manager's decision: the tier review leaves this partner's tier alone.")
    yield account_field(OVERRIDE_REASON, "Tier Override Reason", ft.text(255),
                        "Why a channel manager set or held the tier by hand (recorded in the tier history).")
    yield account_field(LAST_REVIEW, "Last Tier Review", f.date(),
                        "When the tier review last changed this partner's tier or grace period.")

    yield custom_object(
        HISTORY, "Partner Tier Change", "Partner Tier Changes",
        name_field=auto_number_name("Tier Change", "TC-{000000}"), sharing=CONTROLLED_BY_PARENT,
        external_sharing=CONTROLLED_BY_PARENT, source=source,
        description="History of every partner tier change: promotions, demotions, grace periods and overrides.",
        purpose="Records who changed a partner's tier, when, from what to what, and why.")

    def history_field(name: str, label: str, body: dict, description: str) -> Component:
        return f.field_component(HISTORY, name, label, body, purpose=description, source=source,
                                 description=description)

    yield history_field("Partner_Account__c", "Partner Account",
                        ft.master_detail("Account", "Tier_Changes", "Tier Changes"),
                        "The partner account whose tier changed.")
    yield history_field("From_Tier__c", "From Tier", ft.text(80), "Tier before the change.")
    yield history_field("To_Tier__c", "To Tier", ft.text(80), "Tier after the change.")
    yield history_field("Change_Type__c", "Change Type", f.picklist(CHANGE_TYPES), "What happened.")
    yield history_field("Reason__c", "Reason", ft.text(255), "Why: the review's finding or the override reason.")
    yield history_field("Changed_By__c", "Changed By",
                        {"type": "Lookup", "referenceTo": "User", "relationshipName": "Partner_Tier_Changes",
                         "deleteConstraint": "SetNull"}, "The user who made the change (the review's user for the review).")
    yield history_field("Effective_Date__c", "Effective Date", f.date(), "When the change took effect.")

    context = _context(spec)
    account_fields = [f"CustomField:Account.{n}" for n in (GRACE_ENDS, OVERRIDE, OVERRIDE_REASON, LAST_REVIEW)]
    history_fields = [f"CustomField:{HISTORY}.{n}" for n in ("Partner_Account__c", "From_Tier__c", "To_Tier__c",
                                                            "Change_Type__c", "Reason__c", "Changed_By__c",
                                                            "Effective_Date__c")]
    model = spec.partner_account
    refs = tuple(sorted(account_fields + history_fields + [
        f"CustomField:Account.{model.tier_field.api_name}", f"CustomField:Account.{model.qualified_tier_field.api_name}",
        f"CustomField:Account.{model.tier_review_field.api_name}"]))
    for name, template, purpose in (
            (REVIEW_CLASS, "PartnerTierReview.cls.j2", "Applies the tier review: promotions, grace periods, "
                                                        "demotions, history and notifications."),
            (f"{REVIEW_CLASS}Test", "PartnerTierReviewTest.cls.j2", "Apex tests of the tier review and overrides.")):
        yield Component("ApexClass", name, {"apiVersion": API_VERSION, "status": "Active"}, purpose=purpose,
                        source=source, references=refs, content=render(f"apex/{template}", **context))
    yield Component("ApexTrigger", TRIGGER, {"apiVersion": API_VERSION, "status": "Active"},
                    purpose="Records a tier changed by hand (channel-manager override) in the tier history.",
                    source=source, references=(f"ApexClass:{REVIEW_CLASS}",),
                    content=render("apex/PartnerTierChange.trigger.j2", **context))


def _context(spec: ProgramSpec) -> dict:
    review = spec.program.tier_review
    model = spec.partner_account
    by_rank = spec.tiers_by_rank()
    top = by_rank[-1]
    top_metrics = [(model.metrics[name].api_name, value) for name, value in sorted(top.qualification.items())
                   if name in model.metrics]
    return {"cycle": review.cycle, "grace_days": review.demotion_grace_days,
            "tier": model.tier_field.api_name, "qualified": model.qualified_tier_field.api_name,
            "review": model.tier_review_field.api_name, "entry_tier": by_rank[0].developer_name,
            "top_tier": top.developer_name, "top_metrics": top_metrics,
            "zero_metrics": [m.api_name for m in model.metrics.values()],
            "history": HISTORY, "grace_ends": GRACE_ENDS, "override": OVERRIDE,
            "override_reason": OVERRIDE_REASON, "last_review": LAST_REVIEW, "class_name": REVIEW_CLASS}
