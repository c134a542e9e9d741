"""Rules over the `content` section (co-marketing entitlement)."""

from __future__ import annotations

from typing import Iterator

from prm_builder.errors import Diagnostic
from prm_builder.validate.registry import ValidationContext, error, rule, warning

PICKLIST_VALUE_MAX = 255


@rule("PRM-V210", "content-tiers-known", needs={"content", "tiers"})
def content_tiers_known(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A content category names the tiers entitled to it; a name that is no tier (usually a
    typo) would silently share the category with nobody."""
    content = ctx.spec.content
    if content is None:
        return
    names = [t.name for t in ctx.spec.tiers]
    for category in content.categories:
        for i, name in enumerate(category.tiers):
            if ctx.spec.tier(name) is None:
                yield error("PRM-V210", f"content category '{category.name}' names unknown tier '{name}'",
                            category.ref("tiers", i), f"use one of: {', '.join(names)}")


@rule("PRM-V211", "content-tier-has-co-marketing", needs={"content", "tiers"})
def content_tier_has_feature(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Only tiers with `features.co_marketing` get content sharing rules. Granting a category
    to a tier without the feature shares it with nobody of that tier (and, with tier
    inheritance, reads as if it were meant for the tiers above)."""
    content = ctx.spec.content
    if content is None:
        return
    for category in content.categories:
        for i, name in enumerate(category.tiers):
            tier = ctx.spec.tier(name)
            if tier is not None and not tier.features.co_marketing:
                yield error("PRM-V211", f"content category '{category.name}' is granted to tier "
                            f"'{tier.name}', which does not unlock co-marketing", category.ref("tiers", i),
                            f"switch on features.co_marketing for {tier.name}, or name the lowest tier that has it")


@rule("PRM-V212", "content-category-names", needs={"content"})
def content_category_names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Category names become picklist values and sharing-rule criteria: unique (compared
    case-insensitively), at most 255 characters, and without commas (a comma separates the
    values of one sharing criterion)."""
    content = ctx.spec.content
    if content is None:
        return
    seen: dict[str, object] = {}
    for category in content.categories:
        ref = category.ref("name")
        if category.name.lower() in seen:
            yield error("PRM-V212", f"content category '{category.name}' is listed twice", ref,
                        "give each category its own name", related=[seen[category.name.lower()]])
        seen.setdefault(category.name.lower(), ref)
        if "," in category.name:
            yield error("PRM-V212", f"content category '{category.name}' contains a comma", ref,
                        "sharing criteria separate values with commas: use another character, e.g. '&'")
        if len(category.name) > PICKLIST_VALUE_MAX:
            yield error("PRM-V212", f"content category name is {len(category.name)} characters; picklist "
                        f"values allow {PICKLIST_VALUE_MAX}", ref, "shorten it")


@rule("PRM-V213", "content-tier-sees-nothing", needs={"content", "tiers", "sharing"})
def content_tier_sees_nothing(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A tier that unlocks co-marketing but is entitled to no category gets no content: usually
    a category is granted to the wrong tier, or tier inheritance is off."""
    from prm_builder.generate.sharing import tier_sees

    content = ctx.spec.content
    if content is None:
        return
    for tier in ctx.spec.tiers:
        if tier.features.co_marketing and not any(tier_sees(ctx.spec, tier, c.tiers) for c in content.categories):
            yield warning("PRM-V213", f"tier '{tier.name}' unlocks co-marketing but sees no content category",
                          tier.ref("features", "co_marketing"),
                          "grant a category to this tier (or a lower one, with sharing.tier_inheritance on)")


@rule("PRM-V214", "content-and-co-marketing-agree", needs={"tiers"})
def content_and_feature_agree(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """`features.co_marketing` on a tier and the `content` section go together: a tier with the
    feature but no content section gets nothing, and content no tier may see is dead weight."""
    tiers = [t for t in ctx.spec.tiers if t.features.co_marketing]
    content = ctx.spec.content
    if content is None and tiers:
        yield warning("PRM-V214", f"tier '{tiers[0].name}' unlocks co-marketing but there is no content section",
                      tiers[0].ref("features", "co_marketing"), "add a `content:` section with categories")
    elif content is not None and ctx.spec.tiers and not tiers:
        yield warning("PRM-V214", "the content section is set up but no tier unlocks co-marketing",
                      content.ref(), "switch on features.co_marketing on the tiers that get content")
