"""Rules over the `mdf` section (market development funds)."""

from __future__ import annotations

from typing import Iterator

from prm_builder.errors import Diagnostic
from prm_builder.generate.mdf_standard import REQUIRED_ORG_FIELDS
from prm_builder.validate.registry import ValidationContext, error, rule, warning

PICKLIST_VALUE_MAX = 255


@rule("PRM-V200", "mdf-needs-mdf-tier", needs={"mdf", "tiers"})
def mdf_needs_tier(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """An `mdf` section with no tier that unlocks MDF builds budgets nobody may have: every
    budget would fail its tier-eligibility rule. Switch on `features.mdf` (with an
    allocation) on the tiers that get funds, or remove the section."""
    mdf = ctx.spec.mdf
    if mdf is not None and ctx.spec.tiers and not any(t.features.mdf for t in ctx.spec.tiers):
        yield error("PRM-V200", "the mdf section is set up but no tier unlocks MDF", mdf.ref(),
                    "switch on `features.mdf` and set `mdf.annual_allocation` on the tiers that get funds")


@rule("PRM-V201", "mdf-activity-types", needs={"mdf"})
def mdf_activity_types(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Activity types become picklist values of the request: they must be unique (Salesforce
    compares case-insensitively), at most 255 characters, and there must be at least one."""
    mdf = ctx.spec.mdf
    if mdf is None or mdf.model != "custom":
        return
    if not mdf.activity_types:
        yield error("PRM-V201", "mdf.activity_types is empty: partners could not say what funds are for",
                    mdf.ref("activity_types"), "list at least one activity type, e.g. [Event, Webinar]")
    seen: set[str] = set()
    for i, value in enumerate(mdf.activity_types):
        if value.lower() in seen:
            yield error("PRM-V201", f"activity type '{value}' is listed twice", mdf.ref("activity_types", i),
                        "list each activity type once")
        seen.add(value.lower())
        if len(value) > PICKLIST_VALUE_MAX:
            yield error("PRM-V201", f"activity type is {len(value)} characters; picklist values allow "
                        f"{PICKLIST_VALUE_MAX}", mdf.ref("activity_types", i), "shorten it")


@rule("PRM-V202", "mdf-standard-needs-prm", needs={"mdf", "org"})
def mdf_standard_needs_prm(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The standard MDF objects (PartnerFundAllocation, PartnerFundRequest, PartnerFundClaim)
    exist only when PRM is enabled. The standard fields prm's formulas and rules use must be
    listed under org.fields, so `prm check --org` verifies the org has them before a deploy
    fails on them. Use `model: custom` for orgs without PRM."""
    mdf = ctx.spec.mdf
    if mdf is None or mdf.model != "standard":
        return
    missing = [name for name in REQUIRED_ORG_FIELDS if name not in ctx.spec.org.fields]
    if missing:
        yield error("PRM-V202", "the standard MDF model needs PRM enabled; org.fields does not list "
                    f"{', '.join(missing)}", mdf.ref("model"),
                    "add them under org.fields (the checklist then verifies PRM in the org), "
                    "or use `model: custom`")


@rule("PRM-V203", "mdf-tier-groups-expose-budgets", needs={"mdf"})
def mdf_tier_groups_expose(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """With `budget_access: tier_groups` every partner of a tier sees every budget, request and
    claim of that tier, including other partners' amounts. That is rarely intended: the default
    `account` makes budgets details of the partner account so each partner sees only its own."""
    mdf = ctx.spec.mdf
    if mdf is not None and mdf.model == "custom" and mdf.budget_access == "tier_groups":
        yield warning("PRM-V203", "budget_access: tier_groups shares every partner's budgets with all "
                      "partners of the same tier", mdf.ref("budget_access"),
                      "use `budget_access: account` unless partners of a tier may see each other's funds")


@rule("PRM-V204", "mdf-option-ignored", needs={"mdf"})
def mdf_option_ignored(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Some options shape prm's custom objects only; with `model: standard` the platform's
    objects decide them (the Activity picklist is maintained in Setup; access follows the
    objects' own sharing). Setting them there has no effect."""
    mdf = ctx.spec.mdf
    if mdf is None or mdf.model != "standard":
        return
    for key in ("budget_access", "activity_types", "claim_window_days"):
        if mdf.has_key(key):
            yield warning("PRM-V204", f"mdf.{key} has no effect with the standard MDF model",
                          mdf.key_ref(key), f"remove `{key}:` or use `model: custom`")


@rule("PRM-V205", "mdf-approval-routing", needs={"mdf", "tiers", "org"})
def mdf_approval_routing(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """MDF request and claim approvals are checked like every approval routing (tiers known
    and MDF-entitled, one route per tier, thresholds rising, approvers known, limits: codes
    PRM-V100..V114). PRM-V205 itself warns when claims are auto-approved below a threshold:
    nobody then checks their proof of performance before money is paid."""
    from prm_builder.generate.mdf_approvals import generated_queues, targets
    from prm_builder.validate.approval_checks import RoutingContext, check_routing

    org = ctx.spec.org
    groups = frozenset(org.groups) | {t.group_name for t in ctx.spec.tiers} | {g.name for g in ctx.spec.groups}
    for target, routing, key in targets(ctx.spec):
        yield from check_routing(routing, RoutingContext(
            object=target.object, feature_flag="mdf", tiers=ctx.spec.tiers,
            known_queues=frozenset(org.queues) | generated_queues(ctx.spec),
            known_groups=frozenset(groups), known_users=frozenset(org.users), amount_field=target.amount_field,
            named_users=org.named_users))
        if key == "claim_approval":
            for route in routing.routes:
                if route.auto_approve_below is not None:
                    yield warning("PRM-V205", f"claim route '{route.name}' approves claims below "
                                  f"{route.auto_approve_below:g} without review of their proof of performance",
                                  route.ref("auto_approve_below"),
                                  "remove auto_approve_below from claim routes, or accept unreviewed claims")


@rule("PRM-V206", "mdf-detail-approvers", needs={"mdf"})
def mdf_detail_approvers(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """In the custom model MDF requests and claims are master-detail children (so budgets can
    roll them up); children have no owner and cannot belong to a queue, so an approval step
    there cannot be assigned to a queue, nor to a group (prm routes groups through a queue).
    Name users as approvers (org-specific: list them under org.users), or use the standard
    model, whose objects have owners."""
    mdf = ctx.spec.mdf
    if mdf is None or mdf.model != "custom":
        return
    for key in ("request_approval", "claim_approval"):
        routing = getattr(mdf, key)
        for route in routing.routes if routing else []:
            for step in route.steps:
                for approver in step.approvers:
                    if approver.kind in ("queue", "group"):
                        yield error("PRM-V206", f"step '{step.name}' of {key} route '{route.name}' names "
                                    f"{approver.kind} '{approver.name}', but MDF requests and claims are "
                                    "master-detail children and cannot be queued",
                                    approver.ref(approver.kind),
                                    "name users as approvers (listed under org.users), or use `model: standard`")
