"""The persona model drives the permission sets (issue 12, items 1 and 4).

Platform behaviour relied on (Salesforce Help, "Field-Level Security"; Metadata API
Developer Guide, "PermissionSet"): a custom field deployed through the Metadata API is
visible to nobody until a permission set or profile grants field access; required and
master-detail fields cannot get field permissions; Partner Community licences cannot hold
View All / Modify All.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.generate.component import Component
from prm_builder.model.personas import FIELD_ACCESS, PERSONAS, decision_key, field_access
from tests.conftest import PROGRAMS, ROOT, TODAY

PROGRAM_DIRS = [ROOT / "specs", *sorted(p for p in PROGRAMS.iterdir() if p.is_dir())]


def _result(specs: Path):
    result = api.validate(specs, TODAY)
    assert result.ok, "\n".join(d.format() for d in result.diagnostics)
    return result


def _components(specs: Path) -> dict[str, Component]:
    return {c.key: c for c in _result(specs).components}


def _fls(comps: dict[str, Component], permission_set: str) -> dict[str, str]:
    perms = comps[f"PermissionSet:{permission_set}"].body["fieldPermissions"]
    return {p["field"]: "edit" if p["editable"] else "read" for p in perms if p["readable"]}


@pytest.mark.parametrize("specs", PROGRAM_DIRS, ids=lambda p: p.name)
def test_every_generated_field_has_an_access_decision_for_every_persona(specs: Path) -> None:
    result = _result(specs)
    missing = sorted({decision_key(result.spec, c.full_name) for c in result.components
                      if c.type == "CustomField" and field_access(result.spec, c.full_name) is None})
    lines = "\n".join(f'    "{k}": "{" ".join("-" for _ in PERSONAS)}",' for k in missing)
    assert not missing, ("generated fields without a persona access decision; add one line each to "
                         f"FIELD_ACCESS in prm_builder/model/personas.py (E edit, R read, - none):\n{lines}")


def test_every_decision_has_one_valid_code_per_persona() -> None:
    for key, line in FIELD_ACCESS.items():
        codes = line.split()
        assert len(codes) == len(PERSONAS) and set(codes) <= {"E", "R", "-"}, key


def test_lead_and_account_fields_get_field_access_for_the_people_who_work_them() -> None:
    """Item 4: partners set the deal amount and submit (status), claim pool leads; approvers
    write the rejection reason; channel operations maintain the tier."""
    comps = _components(ROOT / "specs")
    partner = _fls(comps, "PRM_Partner_User")
    assert partner["Lead.Deal_Amount__c"] == "edit" and partner["Lead.Registration_Status__c"] == "edit"
    assert partner["Lead.Claim_Pool_Lead__c"] == "edit"
    assert partner["Lead.Registration_Rejection_Reason__c"] == "read"
    assert "Account.Partner_Segment__c" not in partner      # internal segmentation: not for partners
    assert _fls(comps, "PRM_Channel_Manager")["Lead.Registration_Rejection_Reason__c"] == "edit"
    assert _fls(comps, "PRM_Channel_Operations")["Account.Partner_Tier__c"] == "edit"
    assert partner["Account.Partner_Tier__c"] == "read"


@pytest.mark.parametrize("specs", PROGRAM_DIRS, ids=lambda p: p.name)
def test_permission_sets_respect_platform_rules_and_partner_licences(specs: Path) -> None:
    comps = _components(specs)
    fields = {c.full_name: c.body for c in comps.values() if c.type == "CustomField"}
    partner_sets = {p.permission_set for p in PERSONAS if p.external}
    sets = [c for c in comps.values() if c.type == "PermissionSet"]
    assert {"PRM_Partner_User", "PRM_Channel_Operations", "PRM_Program_Admin"} <= {c.full_name for c in sets}
    for ps in sets:
        for perm in ps.body["fieldPermissions"]:
            body = fields[perm["field"]]
            assert not body.get("required") and body.get("type") != "MasterDetail", perm["field"]
            if body.get("formula") or body.get("type") in ("Summary", "AutoNumber"):
                assert perm["editable"] is False, f"{ps.full_name}: computed {perm['field']} editable"
        if ps.full_name in partner_sets:
            assert not ps.body.get("userPermissions")
            for perm in ps.body["objectPermissions"]:
                assert not perm["viewAllRecords"] and not perm["modifyAllRecords"], (ps.full_name, perm["object"])
                assert not perm["allowDelete"], (ps.full_name, perm["object"])


def test_a_field_without_a_decision_is_visible_to_nobody(monkeypatch: pytest.MonkeyPatch) -> None:
    """Least privilege when a decision is missing (the coverage test above fails loudly)."""
    monkeypatch.delitem(FIELD_ACCESS, "Lead.<dealreg.amount>")
    comps = _components(ROOT / "specs")
    for p in PERSONAS:
        key = f"PermissionSet:{p.permission_set}"
        if key in comps:
            assert "Lead.Deal_Amount__c" not in _fls(comps, p.permission_set)


def test_personas_without_their_feature_get_no_permission_set() -> None:
    comps = _components(PROGRAMS / "minimal")
    assert "PermissionSet:PRM_MDF_Finance" not in comps and "PermissionSet:PRM_Partner_User" in comps


def test_partners_create_leads_only_where_they_register_deals() -> None:
    """Least privilege: the pull-pool program has no deal registration, so partners claim
    (edit) pool leads but cannot create them."""
    def lead(specs: Path) -> dict:
        perms = _components(specs)["PermissionSet:PRM_Partner_User"].body["objectPermissions"]
        return next(p for p in perms if p["object"] == "Lead")

    assert lead(ROOT / "specs")["allowCreate"] is True
    pool = lead(PROGRAMS / "pull_pool")
    assert pool["allowCreate"] is False and pool["allowEdit"] is True and pool["allowRead"] is True
