"""Checklist items of the `mdf`, `content` and `sharing` sections (C08..C10)."""

from __future__ import annotations

from prm_builder.checklist.helpers import absent, needs_generated, tier_rules, tiers_with
from prm_builder.checklist.registry import CheckContext, item
from prm_builder.checklist.report import Outcome, failed, passed, warned


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
        return absent(ctx, "mdf", ("mdf",), "MDF")
    tiers = tiers_with(ctx, "mdf")
    evidence = [f"model: {mdf.model} ({', '.join(MDF_OBJECTS[mdf.model])})"]
    if mdf.model == "custom":  # budget_access applies to the custom objects only
        evidence.append(f"budget access: {mdf.budget_access}")
    evidence.append(f"tiers with MDF: {', '.join(tiers) or 'none'}")
    if mdf.model == "standard":
        # The standard objects exist only with PRM enabled: say where that gets verified.
        evidence.append("standard objects need PRM enabled in the org: `prm check --org` verifies them (L05)")
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
        return absent(ctx, "content", ("co_marketing",), "co-marketing")
    sharing = getattr(ctx.spec, "sharing", None)
    inherit = bool(getattr(sharing, "tier_inheritance", True))
    tiers = ctx.spec.tiers_by_rank()
    sees: dict[str, list[str]] = {t.name: [] for t in tiers}
    for category in content.categories:
        granted = [ctx.spec.tier(name) for name in category.tiers]
        for t in tiers:
            if any(g is not None and (g is t or (inherit and t.rank >= g.rank)) for g in granted):
                sees[t.name].append(category.name)
    co_marketing = tiers_with(ctx, "co_marketing")
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
    blocked = needs_generated(ctx)
    if blocked:
        return blocked
    rules = tier_rules(ctx)
    evidence = [f"{obj}: {r}" for obj, rs in sorted(rules.items()) for r in rs]
    for c in ctx.components:
        if c.type == "CustomObject" and c.full_name in rules:
            external = c.body.get("externalSharingModel")
            evidence.append(f"{c.full_name} org-wide default: internal {c.body.get('sharingModel')}, "
                            f"external {external}")
            if external not in ("Private", "Read"):
                return failed(f"{c.full_name} has tier sharing rules but its external org-wide default is "
                              f"{external}: rules cannot narrow it", evidence)
    gated = tiers_with(ctx, "co_marketing", "lead_pool")
    if not rules:
        if gated:
            return failed("no sharing rule targets a tier group: tier visibility would rest on profiles, "
                          "which cannot tell one tier from another", evidence)
        return passed("no tier-specific visibility in this program", evidence)
    return passed(f"{sum(map(len, rules.values()))} sharing rule(s) target tier groups on "
                  f"{', '.join(sorted(rules))}", evidence)
