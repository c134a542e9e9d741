"""Lead distribution -> Lead fields, queues, the Lead assignment rule, list views and the
pool's sharing rules (the pool automation is in lead_flows.py, the SLA in lead_sla.py)."""

from __future__ import annotations

from typing import Iterator

from prm_builder.generate import fields as f
from prm_builder.generate import lead_flows, lead_sla
from prm_builder.generate.component import Component
from prm_builder.generate.lead_routing import RoutingPlan, plan
from prm_builder.generate.sharing import criteria_rule, tier_sees
from prm_builder.model.lead_distribution import LeadField
from prm_builder.model.root import ProgramSpec

#: Standard Lead list-view columns. List views name standard columns by tokens, not API
#: names, and no list of them is published: these are copied from the standard "All Open
#: Leads" view as orgs retrieve it. Custom fields use their API names.
BASE_COLUMNS = ["FULL_NAME", "LEAD.COMPANY", "LEAD.EMAIL", "LEAD.STATUS"]


def generate(spec: ProgramSpec) -> Iterator[Component]:
    routing = plan(spec)
    if routing is None:
        return
    yield from _fields(spec, routing)
    yield from _territory_groups(spec, routing)
    yield from _queues(routing)
    yield from _assignment_rules(routing)
    yield from _list_views(routing)
    yield from _pool_sharing(spec, routing)
    yield from lead_flows.generate(spec, routing)


def _field(field: LeadField, body: dict, purpose: str, references: tuple[str, ...] = ()) -> Component:
    return f.field_component("Lead", field.api_name, field.label, body, purpose=purpose, source=field.ref(),
                             description=field.description, references=references)


def _fields(spec: ProgramSpec, routing: RoutingPlan) -> Iterator[Component]:
    model = routing.model
    value_set = spec.partner_account.tier_value_set
    if model.push is not None and model.tier_field.generate:
        # On the tier global value set, so Lead and Account tiers can never drift apart.
        yield _field(model.tier_field, f.global_picklist(value_set),
                     "The tier a lead is distributed to; assignment-rule entries filter on it.",
                     (f"GlobalValueSet:{value_set}",))
    product = model.product_interest
    if product is not None and product.field.generate:
        yield _field(product.field, f.picklist(product.values),
                     "Product line of the lead; routes it to partners selling that product.")
    pool = model.pool
    if pool is not None:
        if pool.minimum_tier_field.generate:
            yield _field(pool.minimum_tier_field, f.global_picklist(value_set),
                         "Marks a pool lead and the lowest tier that may see and claim it (sharing criteria).",
                         (f"GlobalValueSet:{value_set}",))
        if pool.claim_field.generate:
            yield _field(pool.claim_field, {"type": "Checkbox", "defaultValue": "false"},
                         "A partner ticks it to claim a pool lead; a flow makes them the owner.")
    if pool is not None or model.push is not None:
        yield lead_sla.error_field((model.sla or pool or model.push).ref())  # type: ignore[union-attr]


TERRITORIES_FIELD = "Partner_Territories__c"


def _territory_groups(spec: ProgramSpec, routing: RoutingPlan) -> Iterator[Component]:
    """Territory x tier groups (queue members) and the Account field that says which territories
    a partner serves. Membership is data, like the tier groups: a partner account's partner
    roles belong to PRM_Tier_<tier>_<territory> for its tier and every territory in
    Partner_Territories__c (the partner operations roster keeps it in step)."""
    if not routing.territory_groups:
        return
    territories = {t.developer_name: t for _, t in routing.territory_groups.values()}
    values = [t for t in routing.model.territories if t.developer_name in territories]
    body = f.picklist([t.developer_name for t in values])
    body["type"] = "MultiselectPicklist"
    body["visibleLines"] = min(max(len(values), 3), 10)
    for value, territory in zip(body["valueSet"]["valueSetDefinition"]["value"], values):
        value["label"] = territory.name
    yield f.field_component("Account", TERRITORIES_FIELD, "Partner Territories", body,
                            purpose="Territories a partner account serves: its partner users join the territory "
                                    "x tier groups that are the members of those territories' lead queues.",
                            source=routing.model.key_ref("territories"),
                            description="Lead distribution territories this partner serves; decides which "
                                        "territory queues its partner users work. Maintained by channel operations.")
    for name, (tier, territory) in sorted(routing.territory_groups.items()):
        yield Component(
            "Group", name,
            {"name": f"PRM {tier.name} {territory.name}"[:40], "doesIncludeBosses": False,
             "description": f"Partner users of {tier.name} tier accounts serving {territory.name} "
                            f"({TERRITORIES_FIELD} includes {territory.developer_name}). Members of the "
                            f"{tier.name} {territory.name} lead queues; membership is data. Generated by prm."},
            purpose=f"The {tier.name} partners serving {territory.name}: the only partners who see its lead queues.",
            source=territory.ref())


