"""The `mdf` section: market development funds (budgets, requests, claims).

Which tiers may request funds, and how much each tier's budget holds, live in the tiers
section (`features.mdf`, `mdf.annual_allocation`): this section only says how MDF is
modelled in the org and which activities it pays for.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from prm_builder.model.approval import ApprovalRouting
from prm_builder.model.base import NonEmptyStr, SpecNode

DEFAULT_ACTIVITY_TYPES = ["Event", "Webinar", "Digital Campaign", "Trade Show", "Content Syndication"]


class MdfSpec(SpecNode):
    """Market development funds: budget per partner and period, requests against it, claims
    against approved requests."""

    model: Literal["custom", "standard"] = "custom"
    """'custom' (default): prm creates MDF_Budget__c, MDF_Request__c and MDF_Claim__c, which
    work in any org with partner licenses. 'standard': the platform's PRM objects
    (PartnerFundAllocation, PartnerFundRequest, PartnerFundClaim), which exist only when PRM
    is enabled; list the fields prm relies on under org.fields so `prm check --org` verifies them."""
    budget_access: Literal["account", "tier_groups"] = "account"
    """How partners see budgets (custom model). 'account' (default): a budget is a detail of
    the partner Account, so each partner sees exactly its own budgets, requests and claims.
    'tier_groups': budgets have their own Private org-wide default and criteria-based sharing
    rules open them to the tier groups; every partner of a tier then sees every budget of the
    tier (a warning says so)."""
    activity_types: list[NonEmptyStr] = Field(default_factory=lambda: list(DEFAULT_ACTIVITY_TYPES))
    """What funds may be spent on (picklist values of the request's activity type)."""
    claim_window_days: int | None = Field(default=60, ge=1, le=365)
    """Days after an activity ends within which its claim must be submitted; empty: no limit."""
    description: str = ""
    """What the fund is for (goes into the handoff documents)."""
    request_approval: ApprovalRouting | None = None
    """Approval of fund requests: routes by tier, auto-approval below a threshold, steps with
    rising thresholds (the shared approval machinery, as for deal registration). Empty: channel
    managers set the status by hand."""
    claim_approval: ApprovalRouting | None = None
    """Approval of claims (after proof of performance), routed by tier like requests."""
