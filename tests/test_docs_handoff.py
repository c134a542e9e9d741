"""The handoff deliverables a client signs (issue 19): the sign-off page and its change log
from git, the RAID log, the quick references per audience, the data dictionary's depth and
the lead SLA / deal registration list views. Every check reads the generated pages and
compares them with the specs or the generated components they come from."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html

from prm_builder import api
from prm_builder.docs.context import DocContext
from prm_builder.docs.origin import origin_of
from prm_builder.docs.package import package_files
from tests.conftest import PROGRAMS, ROOT, TODAY, copy_program, edit_spec

SPECS = ROOT / "specs"
GIT_ENV = {"GIT_AUTHOR_NAME": "Ann Author", "GIT_AUTHOR_EMAIL": "ann@example.com", "GIT_COMMITTER_NAME": "Ann Author",
           "GIT_COMMITTER_EMAIL": "ann@example.com", "GIT_AUTHOR_DATE": "2026-11-01T10:00:00Z",
           "GIT_COMMITTER_DATE": "2026-11-01T10:00:00Z", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
HAS_GIT = shutil.which("git") is not None


@dataclasses.dataclass
class Item:
    id: str
    title: str
    status: str
    detail: str
    fix: str = ""


@dataclasses.dataclass
class Report:
    ok: bool
    items: list[Item]


REPORT = Report(False, [
    Item("C01", "Partner license supports deal registration", "pass", "Partner Community Plus"),
    Item("C07", "Pushed leads nobody accepts move on within an SLA", "warn", "no SLA on two queues",
         "add lead_distribution.sla"),
    Item("C12", "Approval thresholds are ordered", "fail", "Silver auto-approves above Gold", "lower Silver's threshold"),
    Item("C11", "Open decisions logged", "manual", "2 decision(s) still open"),
])


def _validated(specs: Path):
    result = api.validate(specs, TODAY, display_root=specs.resolve().parent)
    assert result.spec is not None and result.ok
    return result


def _package(specs: Path, report=REPORT) -> tuple[DocContext, dict[str, bytes]]:
    result = _validated(specs)
    ctx = DocContext(result.spec, result.components, origin_of(specs, TODAY), report)
    return ctx, package_files(ctx)[1]


def _page(files: dict[str, bytes], name: str) -> html.HtmlElement:
    return html.fromstring(files[f"{name}.html"])


def _table(page: html.HtmlElement, heading_id: str) -> list[list[str]]:
    """The rows of the first table after the heading with this id."""
    heading = page.get_element_by_id(heading_id)
    table = heading.getnext()
    while table is not None and table.tag != "table" and not table.cssselect("table"):
        table = table.getnext()
    assert table is not None, heading_id
    table = table if table.tag == "table" else table.cssselect("table")[0]
    return [[c.text_content().strip() for c in tr] for tr in table.cssselect("tbody tr")]


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def example() -> tuple[DocContext, dict[str, bytes]]:
    return _package(SPECS)


# ---- sign-off and document control --------------------------------------------------------

def test_sign_off_names_program_commit_date_and_checklist(example) -> None:
    ctx, files = example
    page = _page(files, "sign-off")
    control = dict((r[0], r[1]) for r in _table(page, "sign-off-control"))
    assert control["Program"] == ctx.spec.program.name == "Northwind Partner Network"
    assert control["Client"] == ctx.spec.program.client == "Northwind Analytics, Inc."
    assert control["Date judged"] == TODAY.isoformat()
    assert control["Partner license"] == ctx.spec.program.license.value
    if HAS_GIT and ctx.origin.commit:
        assert control["Spec commit"] == _git(SPECS, "log", "-1", "--format=%H", "--", ".")
    text = page.text_content()
    assert "does not pass the review checklist as of 2026-11-22" in text and "1 fail, 1 warn, 1 manual, 1 pass" in text
    # the items being signed that do not pass, failures first
    assert [r[:3] for r in _table(page, "sign-off-checklist")] == [["C12", "Approval thresholds are ordered", "fail"],
                                                                    ["C07", REPORT.items[1].title, "warn"],
                                                                    ["C11", "Open decisions logged", "manual"]]


def test_approvers_are_the_decision_owners_and_the_delivery_lead(example) -> None:
    ctx, files = example
    rows = _table(_page(files, "sign-off"), "sign-off-approvals")
    owners = {}
    for d in sorted(ctx.spec.open_decisions, key=lambda d: d.id):
        owners.setdefault(d.owner, []).append(d.id)
    expected = [[o.split(" (")[0], o.split(" (")[1].rstrip(")"), ", ".join(ids)] for o, ids in owners.items()]
    assert [r[:3] for r in rows[:-1]] == expected
    assert expected[0][:2] == ["Dana Whitfield", "VP Channel Sales"]
    assert rows[-1][1] == "Delivery lead (implementation partner)"
    assert all(r[3].startswith("____") and r[4].startswith("____") for r in rows)  # signature and date left blank


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_change_log_lists_spec_commits_since_the_last_signed_tag(tmp_path: Path) -> None:
    specs = copy_program("minimal", tmp_path)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "First program")
    _git(tmp_path, "tag", "signed-v1")
    _, files = _package(specs)
    page = _page(files, "sign-off")
    control = dict((r[0], r[1]) for r in _table(page, "sign-off-control"))
    assert control["Version"].startswith("signed-v1 (signed version")
    assert "No commit changed specs/ since signed-v1" in page.text_content()

    edit_spec(specs / "program.yml", "name: Minimal Partner Program", "name: Minimal Partner Network")
    _git(tmp_path, "commit", "-qam", "Rename the program")
    (tmp_path / "README").write_text("not a spec\n")
    _git(tmp_path, "add", "README")
    _git(tmp_path, "commit", "-qm", "Not a spec change")
    _, files = _package(specs)
    page = _page(files, "sign-off")
    control = dict((r[0], r[1]) for r in _table(page, "sign-off-control"))
    assert control["Version"] == "draft: signed-v1 + 1 spec change(s)"
    assert control["Program"] == "Minimal Partner Network"
    head = _git(tmp_path, "log", "-1", "--format=%H", "--", "specs")
    assert control["Spec commit"] == head
    assert _table(page, "sign-off-changes") == [[head[:12], "2026-11-01", "Ann Author", "Rename the program"]]

    # uncommitted spec changes: no commit describes the package, so no change log
    edit_spec(specs / "program.yml", "Minimal Partner Network", "Minimal Partner Club")
    _, files = _package(specs)
    text = _page(files, "sign-off").text_content()
    assert "has changes that are not committed" in text
    assert "draft (not in git" in text


def test_without_git_the_package_says_so_and_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = copy_program("minimal", tmp_path)  # not in a repository
    _, files = _package(specs)
    text = _page(files, "sign-off").text_content()
    assert "is not in a git repository (or git is not installed)" in text
    # git missing altogether: the same, never an error
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    ctx, files = _package(specs)
    assert ctx.origin.history == "" and ctx.origin.changes == ()
    assert "is not in a git repository" in _page(files, "sign-off").text_content()


# ---- RAID log ---------------------------------------------------------------------------

def test_raid_log_issues_risks_assumptions_and_decisions(example) -> None:
    ctx, files = example
    page = _page(files, "raid")
    issues = _table(page, "raid-issues")
    assert issues == [["I-01", "checklist C12", "Approval thresholds are ordered: Silver auto-approves above Gold",
                       "lower Silver's threshold", "Delivery lead", TODAY.isoformat(), "before deploy"]]
    risks = _table(page, "raid-risks")
    assert risks[0][1:4] == ["checklist C07", f"{REPORT.items[1].title}: no SLA on two queues",
                             "add lead_distribution.sla"]
    open_decisions = sorted((d for d in ctx.spec.open_decisions if d.status == "open"), key=lambda d: (d.due, d.id))
    assert risks[1][1:4] == ["checklist C11", "Not checked automatically — Open decisions logged: 2 decision(s) "
                             "still open", "verify by hand before sign-off"]
    assert [(r[1], r[4], r[6]) for r in risks[2:]] == [
        (f"decision {d.id}", d.owner, d.due.isoformat()) for d in open_decisions]
    assumptions = " ".join(r[1] for r in _table(page, "raid-assumptions"))
    sla = ctx.spec.lead_distribution.sla
    assert f"The acceptance SLA ({sla.accept_within_hours} h) runs as the Default Workflow User" in assumptions
    for user in ctx.spec.org.named_users:
        assert user in assumptions
    assert "duplicate rules" in assumptions  # what the simulation does not run
    assert "Duplicate rules are deployed inactive" in assumptions  # the example has deal registration
    decisions = _table(page, "raid-decisions")
    assert {r[0]: r[4] for r in decisions} == {d.id: d.status for d in ctx.spec.open_decisions}


def test_raid_assumptions_follow_the_program(tmp_path: Path) -> None:
    ctx, files = _package(copy_program("pull_pool", tmp_path))
    assumptions = " ".join(r[1] for r in _table(_page(files, "raid"), "raid-assumptions"))
    assert not ctx.of_type("DuplicateRule") and "Duplicate rules are deployed inactive" not in assumptions
    assert ctx.of_type("Flow") and "Production receives the flows inactive" in assumptions
    assert f"These roles already exist in every target org: {', '.join(ctx.spec.org.roles)}." in assumptions
    assert "acceptance SLA" not in assumptions  # pull only: no SLA


def test_raid_log_without_a_checklist_or_decisions(tmp_path: Path) -> None:
    _, files = _package(copy_program("minimal", tmp_path), report=None)
    text = _page(files, "raid").text_content()
    assert "The checklist was not run" in text
    assert "No risks: no checklist warnings and no open decisions." in text
    assert "No issues: no checklist item fails." in text
    assert "No decisions are recorded in the specs." in text


# ---- training and quick references ------------------------------------------------------

def test_partner_quick_reference_uses_the_programs_names_and_thresholds(example) -> None:
    ctx, files = example
    spec = ctx.spec
    deal, ld, mdf = spec.deal_registration, spec.lead_distribution, spec.mdf
    page = _page(files, "training-partners")
    register = " ".join(" ".join(r) for r in _table(page, "training-partners-register-a-deal"))
    assert f"Fill in {deal.fields.amount.label} and {deal.fields.close_date.label}" in register
    assert deal.duplicates.duplicate_rules[0].alert_text in register
    assert f"protected for {deal.protection_days()} days" in register
    text = page.text_content()
    gold = next(r for r in deal.approval.routes if "Gold" in r.tiers)
    assert f"approved at once below {ctx.money(gold.auto_approve_below)}" in text
    # the save messages are the generated validation rules' own
    messages = {str(c.body["errorMessage"]) for c in ctx.of_type("ValidationRule") if c.full_name.startswith("Lead.Deal_Reg_")}
    assert messages and all(m in text for m in messages)
    claim = page.get_element_by_id("training-partners-claim-a-lead").getparent().text_content()
    assert f"Accept within {ld.sla.accept_within_hours} hours" in text
    assert f"Tick {ld.pool.claim_field.label} and save" in text and ld.pool.label in claim
    mdf_rows = _table(page, "training-partners-request-mdf")
    assert f"within {mdf.claim_window_days} days" in " ".join(r[1] for r in mdf_rows)
    required = [str(c.body["label"]) for c in ctx.of_type("CustomField")
                if c.full_name.startswith("MDF_Request__c.") and c.body.get("required")]
    assert "Fill in " + ", ".join(required) in " ".join(r[1] for r in mdf_rows)
    assert all(t in text for t in mdf.activity_types)
    content = _table(page, "training-partners-find-content")
    assert content[-1] == ["Bronze", "Sales Templates"]


def test_channel_manager_and_admin_references(example) -> None:
    ctx, files = example
    deal, ld = ctx.spec.deal_registration, ctx.spec.lead_distribution
    page = _page(files, "training-channel-managers")
    text = page.text_content()
    assert "Deal Registrations: Pending Approval" in text
    assert f"'Deal Registrations: Expiring Soon' ({deal.list_views.expiring_within_days} days ahead)" in text
    assert f"within {ld.sla.accept_within_hours} hours moves on and the group {ld.sla.notify_group} is notified" in text
    sla = _table(page, "training-channel-managers-work-the-lead-sla")
    routes = {c.body["label"]: next(v["value"] for v in c.body["values"] if v["field"] == "Next_Queue__c")
              for c in ctx.of_type("CustomMetadata") if c.full_name.startswith("PRM_Lead_Route.")}
    assert dict(map(tuple, sla)) == routes
    finance = next(s for r in ctx.spec.mdf.claim_approval.routes for s in r.steps if s.min_amount)
    assert f"{finance.display_label} (from {ctx.money(finance.min_amount)})" in text
    admin = _page(files, "training-admin").text_content()
    assert f"reviewed {ctx.review_cadence()}" in admin
    assert f"keeps it for {ctx.spec.program.tier_review.demotion_grace_days} days" in admin
    assert all(t.name in admin for t in ld.territories)
    assert "`prm deploy --org NAME`" not in admin and "prm deploy --org NAME" in admin  # code, as in the runbook


def test_cover_names_the_client_only_when_the_specs_do(example, tmp_path: Path) -> None:
    _, files = example
    cover = html.fromstring(files["print.html"]).cssselect(".cover")[0].text_content()
    assert "Client" in cover and "Northwind Analytics, Inc." in cover
    _, files = _package(copy_program("minimal", tmp_path / "m"))  # a program that names no client
    cover = html.fromstring(files["print.html"]).cssselect(".cover")[0].text_content()
    assert "Client" not in cover
    control = dict((r[0], r[1]) for r in _table(_page(files, "sign-off"), "sign-off-control"))
    assert control["Client"].startswith("— (not named")


def test_programs_without_features_get_only_what_they_have(tmp_path: Path) -> None:
    _, files = _package(copy_program("minimal", tmp_path / "a"))
    assert "training-partners.html" not in files and "training-channel-managers.html" not in files
    admin = _page(files, "training-admin").text_content()
    assert "Change a tier" in admin and "Run a deploy" in admin and "Add a territory" not in admin
    # pull only: partners claim from the pool, nothing about an SLA or deal registration
    _, files = _package(copy_program("pull_pool", tmp_path / "b"))
    partners = _page(files, "training-partners")
    assert [h.text_content() for h in partners.cssselect("main h2")] == ["Claim a lead"]
    assert "Accept within" not in partners.text_content() and "Partner Pool" in partners.text_content()
    assert "training-channel-managers.html" not in files


# ---- data dictionary, lead SLA, list views ---------------------------------------------------

def test_data_dictionary_has_required_length_default_and_used_by(example) -> None:
    ctx, files = example
    page = _page(files, "fields")
    table = next(t for t in page.cssselect("table") if "Deal_Amount__c" in t.text_content())
    columns = [th.text_content() for th in table.cssselect("thead th")]
    # rows are named by label, the API name in the second column: key them by API name
    lead = {r[1]: r for r in _table(page, "fields-lead")}
    assert "Deal_Amount__c" in lead and _table(page, "fields-opportunity")  # Lead and Opportunity included
    amount = lead["Deal_Amount__c"]
    assert amount[0] == next(c.body["label"] for c in ctx.of_type("CustomField") if c.full_name == "Lead.Deal_Amount__c")
    used = amount[8].split("; ")
    processes = sorted(c.full_name for c in ctx.of_type("ApprovalProcess") if c.full_name.startswith("Lead.")
                       and "Deal_Amount__c" in str(c.body))
    assert processes and all(f"approval process {p}" in used for p in processes)
    assert "validation rule Lead.Deal_Reg_Required_On_Submit" in used
    assert not any(u.endswith("Test") for u in used)  # test classes are not uses
    body = next(c.body for c in ctx.of_type("CustomField") if c.full_name == "Lead.Email_Domain__c")
    assert lead["Email_Domain__c"][4] == f"{body['length']} characters"
    mdf = {r[1]: r for r in _table(page, "fields-mdf-request-c")}
    for c in ctx.of_type("CustomField"):
        if c.full_name.startswith("MDF_Request__c."):
            assert (mdf[c.full_name.split(".")[1]][3] == "yes") == bool(c.body.get("required")), c.full_name
    status = next(c for c in ctx.of_type("CustomField") if c.full_name == "Account.Partner_Status__c")
    default = next(v["label"] for v in status.body["valueSet"]["valueSetDefinition"]["value"] if v.get("default"))
    assert {r[1]: r for r in _table(page, "fields-account")}["Partner_Status__c"][5] == default
    assert columns == ["field", "API name", "type", "required", "length", "default", "description", "help text",
                       "used by", "spec"]
    # Opportunity fields get the same depth: help text and "used by" where the metadata has them
    opportunity = {r[1]: r for r in _table(page, "fields-opportunity")}
    for c in ctx.of_type("CustomField"):
        if c.full_name.startswith("Opportunity."):
            row = opportunity[c.full_name.split(".", 1)[1]]
            assert row[7] == str(c.body.get("inlineHelpText") or "—") and row[8], c.full_name


def test_lead_distribution_documents_the_sla_and_deal_registration_its_list_views(example) -> None:
    ctx, files = example
    sla = ctx.spec.lead_distribution.sla
    page = _page(files, "lead-distribution")
    text = page.text_content()
    assert f"{sla.accept_within_hours} hours after it arrived moves to the next lower tier's queue" in text
    assert f"the public group {sla.notify_group} is notified" in text
    routes = [t for t in page.cssselect("table") if "after the SLA, moves to" in t.text_content()][0]
    rows = {tr[1].text_content(): tr[2].text_content() for tr in routes.cssselect("tbody tr")}
    queues = {q.full_name: q.body["name"] for q in ctx.of_type("Queue")}
    assert rows["PRM_Leads_Gold_DACH"] == queues["PRM_Leads_Silver_DACH"]
    assert rows["PRM_Leads_Silver_DACH"] == queues["PRM_Lead_Pool"]
    views = {r[0]: r for r in _table(_page(files, "deal-registration"), "deal-registration-list-views")}
    days = ctx.spec.deal_registration.list_views.expiring_within_days
    expiring = views["Deal Registrations: Expiring Soon"]
    fields = ctx.spec.deal_registration.fields
    assert expiring[2] == (f"{fields.status.label} = Approved AND {fields.expires_on.label} = NEXT_N_DAYS:{days}")
    assert expiring[3].startswith("Name, Company, ") and fields.expires_on.label in expiring[3]
    assert expiring[4] == "group " + ", group ".join(ctx.spec.deal_registration.list_views.shared_to_groups)


def test_convert_on_approval_has_no_expiring_view(tmp_path: Path) -> None:
    ctx, files = _package(copy_program("dealreg_custom", tmp_path))
    assert ctx.spec.deal_registration.protection_days() is None  # converted on approval
    page = _page(files, "deal-registration")
    assert "Expiring Soon" not in page.text_content() and "Expiring soon" not in page.text_content()
    views = [r[0] for r in _table(page, "deal-registration-list-views")]
    assert views == [str(c.body["label"]) for c in ctx.of_type("ListView")
                     if c.full_name.startswith("Lead.Deal_Reg_")] and "Deal Registrations: Rejected" in views
    channel = _page(files, "training-channel-managers").text_content()
    assert "converts to an Opportunity by itself" in channel and "Expiring" not in channel


def test_new_pages_are_deterministic(tmp_path: Path) -> None:
    specs = copy_program("pull_pool", tmp_path)
    first = _package(specs)[1]
    second = _package(specs)[1]
    for name in ("sign-off.html", "raid.html", "training-partners.html", "training-admin.html", "fields.html"):
        assert first[name] == second[name]


def test_sign_off_of_a_live_check_names_the_org(tmp_path: Path) -> None:
    @dataclasses.dataclass
    class LiveReport(Report):
        org: dict | None = None

    report = LiveReport(True, [Item("L06", "External defaults are Private", "pass", "Lead: Private")],
                        {"label": "uat", "instance_url": "https://example.my.salesforce.com"})
    _, files = _package(copy_program("minimal", tmp_path), report=report)
    text = _page(files, "sign-off").text_content()
    assert "passes the review checklist as of 2026-11-22 including live items against the org uat: 1 pass." in text


def test_data_dictionary_lists_the_existing_fields_the_program_reads(example) -> None:
    ctx, files = example
    rows = {r[1]: r[:1] + r[2:] for r in _table(_page(files, "fields"), "fields-existing")}
    assert rows["Lead.PartnerAccountId"][1] == "org (declared in the specs)"
    assert rows["Lead.PartnerAccountId"][0] == "Lead: Partner Account"
    assert "Lead.PartnerAccountId" in ctx.spec.org.fields
    assert rows["Opportunity.Amount"][1] == "standard"
    # the assignment rule's territory criteria read the territories' Lead field
    field = ctx.spec.lead_distribution.territories[0].field
    assert "assignment rule Lead" in rows[f"Lead.{field}"][2]
    generated = {c.full_name for c in ctx.of_type("CustomField")}
    assert not generated & set(rows)


# ---- sign-off signed against a live org (`prm docs --org`) -------------------------------------

def _run_docs_cli(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    import sys

    from prm_builder import cli

    monkeypatch.setattr(sys, "argv", ["prm", "docs", *args])
    with pytest.raises(SystemExit) as info:
        cli.main()
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out + err


@pytest.mark.parametrize("persona_sets_held", [True, False])
def test_docs_against_an_org_sign_the_live_checklist(monkeypatch, capsys, tmp_path: Path,
                                                      persona_sets_held: bool) -> None:
    """`prm docs --org-from-env`: the checklist runs its live items through the real
    simple-salesforce code against `responses` mocks of the REST endpoints, and the sign-off
    page signs that result, naming the org; a live item that fails is listed on it."""
    import responses

    from tests import fake_org

    fake = fake_org.FakeOrg.from_data(fake_org.healthy_for(SPECS))
    if not persona_sets_held:
        fake.query["PermissionSetAssignment"] = []  # nobody holds a persona set: L10 fails
    monkeypatch.setenv("SF_INSTANCE_URL", fake_org.INSTANCE)
    monkeypatch.setenv("SF_ACCESS_TOKEN", fake_org.TOKEN)
    monkeypatch.chdir(ROOT)
    out = tmp_path / "handoff"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake.install(rsps)
        code, printed = _run_docs_cli(monkeypatch, capsys, "--org-from-env", "--out", str(out),
                                      "--as-of", TODAY.isoformat())
    assert code == 0, printed
    assert fake.asked, "the live items queried the org"
    sign_off = html.fromstring((out / "sign-off.html").read_bytes())
    text = " ".join(sign_off.text_content().split())
    assert f"including live items against the org SF_INSTANCE_URL" in text
    checklist = html.fromstring((out / "checklist.html").read_bytes()).text_content()
    assert "L10" in checklist and "L01" in checklist
    open_ids = [row[0] for row in _table(sign_off, "sign-off-checklist")] if sign_off.cssselect("caption") else []
    assert ("L10" in open_ids) is (not persona_sets_held)
    for name in ("sign-off.html", "checklist.html", "print.html"):
        assert fake_org.TOKEN not in (out / name).read_text()
    assert fake_org.TOKEN not in printed


def test_docs_rejects_two_org_sources(monkeypatch, capsys, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    code, printed = _run_docs_cli(monkeypatch, capsys, "--org", "uat", "--org-from-env", "--out",
                                  str(tmp_path / "handoff"))
    assert code == 1 and "use either --org NAME or --org-from-env" in printed
    assert not (tmp_path / "handoff").exists()


# ---- automation reference: flows step by step, email bodies, list-view filters -----------------

def _steps_after(page: html.HtmlElement, heading_id: str, caption: str) -> list[list[str]]:
    heading = page.get_element_by_id(heading_id)
    node = heading.getnext()
    while node is not None and node.tag != "h2":
        for table in node.cssselect("table"):
            if table.cssselect("caption") and table.cssselect("caption")[0].text_content() == caption:
                return [[c.text_content().strip() for c in tr] for tr in table.cssselect("tbody tr")]
        node = node.getnext()
    raise AssertionError(f"no table '{caption}' after {heading_id}")


def test_every_flow_is_described_with_trigger_conditions_and_every_element(example) -> None:
    """Each generated flow gets its own part: what starts it, its entry conditions (field
    labels and values from the start element's filters) and one row per element of its XML,
    in connector order from the start."""
    from prm_builder.docs.flow_text import ELEMENTS

    ctx, files = example
    page = _page(files, "automation")
    flows = ctx.of_type("Flow")
    assert flows
    for flow in flows:
        label = flow.body["label"]
        anchor = "automation-flow-" + flow.full_name.lower().replace("_", "-")
        facts = dict(r[:2] for r in _table(page, anchor))
        start = flow.body["start"]
        if start.get("triggerType") == "Scheduled":
            assert facts["Starts"].startswith(f"On a schedule: {start['schedule']['frequency'].lower()}")
        else:
            assert facts["Starts"].startswith("Before" if start["triggerType"] == "RecordBeforeSave" else "After")
        for f in start.get("filters") or []:
            name = ctx.naming.field(f"{start['object']}.{f['field']}")
            assert name in facts["Entry conditions"], (flow.full_name, name)
        steps = _steps_after(page, anchor, f"Steps of {label}")
        elements = [e for kind in ELEMENTS for e in (flow.body.get(kind) or [])]
        assert sorted(r[1] for r in steps) == sorted(e.get("label") or e["name"] for e in elements)
        first = start.get("connector", {}).get("targetReference") or start["scheduledPaths"][0]["connector"]["targetReference"]
        assert steps[0][1] == next(e.get("label") or e["name"] for e in elements if e["name"] == first)


def test_flow_text_follows_decisions_faults_and_updates(example) -> None:
    ctx, files = example
    page = _page(files, "automation")
    steps = {r[1]: r[2] for r in _steps_after(page, "automation-flow-deal-registration-expiry",
                                                "Steps of Deal Registration: Expiry")}
    status = next(c.body["label"] for c in ctx.of_type("CustomField") if c.full_name == "Lead.Registration_Status__c")
    assert steps["Mark expired"] == (f"Update the record: set {status} = 'Expired'; then 'Notify partner'; "
                                     "on an error: 'Record expiry fault'")
    assert steps["Past expiry date?"].startswith("Decide; if Expired (PastExpiry = true): 'Mark expired'")  # code span
    assert steps["Notify partner"].startswith("Send the email alert Lead.Deal_Reg_Expired")
    assert "PastExpiry = NOT(ISBLANK(" in page.text_content()  # the formulas the decisions read


def test_every_email_template_has_subject_body_and_sender(example) -> None:
    ctx, files = example
    page = _page(files, "automation")
    templates = ctx.of_type("EmailTemplate")
    assert templates
    for t in templates:
        anchor = "automation-email-" + t.full_name.lower().replace("_", "-").replace("/", "-")
        facts = dict(r[:2] for r in _table(page, anchor))
        assert facts["Subject"] == t.body["subject"]
        body = page.get_element_by_id(anchor).getnext().getnext()
        assert body.text_content().strip() == t.content.decode().strip()
    approved = dict(r[:2] for r in _table(page, "automation-email-prm-deal-registration-deal-reg-approved"))
    assert approved["Sent by"] == "email alert Lead.Deal_Reg_Approved (to: creator)"


def test_every_list_view_has_filters_columns_and_audience(example) -> None:
    ctx, files = example
    rows = {r[1]: r for r in _table(_page(files, "automation"), "automation-list-views")}
    views = ctx.of_type("ListView")
    assert set(rows) == {v.full_name for v in views}
    pool = rows["Lead.PRM_Lead_Pool"]
    assert pool[3] == "Pool Minimum Tier is not blank" and "Product Interest" in pool[4]
    queue_view = next(v for v in views if v.body.get("queue"))
    queue_label = next(q.body["name"] for q in ctx.of_type("Queue") if q.full_name == queue_view.body["queue"])
    assert rows[queue_view.full_name][2] == f"leads owned by the queue {queue_label}"


def test_persona_page_says_who_sees_converted_opportunities(example, tmp_path: Path) -> None:
    ctx, files = example
    text = " ".join(_page(files, "personas").get_element_by_id("personas-converted").getnext().text_content().split())
    opportunity = next(c.body for c in ctx.of_type("CustomObject") if c.full_name == "Opportunity")
    assert f"internal default allows ({opportunity['sharingModel']})" in text
    assert f"external default is {opportunity['externalSharingModel']}" in text
    assert "partner user sees one only when they own it" in text  # the example has no Opportunity sharing rule
    # no deal registration, nothing converts: no such part
    _, minimal = _package(copy_program("minimal", tmp_path))
    assert not _page(minimal, "personas").cssselect("#personas-converted")
