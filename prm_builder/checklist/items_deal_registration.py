"""Checklist items of the `deal_registration` section (C03..C05)."""

from __future__ import annotations

from prm_builder.checklist.helpers import absent, number
from prm_builder.checklist.registry import CheckContext, item
from prm_builder.checklist.report import Outcome, failed, passed, warned
from prm_builder.model.tiers import Tier


@item("C03", "deal-registration-model", "Deal registration object model chosen",
      fix="add a `deal_registration` section and choose partner_lookup.kind (standard or custom)",
      needs={"deal_registration"})
def deal_registration_model(ctx: CheckContext) -> Outcome:
    """The deal registration object model is chosen: registrations are Leads, and the partner
    lookup is either the standard PartnerAccountId (needs PRM in the org) or a custom lookup."""
    dr = ctx.spec.deal_registration
    if dr is None:
        return absent(ctx, "deal_registration", ("deal_registration",), "deal registration")
    lookup = dr.partner_lookup
    evidence = [f"object: Lead (status {dr.fields.status.api_name}, amount {dr.fields.amount.api_name})",
                f"partner lookup: {lookup.kind} (Lead.{lookup.lead_api_name()} -> "
                f"Opportunity.{lookup.opportunity_api_name()})",
                f"conversion on approval: {'yes' if dr.conversion.on_approval else 'no'}; "
                + ("no expiry" if dr.protection_days() is None else f"expiry after {dr.protection_days()} days")]
    return passed(f"Lead-based, {lookup.kind} partner lookup", evidence)


def _route_for(ctx: CheckContext, tier: Tier, routes: list) -> object | None:
    for route in routes:
        if any(ctx.spec.tier(name) is tier for name in route.tiers):
            return route
    return None


def _rejection_actions(ctx: CheckContext, route: str) -> list[str] | None:
    """Final rejection actions of a route's generated ApprovalProcess ('Lead.<route>_vN'),
    or None when nothing was generated (the specs have errors)."""
    if ctx.validation.errors:
        return None
    for c in ctx.components:
        if c.type == "ApprovalProcess" and c.full_name.split(".", 1)[-1].rsplit("_v", 1)[0] == route:
            actions = (c.body.get("finalRejectionActions") or {}).get("action") or []
            return [f"{a['name']} ({a['type']})" for a in actions]
    return []


@item("C04", "approval-chain", "Approval chain mapped for every tier that registers deals",
      fix="give every deal-registering tier an approval route (deal_registration.approval.routes) with its "
          "steps and auto_approve_below", needs={"deal_registration"})
def approval_chain(ctx: CheckContext) -> Outcome:
    """Every tier that can register deals has an approval chain, including auto-approval
    thresholds and the rejection path."""
    dr = ctx.spec.deal_registration
    if dr is None:
        return absent(ctx, "deal_registration", ("deal_registration",), "deal registration")
    routes = list(dr.approval.routes)
    currency = ctx.spec.program.currency
    evidence: list[str] = []
    unmapped: list[str] = []
    no_rejection: list[str] = []
    for tier in reversed(ctx.spec.tiers_by_rank()):
        if not tier.features.deal_registration:
            continue
        route = _route_for(ctx, tier, routes)
        if route is None:
            unmapped.append(tier.name)
            continue
        auto = (f"auto-approved below {number(route.auto_approve_below)} {currency}"
                if route.auto_approve_below is not None else "no auto-approval")
        chain = " -> ".join(
            f"{s.display_label} ({', '.join(f'{a.kind} {a.name}' for a in s.approvers)}"
            + (f", from {number(s.min_amount)}" if s.min_amount is not None else "")
            + (", rejection goes back a step" if s.on_reject == "back_to_previous" else "") + ")"
            for s in route.steps)
        rejection = _rejection_actions(ctx, route.name)
        if rejection == []:
            no_rejection.append(tier.name)
        evidence.append(f"{tier.name}: {auto}; {chain}; on rejection: "
                        + (", ".join(rejection) if rejection else "nothing" if rejection == [] else "see C00"))
    if unmapped:
        return failed(f"no approval route for {', '.join(unmapped)}", evidence)
    if no_rejection:
        return failed(f"no rejection path (final rejection actions) for {', '.join(no_rejection)}", evidence)
    if not evidence:
        return passed("no tier registers deals", evidence)
    return passed(f"{len(evidence)} tier(s) mapped to {len(routes)} route(s)", evidence)


@item("C05", "lead-duplicate-rules", "Lead duplicate rules prevent multi-registration",
      fix="keep at least one blocking duplicate rule with a matching rule in deal_registration.duplicates",
      needs={"deal_registration"})
def lead_duplicate_rules(ctx: CheckContext) -> Outcome:
    """Lead duplicate rules (with their matching rules) are defined so two partners cannot
    register the same deal."""
    dr = ctx.spec.deal_registration
    if dr is None:
        return absent(ctx, "deal_registration", ("deal_registration",), "deal registration")
    dups = dr.duplicates
    evidence = [f"matching rule {m.name}: {', '.join(f'{f.field} ({f.method})' for f in m.fields)}"
                for m in dups.matching_rules]
    evidence += [f"duplicate rule {d.name}: {d.action}, uses "
                 f"{', '.join(d.matching_rules) or 'every matching rule of the section'}"
                 for d in dups.duplicate_rules]
    if not dups.duplicate_rules or not dups.matching_rules:
        return failed("no Lead duplicate rule with a matching rule: a deal can be registered twice", evidence)
    if not any(d.action == "block" for d in dups.duplicate_rules):
        return warned("duplicate rules only alert: a partner can still save a second registration", evidence)
    return passed(f"{len(dups.duplicate_rules)} duplicate rule(s) on {len(dups.matching_rules)} "
                  "matching rule(s)", evidence)
