"""The QBR metric catalogue: every per-partner metric, where it lives and how it is computed.

One list read by the generator (fields), the Apex template (what the daily job sets), the
reports, the docs page and the integration permission set, so they cannot disagree.

How a metric is kept current (`kind`):
- `rollup`: a roll-up summary on Account. Only possible over a master-detail child, so only
  for the engagement objects prm creates as details of the partner Account, and only when the
  filter is a fixed value (a roll-up filter cannot say "in the last 90 days").
- `scheduled`: set by the daily job (Apex). Opportunities reach their partner through a
  *lookup* (Opportunity.PartnerAccountId or a custom lookup), never master-detail, so no
  revenue or pipeline figure can be a roll-up; date windows (quarter, 12 months) cannot be
  roll-up filters either.
- `formula`: an Account formula over other fields (always current, nothing stored).
"""

from __future__ import annotations

from dataclasses import dataclass

from prm_builder.model.performance import Performance
from prm_builder.model.root import ProgramSpec


@dataclass(frozen=True)
class Metric:
    key: str
    api_name: str
    label: str
    type: str  # currency | number | percent | date | checkbox
    kind: str  # scheduled | rollup | formula
    group: str  # revenue | pipeline | deal_registration | mdf | engagement | health
    description: str
    requires: str = ""  # engagement object key, 'target', 'deal_registration', 'mdf', 'activity'


def _m(key: str, api: str, label: str, type_: str, kind: str, group: str, description: str,
       requires: str = "") -> Metric:
    return Metric(key, api, label, type_, kind, group, description, requires)


