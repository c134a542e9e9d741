"""Partner operations (issue 16): roster validation, plan, and apply against a stateful fake
org served at the real REST / Bulk API 2.0 endpoints (tests/fake_org_db.py), so the real
simple-salesforce code runs and a second apply sees what the first one wrote."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import responses

from prm_builder import api
from prm_builder.errors import PrmUserError
from prm_builder.org import writer as org_writer
from prm_builder.org.errors import OrgUnavailable
from tests.conftest import ROOT as REPO
from tests.fake_org_db import OrgDb, connection

SPECS = REPO / "specs"
ROSTER = REPO / "roster" / "partners.yml"
TODAY = dt.date(2027, 2, 1)
PARTNER_SETS = ["PRM_Partner_Manager", "PRM_Partner_Scorecard", "PRM_Partner_User"]
GROUPS = ["PRM_Tier_Gold", "PRM_Tier_Silver", "PRM_Tier_Bronze"]


def org(**kwargs) -> OrgDb:
    db = OrgDb(**kwargs)
    db.seed_program(PARTNER_SETS, GROUPS)
    return db


def run(db: OrgDb, *, apply: bool, roster: Path = ROSTER, tmp: Path | None = None, **kwargs):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        db.install(rsps)
        return api.partners(SPECS, roster, connection(), apply=apply, today=TODAY,
                            report=(tmp / "report.csv") if tmp else None, writer_options={"sleep": lambda s: None, "bulk_wait": 0}, **kwargs)


def write_roster(tmp: Path, text: str) -> Path:
    path = tmp / "partners.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_plan_of_an_empty_org_lists_every_step_and_changes_nothing():
    db = org()
    plan = run(db, apply=False).plan
    counts = {step: len(plan.step(step)) for step in
              ("accounts", "enable_partner", "contacts", "users", "permission_sets", "groups", "budgets")}
    # 3 partners, 4 users; permission sets and groups need the users' ids, so they come after
    # the users exist (the apply re-plans each step); budgets: Gold and Silver have MDF, Bronze not.
    assert counts == {"accounts": 3, "enable_partner": 3, "contacts": 4, "users": 4, "permission_sets": 0,
                      "groups": 0, "budgets": 2}
    assert db.writes == 0 and not plan.blockers
    # the example's channel manager is not a user of this org: said, and the owner is left alone
    assert [w.split(":")[0] for w in plan.warnings] == ["Blue Harbor Analytics"]
    assert "OwnerId" not in plan.step("accounts")[0].record


def test_channel_manager_becomes_the_account_owner():
    db = org()
    manager = db.add("User", Email="Maria.Lopez@northwind.example", IsActive=True, UserType="Standard",
                     Username="maria.lopez@northwind.example")
    plan = run(db, apply=False).plan
    assert plan.warnings == []
    blue = next(c for c in plan.step("accounts") if c.subject == "Blue Harbor Analytics")
    assert blue.record["OwnerId"] == manager


def test_apply_builds_the_org_in_platform_order_and_a_second_apply_does_nothing(tmp_path):
    db = org()
    first = run(db, apply=True, tmp=tmp_path).applied
    assert first.ok, [o.error for o in first.outcomes if o.outcome != "done"]
    accounts = {a["PRM_Partner_Id__c"]: a for a in db.rows("Account")}
    assert set(accounts) == {"NW-0001", "NW-0002", "NW-0003"}
    assert all(a["IsPartner"] for a in accounts.values())
    assert accounts["NW-0001"]["Partner_Tier__c"] == "Gold"
    users = db.rows("User")
    assert len(users) == 4 and all(u["ContactId"] for u in users)
    # every active partner user holds its persona's set and the scorecard, and is in its tier's group only
    held = {(a["AssigneeId"], a["PermissionSetId"]) for a in db.rows("PermissionSetAssignment")}
    sets = {p["Id"]: p["Name"] for p in db.rows("PermissionSet")}
    users = {u["Id"]: u["Username"] for u in db.rows("User")}
    by_user = {}
    for assignee, ps in held:
        by_user.setdefault(users[assignee], set()).add(sets[ps])
    assert by_user["ana.ruiz@blueharbor.example"] == {"PRM_Partner_Manager", "PRM_Partner_Scorecard"}
    assert by_user["ben.okoro@blueharbor.example"] == {"PRM_Partner_User", "PRM_Partner_Scorecard"}
    gold_group = next(g["Id"] for g in db.rows("Group") if g["DeveloperName"] == "PRM_Tier_Gold")
    gold_members = {m["UserOrGroupId"] for m in db.rows("GroupMember") if m["GroupId"] == gold_group}
    assert len(gold_members) == 2
    budgets = db.rows("MDF_Budget__c")
    assert sorted(b["Period_Start__c"] for b in budgets) == ["2027-01-01", "2027-01-01"]
    report = list(csv.DictReader((tmp_path / "report.csv").open()))
    assert {r["outcome"] for r in report} == {"done"} and all(r["roster"] for r in report)

    writes = db.writes
    second = run(db, apply=True).applied
    assert second.outcomes == [] and db.writes == writes
    assert run(db, apply=False).plan.empty


def test_users_are_only_created_after_their_account_is_a_partner_account():
    """The fake org refuses a partner user whose contact's account is not a partner account,
    as the platform does; the apply must therefore enable partners before creating users."""
    db = org()
    # A partner whose enablement fails: its users must fail with the reason, others go on.
    db.reject = lambda sobject, record: ("partner enablement refused" if sobject == "Account"
                                         and record.get("IsPartner") and record.get("Name") == "Alpine Data GmbH"
                                         else None)
    result = run(db, apply=True).applied
    failed = [o for o in result.outcomes if o.outcome == "failed"]
    assert {o.change.step for o in failed} == {"enable_partner", "users"}
    assert {o.change.subject for o in failed} == {"Alpine Data GmbH", "lena.huber@alpinedata.example"}
    assert len(db.rows("User")) == 3


def test_a_failed_row_never_undoes_the_others_and_says_why(tmp_path):
    db = org()
    db.reject = lambda sobject, record: "Company name is blocked" if record.get("Name") == "Thames Insight Ltd" else None
    result = run(db, apply=True, tmp=tmp_path).applied
    assert not result.ok
    by_subject = {(o.change.step, o.change.subject): o for o in result.outcomes}
    assert by_subject[("accounts", "Thames Insight Ltd")].outcome == "failed"
    assert "blocked" in by_subject[("accounts", "Thames Insight Ltd")].error
    assert by_subject[("contacts", "oliver.grant@thamesinsight.example")].error.startswith("partner account NW-0003")
    assert len(db.rows("Account")) == 2 and len(db.rows("User")) == 3
    rows = list(csv.DictReader((tmp_path / "report.csv").open()))
    failed = [r for r in rows if r["outcome"] == "failed"]
    assert failed and all(r["roster"].startswith("roster/partners.yml:") or "partners.yml:" in r["roster"]
                          for r in failed)


def test_a_run_stopped_half_way_continues_with_the_next_apply():
    db = org(break_on_write=4)
    with pytest.raises(OrgUnavailable):
        run(db, apply=True)
    assert 0 < len(db.rows("Account")) + len(db.rows("Contact"))
    result = run(db, apply=True).applied
    assert result.ok
    assert len(db.rows("Account")) == 3 and len(db.rows("User")) == 4
    assert run(db, apply=False).plan.empty


def test_not_enough_api_requests_left_stops_before_any_write():
    db = org(api_remaining=1500, api_max=15000)
    with pytest.raises(PrmUserError, match="API requests left"):
        run(db, apply=True)
    assert db.writes == 0


def test_request_limit_exceeded_mid_run_backs_off_then_stops_and_the_next_run_continues():
    db = org()
    sleeps: list[float] = []
    original = db._dispatch
    budget = {"left": 14}

    def dispatch(request):
        budget["left"] -= 1
        if budget["left"] < 0:
            db.api_remaining = 0
        return original(request)

    db._dispatch = dispatch  # the org runs out of API requests after 14 more calls
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        db.install(rsps)
        result = api.partners(SPECS, ROSTER, connection(), apply=True, today=TODAY,
                              writer_options={"sleep": sleeps.append, "bulk_wait": 0}).applied
    assert "REQUEST_LIMIT_EXCEEDED" in result.stopped and not result.ok
    assert sleeps == [1.0, 2.0, 4.0, 8.0]  # exponential back-off before giving up
    assert result.count("skipped") > 0
    db._dispatch = original
    db.api_remaining = 1_000_000
    assert run(db, apply=True).applied.ok
    assert run(db, apply=False).plan.empty


def test_licence_seats_running_out_blocks_the_apply_before_anything_changes():
    db = org(seats=2)
    plan = run(db, apply=False).plan
    assert any("4 new partner user(s)" in b and "2 are free" in b for b in plan.blockers)
    with pytest.raises(PrmUserError, match="licences"):
        run(db, apply=True)
    assert db.writes == 0


def test_demotion_moves_users_between_tier_groups_and_inactive_users_are_deactivated(tmp_path):
    db = org()
    assert run(db, apply=True).applied.ok
    text = ROSTER.read_text().replace("tier: Gold", "tier: Silver").replace(
        "email: ben.okoro@blueharbor.example}", "email: ben.okoro@blueharbor.example, active: false}")
    roster = write_roster(tmp_path, text)
    plan = run(db, apply=False, roster=roster).plan
    actions = sorted((c.step, c.action, c.subject) for c in plan.changes)
    assert ("users", "deactivate", "ben.okoro@blueharbor.example") in actions
    assert ("groups", "remove", "ana.ruiz@blueharbor.example") in actions
    assert ("groups", "add", "ana.ruiz@blueharbor.example") in actions
    assert ("accounts", "update", "Blue Harbor Analytics") in actions
    assert run(db, apply=True, roster=roster).applied.ok
    ben = next(u for u in db.rows("User") if u["Username"].startswith("ben."))
    assert ben["IsActive"] is False  # deactivated, never deleted
    assert len(db.rows("User")) == 4


def test_volume_goes_through_bulk_api_2(monkeypatch, tmp_path):
    monkeypatch.setattr(org_writer, "BULK_MIN_ROWS", 3)
    db = org()
    result = run(db, apply=True).applied
    assert result.ok
    assert db._jobs, "no Bulk API 2.0 job was created"
    assert {j["object"] for j in db._jobs.values()} >= {"Account", "Contact", "User"}
    assert run(db, apply=False).plan.empty


def test_username_suffix_makes_sandbox_usernames(tmp_path):
    db = org()
    assert run(db, apply=True, username_suffix=".uat").applied.ok
    assert all(u["Username"].endswith(".example.uat") for u in db.rows("User"))




ROSTER_MISTAKES = """\
partners:
  - id: NW-1
    name: One
    tier: Platinum
    segment: Everything
    users:
      - {first_name: A, last_name: B, email: a@one.example, persona: admin}
  - id: NW-1
    name: Two
    tier: Gold
    joined: 2026-01-01
    contract_end: 2025-01-01
    users:
      - {first_name: C, last_name: D, email: a@one.example}
      - {first_name: E, last_name: F, email: not-an-email}
