"""The `content` section: co-marketing content and which tiers may see each category.

Profiles cannot vary record visibility inside one license, so entitlement is modelled as
data: every asset is a Co_Marketing_Asset__c record with a category, and criteria-based
sharing rules open each category to the tier groups entitled to it.
"""

from __future__ import annotations

from pydantic import Field

from prm_builder.model.base import NonEmptyStr, SpecNode


class ContentCategory(SpecNode):
    """One category of co-marketing content (a picklist value of the asset's category)."""

    name: NonEmptyStr
    """Category as partners see it, e.g. 'Campaign Kits' (the picklist value; no commas)."""
    description: str = ""
    """What the category holds (shown in the handoff documents; optional)."""
    tiers: list[NonEmptyStr] = Field(default_factory=list)
    """Tiers (name or api_name) entitled to this category. With sharing.tier_inheritance on
    (the default), higher tiers see it too. Empty: internal only."""


class ContentSpec(SpecNode):
    """Co-marketing assets and their entitlement by tier."""

    categories: list[ContentCategory] = Field(min_length=1)
    """Content categories, in the order partners see them."""