CATALOGUE: list[Metric] = [
    _m("closed_won_qtd", "Closed_Won_This_Quarter__c", "Closed Won This Quarter", "currency", "scheduled", "revenue",
       "Amount of the partner's won opportunities closing this calendar quarter."),
    _m("closed_won_last_quarter", "Closed_Won_Last_Quarter__c", "Closed Won Last Quarter", "currency", "scheduled",
       "revenue", "Amount of the partner's won opportunities that closed last calendar quarter."),
    _m("closed_won_ytd", "Closed_Won_YTD__c", "Closed Won YTD", "currency", "scheduled", "revenue",
       "Amount of the partner's won opportunities closing this calendar year."),
    _m("qoq_growth", "Revenue_QoQ_Growth__c", "Revenue QoQ Growth", "percent", "formula", "revenue",
       "Closed-won this quarter against last quarter (blank when last quarter had none)."),
    _m("attainment", "Revenue_Attainment__c", "Revenue Attainment", "percent", "formula", "revenue",
       "Closed-won this quarter against the quarterly revenue target (blank without a target).", "target"),
    _m("open_pipeline_count", "Open_Pipeline_Count__c", "Open Pipeline Count", "number", "scheduled", "pipeline",
       "Open opportunities attributed to the partner."),
    _m("open_pipeline_value", "Open_Pipeline_Value__c", "Open Pipeline Value", "currency", "scheduled", "pipeline",
       "Amount of the open opportunities attributed to the partner."),
    _m("pipeline_coverage", "Pipeline_Coverage__c", "Pipeline Coverage", "percent", "formula", "pipeline",
       "Open pipeline value against the quarterly revenue target (blank without a target).", "target"),
    _m("average_deal_size", "Average_Deal_Size__c", "Average Deal Size", "currency", "scheduled", "pipeline",
       "Average amount of the partner's opportunities won in the last 12 months."),
    _m("win_rate", "Win_Rate__c", "Win Rate", "percent", "scheduled", "pipeline",
       "Won against closed opportunities of the partner in the last 12 months."),
    _m("sales_cycle_days", "Sales_Cycle_Days__c", "Sales Cycle Days", "number", "scheduled", "pipeline",
       "Average days from creation to close of the partner's opportunities won in the last 12 months."),
    _m("registrations_submitted_12m", "Registrations_Submitted_12M__c", "Registrations Submitted (12M)", "number",
       "scheduled", "deal_registration", "Deal registrations the partner submitted in the last 12 months.",
       "deal_registration"),
    _m("registrations_approved_12m", "Registrations_Approved_12M__c", "Registrations Approved (12M)", "number",
       "scheduled", "deal_registration", "Deal registrations approved in the last 12 months.", "deal_registration"),
    _m("registrations_won_12m", "Registrations_Won_12M__c", "Registrations Won (12M)", "number", "scheduled",
       "deal_registration", "Registrations whose opportunity was won in the last 12 months.", "deal_registration"),
    _m("registration_approval_rate", "Registration_Approval_Rate__c", "Registration Approval Rate", "percent",
       "formula", "deal_registration", "Approved against submitted registrations (12 months).", "deal_registration"),
    _m("registration_win_rate", "Registration_Win_Rate__c", "Registration Win Rate", "percent", "formula",
       "deal_registration", "Won against approved registrations (12 months).", "deal_registration"),
    _m("mdf_requests_12m", "MDF_Requests_12M__c", "MDF Requests (12M)", "number", "scheduled", "mdf",
       "MDF requests the partner submitted in the last 12 months (any status but Draft).", "mdf"),
    _m("mdf_requests_approved_12m", "MDF_Requests_Approved_12M__c", "MDF Requests Approved (12M)", "number",
       "scheduled", "mdf", "MDF requests approved in the last 12 months.", "mdf"),
    _m("mdf_requests_claimed_12m", "MDF_Requests_Claimed_12M__c", "MDF Requests Claimed (12M)", "number",
       "scheduled", "mdf", "Approved MDF requests of the last 12 months with at least one claim.", "mdf"),
    _m("mdf_allocated_amount", "MDF_Allocated_Amount__c", "MDF Allocated (Current)", "currency", "scheduled", "mdf",
       "Allocated amount of the partner's current MDF budgets.", "mdf"),
    _m("mdf_requested_amount", "MDF_Requested_Amount__c", "MDF Requested (Current)", "currency", "scheduled", "mdf",
       "Amount requested against the partner's current MDF budgets.", "mdf"),
    _m("mdf_approved_amount", "MDF_Approved_Amount__c", "MDF Approved (Current)", "currency", "scheduled", "mdf",
       "Amount approved against the partner's current MDF budgets.", "mdf"),
    _m("mdf_claimed_amount", "MDF_Claimed_Amount__c", "MDF Claimed (Current)", "currency", "scheduled", "mdf",
       "Amount claimed against the partner's current MDF budgets.", "mdf"),
    _m("mdf_approval_rate_count", "MDF_Approval_Rate_Count__c", "MDF Approval Rate (Count)", "percent", "formula",
       "mdf", "Count-based: approved against submitted MDF requests (12 months).", "mdf"),
    _m("mdf_approval_rate_amount", "MDF_Approval_Rate_Amount__c", "MDF Approval Rate (Amount)", "percent", "formula",
       "mdf", "Amount-based: approved against requested amount (current budgets).", "mdf"),
    _m("mdf_utilisation_count", "MDF_Utilisation_Count__c", "MDF Utilisation (Count)", "percent", "formula", "mdf",
       "Count-based: approved requests that were claimed against approved requests (12 months).", "mdf"),
    _m("mdf_utilisation_amount", "MDF_Utilisation_Amount__c", "MDF Utilisation (Amount)", "percent", "formula", "mdf",
       "Amount-based: claimed against allocated amount (current budgets).", "mdf"),
    _m("training_completions_12m", "Training_Completions_12M__c", "Training Completions (12M)", "number",
       "scheduled", "engagement", "Trainings the partner's people completed in the last 12 months.", "training"),
    _m("active_certifications", "Active_Certifications__c", "Active Certifications", "number", "rollup",
       "engagement", "Certifications with status Active (the daily job expires them on their expiry date).",
       "certifications"),
    _m("last_activity_date", "Last_Partner_Activity__c", "Last Partner Activity", "date", "rollup", "engagement",
       "Date of the partner's latest activity (login, event, call).", "activity"),
    _m("activities_90d", "Partner_Activities_90D__c", "Partner Activities (90D)", "number", "scheduled",
       "engagement", "Partner activities in the last 90 days.", "activity"),
    _m("events_attended_12m", "Events_Attended_12M__c", "Events Attended (12M)", "number", "scheduled",
       "engagement", "Events the partner attended in the last 12 months.", "events"),
    _m("csat_average_12m", "CSAT_Average_12M__c", "CSAT Average (12M)", "number", "scheduled", "engagement",
       "Average customer-satisfaction score (1-5) of the last 12 months (blank without responses).", "surveys"),
    _m("csat_responses_12m", "CSAT_Responses_12M__c", "CSAT Responses (12M)", "number", "scheduled", "engagement",
       "Customer-satisfaction responses of the last 12 months.", "surveys"),
    _m("implementations_live", "Implementations_Live__c", "Implementations Live", "number", "rollup", "engagement",
       "Customer implementations the partner took live.", "implementations"),
    _m("open_support_cases", "Open_Partner_Cases__c", "Open Partner Cases", "number", "scheduled", "engagement",
       "Open support cases of the partner's customers (Case partner lookup).", "support_cases"),
    _m("health_score_date", "Health_Score_Date__c", "Health Score Date", "date", "scheduled", "health",
       "When the daily job last recalculated the partner's metrics and score.", "health"),
    _m("inactive_flag", "No_Recent_Partner_Activity__c", "No Recent Activity", "checkbox", "formula", "health",
       "Risk flag: no partner activity within the inactivity window.", "activity"),
    _m("low_coverage_flag", "Low_Pipeline_Coverage__c", "Low Pipeline Coverage", "checkbox", "formula", "health",
       "Risk flag: open pipeline below the minimum coverage of the quarterly target.", "target"),
]

