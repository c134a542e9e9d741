"""Static checklist items: judged from the specs alone (C01..).

Each item's docstring is the requirement as the review states it; the README table is
generated from these.
"""

from __future__ import annotations

from prm_builder.checklist.registry import CheckContext, item
from prm_builder.checklist.report import Outcome, failed, manual, passed, warned
from prm_builder.model.tiers import Tier

FEATURE_WORDS = {"deal_registration": "deal registration", "lead_distribution": "lead distribution",
                 "lead_pool": "lead pool", "mdf": "MDF", "co_marketing": "co-marketing"}


@item("C00", "specs-valid", "Specs validate without errors",
      fix="run `prm validate` and fix every error it reports")
def specs_valid(ctx: CheckContext) -> Outcome:
    """The specs load, parse and pass every validation rule, so the rest of the checklist
    judges the program that will actually be built."""
    diags = [d.format().replace("\n    ", " ") for d in ctx.validation.diagnostics]
    errors = ctx.validation.errors
    if errors:
        return failed(f"{len(errors)} error(s) in the specs", diags)
    if diags:
        return warned(f"no errors, {len(diags)} warning(s)", diags)
    return passed("no errors, no warnings")


@item("C01", "partner-license", "Partner license chosen; Customer Community ruled out",
      fix="set program.license to 'Partner Community' or 'Partner Community Plus'", needs={"program"})
def partner_license(ctx: CheckContext) -> Outcome:
    """Partner Community or Partner Community Plus is the license of partner users:
    Customer Community licenses lack deal registration, lead distribution and MDF."""
    lic = ctx.spec.program.license
    if not lic.is_partner:
        return failed(f"license '{lic.value}' cannot run a partner program "
                      "(no deal registration, lead distribution or MDF)")
    return passed(f"license '{lic.value}' (user license keys {', '.join(lic.license_definition_keys)})")


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _tier_line(tier: Tier, currency: str) -> str:
    on = [w for key, w in FEATURE_WORDS.items() if getattr(tier.features, key)]
    if tier.features.mdf and tier.mdf is not None:
        on[on.index("MDF")] = f"MDF {tier.mdf.annual_allocation:,.0f} {currency}/year"
    criteria = ", ".join(f"{k} >= {_number(v)}" for k, v in sorted(tier.qualification.items()))
    return f"{tier.name} (rank {tier.rank}, group {tier.group_name}): {', '.join(on) or 'no features'}; " \
           + (f"qualifies at {criteria}" if tier.qualification else "entry tier, no minimums")


@item("C02", "tier-matrix", "Tier hierarchy documented: names, ranks, criteria, feature matrix",
      fix="give every tier above the entry tier `qualification` minimums, and set program.tier_review "
          "(cycle, demotion_grace_days)", needs={"tiers", "program"})
def tier_matrix(ctx: CheckContext) -> Outcome:
    """Tier names and ranks, promotion criteria (qualification minimums on every tier above
    the entry tier), demotion criteria (review cycle and grace period) and the feature
    access matrix are all written down."""
    tiers = list(reversed(ctx.spec.tiers_by_rank()))
    if not tiers:
        return failed("no tiers defined")
    currency = ctx.spec.program.currency
    evidence = [_tier_line(t, currency) for t in tiers]
    review = ctx.spec.program.tier_review
    evidence.append(f"review: {review.cycle}; demotion after {review.demotion_grace_days} days below criteria")
    no_criteria = [t.name for t in tiers[:-1] if not t.qualification]
    if no_criteria:
        return failed(f"no promotion criteria for {', '.join(no_criteria)}", evidence)
    if not ctx.spec.program.has_key("tier_review"):
        return warned("demotion criteria are prm's defaults (program.tier_review not written): confirm them",
                      evidence)
    return passed(f"{len(tiers)} tiers with ranks, criteria and feature matrix", evidence)


@item("C03", "deal-registration-model", "Deal registration object model chosen",
      fix="add a `deal_registration` section and choose partner_lookup.kind (standard or custom)",
      needs={"deal_registration"})
