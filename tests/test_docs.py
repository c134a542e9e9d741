"""The handoff documentation package (`prm docs`): structure, links, escaping, determinism."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree, html

from prm_builder import api
from prm_builder.docs.context import DocContext, Origin
from prm_builder.docs.package import package_files
from prm_builder.docs.sections import SECTIONS
from prm_builder.generate.component import Component
from tests.conftest import PROGRAMS, ROOT, TODAY, copy_program, run_prm

SPECS = ROOT / "specs"


@dataclasses.dataclass
class FakeItem:
    id: str
    title: str
    status: str
    detail: str


@dataclasses.dataclass
class FakeReport:
    ok: bool
    items: list[FakeItem]


REPORT = FakeReport(False, [
    FakeItem("C01", "Partner license supports deal registration", "pass", "Partner Community Plus"),
    FakeItem("C02", "Open decisions are not past due", "fail", "D-01 due 2027-01-15 is open"),
    FakeItem("L01", "Org fields exist", "manual", "run prm check --org"),
])


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "handoff"
    api.docs(SPECS, out, as_of=TODAY, checklist=lambda specs, today: REPORT)
    return out


def _page(package: Path, name: str) -> html.HtmlElement:
    return html.fromstring((package / name).read_bytes())


def test_every_section_has_a_page_in_the_navigation(package: Path) -> None:
    index = _page(package, "index.html")
    nav = [a.get("href") for a in index.cssselect("nav.sidebar ol a")]
    order = [f"{m.ID}.html" for m in SECTIONS]
    assert nav == sorted(nav, key=order.index)  # registry order; feature pages only when the program has them
    always = ["index", "tiers", "decisions", "checklist", "configuration", "fields", "runbook"]
    assert set(f"{a}.html" for a in always) <= set(nav)
    assert sorted(nav) == sorted(p.name for p in package.glob("*.html") if p.name != "print.html")
    for href in nav:
        page = _page(package, href)
        assert page.cssselect("main h1"), href
        assert (package / "markdown" / href.replace(".html", ".md")).is_file()


def test_every_tier_is_a_column_of_the_matrix(package: Path) -> None:
    table = _page(package, "tiers.html").cssselect("table")[0]
    header = [th.text_content() for th in table.cssselect("thead th")]
    assert header[1:] == ["Gold", "Silver", "Bronze"]
    rows = {tr[0].text_content(): [td.text_content() for td in tr[1:]] for tr in table.cssselect("tbody tr")}
    assert rows["MDF: Annual MDF allocation"] == ["50,000 USD", "15,000 USD", "—"]
    assert rows["Qualification (minimum): Partner Annual Revenue"] == ["1,000,000 USD", "250,000 USD", "—"]
    assert rows["Features: Deal registration"] == ["yes", "yes", "—"]


def test_every_checklist_item_is_in_the_results(package: Path) -> None:
    text = _page(package, "checklist.html").text_content()
    for item in REPORT.items:
        assert item.id in text and item.title in text and item.detail in text
    assert "does not pass" in text and "1 fail, 1 manual, 1 pass" in text


def test_checklist_page_says_so_when_there_is_no_checklist(tmp_path: Path) -> None:
    api.docs(SPECS, tmp_path / "out", as_of=TODAY, checklist=None)
    assert "not available" in _page(tmp_path / "out", "checklist.html").text_content()


def test_open_decisions_with_owners_dates_and_past_due(package: Path) -> None:
    rows = [[td.text_content() for td in tr] for tr in _page(package, "decisions.html").cssselect("tbody tr")]
    by_id = {r[0]: r for r in rows}
    assert by_id["D-01"][2] == "Dana Whitfield (VP Channel Sales)" and by_id["D-01"][3] == "2027-01-15"
    assert by_id["D-01"][4] == "open"
    assert by_id["D-03"][4] == "decided" and by_id["D-03"][5].startswith("Custom objects")
    late = tmp_package_as_of(dt.date(2027, 1, 20))
    assert "open — past due" in late.read_text()


def tmp_package_as_of(day: dt.date) -> Path:
    import tempfile

    out = Path(tempfile.mkdtemp()) / "docs"
    api.docs(SPECS, out, as_of=day, checklist=None)
    return out / "decisions.html"


def test_configuration_guide_lists_every_component_with_purpose_and_spec_line(package: Path) -> None:
    components = api.validate(SPECS, TODAY).components
    rows = {}
    for heading in _page(package, "configuration.html").cssselect("h2"):
        table = heading.getnext().cssselect("table")[0]  # each type's table follows its heading
        for tr in table.cssselect("tbody tr"):
            # the row is named by the component's label; its API name stands beside it
            rows[(heading.text_content(), tr[1].text_content())] = [td.text_content() for td in tr]
    assert len(rows) == len(components)
    for c in components:
        assert (c.type, c.full_name) in rows, c.key
        label, _, purpose, spec, step, _ = rows[(c.type, c.full_name)]
        assert label and "__c" not in label and (c.type != "CustomField" or label.endswith(f": {c.body['label']}"))
        assert purpose == c.purpose and step == c.deploy_step
        assert spec.startswith("specs/") and spec.count(":") == 2
    assert not any(os.sep + "work" in v for r in rows.values() for v in r)  # no absolute paths


def test_field_reference_documents_partner_account_fields(package: Path) -> None:
    page = _page(package, "fields.html")
    assert page.cssselect("#fields-account")
    text = page.text_content()
    for name in ("Partner_Tier__c", "Partner_Status__c", "Qualified_Partner_Tier__c", "Registered_Deals_12M__c"):
        assert name in text
    assert "Picklist: Onboarding (default), Active, Inactive" in text
    assert "global value set Partner_Tier" in text


def _internal_links(package: Path) -> list[tuple[str, str]]:
    links = []
    for page in sorted(package.rglob("*.html")):
        for a in html.fromstring(page.read_bytes()).iter("a"):
            links.append((page.relative_to(package).as_posix(), a.get("href", "")))
    return links


def test_no_broken_internal_links(package: Path) -> None:
    assert_links_resolve(package)


@pytest.mark.parametrize("program", sorted(p.name for p in PROGRAMS.iterdir() if p.is_dir()))
def test_every_test_program_gets_a_package_without_broken_links(program: str, tmp_path: Path) -> None:
    api.docs(PROGRAMS / program, tmp_path / "out", as_of=TODAY, checklist=None)
    assert_links_resolve(tmp_path / "out", minimum=20)


def assert_links_resolve(package: Path, minimum: int = 50) -> None:
    ids: dict[str, set[str]] = {}
    for page in package.rglob("*.html"):
        ids[page.relative_to(package).as_posix()] = {e.get("id") for e in html.fromstring(page.read_bytes()).iter()
                                                     if e.get("id")}
    links = _internal_links(package)
    assert len(links) > minimum
    for page, href in links:
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc, f"{page}: external link {href}"
        target = parts.path or page
        assert (package / target).is_file(), f"{page}: broken link {href}"
        if parts.fragment:
            assert parts.fragment in ids[target], f"{page}: no #{parts.fragment} in {target}"


def test_markdown_links_resolve(package: Path) -> None:
    import re

    for md in (package / "markdown").glob("*.md"):
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", md.read_text()):
            assert (md.parent / target).resolve().is_file(), f"{md.name}: broken link {target}"


def test_diagrams_are_svg_with_the_expected_labels(package: Path) -> None:
    svg = etree.parse(str(package / "diagrams" / "tier-hierarchy.svg")).getroot()
    labels = [g.get("data-label") for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("data-label")]
    assert labels == ["New partner", "Bronze (rank 1)", "Silver (rank 2)", "Gold (rank 3)"]
    inline = _page(package, "index.html").cssselect("figure.diagram svg")
    assert len(inline) == 1 and inline[0].get("data-diagram") == "tier-hierarchy"


def test_spec_text_is_escaped(tmp_path: Path) -> None:
    specs = copy_program("minimal", tmp_path)
    program = specs / "program.yml"
    program.write_text(program.read_text() + '  description: "<script>alert(1)</script> & <b>bold</b> `<i>x</i>`"\n')
    api.docs(specs, tmp_path / "out", as_of=TODAY, checklist=None)
    page = (tmp_path / "out" / "index.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in page
    assert "<code>&lt;i&gt;x&lt;/i&gt;</code>" in page  # code spans are rendered after escaping
    assert "\\<script\\>" in (tmp_path / "out" / "markdown" / "index.md").read_text()


def test_same_specs_same_package_in_another_process(package: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    proc = run_prm("docs", "--specs", str(SPECS), "--out", str(out), "--as-of", TODAY.isoformat(), cwd=tmp_path,
                   env={"PYTHONHASHSEED": "12345"})
    assert proc.returncode == 0, proc.stderr
    # the fixture's package has a fake checklist; compare everything else byte for byte (the
    # sign-off page and the RAID log summarize the checklist too)
    mine = {p.relative_to(package).as_posix(): p.read_bytes() for p in package.rglob("*") if p.is_file()}
    theirs = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert mine.keys() == theirs.keys()
    differing = sorted(k for k in mine if mine[k] != theirs[k])
    assert differing == ["checklist.html", "markdown/checklist.md", "markdown/raid.md", "markdown/sign-off.md",
                         "print.html", "raid.html", "sign-off.html"]


def test_origin_names_the_specs_not_the_clock(package: Path) -> None:
    footer = _page(package, "index.html").cssselect("footer")[0].text_content()
    spec_files = [p for p in SPECS.rglob("*") if p.is_file() and not p.name.startswith(".")]  # scenarios/ too
    assert f"from specs/ ({len(spec_files)} files" in footer
    assert dt.date.today().isoformat() not in footer


def _approval_component() -> Component:
    body = {
        "label": "Deal Registration Approval", "active": True, "allowRecall": True,
        "entryCriteria": {"criteriaItems": [{"field": "Lead.LeadSource", "operation": "equals",
                                             "value": "Partner Deal Registration"},
                                            {"field": "Lead.Partner_Tier__c", "operation": "equals",
                                             "value": "Premier"}]},
        "initialSubmissionActions": {"action": [{"name": "Lock_Status", "type": "FieldUpdate"}]},
        "finalApprovalActions": {"action": [{"name": "Convert_To_Opportunity", "type": "FieldUpdate"}]},
        "finalRejectionActions": {"action": [{"name": "Notify_Partner_Rejected", "type": "Alert"}]},
        "approvalStep": [
            {"name": "Channel_Manager", "label": "Channel manager review",
             "assignedApprover": {"approver": [{"name": "Channel_Managers", "type": "queue"}]}},
            {"name": "Sales_VP", "label": "Sales VP for large deals",
             "entryCriteria": {"criteriaItems": [{"field": "Lead.Deal_Amount__c", "operation": "greaterThan",
                                                  "value": "100000"}]},
             "ifCriteriaNotMet": "ApproveRecord",
             "assignedApprover": {"approver": [{"name": "Sales_VPs", "type": "group"}],
                                  "whenMultipleApprovers": "FirstResponse"},
             "rejectBehavior": {"type": "BackToPrevious"}},
        ],
    }
    return Component("ApprovalProcess", "Lead.Deal_Registration_v1", body, purpose="Routes deal registrations.",
                     source=None)


def test_approval_processes_are_documented_step_by_step(tmp_path: Path) -> None:
    result = api.validate(PROGRAMS / "minimal", TODAY)
    assert result.spec is not None
    ctx = DocContext(result.spec, [*result.components, _approval_component()],
                     Origin("specs", "0" * 64, ("program.yml",), as_of="2026-11-22"))
    sections, files = package_files(ctx)
    assert "approvals" in [s.id for s in sections]
    page = html.fromstring(files["approvals.html"])
    table = [t for t in page.cssselect("table") if t.findtext("caption") == "Steps of Deal Registration Approval"][0]
    steps = [[td.text_content() for td in tr] for tr in table.cssselect("tbody tr")]
    assert steps[0][:4] == ["1", "Channel manager review", "all records", "queue Channel_Managers"]
    assert steps[1][2] == "Deal Amount > 100000" and steps[1][4] == "approve the record"
    assert steps[1][6].startswith("back to the previous step")
    matrix = html.fromstring(files["tiers.html"])
    route = [[c.text_content() for c in tr] for tr in matrix.cssselect("tbody tr") if "Approval route" in tr[0].text_content()]
    assert route == [["Approval route: Lead", "Deal Registration Approval (2 steps)", "—", "—"]]
    svg = etree.fromstring(files["diagrams/approval-lead-deal-registration-v1.svg"])
    labels = {g.get("data-label") for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("data-label")}
    assert {"Submitted for approval", "Step 1: Channel manager review", "Step 2: Sales VP for large deals",
            "Approved", "Rejected", "Recalled by submitter"} <= labels
    edges = {(p.get("data-from"), p.get("data-to")) for p in svg.iter("{http://www.w3.org/2000/svg}path")
             if p.get("data-from")}
    assert ("step2", "step1") in edges and ("step2", "approved") in edges and ("step1", "rejected") in edges


def test_cli_writes_the_package_and_reports(tmp_path: Path) -> None:
    specs = copy_program("minimal", tmp_path)
    proc = run_prm("docs", "--specs", str(specs), "--out", "handoff", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "handoff" / "index.html").is_file() and "sections" in proc.stdout


def test_cli_invalid_specs_exit_1_and_write_nothing(tmp_path: Path) -> None:
    specs = copy_program("minimal", tmp_path)
    (specs / "program.yml").write_text("program:\n  name: X\n  license: Customer Community\n")
    proc = run_prm("docs", "--specs", str(specs), "--out", "handoff", cwd=tmp_path)
    assert proc.returncode == 1 and "PRM-V015" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "handoff").exists()


@pytest.mark.parametrize("out", [".", "specs", ".."])
def test_cli_refuses_an_out_folder_holding_the_project(project: Path, out: str) -> None:
    proc = run_prm("docs", "--out", out, cwd=project)
    assert proc.returncode == 1 and "--out" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_bad_as_of_is_a_user_error(project: Path) -> None:
    proc = run_prm("docs", "--as-of", "someday", cwd=project)
    assert proc.returncode == 1 and "not a date" in proc.stderr


def test_runbook_lists_pitfalls_owners_and_deploy_hints() -> None:
    result = api.validate(SPECS, TODAY)
    assert result.spec is not None
    hints = [{"id": "PRM-D01", "name": "sharing-operation-in-progress", "hint": "Wait, then deploy again.",
              "remedy": "retry-step", "examples": ("A sharing operation is already in progress.",)}]
    ctx = DocContext(result.spec, result.components, Origin("specs", "0" * 64, ()), None, hints)
    _, files = package_files(ctx)
    text = html.fromstring(files["runbook.html"]).text_content()
    assert "sharing operation already in progress" in text  # a platform pitfall
    assert "PRM-D01" in text and "waits, then deploys the step again" in text
    assert "Dana Whitfield (VP Channel Sales)" in text  # an open decision's owner
    assert "Lead.PartnerAccountId" in text  # the org inventory
    # partner operations (issue 16): onboarding, the tier review, rollback from the snapshot, drift
    for heading in ("Onboard a partner", "Run a tier review", "Roll back a deploy", "Find changes made by hand"):
        assert heading in text
    assert "prm partners apply --org NAME" in text and ".prm/snapshots/<org>/<time>" in text
    without = DocContext(result.spec, result.components, Origin("specs", "0" * 64, ()))
    assert "PRM-D01" not in html.fromstring(package_files(without)[1]["runbook.html"]).text_content()


def test_diagram_layout_is_the_same_in_every_process() -> None:
    """grandalf keeps edges in sets; hashed by memory address the layout changed per run."""
    script = ("from tests.test_docs import _approval_component\n"
              "from prm_builder.docs.sections.approvals import routing_diagram\n"
              "c = _approval_component()\n"
              "step = {**c.body['approvalStep'][1], 'rejectBehavior': None}\n"
              "steps = [step] * 4\n"  # several steps that may skip to 'approved': crossing routes
              "print(routing_diagram(c.full_name, 'x', c.body, steps).svg)\n")
    outputs = set()
    for seed in ("1", "2", "3"):
        proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": seed})
        outputs.add(proc.stdout)
    assert len(outputs) == 1


def test_parallel_edges_are_drawn_once_with_both_labels() -> None:
    from prm_builder.docs.diagram import Edge, Graph, Node, render_svg

    graph = Graph((Node("a", "A"), Node("b", "B")), (Edge("a", "b", "approve"), Edge("a", "b", "criteria not met")))
    svg = etree.fromstring(render_svg("p", "p", graph))
    assert len([p for p in svg.iter("{http://www.w3.org/2000/svg}path") if p.get("data-from")]) == 1
    assert [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "edge-label"] == [
        "approve / criteria not met"]


def test_deal_registration_page_shows_flow_routes_and_settings(package: Path) -> None:
    spec = api.validate(SPECS, TODAY).spec
    assert spec is not None and spec.deal_registration is not None
    page = _page(package, "deal-registration.html")
    routes = [[td.text_content() for td in tr] for tr in page.cssselect("table")[0].cssselect("tbody tr")]
    assert [r[:3] for r in routes] == [["Deal Registration Gold", "Gold", "50,000 USD"],
                                       ["Deal Registration Silver", "Silver", "—"]]
    assert "2. VP Channel Sales sign-off (from 250,000 USD): queue Deal_Reg_VP_Review" in routes[0][3]
    links = [a.get("href") for a in page.cssselect("table a")]
    assert links == ["approvals.html#approvals-lead-deal-reg-gold-v1", "approvals.html#approvals-lead-deal-reg-silver-v1"]
    svg = etree.parse(str(package / "diagrams" / "deal-registration-flow.svg")).getroot()
    labels = {g.get("data-label") for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("data-label")}
    assert {"Partner registers a deal", "Approval: Deal Registration Gold", "Approval: Deal Registration Silver",
            "Approved", "Rejected", "Expired", "Opportunity", "Recalled"} <= labels
    edges = {(p.get("data-from"), p.get("data-to")) for p in svg.iter("{http://www.w3.org/2000/svg}path")
             if p.get("data-from")}
    assert {("approved", "expired"), ("approved", "opportunity"), ("route1", "rejected")} <= edges
    matrix = {tr[0].text_content(): [td.text_content() for td in tr[1:]]
              for tr in _page(package, "tiers.html").cssselect("tbody tr")}
    assert matrix["Approval route: Lead"] == ["Deal Registration Gold (2 steps)", "Deal Registration Silver (2 steps)", "—"]


def test_origin_commit_only_for_committed_unmodified_specs(tmp_path: Path) -> None:
    from prm_builder.docs.origin import origin_of

    specs = copy_program("minimal", tmp_path)
    assert origin_of(specs, TODAY).commit == ""  # not a repository: the digest names the specs
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "specs", "--date", "2026-10-01T12:00:00"], cwd=tmp_path, check=True,
                   env={**os.environ, "GIT_COMMITTER_DATE": "2026-10-01T12:00:00"})
    committed = origin_of(specs, None)
    # due dates: the one rule of `prm check` too (issue 15) - today, not the commit date
    assert len(committed.commit) == 40 and committed.as_of == dt.date.today().isoformat()
    (specs / "program.yml").write_text((specs / "program.yml").read_text() + "\n")
    edited = origin_of(specs, TODAY)
    assert edited.commit == "" and edited.digest != committed.digest


def test_every_section_module_is_registered_once() -> None:
    ids = [m.ID for m in SECTIONS]
    assert len(ids) == len(set(ids))
    import pkgutil

    import prm_builder.docs.sections as package_

    modules = {m.name for m in pkgutil.iter_modules(package_.__path__)} - {"common"}
    assert modules == {m.__name__.rsplit(".", 1)[1] for m in SECTIONS}


def test_cli_json_output(tmp_path: Path) -> None:
    import json

    specs = copy_program("minimal", tmp_path)
    proc = run_prm("docs", "--specs", str(specs), "--out", "handoff", "--json", "--as-of", "2026-11-22", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["ok"] and payload["command"] == "docs"
    result = payload["result"]
    assert result["as_of"] == "2026-11-22" and result["sections"][0] == "index"
    assert "handoff/index.html" not in result["changes"]["added"] and "index.html" in result["changes"]["added"]


def test_runbook_lists_every_deploy_hint(package: Path) -> None:
    from prm_builder.deploy.hints import load_hints

    text = _page(package, "runbook.html").text_content()
    hints = load_hints()
    assert hints and all(h.id in text and h.hint[:40] in text for h in hints)


def test_real_checklist_results_are_all_in_the_package(tmp_path: Path) -> None:
    api.docs(SPECS, tmp_path / "out", as_of=TODAY)  # default: the static `prm check`
    report = api.check(SPECS, today=TODAY)
    rows = {tr[0].text_content(): [td.text_content() for td in tr[1:]]
            for tr in _page(tmp_path / "out", "checklist.html").cssselect("tbody tr")}
    assert len(report.items) >= 10 and set(rows) == {i.id for i in report.items}
    for item in report.items:
        status = getattr(item.status, "value", item.status)
        assert rows[item.id][:2] == [item.title, str(status)]


def _runbook_table(files: dict[str, bytes], heading: str) -> list[list[str]]:
    page = html.fromstring(files["runbook.html"])
    node = page.get_element_by_id(heading).getnext()
    while not node.cssselect("table"):
        node = node.getnext()
    return [[c.text_content().strip() for c in tr] for tr in node.cssselect("tbody tr")]


def test_runbook_deploy_order_is_the_order_prm_deploy_runs() -> None:
    """The runbook's order comes from the deploy code: the prm_deploy flow's tasks, and inside
    the step task the deploy steps in the order the runner sends them (group_by_step), so
    sharing comes before duplicate-rule activation."""
    from prm_builder.deploy.steps import DEPLOY_FLOW, group_by_step

    result = api.validate(SPECS, TODAY)
    assert result.spec is not None
    ctx = DocContext(result.spec, result.components, Origin("specs", "0" * 64, ()))
    rows = _runbook_table(package_files(ctx)[1], "runbook-deploy-order")
    expected: list[str] = []
    for task in DEPLOY_FLOW:
        expected.append(task.task)
        if task.runs_steps:
            expected += [f"deploy step {step.name}" for step, _ in group_by_step(result.components)]
    assert [r[1] for r in rows] == expected
    names = [r[1] for r in rows]
    assert names.index("deploy step sharing") < names.index("deploy step activate-duplicate-rules") \
        < names.index("prm_activate_duplicate_rules")
    counts = {r[1]: r[3] for r in rows}
    for step, comps in group_by_step(result.components):
        assert counts[f"deploy step {step.name}"] == str(len(comps))


def test_runbook_commands_name_the_org_and_cover_before_after_smoke_and_rollback() -> None:
    import re

    result = api.validate(SPECS, TODAY)
    assert result.spec is not None
    ctx = DocContext(result.spec, result.components, Origin("specs", "0" * 64, ()))
    files = package_files(ctx)[1]
    page = html.fromstring(files["runbook.html"])
    commands = [c.text_content() for c in page.cssselect("code")] + page.cssselect("pre")[0].text_content().splitlines()
    org_commands = [c for c in commands if re.match(r"\s*prm (deploy|check|plan|diff|partners \w+)\b", c)]
    assert any(c.startswith("prm deploy") for c in org_commands)
    # these commands need an org (prm deploy refuses to run without --org); `prm check` without
    # it runs only the static items, which is not what a deploy runbook means
    assert all("--org NAME" in c for c in org_commands), [c for c in org_commands if "--org" not in c]
    text = page.text_content()
    for heading in ("Before the first deploy", "After the deploy", "Smoke test", "Roll back a deploy"):
        assert heading in text
    before = " ".join(r[1] for r in _runbook_table(files, "runbook-before"))
    for must in ("partner site", "org-wide defaults", "Default Workflow User"):
        assert must in before
    after = " ".join(r[1] for r in _runbook_table(files, "runbook-after"))
    for must in ("persona permission sets", "prm partners apply --org NAME", "Flows", "Duplicate Rules",
                 "PartnerHealthScoreJob.schedule()"):
        assert must in after
    smoke = " ".join(r[1] for r in _runbook_table(files, "runbook-smoke-test"))
    assert "register a deal" in smoke and "MDF" in smoke and "prm diff --org NAME" in smoke
    assert ".prm/snapshots/<org>/<time> --org NAME" in text and "--allow-destructive" in text
