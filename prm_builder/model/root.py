"""The whole program: every top-level section of the spec files.

Feature sections (deal registration, lead distribution, MDF, ...) are added here as
optional fields; each lives in its own module.
"""

from __future__ import annotations

from prm_builder.model.account import PartnerAccountModel
from prm_builder.model.attribution import Attribution
from prm_builder.model.base import SpecNode
from prm_builder.model.content import ContentSpec
from prm_builder.model.deal_registration import DealRegistration
from prm_builder.model.decisions import OpenDecision
from prm_builder.model.groups import ProgramGroup
from prm_builder.model.lead_distribution import LeadDistribution
from prm_builder.model.mdf import MdfSpec
from prm_builder.model.org import OrgInventory
from prm_builder.model.performance import Performance
from prm_builder.model.program import Program
from prm_builder.model.sharing import SharingSpec
from prm_builder.model.tiers import Tier


class ProgramSpec(SpecNode):
    """All spec files of a program merged: each top-level key is one section."""

    program: Program
    """Program name, API version and partner license."""
    tiers: list[Tier]
    """The partner tiers, any order; `rank` orders them."""
    partner_account: PartnerAccountModel = PartnerAccountModel()
    """Account fields the program reports on (all defaulted)."""
    open_decisions: list[OpenDecision] = []
    """Questions the requirements review has not settled yet."""
    org: OrgInventory = OrgInventory()
    """Things the metadata refers to that already live in the org."""
    groups: list[ProgramGroup] = []
    """Public groups the program owns (generated, so they exist in every org; members are data)."""
    mdf: MdfSpec | None = None
    """Market development funds: budgets, requests, claims (off when absent)."""
    content: ContentSpec | None = None
    """Co-marketing content categories and the tiers entitled to each (off when absent)."""
    sharing: SharingSpec = SharingSpec()
    """Org-wide defaults of prm's objects and tier inheritance of visibility."""
    deal_registration: DealRegistration | None = None
    """Lead-based deal registration with tier-routed approval (optional)."""
    lead_distribution: LeadDistribution | None = None
    """How inbound leads reach partners: push queues and assignment rule, pull pool, SLA."""
    performance: Performance | None = None
    """Partner performance: QBR data model, health score, reports and dashboards (off when absent)."""
    attribution: Attribution | None = None
    """Partner types, partner codes, attribution on Opportunities, channel conflict, commissions."""

    def tiers_by_rank(self) -> list:
        return sorted(self.tiers, key=lambda t: t.rank)

    def tier(self, name_or_api: str):
        for t in self.tiers:
            if name_or_api in (t.name, t.developer_name):
                return t
        return None
