"""Lead distribution: the ordered assignment-rule criteria (push), the pool sharing
model (pull), the partner queues, and a routing diagram.

Read from the generated Lead AssignmentRules, Queue and SharingRules components, so the
page shows exactly what is deployed: entry order is the order the org evaluates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prm_builder.docs.content import Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, join
from prm_builder.docs.sections.common import as_list, criteria_text
from prm_builder.generate.component import Component

if TYPE_CHECKING:
    from prm_builder.docs.routing import Region, Sla

ID = "lead-distribution"
TITLE = "Lead distribution"


def lead_queues(ctx: DocContext) -> list[Component]:
    return [q for q in ctx.of_type("Queue")
            if any(s.get("sobjectType") == "Lead" for s in as_list(q.body.get("queueSobject")))]


def members_text(body: dict[str, Any]) -> str:
    members = body.get("queueMembers") or {}
    parts = [f"group {g}" for g in as_list((members.get("publicGroups") or {}).get("publicGroup"))]
    parts += [f"role {r}" for r in as_list((members.get("roles") or {}).get("role"))]
    parts += [f"user {u}" for u in as_list((members.get("users") or {}).get("user"))]
    return join(parts)


def build(ctx: DocContext) -> Section | None:
    rules = [c for c in ctx.of_type("AssignmentRules") if c.full_name == "Lead"]
    queues = lead_queues(ctx)
    sharing = [c for c in ctx.of_type("SharingRules") if c.full_name == "Lead"]
    pool = [r for c in sharing for r in as_list(c.body.get("sharingCriteriaRules"))]
    if not (rules or pool):
        return None  # Lead queues alone (e.g. approval queues) are not lead distribution
    section = Section(ID, TITLE, "How inbound leads reach partners: pushed by the assignment rule, or claimed from the pool.")
    for component in rules:
        for rule in as_list(component.body.get("assignmentRule")):
            _push(ctx, section, component, rule)
    _sla(ctx, section)
    if pool:
        section.add(Heading("Pull: the lead pool sharing model", "lead-distribution-pull"))
        section.add(Para("Pool leads are owned by a queue; criteria-based sharing rules let each tier's public "
                         "group see (and claim) the pool leads meant for it."))
        section.add(Table(("sharing rule", "shared with", "leads matching", "access"), tuple(
            (str(r.get("label") or r.get("fullName")), _shared_to(r), criteria_text(r), str(r.get("accessLevel", "")))
            for r in pool)))
    if queues:
        section.add(Heading("Lead queues", "lead-distribution-queues"))
        section.add(Table(("queue", "API name", "members", "purpose", "spec"), tuple(
            (str(q.body.get("name", "")) or q.full_name, q.full_name, members_text(q.body), q.purpose, ctx.where(q.source))
            for q in queues)))
    return section


def sla_routes(ctx: DocContext) -> list[tuple[str, str, str, str]]:
    """(queue, label, next queue, pool minimum tier) per push queue, from the generated
    PRM_Lead_Route custom metadata records the SLA flow reads."""
    rows = []
    for c in ctx.of_type("CustomMetadata"):
        if not c.full_name.startswith("PRM_Lead_Route."):
            continue
        values = {str(v.get("field")): v.get("value") for v in as_list(c.body.get("values"))}
        minimum = values.get("Pool_Minimum_Tier__c")
        rows.append((c.full_name.split(".", 1)[1], str(c.body.get("label", "")), str(values.get("Next_Queue__c") or "—"),
                     minimum if isinstance(minimum, str) and minimum else "—"))
    return sorted(rows)


def _sla(ctx: DocContext, section: Section) -> None:
    ld = ctx.spec.lead_distribution
    sla = ld.sla if ld is not None else None
    if sla is None:
        return
    hours = sla.accept_within_hours
    then = ("moves to the next lower tier's queue in its territory (from the lowest tier's queue: the pool)"
            if sla.on_expiry == "next_queue" else "goes back to the pool")
    section.add(Heading("Acceptance SLA", "lead-distribution-sla"))
    section.add(Para(f"A partner in the queue accepts a pushed lead by taking ownership of it. A lead still owned by "
                     f"its push queue {hours} hours after it arrived {then}"
                     + (f"; the public group {sla.notify_group} is notified of each one." if sla.notify_group else
                        "; nobody is notified (no notify_group in the spec).")
                     + f" Spec: {ctx.where(sla.ref())}."))
    flows = [c for c in ctx.of_type("Flow") if "SLA" in c.full_name]
    rows: list[tuple[str, ...]] = [("Accept within", f"{hours} hours"),
                                   ("When it lapses", f"{sla.on_expiry}: {then}"),
                                   ("Notified", f"group {sla.notify_group}" if sla.notify_group else "—")]
    rows += [(f"Flow {c.full_name}", c.purpose) for c in flows]
    section.add(Table(("", ""), tuple(rows), row_headers=True))
    routes = sla_routes(ctx)
    if routes:
        section.add(Table(("queue", "API name", "after the SLA, moves to", "pool minimum tier"), tuple(
            (label, name, ctx.naming.queue(after, with_api_name=False), minimum)
            for name, label, after, minimum in routes),
                          caption="Where a lead nobody accepted goes, per push queue (custom metadata PRM_Lead_Route)"))


def _shared_to(rule: dict[str, Any]) -> str:
    return join(f"{kind} {name}" for kind, names in sorted((rule.get("sharedTo") or {}).items())
                for name in as_list(names))


def _push(ctx: DocContext, section: Section, component: Component, rule: dict[str, Any]) -> None:
    name = str(rule.get("fullName", "rule"))
    entries = [e for e in as_list(rule.get("ruleEntry")) if isinstance(e, dict)]
    section.add(Heading(f"Push: assignment rule {name}", f"lead-distribution-push-{name.lower().replace('_', '-')}"))
    state = "active: it replaces the org's active Lead assignment rule" if rule.get("active") else "inactive"
    section.add(Para(f"{len(entries)} entries, evaluated in this order; the first match assigns the lead. "
                     f"The rule is {state}." + (f" Spec: {ctx.where(component.source)}." if component.source else "")))
    section.add(Table(("order", "assigned to", "criteria"), tuple(
        (str(n), f"{e.get('assignedToType', 'Queue')} "
                 f"{ctx.naming.queue(str(e.get('assignedTo', '')), with_api_name=False)}".strip(), criteria_text(e))
        for n, e in enumerate(entries, 1)), caption=f"Entries of {name}"))
    from prm_builder.docs.routing import routing_diagrams  # here: docs.routing reads sections.common

    split, sla = regions(ctx), routing_sla(ctx)
    diagrams = routing_diagrams(name, entries, split, sla)
    if split:
        by = "territory" if ctx.spec.lead_distribution and ctx.spec.lead_distribution.territories else "tier"
        section.add(Para(f"Routing, one diagram per {by} (and one for leads in none): the entries a lead of that "
                         f"{by} can meet, in evaluation order, each queue once"
                         + (f"; dotted arrows between queues show where the acceptance SLA moves a lead nobody "
                            f"accepted within {sla.hours} hours." if sla else ".")))
    for diagram in diagrams:
        section.add(diagram)


def regions(ctx: DocContext) -> list[Region]:
    """What the routing diagrams are split by: the territories, else the distribution tiers."""
    from prm_builder.docs.routing import Region

    ld = ctx.spec.lead_distribution
    if ld is None:
        return []
    if ld.territories:
        return [Region(t.developer_name, t.name, t.field, tuple(t.values)) for t in ld.territories]
    tiers = [t for t in ctx.tiers_high_first() if t.features.lead_distribution]
    return [Region(t.developer_name, f"tier {t.name}", ld.tier_field.api_name, (t.developer_name,)) for t in tiers]


def routing_sla(ctx: DocContext) -> Sla | None:
    from prm_builder.docs.routing import Sla

    ld = ctx.spec.lead_distribution
    if ld is None or ld.sla is None:
        return None
    return Sla(ld.sla.accept_within_hours, {q: nxt for q, _, nxt, _ in sla_routes(ctx) if nxt != "—"})
