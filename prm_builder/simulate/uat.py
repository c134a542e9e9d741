"""The UAT plan: the scenarios as a client's test team runs them in the Salesforce UI --
per scenario the persona, the steps, the expected result, and columns for tester, date and
pass/fail -- as table rows, CSV and an XLSX workbook (openpyxl)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from prm_builder.docs.naming import current
from prm_builder.model.scenarios import Expect, Persona, Scenario, Step

COLUMNS = ("id", "scenario", "persona", "steps in Salesforce", "expected result", "tester", "date",
           "pass / fail", "notes")


@dataclass(frozen=True)
class UatRow:
    id: str
    scenario: str
    persona: str
    steps: str
    expected: str

    def cells(self) -> tuple[str, ...]:
        return (self.id, self.scenario, self.persona, self.steps, self.expected, "", "", "", "")


def persona_text(p: Persona) -> str:
    words = {"partner_user": "Partner user", "partner_manager": "Partner manager", "channel_manager":
             "Channel manager", "channel_operations": "Channel operations", "mdf_approver": "MDF approver",
             "admin": "Program admin", "marketing": "Marketing user"}[p.role]
    if p.is_partner:
        words += f" of {p.account_name} ({p.tier} tier)"
    if p.user:
        words += f" ({p.user})"
    return words


def _values(fields: dict[str, Any], obj: str = "") -> str:
    """'Deal_Amount__c = 50000'; while the handoff package is built (docs.naming.current()),
    as the tester sees the form: 'Deal Amount = 50,000 USD'."""
    naming = current() if obj else None
    out = []
    for k, v in fields.items():
        if isinstance(v, str) and v.startswith("@account"):
            v = "your partner account" if v == "@account" else f"a {v.split(':', 1)[1]} partner account"
        elif isinstance(v, str) and v.startswith("@given:"):
            v = f"the '{v[len('@given:'):]}' record"
        elif v == "@record":
            v = "the record"
        elif naming is not None and not isinstance(v, bool) and isinstance(v, (int, float)) \
                and naming.is_money(f"{obj}.{k}"):
            v = naming.money(v)
        out.append(f"{naming.field(f'{obj}.{k}') if naming is not None else k} = {v}")
    return ", ".join(out)


def _object(obj: str) -> str:
    naming = current()
    return naming.object(obj) if naming is not None else obj


def step_text(sc: Scenario, step: Step) -> str:
    who = f"As {persona_text(step.as_)}: " if step.as_ else ""
    obj = sc.record.object
    a = step.action
    if a == "create":
        values = {**sc.record.fields, **step.fields}
        text = f"create a {_object(obj)}" + (f" with {_values(values, obj)}" if values else "")
        if sc.record.parent:
            naming = current()
            parent = naming.target(f"{obj}.{sc.record.via}") if naming is not None else ""
            text += f" under a {_object(parent) if parent else sc.record.via} record with " \
                    f"{_values(sc.record.parent, parent)}"
        if step.assignment_rules:
            text += "; tick 'Assign using active assignment rule'"
    elif a == "edit" and step.on:
        key = step.on[len("@given:"):]
        obj_on = next((g.object for g in sc.given if g.key == key), "record")
        text = f"edit the '{key}' {_object(obj_on)}: set {_values(step.fields, obj_on)}"
    elif a == "edit":
        text = f"edit the record: set {_values(step.fields, obj)}" + \
            ("; tick 'Assign using active assignment rule'" if step.assignment_rules else "")
    elif a == "submit":
        text = "click Submit for Approval"
    elif a in ("approve", "reject"):
        text = f"open the approval request{f' (step {step.step})' if step.step else ''} and click {a.title()}"
    elif a == "recall":
        text = "click Recall Approval Request"
    elif a == "claim":
        text = "open the lead from the pool list view and claim it"
    elif a == "convert":
        text = "click Convert"
    else:
        text = f"wait {step.days:g} day(s) {step.hours:g} hour(s) (or run the scheduled path)"
    result = f"{who}{text}."
    if step.expect:
        result += f" Check: {expect_text(step.expect, obj)}"
    return result[0].upper() + result[1:]


def expect_text(e: Expect, obj: str = "") -> str:
    parts = []
    if e.blocked:
        parts.append("Salesforce refuses the save" + (f" with a message containing '{e.blocked.message}'"
                                                     if e.blocked.message else "")
                     + (f" ({e.blocked.rule})" if e.blocked.rule else ""))
    if e.allowed is not None:
        parts.append("the save succeeds" if e.allowed else "Salesforce refuses the save")
    if e.owner:
        parts.append(f"the owner is {'you' if e.owner in ('creator', 'persona') else 'queue ' + e.owner}")
    if e.owner_not:
        parts.append("the owner is not " + " / ".join(e.owner_not))
    if e.approval:
        ap = e.approval
        bits = [f"approval {ap.status}" if ap.status else "", f"process {ap.process}" if ap.process else "",
                f"steps {' -> '.join(ap.steps) or 'none'}" if ap.steps is not None else "",
                f"waiting for {', '.join(ap.approvers)}" if ap.approvers else ""]
        parts.append("Approval History shows " + ", ".join(b for b in bits if b))
    if e.fields:
        parts.append("fields: " + _values(e.fields, obj))
    for v in e.visible_to:
        parts.append(f"{persona_text(v.persona)} has {v.access} access")
    for f in e.field_access:
        parts.append(f"{persona_text(f.persona)} has {f.access} access to {f.field}")
    for r in e.records:
        count = "" if r.count is None else f"{r.count} "
        where = f" with {_values(r.where, r.object)}" if r.where else ""
        parts.append(f"{count}{_object(r.object)} record(s){where}"
                     + (f" having {_values(r.fields, r.object)}" if r.fields else ""))
    return "; ".join(parts) + "."


def uat_rows(scenarios: list[Scenario]) -> list[UatRow]:
    rows = []
    for i, sc in enumerate(scenarios, 1):
        steps = list(sc.steps) or [Step(action="create")]
        text = "\n".join(f"{n}. {step_text(sc, s)}" for n, s in enumerate(steps, 1))
        if sc.given:
            # the data the story starts from, prepared before step 1
            prepare = [f"Prepare: {'an' if _object(g.object)[0] in 'AEIOU' else 'a'} {_object(g.object)} ('{g.key}')"
                       + (f" with {_values(g.fields, g.object)}" if g.fields else "") for g in sc.given]
            text = "\n".join(prepare) + "\n" + text
        rows.append(UatRow(f"UAT-{i:03d}", sc.name, persona_text(sc.persona), text,
                           expect_text(sc.expect, sc.record.object) if sc.expect else "Each step's check holds."))
    return rows


def uat_csv(rows: list[UatRow]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(r.cells() for r in rows)
    return buf.getvalue().encode("utf-8")


def uat_xlsx(rows: list[UatRow], program: str) -> bytes:
    """A workbook the test team fills in: one row per scenario, a pass/fail drop-down."""
    import datetime as dt

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "UAT plan"
    ws.append([f"UAT plan: {program}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(COLUMNS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(list(r.cells()))
    widths = (10, 40, 28, 70, 50, 16, 12, 12, 30)
    for col, width in zip("ABCDEFGHI", widths):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    check = DataValidation(type="list", formula1='"Pass,Fail,Blocked"', allow_blank=True)
    ws.add_data_validation(check)
    if rows:
        check.add(f"H3:H{len(rows) + 2}")
    ws.freeze_panes = "C3"
    # Deterministic bytes: fixed document dates and zip entry times (the package has no clock).
    fixed = dt.datetime(2000, 1, 1)
    wb.properties.created = wb.properties.modified = fixed
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_zip_times(raw.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                import re
                # openpyxl stamps the save time into 'modified'; keep the element, fix the time.
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>2000-01-01T00:00:00Z\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()
