"""Co-marketing content: categories, and which tiers may see each (entitlement)."""

from __future__ import annotations

from prm_builder.docs.content import Para, Section, Table
from prm_builder.docs.context import DocContext, join

ID = "content"
TITLE = "Content entitlement"


def _visible(ctx: DocContext, tier: object) -> list:
    # imported here: the content generator exists only in programs with the feature's code
    from prm_builder.generate.content import visible_categories

    return visible_categories(ctx.spec, tier)  # type: ignore[arg-type]


def build(ctx: DocContext) -> Section | None:
    content = getattr(ctx.spec, "content", None)
    if content is None:
        return None
    section = Section(ID, TITLE, "Which co-marketing content categories each tier may see.")
    inherit = getattr(getattr(ctx.spec, "sharing", None), "tier_inheritance", False)
    section.add(Para("Every asset is a record with a category; one sharing rule per tier opens the categories "
                     "the tier is entitled to. " + ("Higher tiers also see everything lower tiers see."
                                                    if inherit else "Each tier sees only what names it.")))
    section.add(Table(("category", "description", "granted to"), tuple(
        (c.name, c.description or "—", join(c.tiers, "internal only")) for c in content.categories)))
    tiers = ctx.tiers_high_first()
    section.add(Table(("tier", "co-marketing", "sees categories"), tuple(
        (t.name, "yes" if t.features.co_marketing else "no",
         join(c.name for c in _visible(ctx, t)) if t.features.co_marketing else "—") for t in tiers),
        caption="Entitlement by tier"))
    return section


def tier_rows(ctx: DocContext) -> list:
    if getattr(ctx.spec, "content", None) is None:
        return []
    from prm_builder.docs.sections.tiers import TierRow

    return [TierRow("Content", "Content categories", {
        t.developer_name: join(c.name for c in _visible(ctx, t)) if t.features.co_marketing else "—"
        for t in ctx.spec.tiers})]