"""


def test_roster_mistakes_are_all_reported_with_positions(tmp_path):
    from prm_builder.ops.roster import load_roster

    spec = api.validate(SPECS).spec
    roster, diagnostics = load_roster(write_roster(tmp_path, ROSTER_MISTAKES), spec, "partners.yml")
    codes = sorted(d.code for d in diagnostics)
    # persona and email are type errors (the parser), found before the semantic checks run
    assert roster is None and codes == ["PRM-V006", "PRM-V006"]
    assert all(d.ref and d.ref.line for d in diagnostics)
    fixed = ROSTER_MISTAKES.replace(", persona: admin", "").replace("not-an-email", "e@two.example")
    roster, diagnostics = load_roster(write_roster(tmp_path, fixed), spec, "partners.yml")
    found = {(d.code, d.ref.line) for d in diagnostics}
    assert found == {("PRM-V504", 4), ("PRM-V505", 5), ("PRM-V503", 8), ("PRM-V506", 12), ("PRM-V507", 14)}


def test_cli_partners_plan_needs_an_org_and_bad_roster_exits_1(tmp_path, capsys, monkeypatch):
    from prm_builder import cli

    bad = write_roster(tmp_path, "partners:\n  - id: X\n")
    monkeypatch.setenv("SF_INSTANCE_URL", "https://northwind.my.salesforce.com")
    monkeypatch.setenv("SF_ACCESS_TOKEN", "00Dx!secret-token")
    for argv, expected in ((["partners", "plan"], "name the org"),
                           (["partners", "plan", "--org-from-env", "--roster", str(bad), "--specs", str(SPECS)],
                            "error(s) in the roster")):
        monkeypatch.setattr("sys.argv", ["prm", *argv])
        with pytest.raises(SystemExit) as exit_info:
            cli.main()
        assert exit_info.value.code == 1
        err = capsys.readouterr().err
        assert expected in err and "secret-token" not in err


def test_cumulusci_task_applies_the_roster_to_a_scratch_org_with_unique_usernames(tmp_path, monkeypatch):
    """ci_prm seeds the scratch org through the prm_partners_apply task (cumulusci.yml)."""
    import yaml
    from cumulusci.tasks.salesforce.tests.util import create_task

    from prm_builder.deploy.tasks import PartnersApply
    from tests.deploy_fixtures import org_config, project_config
    from tests.fake_org import TOKEN

    flow = yaml.safe_load((REPO / "cumulusci.yml").read_text())
    assert flow["tasks"]["prm_partners_apply"]["class_path"] == "prm_builder.deploy.tasks.PartnersApply"
    assert any(step.get("task") == "prm_partners_apply" for step in flow["flows"]["ci_prm"]["steps"].values())
    monkeypatch.chdir(REPO)
    db = org()
    org_cfg = org_config("prm", access_token=TOKEN, instance_url="https://northwind.my.salesforce.com",
                         scratch=True)
    task = create_task(PartnersApply, {"report": str(tmp_path / "r.csv")}, project_config(), org_cfg)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        db.install(rsps)
        task()
    # 3 accounts + 3 enablements + 4 contacts + 4 users + 4 x 2 permission sets + 4 group members + 2 budgets
    assert task.return_values == {"done": 28, "failed": 0}
    suffix = "." + str(org_cfg.org_id).lower()
    assert all(u["Username"].endswith(suffix) for u in db.rows("User"))


def test_state_reads_follow_query_pages(monkeypatch):
    """The org answers queries in pages (nextRecordsUrl); the state read must see every page."""
    import tests.fake_org_db as fake

    monkeypatch.setattr(fake, "QUERY_PAGE", 2)
    db = org()
    assert run(db, apply=True).applied.ok
    assert run(db, apply=False).plan.empty  # 4 users, 3 accounts: only right when all pages were read


def test_territories_set_the_accounts_served_territories(tmp_path):
    """The roster's territories fill Account.Partner_Territories__c; the org's group automation
    (PRM_Tier_Group_Sync) then adds the users to the territory lead queues' groups."""
    plan = run(org(), apply=False).plan
    blue = next(c for c in plan.step("accounts") if c.subject == "Blue Harbor Analytics")
    assert blue.record["Partner_Territories__c"] == "NA"
    text = ROSTER.read_text().replace("territories: [DACH]", "territories: [DACH, Atlantis]")
    from prm_builder.ops.roster import load_roster

    roster, diagnostics = load_roster(write_roster(tmp_path, text), api.validate(SPECS).spec, "partners.yml")
    assert [d.code for d in diagnostics] == ["PRM-V508"] and "Atlantis" in diagnostics[0].message
