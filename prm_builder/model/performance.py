"""The `performance` section: what a quarterly business review (QBR) reads from Salesforce.

Partner account fields (manager, region, quarterly target with four quarters of history,
renewal-risk and tenure flags), revenue / pipeline / deal-registration / MDF metrics per
partner, engagement objects (each switchable), the partner health score, the reports and
dashboards, and a read-only integration permission set. Every part is optional and every
generated name can be overridden; the metric catalogue itself lives in
prm_builder/performance/metrics.py so the generator, the docs and `prm score` share it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from prm_builder.model.account import FieldSpec, PicklistFieldSpec
from prm_builder.model.base import ApiName, NonEmptyStr, SpecNode


def _f(api_name: str, label: str, description: str = "") -> FieldSpec:
    return FieldSpec(api_name=api_name, label=label, description=description)


class FlagFieldSpec(FieldSpec):
    months: int = Field(default=6, ge=1, le=60)
    """Window of the flag in months (contract ending within / partner for less than)."""


class PerformanceAccount(SpecNode):
    """Account fields the QBR reads besides the partner_account section's."""

    partner_manager: FieldSpec | None = _f("Partner_Manager__c", "Partner Manager",
                                           "Channel manager who owns the relationship and runs the QBR.")
    """User lookup: the channel manager responsible for the partner (null: not generated)."""
    region: PicklistFieldSpec | None = PicklistFieldSpec(
        api_name="Partner_Region__c", label="Partner Region", description="Region the partner is managed in.",
        values=["North America", "EMEA", "APAC", "LATAM"])
    """Picklist of the partner's region (null: not generated)."""
    quarterly_target: FieldSpec | None = _f("Quarterly_Revenue_Target__c", "Quarterly Revenue Target",
                                            "Revenue the partner committed to for the current quarter.")
    """Currency: this quarter's revenue target; revenue attainment and pipeline coverage divide by it."""
    target_history: int = Field(default=4, ge=0, le=8)
    """Quarters of target history kept (fields <quarterly_target>_Q1..Qn, shifted by the daily job)."""
    renewal_risk: FlagFieldSpec | None = FlagFieldSpec(
        api_name="Partner_Renewal_Risk__c", label="Renewal Risk",
        description="The partner agreement ends within the window (formula).")
    """Checkbox formula: contract end date within `months` (default 6)."""
    new_partner: FlagFieldSpec | None = FlagFieldSpec(
        api_name="New_Partner__c", label="New Partner",
        description="The partnership started less than the window ago (formula).")
    """Checkbox formula: partnership start date less than `months` ago (default 6)."""


class EngagementObject(SpecNode):
    """One engagement object, a master-detail child of the partner Account (so roll-ups work
    and each partner sees only its own records)."""

    enabled: bool = True
    """False: the object and the metrics reading it are not generated."""
    api_name: ApiName | None = None
    """Object API name (default: the catalogue's, e.g. Partner_Training__c)."""
    label: NonEmptyStr | None = None
    """Object label (default: the catalogue's)."""


class CertificationObject(EngagementObject):
    replaces_metric: NonEmptyStr | None = "certifications"
    """Tier qualification metric (partner_account.metrics key) computed as the roll-up count of
    active certifications instead of typed in; null keeps the metric as it is."""


class SupportCases(SpecNode):
    enabled: bool = False
    """True when the org uses Case for partner support: adds a partner lookup on Case."""
    partner_field: ApiName = "Partner_Account__c"
    """Case lookup to the partner account (generated)."""


class Engagement(SpecNode):
    training: EngagementObject = EngagementObject()
    """Training completions (Partner_Training__c)."""
    certifications: CertificationObject = CertificationObject()
    """Certifications with expiry and status (Partner_Certification__c)."""
    activity: EngagementObject = EngagementObject()
    """Partner activity: portal logins, calls, events (Partner_Activity__c)."""
    events: EngagementObject = EngagementObject()
    """Event attendance (Partner_Event_Attendance__c)."""
    surveys: EngagementObject = EngagementObject()
    """Customer-satisfaction survey responses, CSAT 1-5 (Partner_Survey_Response__c)."""
    implementations: EngagementObject = EngagementObject()
    """Customer implementations and their go-live (Partner_Implementation__c)."""
    support_cases: SupportCases = SupportCases()
    """Support cases by partner (Case), off unless the org uses Case."""


ComponentName = Literal["revenue", "pipeline", "engagement", "csat", "deal_velocity"]


