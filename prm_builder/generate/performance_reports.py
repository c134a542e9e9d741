"""Report types, reports (in folders shared by audience) and dashboards of the QBR.

Custom report types, not standard ones: a standard report type does not list our fields by
a stable column name, and a custom one can be shared as the base of the partner scorecard.
Naming follows what the platform expects (Metadata API Developer Guide, Report and
ReportType): a report addresses a custom report type as `<Name>__c`, its columns as
`<Table>$<Field>`; a report type column names a standard lookup without its `Id` suffix
(`PartnerAccount` for PartnerAccountId). Every column, grouping and filter is checked by
generate/references.py against the fields that exist (PRM-V030).

The partner scorecard lives in a folder shared with the tier groups (partner users); it is
an Account report, so a partner user sees only the accounts sharing gives it: with the
external Account default Private that is its own partner account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from prm_builder.errors import SourceRef
from prm_builder.generate.component import Component
from prm_builder.model.performance import Performance, ReportFolderSpec
from prm_builder.model.root import ProgramSpec
from prm_builder.performance import catalogue as cat

PARTNER_TYPE, OPPORTUNITY_TYPE, REGISTRATION_TYPE, MDF_TYPE = (
    "PRM_Partner_Performance", "PRM_Partner_Opportunities", "PRM_Deal_Registrations", "PRM_MDF_Budgets")


def column_name(field: str) -> str:
    """A report type column for a field: standard lookups drop their 'Id' ('PartnerAccountId'
    -> 'PartnerAccount'); custom fields keep their name."""
    return field[:-2] if not field.endswith("__c") and field.endswith("Id") and field != "Id" else field


@dataclass(frozen=True)
class ReportDef:
    name: str
    label: str
    audience: str  # partnership_team | leadership | finance | partner
    report_type: str
    columns: tuple[str, ...]
    groupings: tuple[str, ...] = ()
    filters: tuple[tuple[str, str, str], ...] = ()
    sums: tuple[str, ...] = ()
    description: str = ""


def _account_columns(spec: ProgramSpec) -> list[str]:
    perf = spec.performance
    assert perf is not None
    pa = spec.partner_account
    acc = perf.account
    fields = ["Name", "IsPartner", pa.tier_field.api_name, pa.segment_field.api_name, pa.status_field.api_name,
              pa.start_date_field.api_name, pa.contract_end_field.api_name, pa.qualified_tier_field.api_name,
              pa.tier_review_field.api_name]
    fields += [f.api_name for f in (acc.partner_manager, acc.region, acc.quarterly_target, acc.renewal_risk,
                                    acc.new_partner) if f is not None]
    from prm_builder.generate.performance import target_history_fields

    fields += target_history_fields(perf)
    if perf.health_score:
        fields += [perf.health_score.score_field, perf.health_score.band_field]
    fields += [m.api_name for m in cat.metrics(spec)]
    return list(dict.fromkeys(fields))


def report_types(spec: ProgramSpec) -> dict[str, tuple[str, str, str, list[str]]]:
    """name -> (base object, category, label, fields)"""
    perf = spec.performance
    assert perf is not None
    out = {PARTNER_TYPE: ("Account", "accounts", "PRM Partner Performance", _account_columns(spec))}
    opp = cat.opportunity_partner_field(spec)
    out[OPPORTUNITY_TYPE] = ("Opportunity", "opportunities", "PRM Partner Opportunities",
                             ["Name", "Amount", "StageName", "CloseDate", "IsWon", "IsClosed", "CreatedDate", opp])
    dr = spec.deal_registration
    if dr is not None:
        fl = dr.fields
        out[REGISTRATION_TYPE] = ("Lead", "leads", "PRM Deal Registrations",
                                  ["Company", "IsConverted", "CreatedDate", fl.status.api_name, fl.amount.api_name,
                                   fl.close_date.api_name, fl.tier.api_name, dr.partner_lookup.lead_api_name(),
                                   "Registration_Submitted_On__c", "Registration_Approved_On__c"])
    if spec.mdf is not None and spec.mdf.model == "custom":
        out[MDF_TYPE] = ("MDF_Budget__c", "other", "PRM MDF Budgets",
                         ["Name", "Partner_Account__c", "Partner_Tier__c", "Period_Start__c", "Period_End__c",
                          "Allocated_Amount__c", "Requested_Amount__c", "Approved_Amount__c", "Claimed_Amount__c",
                          "Utilisation_Rate__c", "Approval_Rate__c"])
    return out


def reports(spec: ProgramSpec) -> list[ReportDef]:
    perf = spec.performance
    assert perf is not None
    pa = spec.partner_account
    m = {x.key: x.api_name for x in cat.metrics(spec)}
    types = report_types(spec)
    a = lambda f: f"Account${f}"  # noqa: E731
    partner = (("Account$IsPartner", "equals", "1"),)
    tier = a(pa.tier_field.api_name)
    target = perf.account.quarterly_target.api_name if perf.account.quarterly_target else None
    revenue = [a(m[k]) for k in ("closed_won_qtd", "closed_won_last_quarter", "closed_won_ytd") if k in m]
    out = [
        ReportDef("PRM_Revenue_By_Partner_And_Tier", "Revenue by Partner and Tier", "leadership", PARTNER_TYPE,
                  (a("Name"), *revenue, *([a(target), a(m["attainment"])] if target else [])), (tier,), partner,
                  tuple(revenue), "Closed-won revenue this quarter, last quarter and YTD per partner, by tier."),
        ReportDef("PRM_Tier_Distribution", "Tier Distribution", "leadership", PARTNER_TYPE,
                  (a("Name"), a(pa.status_field.api_name)), (tier,), partner,
                  description="How many partners each tier holds."),
        ReportDef("PRM_Tier_Movement", "Tier Movement", "leadership", PARTNER_TYPE,
                  (a("Name"), tier, a(pa.qualified_tier_field.api_name)), (a(pa.tier_review_field.api_name),), partner,
                  description="Partners due for promotion or demotion (current vs qualified tier)."),
        ReportDef("PRM_Partner_Sourced_Pipeline", "Partner-Sourced Pipeline", "partnership_team", OPPORTUNITY_TYPE,
                  ("Opportunity$Name", "Opportunity$StageName", "Opportunity$CloseDate", "Opportunity$Amount"),
                  (f"Opportunity${column_name(cat.opportunity_partner_field(spec))}",),
                  (("Opportunity$IsClosed", "equals", "0"),
                   (f"Opportunity${column_name(cat.opportunity_partner_field(spec))}", "notEqual", "")),
                  ("Opportunity$Amount",), "Open opportunities attributed to a partner, by partner."),
    ]
    if perf.health_score:
        hs = perf.health_score
        flags = [a(m[k]) for k in ("inactive_flag", "low_coverage_flag") if k in m]
        if perf.account.renewal_risk:
            flags.append(a(perf.account.renewal_risk.api_name))
        out.append(ReportDef("PRM_Health_Score_By_Partner", "Health Score by Partner", "partnership_team", PARTNER_TYPE,
                             (a("Name"), tier, a(hs.score_field), *flags), (a(hs.band_field),), partner, (),
                             "Every partner's health score and risk flags, by band."))
    if REGISTRATION_TYPE in types:
        dr = spec.deal_registration
        assert dr is not None
        out.append(ReportDef("PRM_Deal_Registration_Funnel", "Deal Registration Funnel", "partnership_team",
                             REGISTRATION_TYPE, ("Lead$Company", f"Lead${dr.fields.amount.api_name}",
                                                 "Lead$Registration_Submitted_On__c", "Lead$Registration_Approved_On__c",
                                                 "Lead$IsConverted"),
                             (f"Lead${dr.fields.status.api_name}",),
                             ((f"Lead${column_name(dr.partner_lookup.lead_api_name())}", "notEqual", ""),),
                             (f"Lead${dr.fields.amount.api_name}",), "Registrations by lifecycle status."))
    if MDF_TYPE in types:
        amounts = tuple(f"MDF_Budget__c${f}" for f in ("Allocated_Amount__c", "Requested_Amount__c",
                                                        "Approved_Amount__c", "Claimed_Amount__c"))
        out.append(ReportDef("PRM_MDF_Utilisation", "MDF Utilisation", "finance", MDF_TYPE,
                             ("MDF_Budget__c$Name", "MDF_Budget__c$Period_Start__c", "MDF_Budget__c$Period_End__c",
                              *amounts, "MDF_Budget__c$Utilisation_Rate__c"),
                             ("MDF_Budget__c$Partner_Account__c",), (), amounts,
                             "Allocated, requested, approved and claimed funds per partner (amount-based)."))
    # The QBR pack: one report per QBR topic, each grouped by partner (one section per partner).
    qbr = [("Revenue", [k for k in ("closed_won_qtd", "closed_won_last_quarter", "closed_won_ytd", "qoq_growth",
                                    "attainment") if k in m]),
           ("Pipeline", [k for k in ("open_pipeline_count", "open_pipeline_value", "pipeline_coverage",
                                     "average_deal_size", "win_rate", "sales_cycle_days") if k in m]),
           ("Funnel", [k for k in m if cat.BY_KEY[k].group in ("deal_registration", "mdf")]),
           ("Engagement", [k for k in m if cat.BY_KEY[k].group == "engagement"])]
    for topic, keys in qbr:
        if keys:
            out.append(ReportDef(f"PRM_QBR_{topic}", f"QBR Pack: {topic}", "partnership_team", PARTNER_TYPE,
                                 tuple(a(m[k]) for k in keys), (a("Name"),), partner,
                                 description=f"QBR pack, {topic.lower()} page: one section per partner."))
    score_cols = [a(c) for c in (pa.tier_field.api_name, *(m[k] for k in ("attainment", "pipeline_coverage",
                                                                          "active_certifications", "csat_average_12m",
                                                                          "registrations_approved_12m") if k in m))]
    if perf.health_score:
        score_cols += [a(perf.health_score.score_field), a(perf.health_score.band_field)]
    out.append(ReportDef("PRM_Partner_Scorecard", "Partner Scorecard", "partner", PARTNER_TYPE,
                         (a("Name"), *score_cols), (), partner,
                         description="The partner's own scorecard: partner users see only their own account."))
    return out


def folders(perf: Performance) -> dict[str, ReportFolderSpec]:
    return {**perf.reports.folders,
            "partner": ReportFolderSpec(name=perf.reports.partner_folder, label="PRM Partner Scorecard")}


def _shares(audience: str, folder: ReportFolderSpec, spec: ProgramSpec) -> list[dict[str, str]]:
    if audience == "partner":
        # Partner users reach the scorecard through their tier's public group (membership is
        # data the channel team maintains), the same target every tier-based share uses.
        return [{"accessLevel": "View", "sharedTo": t.group_name, "sharedToType": "Group"}
                for t in sorted(spec.tiers, key=lambda t: t.group_name)]
    shares = [{"accessLevel": "View", "sharedTo": g, "sharedToType": "Group"} for g in sorted(folder.groups)]
    shares += [{"accessLevel": "View", "sharedTo": r, "sharedToType": "RoleAndSubordinatesInternal"}
               for r in sorted(folder.roles)]
    return shares


def _folder(kind: str, name: str, label: str, shares: list[dict[str, str]], source: SourceRef | None) -> Component:
    refs = [f"Group:{s['sharedTo']}" for s in shares if s["sharedToType"] == "Group"]
    refs += [f"Role:{s['sharedTo']}" for s in shares if s["sharedToType"].startswith("Role")]
    body = {"accessType": "Shared", "folderShares": [{k: v for k, v in s.items() if v} for s in shares],
            "name": label, "publicFolderAccess": "ReadOnly"}
    return Component(kind, name, body, purpose=f"Holds the {label} {kind.removesuffix('Folder').lower()}s and says "
                     "who may view them.", source=source, references=tuple(sorted(refs)))


def generate(spec: ProgramSpec) -> Iterator[Component]:
    perf = spec.performance
    if perf is None or not perf.reports.enabled:
        return
    source = perf.reports.ref() or perf.ref()
    for name, (base, category, label, fields) in sorted(report_types(spec).items()):
        body = {"baseObject": base, "category": category, "deployed": True,
                "description": f"{label}: the fields the QBR reads. Generated by prm.", "label": label,
                "sections": [{"columns": [{"checkedByDefault": False, "field": column_name(f), "table": base}
                                          for f in fields], "masterLabel": label}]}
        yield Component("ReportType", name, body, purpose=f"Report type of the {label.removeprefix('PRM ')} reports.",
                        source=source)
    fold = folders(perf)
    for audience, folder in sorted(fold.items()):
        yield _folder("ReportFolder", folder.name, folder.label, _shares(audience, folder, spec), folder.ref() or source)
        yield _folder("DashboardFolder", f"{folder.name}_Dashboards", f"{folder.label} Dashboards"[:40],
                      _shares(audience, folder, spec), folder.ref() or source)
    defs = reports(spec)
    for r in defs:
        yield _report(r, fold[r.audience].name, source)
    yield from _dashboards(spec, perf, defs, fold, source)


def _report(r: ReportDef, folder: str, source: SourceRef | None) -> Component:
    body: dict[str, Any] = {
        "columns": [{"aggregateTypes": ["Sum"] if c in r.sums else [], "field": c} for c in r.columns],
        "description": r.description or None,
        "filter": {"criteriaItems": [{"column": c, "isUnlocked": True, "operator": op, "value": v or None}
                                     for c, op, v in r.filters]} if r.filters else None,
        "format": "Summary" if r.groupings else "Tabular",
        "groupingsDown": [{"dateGranularity": "Day", "field": g, "sortOrder": "Asc"} for g in r.groupings],
        "name": r.label, "reportType": f"{r.report_type}__c", "scope": "organization",
        "showDetails": True, "showGrandTotal": True, "showSubTotals": True,
    }
    if not r.groupings:
        # a tabular report feeds a dashboard table only with a row limit and a sort
        body.update({"rowLimit": 25, "sortColumn": r.columns[0], "sortOrder": "Asc"})
    return Component("Report", f"{folder}/{r.name}", body, purpose=r.description or r.label, source=source,
                     references=(f"ReportType:{r.report_type}", f"ReportFolder:{folder}"))


#: dashboard -> (audience, dashboard type, [(report name, component type, title)])
DASHBOARDS: dict[str, tuple[str, str, str, list[tuple[str, str, str]]]] = {
    "PRM_Partner_Program_Overview": ("leadership", "SpecifiedUser", "Partner Program Overview", [
        ("PRM_Revenue_By_Partner_And_Tier", "Column", "Revenue by tier"),
        ("PRM_Tier_Distribution", "Donut", "Partners by tier"),
        ("PRM_Tier_Movement", "Bar", "Tier movement"),
        ("PRM_Health_Score_By_Partner", "Donut", "Partners by health band")]),
    "PRM_QBR_Dashboard": ("partnership_team", "SpecifiedUser", "QBR Dashboard", [
        ("PRM_Partner_Sourced_Pipeline", "Bar", "Partner-sourced pipeline"),
        ("PRM_Deal_Registration_Funnel", "Funnel", "Deal registration funnel"),
        ("PRM_Health_Score_By_Partner", "Bar", "Health bands"),
        ("PRM_QBR_Revenue", "Table", "Revenue by partner")]),
    "PRM_MDF_Dashboard": ("finance", "SpecifiedUser", "MDF Utilisation", [
        ("PRM_MDF_Utilisation", "Bar", "MDF by partner")]),
    # LoggedInUser: each partner user sees the data as itself, i.e. only its own account.
    "PRM_Partner_Scorecard": ("partner", "LoggedInUser", "My Partner Scorecard", [
        ("PRM_Partner_Scorecard", "Table", "My scorecard")]),
}


def _dashboards(spec: ProgramSpec, perf: Performance, defs: list[ReportDef], fold: dict[str, ReportFolderSpec],
                source: SourceRef | None) -> Iterator[Component]:
    available = {r.name: r for r in defs}
    for name, (audience, kind, title, parts) in sorted(DASHBOARDS.items()):
        parts = [p for p in parts if p[0] in available]
        if not parts:
            continue
        grid = []
        for i, (report, ctype, header) in enumerate(parts):
            r = available[report]
            component: dict[str, Any] = {"autoselectColumnsFromReport": True, "componentType": ctype,
                                         "header": header, "report": f"{fold[r.audience].name}/{report}"}
            if ctype == "Table" and not r.groupings:
                component["autoselectColumnsFromReport"] = False
                component["dashboardTableColumn"] = [{"column": c} for c in r.columns[:10]]
            grid.append({"colSpan": 6, "columnIndex": 6 * (i % 2), "dashboardComponent": component,
                         "rowIndex": 8 * (i // 2), "rowSpan": 8})
        body = {"dashboardGridLayout": {"dashboardGridComponents": grid, "numberOfColumns": 12, "rowHeight": 36},
                "dashboardType": kind, "description": f"{title}. Generated by prm.", "isGridLayout": True,
                "textColor": "#000000", "title": title, "titleColor": "#000000", "titleSize": 12,
                "backgroundEndColor": "#FFFFFF", "backgroundFadeDirection": "Diagonal",
                "backgroundStartColor": "#FFFFFF"}
        folder = f"{fold[audience].name}_Dashboards"
        refs = sorted({f"Report:{fold[available[p[0]].audience].name}/{p[0]}" for p in parts}
                      | {f"DashboardFolder:{folder}"})
        yield Component("Dashboard", f"{folder}/{name}", body, purpose=f"{title} dashboard.", source=source,
                        references=tuple(refs))