def _queues(routing: RoutingPlan) -> Iterator[Component]:
    email_members = bool(routing.model.push and routing.model.push.email_members)
    for q in routing.queues:
        yield _queue(q.name, q.label, q.groups, q.roles, q.users, q.email, q.source,
                     f"Pushed leads for {q.label}; its members accept them.",
                     f"Leads for {q.tier.name if q.tier else 'partners'}"
                     + (f" in {q.territory.name}" if q.territory else "") + ". Generated by prm.", email_members)
    pool = routing.model.pool
    if pool is not None:
        yield _queue(pool.queue, pool.label, tuple(pool.members.groups), tuple(pool.members.roles),
                     tuple(pool.members.users), None, pool.ref(),
                     "The shared lead pool; eligible tiers see its leads through sharing rules and claim them.",
                     "Partner lead pool. Partners see leads through tier sharing rules. Generated by prm.", False)


def _queue(name: str, label: str, groups: tuple[str, ...], roles: tuple[str, ...], users: tuple[str, ...],
           email: str | None, source, purpose: str, description: str, email_members: bool) -> Component:
    members = {"publicGroups": {"publicGroup": sorted(groups)} if groups else None,
               "roles": {"role": sorted(roles)} if roles else None,
               "users": {"user": sorted(users)} if users else None}
    body = {"fullName": name, "name": label, "description": description,
            # Emailing every member about every lead is opt-in (push.email_members): a queue
            # emails members on assignment unless doesSendEmailToMembers is false (PLATFORM-NOTES).
            "doesSendEmailToMembers": email_members, "email": email,
            "queueMembers": members if any(members.values()) else None,
            "queueSobject": [{"sobjectType": "Lead"}]}
    refs = [f"Group:{g}" for g in groups] + [f"Role:{r}" for r in roles] + [f"User:{u}" for u in users]
    return Component("Queue", name, body, purpose=purpose, source=source, references=tuple(sorted(set(refs))))


def _assignment_rules(routing: RoutingPlan) -> Iterator[Component]:
    model = routing.model
    if model.push is None:
        return
    rule = model.assignment_rule
    entries = []
    refs: set[str] = set()
    # A field reference points at where the spec names the field, not at an entry using it.
    sources = {f"CustomField:Lead.{model.tier_field.api_name}": model.tier_field.ref("api_name")}
    if model.product_interest is not None:
        sources[f"CustomField:Lead.{model.product_interest.field.api_name}"] = \
            model.product_interest.field.ref("api_name")
    for territory in model.territories:
        sources.setdefault(f"CustomField:Lead.{territory.field}",
                           territory.ref("field") if territory.has_key("field") else territory.ref())
    for e in routing.entries:
        items = [{"field": f"Lead.{fld}", "operation": op, "value": value} for fld, op, value in e.criteria_items()]
        entries.append({"assignedTo": e.queue, "assignedToType": "Queue", "criteriaItems": items,
                        "formula": e.formula, "template": rule.email_template})
        refs.add(f"Queue:{e.queue}")
        sources.setdefault(f"Queue:{e.queue}", e.source)
        for fld, _, _ in e.criteria_items():
            refs.add(f"CustomField:Lead.{fld}")
            sources.setdefault(f"CustomField:Lead.{fld}", e.source)
    if rule.email_template:
        refs.add(f"EmailTemplate:{rule.email_template}")
        sources[f"EmailTemplate:{rule.email_template}"] = rule.ref("email_template")
    replaced = f"'{rule.replaces}'" if rule.replaces else "the rule that is active now"
    notes = [f"Lead assignment rule '{rule.name}' has {len(entries)} entries, evaluated in order; the last "
             "is the catch-all.",
             "It fires only for leads created with assignment rules on (web-to-lead, the API's "
             "AssignmentRuleHeader, or 'Assign using active assignment rule' in the UI)."]
    if rule.active:
        notes.append(f"An org has ONE active Lead assignment rule: deploying '{rule.name}' active "
                     f"deactivates {replaced}.")
    # One file per object holding the whole ordered entry set: a partial file would reorder
    # or drop entries in the org.
    yield Component("AssignmentRules", "Lead",
                    {"assignmentRule": [{"fullName": rule.name, "active": rule.active, "ruleEntry": entries}]},
                    purpose="Pushes inbound leads to partner queues by tier, territory and product, most "
                            "specific entry first.",
                    source=model.push.ref(), references=tuple(sorted(refs)), reference_sources=sources,
                    notes=tuple(notes))


