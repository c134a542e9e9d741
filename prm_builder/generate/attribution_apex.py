"""The Apex of the attribution section: one class (PartnerAttribution), its triggers and its
test class, from templates in metadata_templates/apex/.

Spec text placed in Apex (partner type names, tier names, schedule names, the review queue)
is written as Apex string literals by `apex_literal`, which escapes quotes, backslashes
and line breaks (Apex Developer Guide, "String": escape sequences), so a name such as
"Partner's Choice" compiles instead of ending the literal.
"""

from __future__ import annotations

from typing import Iterator

from metadata_templates import render
from prm_builder import API_VERSION
from prm_builder.generate.apex import apex_literal
from prm_builder.generate.component import Component
from prm_builder.model.attribution import Attribution
from prm_builder.model.root import ProgramSpec

CLASS = "PartnerAttribution"
TRIGGERS = {"PartnerAttributionLead": "Lead", "PartnerAttributionOpportunity": "Opportunity",
            "CommissionAdjustmentNet": "Commission_Adjustment__c"}


def _number(value: float | None) -> str:
    return "null" if value is None else f"{value:g}" if value == int(value) else repr(float(value))


def apex_components(spec: ProgramSpec, a: Attribution) -> Iterator[Component]:
    from prm_builder.generate import attribution as g

    context = _context(spec, a)
    source = a.ref("model")
    refs = {f"CustomField:Lead.{n}" for n in (g.LEAD_CODE, g.REFERRING_PARTNER, g.CODE_UNKNOWN)}
    refs |= {f"CustomField:Account.{g.PARTNER_CODE}", f"CustomField:Account.{g.PARTNER_TYPE}",
             f"CustomField:{g.ATTRIBUTION}.Unique_Key__c", f"CustomField:{g.ATTRIBUTION}.Percentage__c"}
    if a.conflict is not None:
        refs |= {f"CustomField:Lead.{n}" for n in (g.CONFLICT, g.CONFLICT_REASON, g.CONFLICT_ACCOUNT)}
    if a.commissions is not None:
        refs |= {f"CustomField:{g.COMMISSION}.Commission_Key__c", f"CustomField:{g.COMMISSION}.Net_Amount__c"}
    for name, template, purpose in (
            (CLASS, "PartnerAttribution.cls.j2", "Partner codes, attribution split, channel conflict, commissions."),
            (f"{CLASS}Test", "PartnerAttributionTest.cls.j2", "Apex tests of the attribution automation.")):
        yield Component("ApexClass", name, {"apiVersion": API_VERSION, "status": "Active"}, purpose=purpose,
                        source=source, references=tuple(sorted(refs)), content=render(f"apex/{template}", **context))
    for name, obj in TRIGGERS.items():
        if obj == g.ADJUSTMENT and a.commissions is None:
            continue
        yield Component("ApexTrigger", name, {"apiVersion": API_VERSION, "status": "Active"},
                        purpose=f"Runs the attribution automation on {obj}.", source=source,
                        references=(f"ApexClass:{CLASS}",), content=render(f"apex/{name}.trigger.j2", **context))


def _expected_commission(schedule) -> str:
    """What the commission flow's formula pays on 100,000 of attributed revenue under
    `schedule`, for the Apex test's assertion (evaluated by prm's formula engine)."""
    if schedule is None:
        return "null"
    from prm_builder.generate.attribution_flows import commission_formula
    from prm_builder.simulate import formula as fx

    above = [b.above for b in schedule.bands] or [0]
    rates = [b.rate for b in schedule.bands] or [schedule.rate or 0]
    value = fx.evaluate(commission_formula("100000", above, rates, schedule.cap), fx.Context())
    return f"{fx.Decimal(str(value)).quantize(fx.Decimal('0.01'))}"


def _context(spec: ProgramSpec, a: Attribution) -> dict:
    from prm_builder.generate import attribution as g


    model = a.model
    first = a.commissions.schedules[0] if a.commissions else None
    commission_tier = (spec.tier(first.tiers[0]).developer_name if first and first.tiers and spec.tier(first.tiers[0])
                       else spec.tiers_by_rank()[-1].developer_name)
    return {
        "rule": model.default_rule, "sourced": _number(model.sourced_percent),
        "influenced": _number(model.influenced_percent), "half_life": model.half_life_days,
        "on_create": str("create" in model.recalculate_on).lower(),
        "on_won": str("closed_won" in model.recalculate_on).lower(),
        "on_amount": str("amount_change" in model.recalculate_on).lower(),
        "conflict_action": apex_literal(a.conflict.action if a.conflict else None),
        "has_conflict": a.conflict is not None,
        "code": g.LEAD_CODE, "referring": g.REFERRING_PARTNER, "unknown": g.CODE_UNKNOWN,
        "conflict": g.CONFLICT, "conflict_reason": g.CONFLICT_REASON, "conflict_account": g.CONFLICT_ACCOUNT,
        "partner_code": g.PARTNER_CODE, "partner_type": g.PARTNER_TYPE, "attribution": g.ATTRIBUTION,
        "opp_partner": g.opportunity_partner(spec), "amount": model.amount_field,
        "tier": spec.partner_account.tier_field.api_name, "expected_commission": _expected_commission(first),
        "commissions": a.commissions is not None,
        "first_type": apex_literal(a.partner_types[0].name),
        "commission_type": apex_literal(first.types[0] if first else a.partner_types[0].name),
        "commission_tier": apex_literal(commission_tier),
        "top_tier": apex_literal(spec.tiers_by_rank()[-1].developer_name),
    }
