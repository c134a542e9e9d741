"""Checklist items of the `lead_distribution` section (C06, C07, C20, C21)."""

from __future__ import annotations

from prm_builder.checklist.helpers import absent, needs_generated, tier_rules
from prm_builder.checklist.registry import CheckContext, item
from prm_builder.checklist.report import Outcome, failed, passed, warned


@item("C06", "lead-distribution-model", "Lead distribution model chosen (push or pull) with criteria",
      fix="add a `lead_distribution` section with `push` (queues and assignment criteria) and/or `pool`",
      needs={"lead_distribution"})
def lead_distribution_model(ctx: CheckContext) -> Outcome:
    """The lead distribution model is chosen (push by assignment rules, pull from a pool, or
    both) and its assignment criteria are documented."""
    ld = ctx.spec.lead_distribution
    if ld is None:
        return absent(ctx, "lead_distribution", ("lead_distribution", "lead_pool"), "lead distribution")
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
        return absent(ctx, "lead_distribution", ("lead_distribution", "lead_pool"), "lead distribution")
    blocked = needs_generated(ctx)
    if blocked:
        return blocked
    pool_queue = ld.pool.queue if ld.pool is not None else None
    # Push queues are what the Lead assignment rule assigns to (other features generate
    # queues too, e.g. deal registration's approvers); the pool is counted separately.
    rule_files = [c for c in ctx.components if c.type == "AssignmentRules" and c.full_name == "Lead"]
    targets = {entry.get("assignedTo") for c in rule_files for rule in c.body.get("assignmentRule") or []
               for entry in rule.get("ruleEntry") or []} - {pool_queue}
    labels = {c.full_name: c.body.get("name") for c in ctx.components if c.type == "Queue"}
    queues = sorted(q for q in targets if q)
    evidence = [f"queue {q}: {labels.get(q) or 'in the org'}" for q in queues]
    problems = []
    if ld.push is not None:
        if not rule_files:
            problems.append("push has no Lead assignment rule")
        if not queues:
            problems.append("push has no queues")
    if ld.pool is not None:
        rules = tier_rules(ctx, "Lead").get("Lead", [])
        evidence += [f"pool sharing {r}" for r in rules]
        if not rules:
            problems.append(f"pool {pool_queue} has no sharing rules: partners cannot see its leads")
    if problems:
        return failed("; ".join(problems), evidence)
    parts = ([f"{len(queues)} push queue(s)"] if ld.push is not None else []) + \
        ([f"pool {pool_queue} shared with {len(tier_rules(ctx, 'Lead').get('Lead', []))} tier group(s)"]
         if ld.pool is not None else [])
    return passed(", ".join(parts), evidence)


#: the objects behind each MDF model (standard ones exist only with PRM enabled)


def _queue_members(component) -> set[str]:
    return set(((component.body.get("queueMembers") or {}).get("publicGroups") or {}).get("publicGroup") or [])


@item("C20", "lead-routing-scope", "Leads reach only partners of their tier and territory; registrations never",
      fix="give territory queues territory x tier members (the default), state `push.untiered`, and keep "
          "registrations out of routing",
      needs={"lead_distribution"})
def lead_routing_scope(ctx: CheckContext) -> Outcome:
    """Each pushed lead reaches only the partners of its tier serving its territory: assignment
    entries respect the lead's tier, untiered and unmatched leads go where the specs say, queue
    members are the territory's partners (not a whole tier), and deal registrations are never
    routed by the assignment rule."""
    ld = ctx.spec.lead_distribution
    if ld is None:
        return absent(ctx, "lead_distribution", ("lead_distribution",), "lead distribution")
    if ld.push is None:
        return passed("pull only: no assignment rule routes leads")
    blocked = needs_generated(ctx)
    if blocked:
        return blocked
    from prm_builder.generate import lead_routing as lr  # the plan the generator used

    routing = lr.plan(ctx.spec)
    assert routing is not None
    queues = {c.full_name: c for c in ctx.components if c.type == "Queue"}
    tier_groups = {t.group_name: t for t in ctx.spec.tiers}
    problems, evidence = [], []
    for q in routing.queues:
        wide = sorted(_queue_members(queues[q.name]) & set(tier_groups)) if q.name in queues else []
        if q.territory is not None and wide:
            problems.append(f"queue {q.name} ({q.territory.name}) has the whole tier group {', '.join(wide)} as "
                            "member: every partner of the tier sees its leads")
        evidence.append(f"queue {q.name}: members {', '.join(sorted(_queue_members(queues[q.name]))) or '-'}"
                        if q.name in queues else f"queue {q.name}: in the org")
    untiered = ld.push.untiered or "not stated: the catch-all"
    evidence.append(f"untiered leads: {untiered}; unmatched leads: {routing.catch_all_queue}")
    marker = lr.registration_marker(ctx.spec)
    if marker is not None:
        evidence.append(f"registrations excluded on all {len(routing.entries)} entries ({marker[0]} blank)")
    emailed = [c.full_name for c in queues.values() if c.body.get("doesSendEmailToMembers")]
    evidence.append(f"queue members emailed: {', '.join(sorted(emailed)) or 'none'}")
    if problems:
        return failed("; ".join(problems), evidence)
    if ld.push.untiered is None and ld.push.entries is None:
        return warned("the specs do not say where leads without a distribution tier go (`push.untiered`)", evidence)
    return passed(f"{len(routing.queues)} push queue(s) scoped to tier and territory", evidence)


@item("C21", "lead-acceptance-sla", "Pushed leads nobody accepts move on within an SLA",
      fix="add `lead_distribution.sla` (accept_within_hours, on_expiry, notify_group)",
      needs={"lead_distribution"})
def lead_acceptance_sla(ctx: CheckContext) -> Outcome:
    """A pushed lead nobody accepts does not wait in a queue forever: after the agreed hours it
    moves to the next tier's queue or the pool, and channel managers hear about it."""
    ld = ctx.spec.lead_distribution
    if ld is None:
        return absent(ctx, "lead_distribution", ("lead_distribution",), "lead distribution")
    if ld.push is None:
        return passed("pull only: pool leads are claimed, not accepted")
    if ld.sla is None:
        return warned("pushed leads have no acceptance SLA: a lead nobody accepts stays in its queue")
    blocked = needs_generated(ctx)
    if blocked:
        return blocked
    routes = sorted(c.full_name.split(".", 1)[1] + " -> " + str(c.body["values"][0]["value"])
                    for c in ctx.components if c.type == "CustomMetadata" and c.full_name.startswith("PRM_Lead_Route."))
    evidence = [f"route {r}" for r in routes]
    detail = f"{len(routes)} queue(s) move leads on after {ld.sla.accept_within_hours} h"
    if not ld.sla.notify_group:
        return warned(detail + "; nobody is notified (`notify_group`)", evidence)
    return passed(detail + f"; {ld.sla.notify_group} notified", evidence)