def deal_registration_model(ctx: CheckContext) -> Outcome:
    """The deal registration object model is chosen: registrations are Leads, and the partner
    lookup is either the standard PartnerAccountId (needs PRM in the org) or a custom lookup."""
    dr = ctx.spec.deal_registration
    if dr is None:
        return _absent(ctx, "deal_registration", ("deal_registration",), "deal registration")
    lookup = dr.partner_lookup
    evidence = [f"object: Lead (status {dr.fields.status.api_name}, amount {dr.fields.amount.api_name})",
                f"partner lookup: {lookup.kind} (Lead.{lookup.lead_api_name()} -> "
                f"Opportunity.{lookup.opportunity_api_name()})",
                f"conversion on approval: {'yes' if dr.conversion.on_approval else 'no'}; "
                f"expiry after {dr.expiry.days} days"]
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
        return _absent(ctx, "deal_registration", ("deal_registration",), "deal registration")
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
        auto = (f"auto-approved below {_number(route.auto_approve_below)} {currency}"
                if route.auto_approve_below is not None else "no auto-approval")
        chain = " -> ".join(
            f"{s.display_label} ({', '.join(f'{a.kind} {a.name}' for a in s.approvers)}"
            + (f", from {_number(s.min_amount)}" if s.min_amount is not None else "")
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
        return _absent(ctx, "deal_registration", ("deal_registration",), "deal registration")
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


def _tiers_with(ctx: CheckContext, *features: str) -> list[str]:
    return [t.name for t in reversed(ctx.spec.tiers_by_rank()) if any(getattr(t.features, f) for f in features)]


def _absent(ctx: CheckContext, section: str, features: tuple[str, ...], what: str) -> Outcome:
    """The outcome when a feature section is not written: fine unless a tier uses the feature."""
    users = _tiers_with(ctx, *features)
    if users:
        return failed(f"{', '.join(users)} {'has' if len(users) == 1 else 'have'} {what} switched on, "
                      f"but the specs have no `{section}` section")
    return passed(f"{what} is not part of this program (no tier has it)")


def _tier_groups(ctx: CheckContext) -> set[str]:
    return {t.group_name for t in ctx.spec.tiers}


def _tier_rules(ctx: CheckContext, obj: str | None = None) -> dict[str, list[str]]:
    """Generated sharing rules that target a tier group, as object -> ['Rule -> Group']."""
    groups = _tier_groups(ctx)
    found: dict[str, list[str]] = {}
    for c in ctx.components:
        if c.type != "SharingRules" or (obj is not None and c.full_name != obj):
            continue
        for kind in ("sharingCriteriaRules", "sharingOwnerRules"):
            for rule in c.body.get(kind) or []:
                group = (rule.get("sharedTo") or {}).get("group")
                if group in groups:
                    found.setdefault(c.full_name, []).append(f"{rule['fullName']} -> {group}")
    return found


def _needs_generated(ctx: CheckContext) -> Outcome | None:
    """Items that judge the generated metadata cannot run while the specs have errors."""
    if ctx.validation.errors:
        return manual("cannot judge the generated metadata while the specs have errors (see C00)")
    return None


@item("C06", "lead-distribution-model", "Lead distribution model chosen (push or pull) with criteria",
      fix="add a `lead_distribution` section with `push` (queues and assignment criteria) and/or `pool`",
      needs={"lead_distribution"})
def lead_distribution_model(ctx: CheckContext) -> Outcome:
    """The lead distribution model is chosen (push by assignment rules, pull from a pool, or
    both) and its assignment criteria are documented."""
    ld = ctx.spec.lead_distribution
    if ld is None:
        return _absent(ctx, "lead_distribution", ("lead_distribution", "lead_pool"), "lead distribution")
    models = [m for m, on in (("push", ld.push is not None), ("pull", ld.pool is not None)) if on]
    if not models:
        return failed("neither `push` nor `pool` is chosen in lead_distribution")
    evidence = [f"territory {t.name}: {t.field} in {', '.join(t.values)}" for t in ld.territories]
    if ld.product_interest is not None and ld.product_interest.values:
        evidence.append(f"product interest ({ld.product_interest.field.api_name}): "
                        f"{', '.join(ld.product_interest.values)}")
    if ld.push is not None:
        rule = ld.assignment_rule
        evidence.append(f"push: assignment rule {rule.name} ({'active' if rule.active else 'inactive'}"
                        + (f", replaces '{rule.replaces}'" if rule.replaces else "") + "), "
                        + (f"{len(ld.push.entries)} explicit entries" if ld.push.entries else
                           "entries derived from the queues"))
    if ld.pool is not None:
        evidence.append(f"pull: pool queue {ld.pool.queue}")
    if ld.sla is not None:
        evidence.append(f"SLA: accept within {ld.sla.accept_within_hours} h, then {ld.sla.on_expiry}")
    if ld.push is not None and not (ld.territories or ld.push.entries or
                                     (ld.product_interest and ld.product_interest.values)):
        return warned("push routes by tier only: no territory, product or entry criteria documented", evidence)
    return passed(f"{' and '.join(models)}", evidence)


@item("C07", "queue-or-pool", "Queues defined for push, pool sharing for pull",
      fix="define the push queues (lead_distribution.push.queues) or the pool and the tiers that may claim",
      needs={"lead_distribution"})
def queue_or_pool(ctx: CheckContext) -> Outcome:
    """The queue structure is defined for push distribution, or the pool sharing model for
    pull distribution."""
    ld = ctx.spec.lead_distribution
    if ld is None:
        return _absent(ctx, "lead_distribution", ("lead_distribution", "lead_pool"), "lead distribution")
    blocked = _needs_generated(ctx)
    if blocked:
        return blocked
    pool_queue = ld.pool.queue if ld.pool is not None else None
    queues = [c for c in ctx.components if c.type == "Queue" and c.full_name != pool_queue]
    evidence = [f"queue {c.full_name}: {c.body.get('name')}" for c in queues]
    problems = []
    if ld.push is not None:
        if not any(c.type == "AssignmentRules" and c.full_name == "Lead" for c in ctx.components):
            problems.append("push has no Lead assignment rule")
        if not queues:
            problems.append("push has no queues")
    if ld.pool is not None:
        rules = _tier_rules(ctx, "Lead").get("Lead", [])
        evidence += [f"pool sharing {r}" for r in rules]
        if not rules:
            problems.append(f"pool {pool_queue} has no sharing rules: partners cannot see its leads")
    if problems:
        return failed("; ".join(problems), evidence)
    parts = ([f"{len(queues)} push queue(s)"] if ld.push is not None else []) + \
        ([f"pool {pool_queue} shared with {len(_tier_rules(ctx, 'Lead').get('Lead', []))} tier group(s)"]
         if ld.pool is not None else [])
    return passed(", ".join(parts), evidence)


#: the objects behind each MDF model (standard ones exist only with PRM enabled)
MDF_OBJECTS = {"custom": ("MDF_Budget__c", "MDF_Request__c", "MDF_Claim__c"),
               "standard": ("PartnerFundAllocation", "PartnerFundRequest", "PartnerFundClaim")}


@item("C08", "mdf-model", "MDF object model specified or external system named",
      fix="add an `mdf` section choosing `model: custom` or `model: standard`",
      needs={"mdf"})
def mdf_model(ctx: CheckContext) -> Outcome:
    """The MDF object model is specified (standard PRM objects or custom objects), or the
    external system that handles funds is named."""
    mdf = ctx.spec.mdf
    if mdf is None:
        return _absent(ctx, "mdf", ("mdf",), "MDF")
    tiers = _tiers_with(ctx, "mdf")
    evidence = [f"model: {mdf.model} ({', '.join(MDF_OBJECTS[mdf.model])})",
                f"budget access: {mdf.budget_access}",
                f"tiers with MDF: {', '.join(tiers) or 'none'}"]
    if not tiers:
        return warned("an `mdf` section but no tier has features.mdf: nobody can request funds", evidence)
    return passed(f"{mdf.model} objects for {', '.join(tiers)}", evidence)


@item("C09", "content-entitlement", "Co-marketing content entitlement defined per tier",
      fix="add a `content` section whose categories name the tiers entitled to them",
      needs={"content"})
def content_entitlement(ctx: CheckContext) -> Outcome:
    """Co-marketing content entitlement is defined for each tier that has co-marketing."""
    content = ctx.spec.content
    if content is None:
        return _absent(ctx, "content", ("co_marketing",), "co-marketing")
    sharing = getattr(ctx.spec, "sharing", None)
    inherit = bool(getattr(sharing, "tier_inheritance", True))
    tiers = ctx.spec.tiers_by_rank()
    sees: dict[str, list[str]] = {t.name: [] for t in tiers}
    for category in content.categories:
        granted = [ctx.spec.tier(name) for name in category.tiers]
        for t in tiers:
            if any(g is not None and (g is t or (inherit and t.rank >= g.rank)) for g in granted):
                sees[t.name].append(category.name)
    co_marketing = _tiers_with(ctx, "co_marketing")
    evidence = [f"{name}: {', '.join(sees[name]) or 'nothing'}" for name in reversed(list(sees))]
    evidence += [f"category {c.name}: internal only" for c in content.categories if not c.tiers]
    empty = [name for name in co_marketing if not sees[name]]
    if empty:
        return failed(f"{', '.join(empty)} {'has' if len(empty) == 1 else 'have'} co-marketing but no "
                      "content category", evidence)
    extra = [name for name, cats in sees.items() if cats and name not in co_marketing]
    if extra:
        return warned(f"{', '.join(extra)} see content without features.co_marketing", evidence)
    return passed(f"{len(content.categories)} categories for {len(co_marketing)} tier(s)"
                  + (" (higher tiers inherit)" if inherit else ""), evidence)


@item("C10", "sharing-model", "Tier visibility uses sharing rules, not profiles alone",
      fix="let the features that differ by tier (content, lead pool, MDF budgets) share through tier-group "
          "sharing rules on Private/Read objects", needs={"sharing"})
def sharing_model(ctx: CheckContext) -> Outcome:
    """Tier visibility is implemented with sharing rules targeting tier groups (not with
    profiles alone, which cannot tell one tier from another)."""
    blocked = _needs_generated(ctx)
    if blocked:
        return blocked
    rules = _tier_rules(ctx)
    evidence = [f"{obj}: {r}" for obj, rs in sorted(rules.items()) for r in rs]
    for c in ctx.components:
        if c.type == "CustomObject" and c.full_name in rules:
            external = c.body.get("externalSharingModel")
            evidence.append(f"{c.full_name} org-wide default: internal {c.body.get('sharingModel')}, "
                            f"external {external}")
            if external not in ("Private", "Read"):
                return failed(f"{c.full_name} has tier sharing rules but its external org-wide default is "
                              f"{external}: rules cannot narrow it", evidence)
    gated = _tiers_with(ctx, "co_marketing", "lead_pool")
    if not rules:
        if gated:
            return failed("no sharing rule targets a tier group: tier visibility would rest on profiles, "
                          "which cannot tell one tier from another", evidence)
        return passed("no tier-specific visibility in this program", evidence)
    return passed(f"{sum(map(len, rules.values()))} sharing rule(s) target tier groups on "
                  f"{', '.join(sorted(rules))}", evidence)


@item("C11", "open-decisions", "Open decisions logged with owner and target date; none overdue",
      fix="decide overdue questions (status: decided, decision: ...) or agree new target dates",
      needs={"open_decisions"})
def open_decisions(ctx: CheckContext) -> Outcome:
    """Every open decision is logged with an owner and a target date; a decision still open
    after its target date blocks sign-off."""
    decisions = ctx.spec.open_decisions
    still_open = [d for d in decisions if d.status == "open"]
    overdue = [d for d in still_open if d.due < ctx.today]
    evidence = [f"{d.id} [{'OVERDUE ' if d in overdue else ''}{d.status}, due {d.due.isoformat()}, "
                f"{d.owner}] {d.title}" for d in sorted(decisions, key=lambda d: (d.status != "open", d.due, d.id))]
    if overdue:
        return failed(f"{len(overdue)} open decision(s) past their target date: "
                      f"{', '.join(d.id for d in overdue)}", evidence)
    if still_open:
        return manual(f"{len(still_open)} decision(s) still open, none overdue; "
                      f"{len(decisions) - len(still_open)} decided", evidence)
    return passed(f"{len(decisions)} decision(s) logged, all decided" if decisions
                  else "no open decisions logged", evidence)


@item("C12", "org-portable", "Org dependencies listed and portable",
      fix="name approvers and members by queue, public group or role instead of by username",
      needs={"org"})
def org_portable(ctx: CheckContext) -> Outcome:
    """What the metadata needs from the org is listed in the `org` section (so `prm check
    --org` can verify it); users named by username break when the specs move between orgs."""
    org = ctx.spec.org
    evidence = [f"{kind}: {', '.join(getattr(org, kind))}"
                for kind in ("fields", "users", "queues", "groups", "roles", "email_templates") if getattr(org, kind)]
    if org.users:
        return warned(f"{len(org.users)} user(s) named by username: they differ between sandbox and "
                      "production", evidence)
    total = sum(len(getattr(org, k)) for k in ("fields", "queues", "groups", "roles", "email_templates"))
    return passed(f"{total} org item(s) listed, none org-specific", evidence)
