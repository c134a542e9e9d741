"""The `tiers` section: ranked partner tiers, what qualifies a partner, what each unlocks."""

from __future__ import annotations

from pydantic import Field, model_validator

from prm_builder.model.base import ApiName, Money, NonEmptyStr, SpecNode, derive_api_name


class TierFeatures(SpecNode):
    """What a tier unlocks. Everything is off unless switched on."""

    deal_registration: bool = False
    """Partners of this tier may register deals."""
    lead_distribution: bool = False
    """Partners of this tier receive leads pushed to them by assignment rules."""
    lead_pool: bool = False
    """Partners of this tier may see and claim leads from the shared pool."""
    mdf: bool = False
    """Partners of this tier may request market development funds."""
    co_marketing: bool = False
    """Partners of this tier may see co-marketing content."""


class TierMdf(SpecNode):
    annual_allocation: Money
    """Default yearly MDF budget of a partner in this tier, in the program currency."""


class Tier(SpecNode):
    name: NonEmptyStr
    """Display name, e.g. 'Gold'. Becomes the picklist label."""
    api_name: ApiName | None = None
    """Developer name; derived from `name` when omitted ('Gold Plus' -> 'Gold_Plus')."""
    rank: int = Field(ge=1, le=99)
    """1 is the entry tier; a higher rank is a higher tier. Ranks are unique."""
    description: str = ""
    """Description of the tier's value in the tier global value set (optional)."""
    qualification: dict[str, float] = Field(default_factory=dict)
    """Minimum value of each partner metric (see partner_account.metrics) to hold this tier."""
    features: TierFeatures = TierFeatures()
    """What the tier unlocks; everything is off unless switched on."""
    mdf: TierMdf | None = None
    """MDF allocation; required when features.mdf is on."""
    group: ApiName | None = None
    """Developer name of the tier's public group; default 'PRM_Tier_<api_name>'."""

    @model_validator(mode="before")
    @classmethod
    def _derive_names(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("api_name") and isinstance(data.get("name"), str):
            data = {**data, "api_name": derive_api_name(data["name"])}
        return data

    @property
    def developer_name(self) -> str:
        assert self.api_name is not None  # set by _derive_names
        return self.api_name

    @property
    def group_name(self) -> str:
        return self.group or f"PRM_Tier_{self.developer_name}"
