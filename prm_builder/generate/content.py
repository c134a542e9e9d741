"""Co-marketing content: the Co_Marketing_Asset__c object, its category picklist, and one
criteria-based sharing rule per entitled tier.

Profiles cannot vary record visibility inside one license, so entitlement is sharing: the
object is Private for partners, and each tier's rule opens the active assets of the
categories that tier may see (with tier inheritance, everything lower tiers may see too).
One rule per tier rather than per category keeps the object far below the 50-rule limit.
"""

from __future__ import annotations

from typing import Iterator

from prm_builder.errors import SourceRef
from prm_builder.generate import field_types as ft
from prm_builder.generate import fields as f
from prm_builder.generate.component import Component
from prm_builder.generate.objects import custom_object, org_wide_defaults, text_name
from prm_builder.generate.permissions import tab
from prm_builder.generate.sharing import criteria_rule, tier_sees
from prm_builder.model.content import ContentCategory, ContentSpec
from prm_builder.model.root import ProgramSpec
from prm_builder.model.tiers import Tier

ASSET = "Co_Marketing_Asset__c"


def generate(spec: ProgramSpec) -> Iterator[Component]:
    content = spec.content
    if content is None:
        return
    internal, external = org_wide_defaults(spec, ASSET, "Read", "Private")
    yield custom_object(
        ASSET, "Co-Marketing Asset", "Co-Marketing Assets", name_field=text_name("Asset Name"),
        sharing=internal, external_sharing=external, source=content.ref(),
        description="A piece of co-marketing content (template, brand asset, campaign kit) partners may use.",
        purpose="Carries co-marketing content; its category decides which tiers see it.")
    fields = list(_fields(spec, content))
    yield from fields
    yield tab(ASSET, "Custom13: Box", content.ref(), "Navigation to co-marketing content.")
    for tier in spec.tiers_by_rank():
        if not tier.features.co_marketing:
            continue
        visible = visible_categories(spec, tier)
        if visible:
            yield _tier_rule(tier, visible)


def visible_categories(spec: ProgramSpec, tier: Tier) -> list[ContentCategory]:
    assert spec.content is not None
    return [c for c in spec.content.categories if tier_sees(spec, tier, c.tiers)]


def _fields(spec: ProgramSpec, content: ContentSpec) -> Iterator[Component]:
    def field(name: str, label: str, body: dict, description: str, source: SourceRef | None = None) -> Component:
        return f.field_component(ASSET, name, label, body, purpose=description, description=description,
                                 source=source or content.ref())

    yield field("Category__c", "Category", ft.required(f.picklist([c.name for c in content.categories])),
                "Content category; decides which tiers see the asset.", content.ref("categories"))
    yield field("Asset_URL__c", "Asset URL", ft.url(required=True), "Where partners open or download the asset.")
    yield field("Summary__c", "Summary", ft.text_area(), "What the asset is and when to use it.")
    yield field("Active__c", "Active", ft.checkbox(True), "Only active assets are shared with partners.")
    yield field("Expires_On__c", "Expires On", f.date(), "Last day partners may use the asset (brand or legal review).")


def _tier_rule(tier: Tier, visible: list[ContentCategory]) -> Component:
    # Several values in one criterion are OR-ed by the platform (comma-separated), which is
    # why category names may not contain commas (PRM-V212).
    names = ",".join(c.name for c in visible)
    return criteria_rule(
        ASSET, f"Co_Marketing_{tier.developer_name}", label=f"Co-marketing content for {tier.name}"[:80],
        group=tier.group_name, criteria=[("Category__c", "equals", names), ("Active__c", "equals", "True")],
        source=tier.ref(), description=f"Active assets in: {', '.join(c.name for c in visible)}."[:1000],
        purpose=f"Shares the co-marketing categories {tier.name} partners are entitled to with the tier's group.")
