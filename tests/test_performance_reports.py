"""Report types, reports, folders and dashboards of the QBR; the integration permission
set; and the reference check over report columns and filters."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.generate.component import Component
from prm_builder.generate.references import check_references
from prm_builder.write.render import mdapi_files, source_files
from tests.conftest import ROOT, TODAY, edit_spec


@pytest.fixture(scope="module")
def northwind() -> tuple:
    result = api.validate(ROOT / "specs", TODAY)
    assert result.ok, "\n".join(d.format() for d in result.diagnostics)
    return result.spec, {c.key: c for c in result.components}


def test_every_required_report_exists_in_its_audience_folder(northwind) -> None:
    _, comps = northwind
    reports = {k.split(":", 1)[1] for k in comps if k.startswith("Report:")}
    assert {"PRM_Partnership_Team/PRM_Partner_Sourced_Pipeline", "PRM_Leadership/PRM_Revenue_By_Partner_And_Tier",
            "PRM_Partnership_Team/PRM_Deal_Registration_Funnel", "PRM_Finance/PRM_MDF_Utilisation",
            "PRM_Leadership/PRM_Tier_Distribution", "PRM_Leadership/PRM_Tier_Movement",
            "PRM_Partnership_Team/PRM_Health_Score_By_Partner", "PRM_Partnership_Team/PRM_QBR_Revenue",
            "PRM_Partner_Scorecard/PRM_Partner_Scorecard"} <= reports


def test_folders_are_shared_with_their_audience_only(northwind) -> None:
    _, comps = northwind
    shares = lambda key: {(s["sharedToType"], s["sharedTo"]) for s in comps[key].body["folderShares"]}  # noqa: E731
    assert shares("ReportFolder:PRM_Partnership_Team") == {("Group", "Channel_Managers"), ("Group", "Channel_Operations")}
    assert shares("ReportFolder:PRM_Leadership") == {("Group", "Channel_Leadership")}  # a program group: portable
    assert shares("ReportFolder:PRM_Finance") == {("Group", "Finance_Team")}
    # partner users: through their tier groups, never the whole organization
    assert shares("ReportFolder:PRM_Partner_Scorecard") == {("Group", f"PRM_Tier_{t}") for t in ("Gold", "Silver", "Bronze")}
    assert all(comps[k].body["accessType"] == "Shared" for k in comps if k.startswith("ReportFolder:"))


def test_partner_scorecard_shows_each_partner_only_its_own_account(northwind) -> None:
    _, comps = northwind
    dashboard = comps["Dashboard:PRM_Partner_Scorecard_Dashboards/PRM_Partner_Scorecard"].body
    # LoggedInUser: the dashboard runs as the viewing partner user, so sharing (Account external
    # default Private) limits it to the user's own account (Salesforce Help: "Dynamic Dashboards").
    assert dashboard["dashboardType"] == "LoggedInUser"
    report = comps["Report:PRM_Partner_Scorecard/PRM_Partner_Scorecard"].body
    assert report["reportType"] == "PRM_Partner_Performance__c"
    assert {"column": "Account$IsPartner", "isUnlocked": True, "operator": "equals", "value": "1"} in \
        report["filter"]["criteriaItems"]


def test_report_type_column_of_a_standard_lookup_drops_id(northwind) -> None:
    _, comps = northwind
    cols = {c["field"] for c in comps["ReportType:PRM_Partner_Opportunities"].body["sections"][0]["columns"]}
    assert "PartnerAccount" in cols and "PartnerAccountId" not in cols


def _with_body(c: Component, **changes) -> Component:
    return dataclasses.replace(c, body={**c.body, **changes})


def test_a_report_column_typo_is_a_dangling_reference(northwind) -> None:
    spec, comps = northwind
    key = "Report:PRM_Leadership/PRM_Tier_Distribution"
    broken = dict(comps)
    broken[key] = _with_body(comps[key], columns=[{"field": "Account$Partner_Tierr__c"}])
    messages = [d.message for d in check_references(spec, broken.values())]
    assert any("ReportTypeColumn 'PRM_Partner_Performance:Account$Partner_Tierr__c'" in m for m in messages)
    assert any("CustomField 'Account.Partner_Tierr__c'" in m for m in messages)


def test_a_report_filter_on_a_field_the_report_type_lacks_is_reported(northwind) -> None:
    spec, comps = northwind
    key = "Report:PRM_Finance/PRM_MDF_Utilisation"
    broken = dict(comps)
    broken[key] = _with_body(comps[key], filter={"criteriaItems": [
        {"column": "MDF_Budget__c$Remaining_Amount__c", "operator": "greaterThan", "value": "0"}]})
    messages = [d.message for d in check_references(spec, broken.values()) if d.message.startswith("Report ")]
    # the field exists, but the report type does not offer it as a column
    assert messages == ["Report PRM_Finance/PRM_MDF_Utilisation refers to ReportTypeColumn "
                        "'PRM_MDF_Budgets:MDF_Budget__c$Remaining_Amount__c', which is neither generated nor "
                        "declared as living in the org"]


def test_a_dashboard_naming_a_missing_report_is_reported(northwind) -> None:
    spec, comps = northwind
    del_key = "Report:PRM_Finance/PRM_MDF_Utilisation"
    remaining = [c for k, c in comps.items() if k != del_key]
    messages = [d.message for d in check_references(spec, remaining)]
    assert any(m.startswith("Dashboard PRM_Finance_Dashboards/PRM_MDF_Dashboard refers to Report") for m in messages)


def test_reports_and_dashboards_are_written_in_their_folders(northwind) -> None:
    _, comps = northwind
    wanted = [c for k, c in comps.items() if k.split(":")[0] in
              ("Report", "ReportFolder", "Dashboard", "DashboardFolder", "ReportType")]
    src = source_files(wanted)
    assert "reports/PRM_Finance/PRM_MDF_Utilisation.report-meta.xml" in src
    assert "reports/PRM_Finance.reportFolder-meta.xml" in src
    assert "dashboards/PRM_Finance_Dashboards/PRM_MDF_Dashboard.dashboard-meta.xml" in src
    assert "reportTypes/PRM_MDF_Budgets.reportType-meta.xml" in src
    package = mdapi_files(wanted)["package.xml"].decode()
    assert "<members>PRM_Finance</members>" in package and "<members>PRM_Finance/PRM_MDF_Utilisation</members>" in package
    assert "<name>ReportType</name>" in package and "<name>Dashboard</name>" in package


def test_without_deal_registration_or_mdf_their_reports_are_left_out(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "tests" / "programs" / "performance", specs)
    result = api.validate(specs, TODAY)
    assert result.ok, "\n".join(d.format() for d in result.diagnostics)
    keys = {c.key for c in result.components}
    assert "ReportType:PRM_Deal_Registrations" not in keys and "Report:PRM_Finance/PRM_MDF_Utilisation" not in keys
    assert "Dashboard:PRM_Finance_Dashboards/PRM_MDF_Dashboard" not in keys


def test_reports_can_be_switched_off(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    edit_spec(specs / "performance.yml", "  reports:\n", "  reports:\n    enabled: false\n")
    result = api.validate(specs, TODAY)
    assert result.ok
    assert not [c for c in result.components if c.type in ("Report", "Dashboard", "ReportType")]


def test_integration_permission_set_reads_everything_the_qbr_reads_and_edits_nothing(northwind) -> None:
    spec, comps = northwind
    body = comps["PermissionSet:PRM_QBR_Integration_Read"].body
    assert all(not p["editable"] and p["readable"] for p in body["fieldPermissions"])
    assert all(p["allowRead"] and p["viewAllRecords"] and not (p["allowCreate"] or p["allowEdit"] or p["allowDelete"]
                                                              or p["modifyAllRecords"])
               for p in body["objectPermissions"])
    granted = {p["field"] for p in body["fieldPermissions"]}
    # every generated, permissionable field a QBR report type offers is granted
    for rt in (c for k, c in comps.items() if k.startswith("ReportType:")):
        base = rt.body["baseObject"]
        for col in rt.body["sections"][0]["columns"]:
            field = comps.get(f"CustomField:{base}.{col['field']}")
            if field is not None and not field.body.get("required") and field.body.get("type") != "MasterDetail":
                assert f"{base}.{col['field']}" in granted
    objects = {p["object"] for p in body["objectPermissions"]}
    assert {"Account", "Opportunity", "Lead", "Case", "MDF_Budget__c", "Partner_Survey_Response__c"} <= objects
    assert body["userPermissions"] == [{"enabled": True, "name": "ApiEnabled"}]


def test_partner_scorecard_permission_set_is_read_only_on_account(northwind) -> None:
    _, comps = northwind
    body = comps["PermissionSet:PRM_Partner_Scorecard"].body
    assert [p["object"] for p in body["objectPermissions"]] == ["Account"]
    assert not body["objectPermissions"][0]["allowEdit"]
    assert {p["field"] for p in body["fieldPermissions"]} >= {"Account.Partner_Health_Score__c",
                                                               "Account.Partner_Health_Band__c"}
    assert all(not p["editable"] for p in body["fieldPermissions"])
