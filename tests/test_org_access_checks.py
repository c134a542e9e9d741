"""Live items L06-L10 (issue 12: external defaults, Default Workflow User, duplicate rule
order, persona permission sets): the real simple-salesforce code answers from `responses`
mocks of the REST and Tooling query endpoints (tests/fake_org.py).

Platform facts relied on: EntityDefinition (Tooling API) reports InternalSharingModel and
ExternalSharingModel per object (Organization.Default*Access only the internal default);
duplicate rule sortOrder is unique per object and runs 1..n; PermissionSetAssignment links
users to permission sets (Salesforce Object Reference)."""

from __future__ import annotations

import responses

from prm_builder import api
from tests import fake_org
from tests.conftest import PROGRAMS, ROOT, TODAY

SPECS = ROOT / "specs"


def _check(specs=SPECS, **edit):
    data = fake_org.healthy_for(specs)
    for (kind, obj), rows in edit.get("rows", {}).items():
        data[kind][obj] = rows
    fake = fake_org.FakeOrg.from_data(data)
    responses.mock.reset()   # a test may check twice: only this org answers
    fake.install(responses.mock)
    return api.check(specs, org=fake_org.connection(), today=TODAY), fake


def _defaults(**external: str) -> list[dict]:
    rows = [{"QualifiedApiName": o, "InternalSharingModel": "Private", "ExternalSharingModel": "Private"}
            for o in ("Account", "Case", "Lead", "Opportunity")]
    for row in rows:
        row["ExternalSharingModel"] = external.get(row["QualifiedApiName"], "Private")
    return rows


@responses.activate
def test_external_default_wider_than_private_fails_with_the_fix() -> None:
    report, fake = _check(PROGRAMS / "minimal", rows={("tooling", "EntityDefinition"): _defaults(Lead="Read")})
    l07 = report.item("L07")
    assert l07.status.value == "fail" and "Lead (external Read)" in l07.detail
    assert "Default External Access" in l07.fix and not report.ok
    assert any("FROM EntityDefinition" in q and "'Lead'" in q for q in fake.asked)


@responses.activate
def test_org_that_differs_from_the_managed_defaults_fails() -> None:
    rows = _defaults()
    for r in rows:
        r["InternalSharingModel"] = "Read"
    report, _ = _check(rows={("tooling", "EntityDefinition"): rows})   # specs: Opportunity internal Private
    assert report.item("L07").status.value == "pass"
    rows = [dict(r) for r in rows]
    rows[0]["ExternalSharingModel"] = "ReadWrite"                          # Account
    report, _ = _check(rows={("tooling", "EntityDefinition"): rows})
    assert report.item("L07").status.value == "fail" and "Account" in report.item("L07").detail


@responses.activate
def test_l06_rejects_a_public_read_only_external_lead_default() -> None:
    """Fails on main: L06 read only Organization.DefaultLeadAccess (internal) and accepted Read."""
    rows = _defaults(Lead="Read")
    report, _ = _check(PROGRAMS / "pull_pool", rows={("tooling", "EntityDefinition"): rows})
    l06 = report.item("L06")
    assert l06.status.value == "fail" and "Lead external Read" in l06.detail


@responses.activate
def test_l06_rejects_a_public_read_write_internal_default() -> None:
    rows = _defaults()
    rows[2]["InternalSharingModel"] = "ReadWrite"
    report, _ = _check(PROGRAMS / "pull_pool", rows={("tooling", "EntityDefinition"): rows})
    assert report.item("L06").status.value == "fail" and "Lead internal ReadWrite" in report.item("L06").detail


@responses.activate
def test_generated_duplicate_rule_colliding_with_the_orgs_rule_fails() -> None:
    # the example expects one rule of the org's own (deal_registration.duplicates.existing_org_rules: 1,
    # so prm's rules start at 2); an org with two collides
    existing = [{"DeveloperName": n, "MasterLabel": n, "IsActive": True}
                for n in ("Standard_Lead_Duplicate_Rule", "Marketing_Lead_Rule")]
    data = fake_org.healthy_for(SPECS)
    report, _ = _check(rows={("query", "DuplicateRule"): data["query"]["DuplicateRule"] + existing})
    l09 = report.item("L09")
    assert l09.status.value == "fail" and "Standard_Lead_Duplicate_Rule" in l09.detail and "start at" in l09.detail


@responses.activate
def test_default_workflow_user_lists_the_flows_that_run_as_it() -> None:
    report, _ = _check()
    l08 = report.item("L08")
    assert l08.status.value == "manual"
    assert any("SLA" in e or "Expir" in e for e in l08.evidence), l08.evidence


@responses.activate
def test_persona_permission_set_nobody_holds_fails() -> None:
    data = fake_org.healthy_for(SPECS)
    rows = [r for r in data["query"]["PermissionSetAssignment"] if r["PermissionSet"]["Name"] != "PRM_Partner_User"]
    partner = [{"Id": "005000000000000099", "UserType": "PowerPartner", "IsActive": True}]
    report, _ = _check(rows={("query", "PermissionSetAssignment"): rows, ("query", "User"): partner})
    l10 = report.item("L10")
    assert l10.status.value == "fail" and "PRM_Partner_User" in l10.detail
    # a fresh org without partner users: the partner set cannot be held yet
    report, _ = _check(rows={("query", "PermissionSetAssignment"): rows})
    assert report.item("L10").status.value == "warn"
    report, _ = _check(rows={("query", "PermissionSet"): []})
    assert report.item("L10").status.value == "fail" and "not deployed" in report.item("L10").detail


@responses.activate
def test_empty_program_group_fails() -> None:
    data = fake_org.healthy_for(SPECS)
    rows = [r for r in data["query"]["GroupMember"] if r["Group"]["DeveloperName"] != "Channel_Leadership"]
    report, fake = _check(rows={("query", "GroupMember"): rows})
    assert report.item("L11").status.value == "fail" and "Channel_Leadership" in report.item("L11").detail
    assert any("FROM GroupMember" in q for q in fake.asked)
