"""The `program` section: name, API version, license."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import Field

from prm_builder.model.base import NonEmptyStr, SpecNode


class License(str, Enum):
    PARTNER_COMMUNITY = "Partner Community"
    PARTNER_COMMUNITY_PLUS = "Partner Community Plus"
    PARTNER_COMMUNITY_LOGIN = "Partner Community Login"
    # Accepted by the parser only so validation can explain why they are wrong (PRM-V015).
    CUSTOMER_COMMUNITY = "Customer Community"
    CUSTOMER_COMMUNITY_PLUS = "Customer Community Plus"

    @property
    def is_partner(self) -> bool:
        return self.value.startswith("Partner")

    @property
    def license_definition_keys(self) -> tuple[str, ...]:
        """UserLicense.LicenseDefinitionKey values that provide this license in an org."""
        return {
            License.PARTNER_COMMUNITY: ("PID_Partner_Community",),
            License.PARTNER_COMMUNITY_PLUS: ("PID_Partner_Community",),
            License.PARTNER_COMMUNITY_LOGIN: ("PID_Partner_Community_Login",),
            License.CUSTOMER_COMMUNITY: ("PID_Customer_Community",),
            License.CUSTOMER_COMMUNITY_PLUS: ("PID_Customer_Community_Plus",),
        }[self]


class TierReview(SpecNode):
    """How often partners are re-qualified, and how long a demotion waits."""

    cycle: Literal["quarterly", "semiannual", "annual"] = "annual"
    """How often each partner's tier is reviewed against the qualification criteria."""
    demotion_grace_days: int = Field(default=90, ge=0, le=730)
    """Days a partner keeps its tier after falling below the criteria, before demotion."""


class Program(SpecNode):
    name: NonEmptyStr
    """The partner program's name as partners see it, e.g. 'Acme Partner Network'."""
    api_version: str = "63.0"
    """Metadata API version of the generated files. Only 63.0 is supported (the schema we check)."""
    client: str = Field(default="", max_length=255)
    """The organisation the program is built for, as it signs (named on the handoff package's
    cover and sign-off page), e.g. 'Northwind Analytics, Inc.'."""
    license: License
    """The partner user license: 'Partner Community', 'Partner Community Plus' or 'Partner Community Login'."""
    description: str = ""
    """One paragraph on what the program is for (goes into the handoff documents)."""
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    """ISO currency code of the amounts in the specs (allocations, thresholds)."""
    tier_review: TierReview = TierReview()
    """Promotion / demotion review cadence."""
