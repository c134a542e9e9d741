"""The routing plan of `lead_distribution`: which queues exist, the ordered rule entries as
conditions, where an expired lead goes. Rules (validation) and generators share it, so what
is checked is exactly what is generated.

An entry's conditions are `field -> allowed values` (ANDed; values ORed) plus atoms for
other operations, which makes "entry A catches every lead entry B catches" decidable:
that is how unreachable entries are found.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Iterator

from prm_builder.errors import SourceRef
from prm_builder.model.base import derive_api_name
from prm_builder.model.lead_distribution import LeadDistribution, PushQueue, QueueMembers, RuleEntry, Territory
from prm_builder.model.root import ProgramSpec
from prm_builder.model.tiers import Tier

ENTRIES_MAX = 3000
FORMULA_ENTRIES_MAX = 300
CRITERIA_MAX = 25
QUEUE_NAME_MAX = 40
QUEUE_LABEL_MAX = 40

Atom = tuple[str, str, str]


@dataclass(frozen=True)
class QueuePlan:
    name: str
    label: str
    tier: Tier | None
    territory: Territory | None
    products: tuple[str, ...]
    groups: tuple[str, ...]
    roles: tuple[str, ...]
    users: tuple[str, ...]
    source: SourceRef | None
    email: str | None = None
    explicit: PushQueue | None = None


@dataclass(frozen=True)
class EntryPlan:
    queue: str
    equals: dict[str, tuple[str, ...]]
    """field -> values (any of them), in spec order."""
    atoms: frozenset[Atom]
    formula: str | None
    source: SourceRef | None
    description: str
    spec: RuleEntry | None = None
    catch_all: bool = False

    def criteria_items(self) -> list[Atom]:
        items = [(f, "equals", ",".join(v)) for f, v in self.equals.items()]
        return sorted(items) + sorted(self.atoms)

    def covers(self, other: EntryPlan) -> bool:
        """True when every lead `other` matches is matched by self (self makes other unreachable
        when it comes first)."""
        if self.formula is not None or other.formula is not None:
            return self.is_unconditional or (self.formula == other.formula and other.formula is not None)
        if not self.atoms <= other.atoms:
            return False
        return all(f in other.equals and set(other.equals[f]) <= set(values) for f, values in self.equals.items())

    @property
    def is_unconditional(self) -> bool:
        return self.formula is None and not self.equals and not self.atoms


@dataclass
class RoutingPlan:
    model: LeadDistribution
    distribution_tiers: list[Tier]
    pool_tiers: list[Tier]
    queues: list[QueuePlan] = field(default_factory=list)
    entries: list[EntryPlan] = field(default_factory=list)
    territory_groups: dict[str, tuple[Tier, Territory]] = field(default_factory=dict)
    """Generated public groups of the partners serving one territory in one tier (queue members)."""
    problems: list[tuple[str, str, SourceRef | None]] = field(default_factory=list)
    """(kind, message, where) for references the plan could not resolve (rules report them)."""
    _by_sibling: dict[tuple[int, tuple[str, ...]], list[QueuePlan]] | None = field(default=None, repr=False)

    @property
    def pool_queue(self) -> str | None:
        return self.model.pool.queue if self.model.pool else None

    @property
    def catch_all_queue(self) -> str | None:
        push = self.model.push
        return (push.fallback_queue if push and push.fallback_queue else None) or self.pool_queue

    def _siblings(self) -> dict[tuple[int, tuple[str, ...]], list[QueuePlan]]:
        """Queues by (territory, products): where an expired lead looks for the next tier."""
        if self._by_sibling is None:
            self._by_sibling = {}
            for q in self.queues:
                self._by_sibling.setdefault(_sibling_key(q), []).append(q)
        return self._by_sibling

    def expiry_target(self, queue: QueuePlan) -> str | None:
        """Where a lead still owned by `queue` goes when the acceptance SLA expires."""
        sla = self.model.sla
        if sla is None:
            return None
        if sla.on_expiry == "next_queue" and queue.tier is not None:
            rank = queue.tier.rank
            lower = [q for q in self._siblings().get(_sibling_key(queue), [])
                     if q.tier is not None and q.tier.rank < rank]
            if lower:
                return max(lower, key=lambda q: q.tier.rank).name  # type: ignore[union-attr]
        target = self.pool_queue if sla.on_expiry == "pool" else self.catch_all_queue
        return target if target != queue.name else None


def _sibling_key(queue: QueuePlan) -> tuple[int, tuple[str, ...]]:
    return id(queue.territory), queue.products


def find_territory(model: LeadDistribution, name: str) -> Territory | None:
    for t in model.territories:
        if name in (t.name, t.developer_name):
            return t
    return None


#: The last plan made, with the spec it was made from: every rule asks for the plan of the
#: same spec, and a program with thousands of queues should be planned once.
_last: tuple[ProgramSpec, RoutingPlan | None] | None = None


def plan(spec: ProgramSpec) -> RoutingPlan | None:
    global _last
    if _last is not None and _last[0] is spec:
        return _last[1]
    result = _plan(spec)
    _last = (spec, result)
    return result


def _plan(spec: ProgramSpec) -> RoutingPlan | None:
    model = spec.lead_distribution
    if model is None:
        return None
    ranked = sorted(spec.tiers, key=lambda t: -t.rank)
    pool_tiers: list[Tier] = []
    if model.pool is not None:
        if model.pool.tiers is None:
            pool_tiers = [t for t in ranked if t.features.lead_pool]
        else:
            pool_tiers = sorted({id(t): t for n in model.pool.tiers if (t := spec.tier(n))}.values(),
                                key=lambda t: -t.rank)
    result = RoutingPlan(model, [t for t in ranked if t.features.lead_distribution], pool_tiers)
    if model.push is not None:
        result.queues = list(_queues(spec, result))
        result.entries = list(_entries(spec, result))
    return result


def territory_group_name(tier: Tier, territory: Territory) -> str:
    return f"{tier.group_name}_{territory.developer_name}"


def _members(result: RoutingPlan, members: QueueMembers | None, tier: Tier | None,
             territory: Territory | None) -> tuple[tuple[str, ...], ...]:
    """Who works a queue. Default: the partners of the queue's tier that serve its territory
    (a generated territory x tier group), never the whole tier: a queue shares every lead it
    owns with every member (PLATFORM-NOTES, "Queues"), so a tier-wide member would show every
    Gold lead to every Gold partner of every region. A queue without a territory serves all
    territories: the tier group."""
    if members is not None:
        return tuple(members.groups), tuple(members.roles), tuple(members.users)
    if tier is None:
        return (), (), ()
    if territory is None:
        return (tier.group_name,), (), ()
    name = territory_group_name(tier, territory)
    result.territory_groups.setdefault(name, (tier, territory))
    return (name,), (), ()


def _queues(spec: ProgramSpec, result: RoutingPlan) -> Iterator[QueuePlan]:
    model = result.model
    assert model.push is not None
    if model.push.queues is None:
        territories: list[Territory | None] = list(model.territories) or [None]
        for tier in result.distribution_tiers:
            for territory in territories:
                suffix = f"_{territory.developer_name}" if territory else ""
                label = f"{tier.name} Leads {territory.name}" if territory else f"{tier.name} Leads"
                groups, roles, users = _members(result, None, tier, territory)
                yield QueuePlan(f"PRM_Leads_{tier.developer_name}{suffix}", label, tier, territory, (),
                                groups, roles, users, (territory or tier).ref())
        return
    for i, q in enumerate(model.push.queues):
        tier = spec.tier(q.tier)
        territory = find_territory(model, q.territory) if q.territory else None
        if tier is None:
            result.problems.append(("tier", f"push queue {i + 1} names unknown tier '{q.tier}'", q.ref("tier")))
        if q.territory and territory is None:
            result.problems.append(("territory", f"push queue {i + 1} names unknown territory '{q.territory}'",
                                    q.ref("territory")))
        tier_name = tier.developer_name if tier else derive_safe(q.tier)
        suffix = f"_{territory.developer_name}" if territory else ""
        name = q.api_name or f"PRM_Leads_{tier_name}{suffix}"
        label = q.label or (f"{tier.name if tier else q.tier} Leads" + (f" {territory.name}" if territory else ""))
        groups, roles, users = _members(result, q.members, tier, territory)
        yield QueuePlan(name, label, tier, territory, tuple(q.products), groups, roles, users, q.ref(),
                        q.email, q)


def derive_safe(text: str) -> str:
    return derive_api_name(text) or "X"


def _entry(model: LeadDistribution, queue: str, *, territory: Territory | None, tier: Tier | None,
           products: tuple[str, ...], atoms: frozenset[Atom] = frozenset(), formula: str | None = None,
           source: SourceRef | None, description: str, spec: RuleEntry | None = None) -> EntryPlan:
    equals: dict[str, tuple[str, ...]] = {}

    def add(field_name: str, values: tuple[str, ...]) -> None:
        # Two conditions on one field: a lead must satisfy both, so only common values remain.
        before = equals.get(field_name)
        equals[field_name] = tuple(v for v in before if v in values) if before is not None else values

    if territory is not None:
        add(territory.field, tuple(territory.values))
    if tier is not None:
        add(model.tier_field.api_name, (tier.developer_name,))
    if products:
        field_name = model.product_interest.field.api_name if model.product_interest else "Lead_Product_Interest__c"
        add(field_name, tuple(products))
    plain = set()
    for f, op, v in sorted(atoms):
        if op == "equals":
            add(f, tuple(x.strip() for x in v.split(",")))
        else:
            plain.add((f, op, v))
    return EntryPlan(queue, equals, frozenset(plain), formula, source, description, spec)



def registration_marker(spec: ProgramSpec) -> Atom | None:
    """The criterion every assignment-rule entry carries so the rule never captures a deal
    registration: the registration status is blank (only partner-registered leads have one;
    deal registration stamps it before save, so before assignment rules run: Apex Developer
    Guide, "Triggers and Order of Execution", before-save flows at step 3, assignment rules
    at step 9). `equals` with an empty value matches a blank field, the idiom the pool entry's
    `notEqual ""` already uses."""
    if spec.deal_registration is None:
        return None
    return (spec.deal_registration.fields.status.api_name, "equals", "")


UNMATCHED = "unmatched"


def untiered_tier(spec: ProgramSpec, model: LeadDistribution) -> Tier | None:
    """The tier whose queues take leads without a distribution tier (None: the catch-all)."""
    push = model.push
    if push is None or push.untiered is None or push.untiered.lower() == UNMATCHED:
        return None
    return spec.tier(push.untiered)


def _entries(spec: ProgramSpec, result: RoutingPlan) -> Iterator[EntryPlan]:
    model = result.model
    assert model.push is not None
    marker = registration_marker(spec)
    base = frozenset({marker}) if marker else frozenset()
    untiered_value = (model.tier_field.api_name, "equals", "")
    if model.pool is not None:
        # Leads marketing marks for the pool go there first: the mark is an explicit decision.
        yield _entry(model, model.pool.queue, territory=None, tier=None, products=(),
                     atoms=base | {(model.pool.minimum_tier_field.api_name, "notEqual", "")},
                     source=model.pool.ref(), description="leads marked for the pool")
    if model.push.entries is not None:
        by_name = {q.name: q for q in result.queues}
        for i, e in enumerate(model.push.entries):
            tier = spec.tier(e.tier) if e.tier else None
            territory = find_territory(model, e.territory) if e.territory else None
            if e.tier and tier is None:
                result.problems.append(("tier", f"entry {i + 1} names unknown tier '{e.tier}'", e.ref("tier")))
            if e.territory and territory is None:
                result.problems.append(("territory", f"entry {i + 1} names unknown territory '{e.territory}'",
                                        e.ref("territory")))
            queue = by_name.get(e.queue)
            if tier is None and not e.untiered and e.formula is None and queue is not None:
                tier = queue.tier  # an entry to a tier's queue takes only that tier's leads
            atoms = frozenset((c.field, c.operation, c.value) for c in e.criteria)
            if e.formula is None:
                atoms |= base | ({untiered_value} if e.untiered else set())
            yield _entry(model, e.queue, territory=territory, tier=tier, products=tuple(e.products),
                         atoms=atoms, formula=e.formula, source=e.ref(), description=f"entry {i + 1}", spec=e)
    else:
        # Most specific first: product-specific queues, then tier x territory, then tier-only
        # queues; higher tiers first within each (sorted() keeps spec order among equals).
        # Every entry names the queue's tier: a lead tagged for a tier reaches only that tier.
        ordered = sorted(result.queues, key=lambda q: (not q.products, q.territory is None,
                                                       -(q.tier.rank if q.tier else 0)))
        for q in ordered:
            yield _entry(model, q.name, territory=q.territory, tier=q.tier, products=q.products, atoms=base,
                         source=q.source, description=f"queue {q.name}")
        # Leads without a tier go where the spec says (`untiered`): that tier's queue in their
        # territory (the SLA moves them down from there); otherwise on to the catch-all.
        target = untiered_tier(spec, model)
        if target is not None:
            where = model.push.ref("untiered")
            for q in ordered:
                if q.tier is target and not q.products:
                    yield _entry(model, q.name, territory=q.territory, tier=None, products=(),
                                 atoms=base | {untiered_value}, source=where,
                                 description=f"untiered leads{' in ' + q.territory.name if q.territory else ''}")
    catch_all = result.catch_all_queue
    if catch_all is not None:
        source = model.push.ref("fallback_queue") if model.push.fallback_queue else model.push.ref()
        equals = {marker[0]: ("",)} if marker else {}
        yield EntryPlan(catch_all, equals, frozenset(), None, source, "catch-all", catch_all=True)


def unreachable(entries: list[EntryPlan]) -> Iterator[tuple[EntryPlan, EntryPlan]]:
    """(entry, earlier entry that catches every lead it would) for each unreachable entry.

    An earlier entry E covers a later entry L only if every field E tests is one L tests and
    E accepts L's first value of it. So earlier entries are indexed by the fields they test
    and, under those, by every combination of their values: L looks up, for each field set
    seen so far that L also tests, the combination of its own first values. Each entry is
    compared with a handful of candidates, not with all its predecessors (3,000 entries
    would otherwise take millions of comparisons); the answer is the brute-force one.
    Entries the index cannot describe (formulas, atoms only, a field no value satisfies,
    very many value combinations) are compared the brute-force way.
    """
    index: dict[tuple[str, ...], dict[tuple[str, ...], list[int]]] = {}
    unindexed: list[int] = []
    for j, later in enumerate(entries):
        equals = later.equals
        if any(not values for values in equals.values()):
            candidates = list(range(j))  # matches no lead at all: anything may cover it
        else:
            candidates = list(unindexed)
            for fields, by_values in index.items():
                if all(f in equals for f in fields):
                    candidates += by_values.get(tuple(equals[f][0] for f in fields), ())
        for i in sorted(candidates):
            if entries[i].covers(later):
                yield later, entries[i]
                break
        fields = tuple(sorted(equals))
        combinations = math.prod(len(equals[f]) for f in fields)
        if later.formula is not None or not fields or not combinations or combinations > _COMBINATIONS_MAX:
            unindexed.append(j)
            continue
        by_values = index.setdefault(fields, {})
        for values in itertools.product(*(equals[f] for f in fields)):
            by_values.setdefault(values, []).append(j)


#: Above this many value combinations an entry is compared the brute-force way instead.
_COMBINATIONS_MAX = 512
