"""Rules over the `tiers` section."""

from __future__ import annotations

from typing import Iterator

from prm_builder.errors import Diagnostic
from prm_builder.generate.fields import formula_number
from prm_builder.validate.names import api_name_problem
from prm_builder.validate.registry import ValidationContext, error, rule, warning

GROUP_NAME_MAX = 40
PICKLIST_VALUE_MAX = 255


@rule("PRM-V025", "tiers-present", needs={"tiers"})
def tiers_present(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A partner program needs at least one tier: every feature is granted per tier."""
    if not ctx.spec.tiers:
        yield error("PRM-V025", "the program has no tiers", ctx.spec.ref("tiers"),
                    "add at least one tier with a name and a rank")


@rule("PRM-V010", "tier-api-names", needs={"tiers"})
def tier_api_names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Tier developer names become picklist values and group names: Salesforce naming
    rules apply (letter first; letters, digits, underscores; no '__'; no trailing '_')."""
    for tier in ctx.spec.tiers:
        problem = api_name_problem(tier.developer_name)
        if problem:
            where = "api_name" if tier.has_key("api_name") else "name"
            yield error("PRM-V010", f"tier API name '{tier.developer_name}' {problem}", tier.ref(where),
                        "set an explicit `api_name:` that follows Salesforce naming rules")
        problem = api_name_problem(tier.group_name, max_length=GROUP_NAME_MAX)
        if problem and tier.group:
            yield error("PRM-V010", f"tier group name '{tier.group_name}' {problem}", tier.ref("group"),
                        "choose a group developer name that follows Salesforce naming rules")
        elif problem and not api_name_problem(tier.developer_name):
            yield error("PRM-V010", f"derived group name '{tier.group_name}' {problem}", tier.ref("name"),
                        "set `group:` on the tier to a shorter developer name")
        if len(tier.name) > PICKLIST_VALUE_MAX:
            yield error("PRM-V010", f"tier name is {len(tier.name)} characters; picklist labels allow "
                        f"{PICKLIST_VALUE_MAX}", tier.ref("name"), "shorten the name")


@rule("PRM-V012", "tier-names-unique", needs={"tiers"})
def tier_names_unique(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Two tiers with the same name or API name would collapse into one picklist value."""
    seen: dict[str, object] = {}
    for tier in ctx.spec.tiers:
        for key in {tier.name.lower(), tier.developer_name.lower()}:
            if key in seen and seen[key] is not tier:
                first = seen[key]
                yield error("PRM-V012", f"tier '{tier.name}' repeats the name of tier '{first.name}'",
                            tier.ref("name"), "give every tier its own name and api_name",
                            related=[first.ref("name")])
                break
            seen[key] = tier


@rule("PRM-V013", "tier-ranks-unique", needs={"tiers"})
def tier_ranks_unique(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Ranks order tiers (promotion goes up, demotion down); two tiers on one rank make
    that order ambiguous."""
    seen: dict[int, object] = {}
    for tier in ctx.spec.tiers:
        if tier.rank in seen:
            first = seen[tier.rank]
            yield error("PRM-V013", f"tiers '{first.name}' and '{tier.name}' share rank {tier.rank}",
                        tier.ref("rank"), "give every tier its own rank (1 = entry tier)",
                        related=[first.ref("rank")])
        else:
            seen[tier.rank] = tier


@rule("PRM-V019", "qualification-metrics-known", needs={"tiers", "partner_account"})
def qualification_metrics_known(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A qualification criterion names a partner metric; the metric's Account field is what
    the qualified-tier formula reads, so it must be declared in partner_account.metrics."""
    metrics = ctx.spec.partner_account.metrics
    for tier in ctx.spec.tiers:
        for metric in tier.qualification:
            if metric not in metrics:
                yield error("PRM-V019", f"tier '{tier.name}' qualifies on unknown metric '{metric}'",
                            tier.key_ref_at("qualification", metric),
                            f"use one of: {', '.join(sorted(metrics)) or '(none declared)'}, "
                            "or declare it under partner_account.metrics")


@rule("PRM-V020", "qualification-monotonic", needs={"tiers"})
def qualification_monotonic(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A higher tier that asks less than a lower one on some metric makes the lower tier
    unreachable by promotion: usually a typo in a threshold. An error reported at both
    thresholds."""
    ranked = ctx.spec.tiers_by_rank()
    for lower, higher in zip(ranked, ranked[1:]):
        for metric, minimum in higher.qualification.items():
            below = lower.qualification.get(metric)
            if below is not None and minimum < below:
                # An error, not a warning: the lower tier's threshold is dead (nobody is
                # promoted through it). Reported at both thresholds, since either may be the typo.
                high_ref, low_ref = higher.ref("qualification", metric), lower.ref("qualification", metric)
                text = (f"tier '{higher.name}' (rank {higher.rank}) needs {metric} >= {formula_number(minimum)}, "
                        f"less than '{lower.name}' (rank {lower.rank}) needs ({formula_number(below)})")
                hint = "higher tiers must require at least what lower tiers require: fix one of the two thresholds"
                yield error("PRM-V020", f"{text} (the other threshold: {low_ref})", high_ref, hint,
                            related=[low_ref])
                yield error("PRM-V020", f"{text} (the other threshold: {high_ref})", low_ref, hint,
                            related=[high_ref])


@rule("PRM-V024", "mdf-allocation", needs={"tiers"})
def mdf_allocation(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """MDF budgets default to the tier's allocation: an MDF-eligible tier needs one, and an
    allocation on a tier without MDF is money nobody can request."""
    for tier in ctx.spec.tiers:
        if tier.features.mdf and tier.mdf is None:
            yield error("PRM-V024", f"tier '{tier.name}' unlocks MDF but has no `mdf.annual_allocation`",
                        tier.ref("features", "mdf"), "add `mdf: {annual_allocation: 25000}` to the tier")
        elif tier.mdf is not None and not tier.features.mdf:
            yield warning("PRM-V024", f"tier '{tier.name}' has an MDF allocation but `features.mdf` is off",
                          tier.ref("mdf"), "switch on features.mdf, or remove the allocation")
