"""Rules over the `lead_distribution` section (codes PRM-V150..V199).

They read the same routing plan the generator emits (generate/lead_routing.py), so the
entries checked for limits and reachability are exactly the entries deployed.
"""

from __future__ import annotations

from typing import Iterator

from prm_builder.errors import Diagnostic
from prm_builder.generate import lead_flows
from prm_builder.generate import lead_routing as lr
from prm_builder.model.lead_distribution import LeadDistribution, LeadField
from prm_builder.validate.field_checks import field_spec_problems
from prm_builder.validate.names import api_name_problem
from prm_builder.validate.registry import ValidationContext, error, rule, warning

NEEDS = {"lead_distribution", "tiers"}
PICKLIST_VALUE_MAX = 255
PICKLIST_VALUES_MAX = 1000


def _model(ctx: ValidationContext) -> LeadDistribution | None:
    return ctx.spec.lead_distribution


@rule("PRM-V150", "lead-distribution-model", needs=NEEDS)
def distribution_model(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A lead_distribution section with neither `push` nor `pool` distributes nothing.
    Add a push model (queues + assignment rule), a pool, or both."""
    model = _model(ctx)
    if model is not None and model.push is None and model.pool is None:
        yield error("PRM-V150", "lead_distribution has neither `push` nor `pool`: no lead reaches a partner",
                    ctx.spec.key_ref_at("lead_distribution"), "add `push:` (queues per tier and territory), "
                    "`pool:` (a shared pool eligible tiers claim from), or both")


@rule("PRM-V151", "territory-names", needs=NEEDS)
def territory_names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Territory developer names become part of queue and list-view names: Salesforce naming
    rules apply, and two territories may not share a name. A territory's field is a Lead
    field name ('Country', not 'Lead.Country')."""
    model = _model(ctx)
    if model is None:
        return
    seen: dict[str, object] = {}
    for t in model.territories:
        if "." in t.field:
            yield error("PRM-V151", f"territory field '{t.field}' must be a Lead field name, without an object",
                        t.ref("field"), f"write `field: {t.field.rsplit('.', 1)[-1]}`")
        problem = api_name_problem(t.developer_name, max_length=20)
        if problem:
            yield error("PRM-V151", f"territory API name '{t.developer_name}' {problem}",
                        t.ref("api_name" if t.has_key("api_name") else "name"),
                        "set a short `api_name:` (letters, digits, underscores; at most 20 characters)")
        for key in {t.name.lower(), t.developer_name.lower()}:
            if key in seen and seen[key] is not t:
                yield error("PRM-V151", f"territory '{t.name}' repeats the name of another territory",
                            t.ref("name"), "give every territory its own name and api_name",
                            related=[seen[key].ref("name")])  # type: ignore[attr-defined]
                break
            seen[key] = t


@rule("PRM-V152", "territory-overlap", needs=NEEDS)
def territory_overlap(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A value listed in two territories on the same field routes its leads to whichever
    territory's entries come first: the second listing never takes effect, so it is an error."""
    model = _model(ctx)
    if model is None:
        return
    owner: dict[tuple[str, str], object] = {}
    for t in model.territories:
        for i, value in enumerate(t.values):
            key = (t.field, value.lower())
            if key in owner and owner[key] is not t:
                first = owner[key]
                yield error("PRM-V152", f"'{value}' is in territories '{first.name}' and '{t.name}'; this "  # type: ignore[attr-defined]
                            "second listing never takes effect", t.ref("values", i),
                            "list each value in one territory only", related=[first.ref()])  # type: ignore[attr-defined]
            owner.setdefault(key, t)


@rule("PRM-V153", "lead-tier-known", needs=NEEDS)
def tier_known(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Queues, entries and the pool name tiers by name or api_name; an unknown one is a typo."""
    model = _model(ctx)
    routing = lr.plan(ctx.spec)
    if model is None or routing is None:
        return
    names = ", ".join(t.name for t in ctx.spec.tiers_by_rank())
    for kind, message, where in routing.problems:
        if kind == "tier":
            yield error("PRM-V153", message, where, f"use one of the tiers: {names}")
    if model.pool is not None:
        for i, name in enumerate(model.pool.tiers or []):
            if ctx.spec.tier(name) is None:
                yield error("PRM-V153", f"pool tier '{name}' is not a tier", model.pool.ref("tiers", i),
                            f"use one of the tiers: {names}")
        wanted = model.pool.default_minimum_tier
        if wanted and ctx.spec.tier(wanted) is None:
            yield error("PRM-V153", f"default_minimum_tier '{wanted}' is not a tier",
                        model.pool.ref("default_minimum_tier"), f"use one of the tiers: {names}")


@rule("PRM-V154", "lead-tier-eligible", needs=NEEDS)
def tier_eligible(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Tiers receive pushed leads only with `features.lead_distribution` and see the pool only
    with `features.lead_pool`. Naming another tier in a queue, an entry or the pool grants
    what the tier does not include: switch the feature on, or route to an eligible tier."""
    model = _model(ctx)
    if model is None:
        return
    spec = ctx.spec
    if model.push is not None:
        refs = [(q.tier, q.ref("tier"), "a queue") for q in model.push.queues or []]
        refs += [(e.tier, e.ref("tier"), "an entry") for e in model.push.entries or [] if e.tier]
        for name, where, what in refs:
            tier = spec.tier(name)
            if tier is not None and not tier.features.lead_distribution:
                yield error("PRM-V154", f"tier '{tier.name}' receives pushed leads in {what}, but its "
                            "`features.lead_distribution` is off", where,
                            f"switch on lead_distribution for {tier.name}, or route to an eligible tier")
    if model.pool is not None:
        for i, name in enumerate(model.pool.tiers or []):
            tier = spec.tier(name)
            if tier is not None and not tier.features.lead_pool:
                yield error("PRM-V154", f"tier '{tier.name}' is a pool tier, but its `features.lead_pool` is off",
                            model.pool.ref("tiers", i), f"switch on lead_pool for {tier.name}, or remove it here")
        wanted = model.pool.default_minimum_tier
        tier = spec.tier(wanted) if wanted else None
        routing = lr.plan(spec)
        if tier is not None and routing is not None and tier not in routing.pool_tiers:
            yield error("PRM-V154", f"default_minimum_tier '{wanted}' is not one of the pool tiers",
                        model.pool.ref("default_minimum_tier"), "choose a tier that may use the pool")


@rule("PRM-V155", "lead-territory-known", needs=NEEDS)
def territory_known(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Queues and entries name territories declared under lead_distribution.territories."""
    model = _model(ctx)
    routing = lr.plan(ctx.spec)
    if model is None or routing is None:
        return
    names = ", ".join(t.name for t in model.territories) or "(none declared)"
    for kind, message, where in routing.problems:
        if kind == "territory":
            yield error("PRM-V155", message, where, f"use one of the territories: {names}")


@rule("PRM-V156", "product-interest-values", needs=NEEDS)
def product_values(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Queues and entries route by product interest values; each must be a value of the
    product interest picklist (declared under product_interest.values), or it never matches."""
    model = _model(ctx)
    if model is None:
        return
    product = model.product_interest
    if product is not None and product.field.generate and not product.values:
        yield error("PRM-V156", "product_interest generates a picklist without values",
                    model.key_ref("product_interest"), "list the product lines under `values:`")
    if model.push is None:
        return
    known = {v.lower() for v in product.values} if product else set()
    users = [(q, "a queue") for q in model.push.queues or []] + [(e, "an entry") for e in model.push.entries or []]
    for node, what in users:
        for i, value in enumerate(node.products):
            if product is None:
                yield error("PRM-V156", f"{what} routes by product '{value}' but product_interest is not "
                            "declared", node.ref("products", i), "add a `product_interest:` section with its values")
            elif known and value.lower() not in known:
                yield error("PRM-V156", f"product '{value}' is not a product_interest value", node.ref("products", i),
                            f"use one of: {', '.join(product.values)}")


@rule("PRM-V157", "territory-without-queue", needs=NEEDS)
def territory_without_queue(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """With push distribution, a territory no queue serves sends all its leads to the
    catch-all: usually a forgotten queue. Add a queue for it or remove the territory."""
    model = _model(ctx)
    routing = lr.plan(ctx.spec)
    if model is None or routing is None or model.push is None:
        return
    served = {q.territory.developer_name for q in routing.queues if q.territory is not None}
    served |= {t.developer_name for e in model.push.entries or [] if e.territory
               for t in [lr.find_territory(model, e.territory)] if t}
    if any(q.territory is None for q in routing.queues):
        return  # a queue for every territory serves them all
    for t in model.territories:
        if t.developer_name not in served:
            yield error("PRM-V157", f"no push queue serves territory '{t.name}'", t.ref("name"),
                        f"add a queue with `territory: {t.name}`, or remove the territory")


@rule("PRM-V158", "entry-criteria-or-formula", needs=NEEDS)
def criteria_or_formula(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """An assignment-rule entry uses criteria or a formula, never both: the platform rejects
    an entry with both. Express the whole condition in one of them."""
    model = _model(ctx)
    if model is None or model.push is None:
        return
    for e in model.push.entries or []:
        if e.formula is not None and (e.criteria or e.territory or e.tier or e.products):
            yield error("PRM-V158", "an entry has both a formula and criteria (territory, tier, products or "
                        "criteria)", e.ref("formula"), "move the criteria into the formula, or drop the formula")


@rule("PRM-V159", "assignment-entry-limit", needs=NEEDS)
def entry_limit(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A Lead assignment rule holds at most 3,000 entries, of which at most 300 may use a
    formula. Merge territories or use fewer product-specific queues."""
    routing = lr.plan(ctx.spec)
    if routing is None or routing.model.push is None:
        return
    where = routing.model.key_ref("push")
    if len(routing.entries) > lr.ENTRIES_MAX:
        yield error("PRM-V159", f"the assignment rule would have {len(routing.entries)} entries; the platform "
                    f"allows {lr.ENTRIES_MAX}", where, "merge territories or queues into fewer entries")
    formulas = [e for e in routing.entries if e.formula is not None]
    if len(formulas) > lr.FORMULA_ENTRIES_MAX:
        yield error("PRM-V159", f"{len(formulas)} formula entries; the platform allows {lr.FORMULA_ENTRIES_MAX}",
                    formulas[lr.FORMULA_ENTRIES_MAX].source, "use criteria instead of formulas where possible")


@rule("PRM-V160", "assignment-criteria-limit", needs=NEEDS)
def criteria_limit(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """An assignment-rule entry has at most 25 filter criteria (territory, tier and product
    count as one each). Split the entry, or move the condition into a formula."""
    routing = lr.plan(ctx.spec)
    if routing is None:
        return
    for e in routing.entries:
        count = len(e.criteria_items())
        if count > lr.CRITERIA_MAX:
            yield error("PRM-V160", f"{e.description} has {count} criteria; the platform allows "
                        f"{lr.CRITERIA_MAX} per entry", e.source, "split the entry or use a formula")


@rule("PRM-V161", "unreachable-entry", needs=NEEDS)
def unreachable_entry(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Entries are tried in order and the first match wins: an entry after a broader one
    (one that catches every lead it would) never fires. Put specific entries first."""
    routing = lr.plan(ctx.spec)
    if routing is None:
        return
    for later, earlier in lr.unreachable(routing.entries):
        yield warning("PRM-V161", f"{later.description} (to {later.queue}) is unreachable: {earlier.description} "
                      f"(to {earlier.queue}) comes first and catches every lead it would",
                      later.source, "move the more specific entry above the broader one, or remove it",
                      related=[earlier.source])


@rule("PRM-V162", "catch-all-entry", needs=NEEDS)
def catch_all(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The assignment rule ends with a catch-all entry so no lead stays with whoever created
    it. Without a pool, push needs a `fallback_queue`."""
    model = _model(ctx)
    if model is not None and model.push is not None and model.pool is None and not model.push.fallback_queue:
        yield error("PRM-V162", "push distribution has no catch-all queue", model.key_ref("push"),
                    "set `fallback_queue:` (e.g. a channel operations queue listed under org.queues), or add a pool")


@rule("PRM-V163", "queue-named-users", needs=NEEDS)
def named_users(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Named users as queue members break across orgs (sandboxes, scratch orgs): usernames
    differ. Use public groups (tier groups) or roles."""
    model = _model(ctx)
    if model is None:
        return
    queues = (model.push.queues or []) if model.push else []
    nodes = [q.members for q in queues if q.members]
    if model.pool is not None:
        nodes.append(model.pool.members)
    for members in nodes:
        for i, user in enumerate(members.users):
            yield warning("PRM-V163", f"queue member '{user}' is a named user", members.ref("users", i),
                          "use a public group or role instead")


@rule("PRM-V164", "queue-names", needs=NEEDS)
def queue_names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Queue developer names follow Salesforce naming rules (at most 40 characters, so the
    queue's list view can share the name), labels are at most 40 characters, and no two
    queues share a name."""
    routing = lr.plan(ctx.spec)
    if routing is None:
        return
    model = routing.model
    items = [(q.name, q.label, q.source, q.explicit) for q in routing.queues]
    if model.pool is not None:
        items.append((model.pool.queue, model.pool.label, model.pool.ref("queue"), None))
    seen: dict[str, object] = {}
    for name, label, where, node in items:
        problem = api_name_problem(name, max_length=lr.QUEUE_NAME_MAX)
        if problem:
            at = node.ref("api_name") if node is not None and node.has_key("api_name") else where
            yield error("PRM-V164", f"queue name '{name}' {problem}", at,
                        "set a shorter `api_name:` on the queue, or shorter tier / territory api_names")
        if len(label) > lr.QUEUE_LABEL_MAX:
            at = node.ref("label") if node is not None and node.has_key("label") else where
            yield error("PRM-V164", f"queue label '{label}' is {len(label)} characters; the limit is {lr.QUEUE_LABEL_MAX}",
                        at, "set a shorter `label:`")
        if name.lower() in seen:
            yield error("PRM-V164", f"two queues are named '{name}'", where, "give every queue its own api_name",
                        related=[seen[name.lower()]])  # type: ignore[list-item]
        seen.setdefault(name.lower(), where)


@rule("PRM-V165", "sla-target", needs=NEEDS)
def sla_target(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The acceptance SLA watches pushed leads: it needs `push`, and `on_expiry: pool` needs a pool."""
    model = _model(ctx)
    if model is None or model.sla is None:
        return
    if model.push is None:
        yield error("PRM-V165", "an acceptance SLA without push distribution watches nothing", model.key_ref("sla"),
                    "add `push:`, or remove `sla:` (pool leads are claimed, not accepted)")
    if model.sla.on_expiry == "pool" and model.pool is None:
        yield error("PRM-V165", "on_expiry is 'pool' but there is no pool", model.sla.ref("on_expiry"),
                    "add `pool:`, or use `on_expiry: next_queue`")


def _lead_fields(model: LeadDistribution) -> list[LeadField]:
    found = []
    if model.push is not None:
        found.append(model.tier_field)
    if model.product_interest is not None:
        found.append(model.product_interest.field)
    if model.pool is not None:
        found += [model.pool.minimum_tier_field, model.pool.claim_field]
    return found


@rule("PRM-V166", "lead-field-names", needs=NEEDS)
def lead_field_names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Generated Lead fields need valid custom field names (ending '__c', at most 40
    characters before it), labels of at most 40 characters, and names of their own."""
    model = _model(ctx)
    if model is None:
        return
    yield from field_spec_problems(_lead_fields(model), code="PRM-V166", what="lead distribution",
                                   example="Distribution_Tier__c", skip_existing=True)


@rule("PRM-V167", "assignment-rule-inactive", needs=NEEDS)
def rule_inactive(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """An org runs one active Lead assignment rule. Push distribution deployed inactive routes
    nothing until someone activates it (which deactivates the org's current rule)."""
    model = _model(ctx)
    if model is not None and model.push is not None and not model.assignment_rule.active:
        yield warning("PRM-V167", f"assignment rule '{model.assignment_rule.name}' is inactive: pushed leads "
                      "are not routed", model.assignment_rule.ref("active"),
                      "set `active: true` once it may replace the org's active Lead assignment rule")


@rule("PRM-V171", "assignment-rule-name", needs=NEEDS)
def rule_name(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The assignment rule's name is a developer name: Salesforce naming rules apply."""
    model = _model(ctx)
    if model is None or model.push is None:
        return
    problem = api_name_problem(model.assignment_rule.name, max_length=lr.QUEUE_NAME_MAX)
    if problem:
        yield error("PRM-V171", f"assignment rule name '{model.assignment_rule.name}' {problem}",
                    model.assignment_rule.ref("name"), "use letters, digits and single underscores, e.g. "
                    "PRM_Lead_Distribution")


@rule("PRM-V172", "entry-formula-length", needs=NEEDS)
def entry_formula_length(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """An assignment-rule entry formula holds at most 3,900 characters, like every formula;
    the platform rejects the whole rule file on deploy. Split the condition over several
    entries, or move part of it into criteria."""
    model = _model(ctx)
    if model is None or model.push is None:
        return
    for e in model.push.entries or []:
        if e.formula is not None and len(e.formula) > lead_flows.FORMULA_MAX:
            yield error("PRM-V172", f"an entry formula is {len(e.formula)} characters; the platform allows "
                        f"{lead_flows.FORMULA_MAX}", e.ref("formula"),
                        "split the condition over several entries, or express part of it as criteria")


@rule("PRM-V173", "product-interest-picklist", needs=NEEDS)
def product_picklist(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Product interest values become picklist values: at most 1,000 per picklist, 255
    characters each, and no value twice (the deploy rejects a duplicate value)."""
    model = _model(ctx)
    if model is None or model.product_interest is None:
        return
    product = model.product_interest
    if len(product.values) > PICKLIST_VALUES_MAX:
        yield error("PRM-V173", f"product_interest lists {len(product.values)} values; a picklist allows "
                    f"{PICKLIST_VALUES_MAX}", product.ref("values", PICKLIST_VALUES_MAX),
                    "group product lines into fewer values")
    seen: set[str] = set()
    for i, value in enumerate(product.values):
        if value.lower() in seen:
            yield error("PRM-V173", f"product interest value '{value}' is listed twice", product.ref("values", i),
                        "list each value once")
        seen.add(value.lower())
        if len(value) > PICKLIST_VALUE_MAX:
            yield error("PRM-V173", f"product interest value is {len(value)} characters; picklist values allow "
                        f"{PICKLIST_VALUE_MAX}", product.ref("values", i), "shorten it")


@rule("PRM-V168", "queue-members", needs=NEEDS)
def queue_members(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A push queue without members holds leads nobody sees or accepts."""
    routing = lr.plan(ctx.spec)
    if routing is None:
        return
    for q in routing.queues:
        if not (q.groups or q.roles or q.users):
            yield error("PRM-V168", f"queue '{q.name}' has no members", q.source,
                        "add `members:` with a group (e.g. the territory x tier group "
                        "PRM_Tier_<tier>_<territory>) or a role")


@rule("PRM-V169", "eligible-tiers-present", needs=NEEDS)
def eligible_tiers(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Default push queues are made for tiers with `features.lead_distribution`, the pool is
    shared with tiers with `features.lead_pool`: with no such tier, nothing is distributed."""
    routing = lr.plan(ctx.spec)
    if routing is None:
        return
    model = routing.model
    if model.push is not None and model.push.queues is None and not routing.distribution_tiers:
        yield error("PRM-V169", "push distribution makes queues for tiers with features.lead_distribution, "
                    "and no tier has it", model.key_ref("push"), "switch on lead_distribution for at least one tier")
    if model.pool is not None and model.pool.tiers is None and not routing.pool_tiers:
        yield error("PRM-V169", "the pool is shared with tiers with features.lead_pool, and no tier has it",
                    model.key_ref("pool"), "switch on lead_pool for at least one tier, or list `tiers:`")


@rule("PRM-V174", "untiered-leads-unstated", needs=NEEDS)
def untiered_unstated(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Every entry matches the lead's distribution tier, so a lead without one matches no queue
    entry: say where it goes with `push.untiered` (a tier whose queues take it, or `unmatched`
    for the catch-all). Without it untiered leads silently reach the catch-all."""
    model = _model(ctx)
    if model is None or model.push is None or model.push.untiered is not None or model.push.entries is not None:
        return
    yield warning("PRM-V174", "push does not say where leads without a distribution tier go; they reach the "
                  "catch-all", model.key_ref("push"),
                  "add `untiered: <tier>` (that tier's queue in the lead's territory) or `untiered: unmatched`")


@rule("PRM-V175", "untiered-tier", needs=NEEDS)
def untiered_tier(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """`push.untiered` names a tier that receives pushed leads (one with push queues), or
    `unmatched`. Any other value would leave untiered leads with no entry at all."""
    routing = lr.plan(ctx.spec)
    if routing is None or routing.model.push is None or routing.model.push.untiered is None:
        return
    push = routing.model.push
    value = push.untiered
    if value.lower() == lr.UNMATCHED:
        return
    tier = ctx.spec.tier(value)
    names = ", ".join(t.name for t in routing.distribution_tiers) or "(none)"
    if tier is None:
        yield error("PRM-V175", f"untiered names '{value}', which is not a tier", push.ref("untiered"),
                    f"use a tier with push queues ({names}) or `unmatched`")
    elif not any(q.tier is tier and not q.products for q in routing.queues):
        yield error("PRM-V175", f"untiered sends leads to tier '{tier.name}', which has no push queue",
                    push.ref("untiered"), f"use a tier with push queues ({names}) or `unmatched`")


@rule("PRM-V176", "entry-tier-contradicts-queue", needs=NEEDS)
def entry_tier_contradicts_queue(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A lead tagged for one tier must reach that tier's partners: an entry that sends one tier's
    leads (or untiered leads) to another tier's push queue contradicts the lead's tier. Point the
    entry at a queue of the lead's tier, or drop the entry's `tier`."""
    routing = lr.plan(ctx.spec)
    if routing is None or routing.model.push is None:
        return
    by_name = {q.name: q for q in routing.queues}
    for i, e in enumerate(routing.model.push.entries or []):
        queue = by_name.get(e.queue)
        if queue is None or queue.tier is None:
            continue
        if e.tier and (tier := ctx.spec.tier(e.tier)) is not None and tier is not queue.tier:
            yield error("PRM-V176", f"entry {i + 1} sends {tier.name} leads to {queue.name}, a {queue.tier.name} "
                        "queue", e.ref("tier"), f"route {tier.name} leads to a queue of tier {tier.name}")


@rule("PRM-V177", "entry-tier-and-untiered", needs=NEEDS)
def entry_tier_and_untiered(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """An entry with `untiered: true` matches leads without a tier: it cannot also name a
    `tier`, and a formula entry states its own conditions (put the blank-tier test in the formula)."""
    model = _model(ctx)
    if model is None or model.push is None:
        return
    for i, e in enumerate(model.push.entries or []):
        if e.untiered and (e.tier or e.formula is not None):
            other = "tier" if e.tier else "formula"
            yield error("PRM-V177", f"entry {i + 1} has `untiered: true` and a {other}", e.ref("untiered"),
                        f"drop `untiered`, or the {other}")


@rule("PRM-V178", "territory-group-name", needs=NEEDS)
def territory_group_name(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Default push-queue members are a generated group per tier x territory
    (`PRM_Tier_<tier>_<territory>`): a group developer name has at most 40 characters. Shorten
    the tier's `group` or the territory's `api_name`, or give the queue explicit `members`."""
    routing = lr.plan(ctx.spec)
    if routing is None:
        return
    for name, (tier, territory) in routing.territory_groups.items():
        problem = api_name_problem(name, max_length=lr.QUEUE_NAME_MAX)
        if problem:
            yield error("PRM-V178", f"territory group name '{name}' {problem}",
                        territory.ref("api_name" if territory.has_key("api_name") else "name"),
                        f"set a shorter `api_name:` on territory '{territory.name}' (or on tier {tier.name}'s group)")


@rule("PRM-V179", "untiered-with-explicit-entries", needs=NEEDS)
def untiered_with_explicit_entries(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """`push.untiered` shapes the entries prm derives from the queues; with explicit `entries`
    the spec lists every entry itself, so `untiered` would be ignored. Write an entry with
    `untiered: true` for leads without a tier instead."""
    model = _model(ctx)
    if model is None or model.push is None or model.push.entries is None or model.push.untiered is None:
        return
    yield error("PRM-V179", "`untiered` has no effect with explicit `entries`", model.push.ref("untiered"),
                "remove `untiered` and add an entry with `untiered: true` (and the queue untiered leads go to)")
