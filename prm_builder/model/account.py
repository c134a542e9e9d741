"""The `partner_account` section: the Account fields a partner program reports on.

Every field has a default, so `partner_account: {}` (or leaving the section out) gives a
complete model; admins override names, labels and picklist values where they differ.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from prm_builder.model.base import ApiName, NonEmptyStr, SpecNode


class FieldSpec(SpecNode):
    api_name: ApiName
    """Developer name including the `__c` suffix."""
    label: NonEmptyStr
    """Field label shown in Salesforce."""
    description: str = ""
    """Field description in Setup (the field's metadata description)."""
    help_text: str = ""
    """Inline help text users see when hovering over the field (optional)."""


class PicklistFieldSpec(FieldSpec):
    values: list[NonEmptyStr]
    """Picklist values in display order."""
    default: str | None = None
    """Value preselected on new records (must be one of `values`)."""


class MetricSpec(FieldSpec):
    type: Literal["currency", "number", "percent"] = "number"
    """Field type of the metric: currency, number or percent (default number)."""
    generate: bool = True
    """False when the field already lives in the org (then list it under org.fields)."""


def _field(api_name: str, label: str, description: str) -> dict:
    return {"api_name": api_name, "label": label, "description": description}


def _default_metrics() -> dict[str, MetricSpec]:
    return {
        "annual_revenue": MetricSpec(api_name="Partner_Annual_Revenue__c", label="Partner Annual Revenue",
                                     type="currency",
                                     description="Revenue the partner sourced or influenced in the last 12 months."),
        "certifications": MetricSpec(api_name="Certified_Consultants__c", label="Certified Consultants",
                                     description="Number of the partner's staff holding a current certification."),
        "registered_deals": MetricSpec(api_name="Registered_Deals_12M__c", label="Registered Deals (12 Months)",
                                       description="Approved deal registrations in the last 12 months."),
    }


class PartnerAccountModel(SpecNode):
    tier_value_set: ApiName = "Partner_Tier"
    """Global value set holding the tiers (shared by every object that stores a tier)."""
    tier_field: FieldSpec = FieldSpec(**_field(
        "Partner_Tier__c", "Partner Tier", "The partner's current program tier."))
    """Account picklist of the partner's current tier (values from the tier global value set); default Partner_Tier__c."""
    segment_field: PicklistFieldSpec = PicklistFieldSpec(
        **_field("Partner_Segment__c", "Partner Segment", "How the channel team engages the partner."),
        values=["Focus", "Assist"])
    """Account picklist of how the channel team engages the partner; default Partner_Segment__c (Focus, Assist)."""
    status_field: PicklistFieldSpec = PicklistFieldSpec(
        **_field("Partner_Status__c", "Partner Status", "Where the partner is in its lifecycle."),
        values=["Onboarding", "Active", "Inactive"], default="Onboarding")
    """Account picklist of the partner's lifecycle stage; default Partner_Status__c (Onboarding, Active, Inactive)."""
    start_date_field: FieldSpec = FieldSpec(**_field(
        "Partnership_Start_Date__c", "Partnership Start Date", "Date the partner agreement took effect."))
    """Account date field: when the partner agreement took effect; default Partnership_Start_Date__c."""
    contract_end_field: FieldSpec = FieldSpec(**_field(
        "Partner_Contract_End_Date__c", "Partner Contract End Date", "Date the partner agreement ends."))
    """Account date field: when the partner agreement ends; default Partner_Contract_End_Date__c."""
    revenue_target_field: FieldSpec = FieldSpec(**_field(
        "Partner_Revenue_Target__c", "Partner Revenue Target", "Revenue the partner committed to this year."))
    """Account currency field: the partner's committed revenue for the year; default Partner_Revenue_Target__c."""
    qualified_tier_field: FieldSpec = FieldSpec(**_field(
        "Qualified_Partner_Tier__c", "Qualified Partner Tier",
        "Highest tier whose qualification criteria the partner meets today (formula)."))
    """Account formula: highest tier whose qualification the partner meets today; default Qualified_Partner_Tier__c."""
    tier_review_field: FieldSpec = FieldSpec(**_field(
        "Partner_Tier_Review__c", "Partner Tier Review",
        "Promote / Demote / Hold: how the current tier compares with the qualified tier (formula)."))
    """Account formula: Promote / Demote / Hold, current vs qualified tier; default Partner_Tier_Review__c."""
    metrics: dict[str, MetricSpec] = Field(default_factory=_default_metrics)
    """Measures tiers qualify on, by name; tier `qualification` keys refer to these names."""

    def all_fields(self) -> list[FieldSpec]:
        fixed = [self.tier_field, self.segment_field, self.status_field, self.start_date_field,
                 self.contract_end_field, self.revenue_target_field, self.qualified_tier_field,
                 self.tier_review_field]
        return fixed + [m for _, m in sorted(self.metrics.items()) if m.generate]