class ScoreComponent(SpecNode):
    weight: int = Field(ge=0, le=100)
    """Points of 100 the component contributes; the weights of all components sum to 100."""
    cap: float = Field(gt=0)
    """Value at which the component earns full points (revenue: attainment 1.0 = 100 %;
    pipeline: coverage 3.0; engagement: interactions; csat: average 5; deal_velocity: target
    sales-cycle days, shorter cycles earn full points)."""


def _default_components() -> dict[str, ScoreComponent]:
    return {"revenue": ScoreComponent(weight=30, cap=1.0), "pipeline": ScoreComponent(weight=25, cap=3.0),
            "engagement": ScoreComponent(weight=20, cap=12), "csat": ScoreComponent(weight=15, cap=5),
            "deal_velocity": ScoreComponent(weight=10, cap=90)}


class Bands(SpecNode):
    healthy: float = Field(default=70, ge=0, le=100)
    """Scores at or above this are 'Healthy'."""
    watch: float = Field(default=50, ge=0, le=100)
    """Scores at or above this (and below healthy) are 'Watch'; below it 'At Risk'."""


class RiskFlags(SpecNode):
    inactive_days: int = Field(default=30, ge=1, le=365)
    """No partner activity for this many days raises the inactivity flag."""
    min_pipeline_coverage: float = Field(default=1.5, ge=0)
    """Open pipeline below this multiple of the quarterly target raises the coverage flag (1.5 = 150 %)."""


class HealthScore(SpecNode):
    components: dict[ComponentName, ScoreComponent] = Field(default_factory=_default_components)
    """Score components by name, with weight (sum 100) and cap. Leave one out to drop it."""
    bands: Bands = Bands()
    """Thresholds of the Healthy / Watch / At Risk bands."""
    risk_flags: RiskFlags = RiskFlags()
    """Thresholds of the risk flags (the contract flag uses performance.account.renewal_risk)."""
    score_field: ApiName = "Partner_Health_Score__c"
    """Account number field holding the score (0-100)."""
    band_field: ApiName = "Partner_Health_Band__c"
    """Account picklist holding the band."""
    job_class: ApiName = "PartnerHealthScoreJob"
    """Schedulable Apex class recalculating every partner daily."""
    schedule_cron: NonEmptyStr = "0 0 2 * * ?"
    """Cron expression the job is scheduled with after deploy (default daily 02:00)."""


Audience = Literal["partnership_team", "leadership", "finance"]


class ReportFolderSpec(SpecNode):
    name: ApiName
    """Folder developer name."""
    label: NonEmptyStr
    """Folder label."""
    groups: list[NonEmptyStr] = Field(default_factory=list)
    """Public groups the folder is shared with (viewer access); each must be generated or under org.groups."""
    roles: list[NonEmptyStr] = Field(default_factory=list)
    """Roles (and subordinates) the folder is shared with; each must be under org.roles."""


def _folders() -> dict[str, ReportFolderSpec]:
    return {
        "partnership_team": ReportFolderSpec(name="PRM_Partnership_Team", label="PRM Partnership Team"),
        "leadership": ReportFolderSpec(name="PRM_Leadership", label="PRM Leadership"),
        "finance": ReportFolderSpec(name="PRM_Finance", label="PRM Finance"),
    }


class Reports(SpecNode):
    enabled: bool = True
    """False: no report types, reports or dashboards."""
    folders: dict[Audience, ReportFolderSpec] = Field(default_factory=_folders)
    """Report folders by audience, with who they are shared with."""
    partner_folder: ApiName = "PRM_Partner_Scorecard"
    """Folder of the partner-facing scorecard (shared with partner users; rows limited to their account)."""


class IntegrationAccess(SpecNode):
    enabled: bool = True
    """False: no integration permission set."""
    permission_set: ApiName = "PRM_QBR_Integration_Read"
    """Read-only permission set for the external QBR application's API user."""


class Performance(SpecNode):
    """Partner performance: the QBR data model, the health score, reports and dashboards."""

    account: PerformanceAccount = PerformanceAccount()
    """Account fields: partner manager, region, quarterly target and history, risk and tenure flags."""
    metric_fields: dict[NonEmptyStr, ApiName] = Field(default_factory=dict)
    """Overrides of metric field names by metric key (see the README's metric catalogue)."""
    opportunity_partner_field: ApiName | None = None
    """Opportunity field attributing a deal to its partner; default: deal registration's partner
    lookup, else the standard PartnerAccountId (list it under org.fields)."""
    engagement: Engagement = Engagement()
    """Engagement objects linked to the partner account, each switchable."""
    health_score: HealthScore | None = HealthScore()
    """The partner health score (null: no score)."""
    reports: Reports = Reports()
    """Report types, reports (by audience folder) and dashboards."""
    integration: IntegrationAccess = IntegrationAccess()
    """Read-only permission set for the QBR integration."""