def _columns(routing: RoutingPlan) -> list[str]:
    model = routing.model
    columns = list(BASE_COLUMNS)
    if model.product_interest is not None:
        columns.append(model.product_interest.field.api_name)
    return columns


def _list_view(name: str, queue: str | None, label: str, columns: list[str], groups: list[str], roles: list[str],
               source, purpose: str, filters: list[dict] | None = None) -> Component:
    body = {"fullName": name, "columns": columns, "filterScope": "Queue" if queue else "Everything",
            "filters": filters, "label": label, "queue": queue,
            "sharedTo": {"group": sorted(groups) or None, "role": sorted(roles) or None}}
    refs = ({f"Queue:{queue}"} if queue else set()) | {f"Group:{g}" for g in groups} | {f"Role:{r}" for r in roles}
    refs |= {f"CustomField:Lead.{c}" for c in columns if c.endswith("__c")}
    return Component("ListView", f"Lead.{name}", body, purpose=purpose, source=source,
                     references=tuple(sorted(refs)))


def _list_views(routing: RoutingPlan) -> Iterator[Component]:
    columns = _columns(routing)
    for q in routing.queues:
        yield _list_view(q.name, q.name, q.label, columns, list(q.groups), list(q.roles), q.source,
                         f"What the members of {q.label} work from.")
    pool = routing.model.pool
    if pool is not None:
        # Not a queue-scoped view: "Only queue members and users above them in the role hierarchy
        # have access to that queue list view" (Salesforce Help, Create Queues), and partners see
        # pool leads through sharing, not membership. Every lead with a pool mark, then: each
        # partner sees exactly the pool leads the tier sharing rules share with them.
        groups = [t.group_name for t in routing.pool_tiers] + list(pool.members.groups)
        mark = pool.minimum_tier_field.api_name
        yield _list_view(pool.queue, None, pool.label, columns + [mark], groups, list(pool.members.roles),
                         pool.ref(),
                         "The pool as eligible partners see it: each sees only the leads its tier may claim.",
                         filters=[{"field": mark, "operation": "notEqual", "value": None}])


def _pool_sharing(spec: ProgramSpec, routing: RoutingPlan) -> Iterator[Component]:
    pool = routing.model.pool
    if pool is None:
        return
    for tier in routing.pool_tiers:
        # A tier claims leads whose minimum tier it "sees": its own, and with the program's
        # sharing.tier_inheritance (the default) every lower pool tier's too.
        allowed = [t.developer_name for t in routing.pool_tiers if tier_sees(spec, tier, [t.developer_name])]
        yield criteria_rule(
            "Lead", f"PRM_Pool_{tier.developer_name}", label=f"Lead Pool {tier.name}"[:80],
            group=tier.group_name, criteria=[(pool.minimum_tier_field.api_name, "equals", ",".join(allowed))],
            source=pool.ref(), access_level="Edit",
            description=f"Pool leads {tier.name} partners may see and claim (minimum tier {', '.join(allowed)}).",
            purpose=f"Lets {tier.name} partners see and claim pool leads open to their tier.")
