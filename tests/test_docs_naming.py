"""How the handoff package names things for people (issue 19): one money format, in the
program's currency, on every page (tables, diagrams, the UAT files); field and object labels
where a table names a row, the API name beside it at most. Every generated page of the
example program and of every test program is scanned."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from lxml import etree, html

from prm_builder import api
from prm_builder.docs.content import Link, Table
from prm_builder.docs.context import DocContext
from prm_builder.docs.naming import Naming, format_money
from prm_builder.docs.origin import origin_of
from prm_builder.docs.package import build_sections, package_files
from prm_builder.docs.sections.common import criteria_text
from tests.conftest import PROGRAMS, ROOT, TODAY, copy_program, edit_spec

PROGRAM_DIRS = {"example": ROOT / "specs", **{p.name: p for p in sorted(PROGRAMS.iterdir()) if p.is_dir()}}

#: a number of 4+ digits with no thousands separator, standing alone (not part of a date,
#: an identifier, a spec position 'file.yml:12:3', a version or a hash)
RAW_NUMBER = re.compile(r"(?<![\w.:/\-#{,])\d{4,}(?:\.\d+)?(?![\w\-:/},])")
#: an API name: no spaces, and an underscore (custom names, developer names) or dotted path
API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9_]+)+$")


def _context(specs: Path) -> DocContext:
    result = api.validate(specs, TODAY, display_root=specs.resolve().parent)
    assert result.spec is not None and result.ok, result.diagnostics
    # no git history: the change log holds commit authors and subjects, not the program's amounts
    origin = dataclasses.replace(origin_of(specs, TODAY), changes=(), history="")
    return DocContext(result.spec, result.components, origin, None,
                      scenarios=api._scenarios(specs) if (specs / "scenarios").is_dir() else [])


@pytest.fixture(scope="module", params=sorted(PROGRAM_DIRS))
def program(request: pytest.FixtureRequest) -> tuple[str, DocContext, dict[str, bytes]]:
    ctx = _context(PROGRAM_DIRS[request.param])
    return request.param, ctx, package_files(ctx)[1]


def _prose(page: bytes) -> str:
    """A page's text as people read it (diagram labels included), without code: formulas and
    commands keep their literal numbers."""
    tree = html.fromstring(page)
    for node in tree.xpath("//code | //pre | //script | //style"):
        node.drop_tree() if node.getparent() is not None else None
    return " ".join(tree.xpath("//text()"))


def raw_amounts(text: str) -> list[str]:
    found = []
    for match in RAW_NUMBER.finditer(text):
        number = match.group(0)
        if re.fullmatch(r"(19|20)\d\d", number):
            continue  # a year
        found.append(text[max(0, match.start() - 40):match.end() + 10])
    return found


def test_raw_amount_scan_finds_unformatted_numbers() -> None:
    assert raw_amounts("Deal Amount ≥ 50000") and raw_amounts("Requested Amount = 2500.5 USD")
    assert not raw_amounts("Deal Amount ≥ 50,000 USD; specs/tiers.yml:1200:3; commit 1234abcd; 2026-12-06; in 2027")


def test_no_page_shows_an_unformatted_amount(program) -> None:
    name, ctx, files = program
    pages = {n: _prose(b) for n, b in files.items() if n.endswith(".html")}
    # (the diagrams are drawn inline in the pages: their text is in the pages' text)
    pages.update({n: b.decode() for n, b in files.items() if n == "uat-plan.csv"})
    problems = {n: raw_amounts(t) for n, t in pages.items() if raw_amounts(t)}
    assert problems == {}, f"{name}: unformatted amounts {problems}"


def test_amounts_are_in_the_programs_currency(tmp_path: Path) -> None:
    """Currency comes from program.currency: an EUR program's approval thresholds read EUR,
    on the approval page (step criteria and routing diagram) as on the MDF page."""
    specs = copy_program("mdf_standard", tmp_path)
    edit_spec(specs / "program.yml", "  license: Partner Community Plus\n",
              "  license: Partner Community Plus\n  currency: EUR\n")
    ctx = _context(specs)
    files = package_files(ctx)[1]
    assert ctx.spec.program.currency == "EUR"
    text = " ".join(_prose(files[n]) for n in files if n.endswith(".html"))
    assert "USD" not in text
    allocation = format_money(40000, "EUR")
    assert allocation == "40,000 EUR" and allocation in _prose(files["mdf.html"])
    approvals = _prose(files["approvals.html"])
    thresholds = re.findall(r"≥ ([\d,.]+ [A-Z]{3})", approvals)
    assert thresholds and all(t.endswith(" EUR") for t in thresholds)


def test_one_money_format() -> None:
    assert format_money(50000, "USD") == "50,000 USD"
    assert format_money(1234.5, "EUR") == "1,234.50 EUR"
    assert format_money(0, "GBP") == "0 GBP"


def test_criteria_read_by_label_with_money_and_value_lists() -> None:
    ctx = _context(ROOT / "specs")
    naming = Naming.of(ctx.components, "USD")
    block = {"criteriaItems": [
        {"field": "Lead.Deal_Amount__c", "operation": "greaterOrEqual", "value": "250000"},
        {"field": "Lead.Country", "operation": "equals", "value": "United States,Canada"},
        {"field": "Lead.Registration_Status__c", "operation": "equals"}]}
    # outside a package build: the metadata as it is
    assert criteria_text(block) == ("Lead.Deal_Amount__c ≥ 250000 AND Lead.Country = United States,Canada "
                                    "AND Lead.Registration_Status__c is blank")
    from prm_builder.docs.naming import naming_for

    with naming_for(naming):
        assert criteria_text(block) == ("Deal Amount ≥ 250,000 USD AND Country = United States or Canada "
                                        "AND Registration Status is blank")
    assert naming.field("Lead.PartnerAccountId") == "Partner Account"
    assert naming.object("MDF_Request__c") == "MDF Request"


# ---- labels, not API names, name the rows -------------------------------------------------------

def _label_problems(ctx: DocContext) -> list[str]:
    """Tables whose first column (the row's name) is an API name. The API name may stand in
    another column, or in a code span (`Name__c`) where the row has no label of its own."""
    problems = []
    for section in build_sections(ctx):
        for block in section.blocks:
            if not isinstance(block, Table) or not block.rows:
                continue
            for row in block.rows:
                first = row[0].text if isinstance(row[0], Link) else str(row[0])
                if API_NAME.match(first.strip()):
                    problems.append(f"{section.id}: {block.columns} row {first!r}")
                    break
    return problems


def test_api_name_detector() -> None:
    assert API_NAME.match("Deal_Amount__c") and API_NAME.match("Lead.Deal_Reg_Gold_v1") and API_NAME.match("PRM_Tier_Gold")
    assert not API_NAME.match("Deal Amount") and not API_NAME.match("`Deal_Amount__c`") and not API_NAME.match("Lead")


def test_tables_name_rows_by_label(program) -> None:
    name, ctx, _ = program
    assert _label_problems(ctx) == [], name


def test_field_reference_rows_are_labels_with_the_api_name_beside(program) -> None:
    name, ctx, files = program
    fields = [c for c in ctx.components if c.type == "CustomField"]
    if not fields:
        pytest.skip(f"{name} generates no custom fields")
    page = html.fromstring(files["fields.html"])
    rows = {}
    for table in page.cssselect("table"):
        heads = [th.text_content() for th in table.cssselect("thead th")]
        if heads[:2] == ["field", "API name"]:
            for tr in table.cssselect("tbody tr"):
                cells = [c.text_content().strip() for c in tr]
                rows[cells[1]] = cells[0]
    for c in fields:
        assert rows[c.full_name.split(".", 1)[1]] == str(c.body.get("label")), c.full_name


def test_approvers_are_named_by_queue_and_field_labels(program) -> None:
    """An approval step's queue reads as its label with the developer name beside it in the
    step table, by its label alone in the diagram; a related-user approver by the field's label."""
    name, ctx, files = program
    queues = {q.full_name: str(q.body["name"]) for q in ctx.of_type("Queue") if q.body.get("name")}
    steps = [(p.full_name.split(".", 1)[0], a) for p in ctx.of_type("ApprovalProcess")
             for s in p.body.get("approvalStep") or [] for a in (s.get("assignedApprover") or {}).get("approver") or []]
    if not steps:
        pytest.skip(f"{name} approves nothing")
    page = html.fromstring(files["approvals.html"])
    table_text = re.sub(r"\s+", " ", " ".join(page.xpath("//table//text()")))
    diagram_text = re.sub(r"\s+", " ", " ".join(page.xpath("//svg//text()")))  # wrapped lines joined
    for obj, approver in steps:
        if approver.get("type") == "queue" and approver["name"] in queues:
            label = queues[approver["name"]]
            assert f"queue {label} ({approver['name']})" in table_text, (name, approver)
            assert f"queue {label}" in diagram_text and f"({approver['name']})" not in diagram_text
        elif approver.get("type") == "relatedUserField":
            field = ctx.naming.field(obj + "." + approver["name"])
            assert f"user in field {field}" in table_text, (name, approver)
