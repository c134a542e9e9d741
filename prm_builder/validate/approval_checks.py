"""Checks of an `ApprovalRouting`, shared by every feature with approvals (deal
registration, MDF requests and claims). A feature's rule calls `check_routing` with what
it knows about its object; the codes (PRM-V100..V114) are the same for every feature and
documented once, in APPROVAL_CODES.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

from prm_builder.errors import Diagnostic, SourceRef
from prm_builder.generate.approvals import (APPROVERS_MAX, BASE_NAME_MAX, PROCESSES_PER_OBJECT_MAX,
                                            STEPS_MAX, group_queue_name)
from prm_builder.generate.fields import formula_number
from prm_builder.model.approval import ApprovalRoute, ApprovalRouting, ApproverSpec, CriterionSpec
from prm_builder.model.tiers import Tier
from prm_builder.validate.codes_doc import CodeDoc
from prm_builder.validate.names import api_name_problem
from prm_builder.validate.registry import error

APPROVAL_CODES: list[CodeDoc] = [
    CodeDoc("PRM-V100", "approval-tier-unknown", "validate", "An approval route names a tier the `tiers` "
            "section does not define. Use a tier's name or api_name."),
    CodeDoc("PRM-V101", "approval-tier-not-entitled", "validate", "An approval route serves a tier whose "
            "feature flag is off (e.g. Bronze without features.deal_registration): its partners cannot submit. "
            "Switch the feature on for the tier, or drop the tier from the route."),
    CodeDoc("PRM-V102", "approval-tier-without-route", "validate", "A tier unlocks the feature but no route "
            "serves it: its submissions would match no approval process and fail. Add the tier to a route."),
    CodeDoc("PRM-V103", "approval-tier-in-two-routes", "validate", "A tier is served by two routes: only one "
            "approval process can pick up a record, so the other route is unreachable for it (and the "
            "Metadata API does not carry the process order). Keep each tier in one route."),
    CodeDoc("PRM-V104", "approval-limits", "validate", "Platform limits: at most 30 steps per approval "
            "process, 25 approvers per step and 300 processes per object (inactive versions kept in "
            "prm.lock.json count too)."),
    CodeDoc("PRM-V105", "approval-threshold-order", "validate", "Overlapping thresholds: a step below its "
            "threshold approves the record and ends the chain, so thresholds must increase along the chain, "
            "starting above `auto_approve_below`; the first step takes either `auto_approve_below` or "
            "`min_amount`, not both."),
    CodeDoc("PRM-V106", "approval-unreachable-step", "validate", "A step's criteria can never hold for the "
            "records that reach it (an amount below what earlier steps already require, or a field equal to "
            "a value the route's entry criteria exclude). Fix or remove the criterion."),
    CodeDoc("PRM-V107", "approval-reject-behaviour", "validate", "`on_reject: back_to_previous` on the first "
            "step: there is no previous step. Use `reject`."),
    CodeDoc("PRM-V108", "approval-names-unique", "validate", "Two routes (or two steps of one route) share a "
            "name: processes and steps are addressed by name. Rename one."),
    CodeDoc("PRM-V109", "approver-unknown", "validate", "An approver queue, group or user is neither generated "
            "by prm nor listed in the `org` section. Fix the name or declare it under org.queues / "
            "org.groups / org.users."),
    CodeDoc("PRM-V301", "approver-named-user-unknown", "validate", "A `named_user:` approver names a key that "
            "org.named_users does not define, or defines without a `default` username. Add the key with a "
            "username per org alias (and `default`)."),
    CodeDoc("PRM-V302", "approver-managers-mixed", "validate", "One route has `manager: submitter` and "
            "`manager: owner` approvers: an approval process has one nextAutomatedApprover, so all manager "
            "approvers of a route are the submitter's manager or all the owner's."),
    CodeDoc("PRM-V110", "approval-api-names", "validate", "Route and step names are developer names: letter "
            "first; letters, digits, single underscores; a route name at most 36 characters (versions add "
            "'_vN' within the 40-character limit)."),
    CodeDoc("PRM-V111", "approval-threshold-without-amount", "validate", "A route uses amounts "
            "(`auto_approve_below`, `min_amount`) on an object without an amount field."),
    CodeDoc("PRM-V112", "approval-starts-with", "validate", "Approval criteria with `starts with`: the "
            "platform rejects that operation in approval processes on deploy. Use `equals` with the full "
            "values (comma-separated) or `contains`."),
    CodeDoc("PRM-V113", "approval-criteria-on-own-fields", "validate", "Approval criteria see only the "
            "record's own fields: a path such as PartnerAccount.Partner_Tier__c is rejected. Put the value on "
            "the record (a cross-object formula field) and filter on that."),
    CodeDoc("PRM-V114", "lead-has-no-amount", "validate", "Criteria on Lead.Amount: Lead has no Amount field. "
            "Use the deal registration amount field (e.g. Deal_Amount__c)."),
]


@dataclass(frozen=True)
class RoutingContext:
    """What `check_routing` needs to know about the feature and its object."""

    object: str
    feature_flag: str
    """Attribute of TierFeatures that entitles a tier (e.g. 'deal_registration', 'mdf')."""
    tiers: Sequence[Tier]
    known_queues: frozenset[str]
    known_groups: frozenset[str]
    known_users: frozenset[str]
    amount_field: str | None
    named_users: dict[str, dict[str, str]] | None = None
    """org.named_users: key -> org alias -> username (None: no named users declared)."""


def check_routing(routing: ApprovalRouting, ctx: RoutingContext) -> Iterator[Diagnostic]:
    yield from _tiers(routing, ctx)
    if len(routing.routes) > PROCESSES_PER_OBJECT_MAX:
        yield error("PRM-V104", f"{len(routing.routes)} approval routes on {ctx.object}; the platform allows "
                    f"{PROCESSES_PER_OBJECT_MAX} processes per object", routing.ref("routes"),
                    "combine routes")
    route_names: dict[str, ApprovalRoute] = {}
    for route in routing.routes:
        if route.name.lower() in route_names:
            yield error("PRM-V108", f"two approval routes are named '{route.name}'", route.ref("name"),
                        "give every route its own name", [route_names[route.name.lower()].ref("name")])
        route_names[route.name.lower()] = route
        yield from _route(route, ctx)


def _tiers(routing: ApprovalRouting, ctx: RoutingContext) -> Iterator[Diagnostic]:
    by_name = {}
    for t in ctx.tiers:
        by_name[t.name] = t
        by_name[t.developer_name] = t
    served: dict[str, tuple[ApprovalRoute, int]] = {}
    flag = ctx.feature_flag
    for route in routing.routes:
        for i, name in enumerate(route.tiers):
            tier = by_name.get(name)
            if tier is None:
                yield error("PRM-V100", f"route '{route.name}' names unknown tier '{name}'", route.ref("tiers", i),
                            f"use one of: {', '.join(t.name for t in ctx.tiers)}")
                continue
            if not getattr(tier.features, flag):
                yield error("PRM-V101", f"route '{route.name}' serves tier '{tier.name}', which does not unlock "
                            f"{flag.replace('_', ' ')} (features.{flag} is off)", route.ref("tiers", i),
                            f"switch on features.{flag} for {tier.name}, or remove it from the route",
                            [tier.ref()])
            key = tier.developer_name
            if key in served:
                first, j = served[key]
                yield error("PRM-V103", f"tier '{tier.name}' is served by routes '{first.name}' and '{route.name}'; "
                            "only one approval process can pick up its records", route.ref("tiers", i),
                            "keep each tier in exactly one route", [first.ref("tiers", j)])
            else:
                served[key] = (route, i)
    for tier in ctx.tiers:
        if getattr(tier.features, flag) and tier.developer_name not in served:
            yield error("PRM-V102", f"tier '{tier.name}' unlocks {flag.replace('_', ' ')} but no approval route "
                        "serves it: its submissions would match no approval process",
                        tier.ref("features", flag) or tier.ref(), f"add '{tier.name}' to a route's `tiers`")


def _route(route: ApprovalRoute, ctx: RoutingContext) -> Iterator[Diagnostic]:
    problem = api_name_problem(route.name, max_length=BASE_NAME_MAX)
    if problem:
        yield error("PRM-V110", f"route name '{route.name}' {problem}", route.ref("name"),
                    "use a developer name such as Deal_Reg_Gold")
    if len(route.steps) > STEPS_MAX:
        yield error("PRM-V104", f"route '{route.name}' has {len(route.steps)} steps; an approval process allows "
                    f"{STEPS_MAX}", route.ref("steps", STEPS_MAX), "split the chain or combine steps")
    uses_amount = route.auto_approve_below is not None or any(s.min_amount is not None for s in route.steps)
    if uses_amount and not ctx.amount_field:
        yield error("PRM-V111", f"route '{route.name}' uses amount thresholds but {ctx.object} has no amount "
                    "field here", route.ref(), "remove the thresholds or configure the amount field")
    yield from _criteria(route.criteria, ctx)
    entry_equals = {c.field: {v.strip() for v in str(c.value).split(",")} for c in route.criteria
                    if c.operation == "equals"}
    floor = route.auto_approve_below
    floor_ref = route.ref("auto_approve_below")
    step_names: dict[str, int] = {}
    for i, step in enumerate(route.steps):
        problem = api_name_problem(step.name)
        if problem:
            yield error("PRM-V110", f"step name '{step.name}' {problem}", step.ref("name"),
                        "use a developer name such as Channel_Manager")
        if step.name.lower() in step_names:
            yield error("PRM-V108", f"route '{route.name}' has two steps named '{step.name}'", step.ref("name"),
                        "give every step its own name", [route.steps[step_names[step.name.lower()]].ref("name")])
        step_names[step.name.lower()] = i
        if len(step.approvers) > APPROVERS_MAX:
            yield error("PRM-V104", f"step '{step.name}' has {len(step.approvers)} approvers; a step allows "
                        f"{APPROVERS_MAX}", step.ref("approvers", APPROVERS_MAX),
                        "route to a queue instead of listing users")
        if i == 0 and step.on_reject == "back_to_previous":
            yield error("PRM-V107", f"the first step '{step.name}' cannot send a rejection back to a previous "
                        "step", step.ref("on_reject"), "use `on_reject: reject`")
        if step.min_amount is not None:
            if i == 0 and route.auto_approve_below is not None:
                yield error("PRM-V105", f"the first step '{step.name}' has `min_amount` and the route has "
                            "`auto_approve_below`: both are the first step's threshold",
                            step.ref("min_amount"), "keep one of them", [floor_ref])
            elif floor is not None and step.min_amount <= floor:
                yield error("PRM-V105", f"step '{step.name}' threshold {formula_number(step.min_amount)} is not "
                            f"above the earlier threshold {formula_number(floor)}: thresholds overlap",
                            step.ref("min_amount"), "thresholds must increase along the chain", [floor_ref])
            floor, floor_ref = max(floor or 0, step.min_amount), step.ref("min_amount")
        yield from _criteria(step.criteria, ctx)
        for j, c in enumerate(step.criteria):
            unreachable = _never_holds(c, ctx, floor if step.min_amount is None else route.auto_approve_below,
                                       entry_equals)
            if unreachable:
                yield error("PRM-V106", f"step '{step.name}' can never be reached: {unreachable}",
                            c.ref(), "fix or remove the criterion")
        for k, approver in enumerate(step.approvers):
            yield from _approver(approver, ctx, step.ref("approvers", k))
    yield from _managers(route)


def _never_holds(c: CriterionSpec, ctx: RoutingContext, floor: float | None,
                 entry_equals: dict[str, set[str]]) -> str | None:
    if c.field == ctx.amount_field and floor is not None and c.operation in ("less than", "less or equal"):
        try:
            value = float(c.value)
        except ValueError:
            return None
        if value < floor or (value == floor and c.operation == "less than"):
            return (f"it needs {c.field} {c.operation} {formula_number(value)}, but only amounts of at least "
                    f"{formula_number(floor)} get this far")
    if c.operation == "equals" and c.field in entry_equals:
        wanted = {v.strip() for v in str(c.value).split(",")}
        if not wanted & entry_equals[c.field]:
            return (f"it needs {c.field} = {c.value}, but the route only admits "
                    f"{', '.join(sorted(entry_equals[c.field]))}")
    return None


def _criteria(criteria: list[CriterionSpec], ctx: RoutingContext) -> Iterator[Diagnostic]:
    for c in criteria:
        if c.operation == "starts with":
            yield error("PRM-V112", f"`starts with` on {c.field}: approval processes with this operation are "
                        "rejected on deploy", c.ref("operation"),
                        "use `equals` with the full values (comma-separated) or `contains`")
        if "." in c.field:
            yield error("PRM-V113", f"criterion on '{c.field}': approval criteria see only {ctx.object} fields",
                        c.ref("field"), f"add a formula field on {ctx.object} that brings the value over, "
                        "and filter on it")
        elif ctx.object == "Lead" and c.field == "Amount":
            yield error("PRM-V114", "Lead has no Amount field", c.ref("field"),
                        f"use {ctx.amount_field or 'the deal amount field'}")


def _managers(route: ApprovalRoute) -> Iterator[Diagnostic]:
    seen: dict[str, SourceRef | None] = {}
    for step in route.steps:
        for a in step.approvers:
            if a.manager and a.manager not in seen:
                seen[a.manager] = a.ref("manager")
    if len(seen) > 1:
        yield error("PRM-V302", f"route '{route.name}' routes to the submitter's manager and to the owner's "
                    "manager; one approval process has one manager hierarchy", seen.get("owner"),
                    "use the same `manager:` value in every step of the route", [seen.get("submitter")])


def _approver(approver: ApproverSpec, ctx: RoutingContext, ref: SourceRef | None) -> Iterator[Diagnostic]:
    kind, name = approver.kind, approver.name
    if kind == "named_user":
        per_org = (ctx.named_users or {}).get(name)
        if per_org is None or "default" not in per_org:
            what = "is not a key of org.named_users" if per_org is None else "has no `default` username"
            yield error("PRM-V301", f"named approver '{name}' {what}", approver.ref(kind) or ref,
                        f"add org.named_users.{name} with `default:` (the production username) and one "
                        "username per org alias that differs")
        return
    if kind in ("related_user", "manager"):
        return  # the field is checked with every other reference (PRM-V030)
    known = {"queue": ctx.known_queues, "group": ctx.known_groups, "user": ctx.known_users}[kind]
    if name not in known:
        section = {"queue": "queues", "group": "groups", "user": "users"}[kind]
        yield error("PRM-V109", f"approver {kind} '{name}' is neither generated nor declared in org.{section}",
                    approver.ref(kind) or ref, f"fix the name, or list '{name}' under org.{section}"
                    + (" (or under the section's `queues:` to generate it)" if kind == "queue" else ""))
    if kind == "group":
        problem = api_name_problem(group_queue_name(name))
        if problem:
            yield error("PRM-V110", f"the queue standing in for group '{name}' ('{group_queue_name(name)}') "
                        f"{problem}", approver.ref(kind), "use a group with a shorter developer name")