#: Engagement objects: key -> (default API name, label, plural label)
OBJECTS: dict[str, tuple[str, str, str]] = {
    "training": ("Partner_Training__c", "Partner Training Completion", "Partner Training Completions"),
    "certifications": ("Partner_Certification__c", "Partner Certification", "Partner Certifications"),
    "activity": ("Partner_Activity__c", "Partner Activity", "Partner Activities"),
    "events": ("Partner_Event_Attendance__c", "Partner Event Attendance", "Partner Event Attendances"),
    "surveys": ("Partner_Survey_Response__c", "Partner Survey Response", "Partner Survey Responses"),
    "implementations": ("Partner_Implementation__c", "Partner Implementation", "Partner Implementations"),
}


def engagement_enabled(perf: Performance, key: str) -> bool:
    if key == "support_cases":
        return perf.engagement.support_cases.enabled
    return bool(getattr(perf.engagement, key).enabled)


def object_name(perf: Performance, key: str) -> str:
    return getattr(perf.engagement, key).api_name or OBJECTS[key][0]


def object_label(perf: Performance, key: str) -> tuple[str, str]:
    obj = getattr(perf.engagement, key)
    label, plural = OBJECTS[key][1:]
    return (obj.label, obj.label + "s") if obj.label else (label, plural)


def replaced_metric(spec: ProgramSpec) -> str | None:
    """The partner_account metric the active-certification roll-up replaces (or None)."""
    perf = spec.performance
    if perf is None or not perf.engagement.certifications.enabled:
        return None
    return perf.engagement.certifications.replaces_metric


def available(spec: ProgramSpec, metric: Metric) -> bool:
    """Whether the program generates this metric (its object, section or target exists)."""
    perf = spec.performance
    assert perf is not None
    need = metric.requires
    if not need:
        return True
    if need == "target":
        return perf.account.quarterly_target is not None
    if need == "deal_registration":
        return spec.deal_registration is not None
    if need == "mdf":
        return spec.mdf is not None and spec.mdf.model == "custom"
    if need == "health":
        return perf.health_score is not None
    return engagement_enabled(perf, need)


def api_name(spec: ProgramSpec, key: str) -> str:
    """The field name of a metric: the spec's override, the replaced qualification metric's
    field (active certifications), else the catalogue's default."""
    perf = spec.performance
    assert perf is not None
    if key in perf.metric_fields:
        return perf.metric_fields[key]
    if key == "active_certifications":
        replaced = replaced_metric(spec)
        metric = spec.partner_account.metrics.get(replaced) if replaced else None
        if metric is not None:
            return metric.api_name
    return BY_KEY[key].api_name


def metrics(spec: ProgramSpec) -> list[Metric]:
    """The metrics this program generates, with their resolved field names."""
    return [Metric(m.key, api_name(spec, m.key), _label(spec, m), m.type, m.kind, m.group, m.description,
                   m.requires) for m in CATALOGUE if available(spec, m)]


def _label(spec: ProgramSpec, metric: Metric) -> str:
    """A replaced qualification metric keeps its label (what the tier matrix calls it)."""
    replaced = replaced_metric(spec) if metric.key == "active_certifications" else None
    spec_metric = spec.partner_account.metrics.get(replaced) if replaced else None
    return spec_metric.label if spec_metric is not None else metric.label


def opportunity_partner_field(spec: ProgramSpec) -> str:
    perf = spec.performance
    assert perf is not None
    if perf.opportunity_partner_field:
        return perf.opportunity_partner_field
    if spec.deal_registration is not None:
        return spec.deal_registration.partner_lookup.opportunity_api_name()
    return "PartnerAccountId"


BY_KEY: dict[str, Metric] = {m.key: m for m in CATALOGUE}
