"""An Apex test class that replays the scenarios in a real org (issue 13, "In the org").

What replays: scenarios acted by the program admin or an internal user (the running user),
with create/edit (assignment rule header), submit, approve and reject, and expectations on
owner, fields, approval status and blocked/allowed saves. What does not (listed in the class
header and by `replayable`): partner personas (they need partner users, which the org's
persona setup creates), visibility and field-access checks (UserRecordAccess needs those
users), time passing, pool claims and conversion.

Spec text reaches Apex only as escaped string literals or sanitised `//` comments.
"""

from __future__ import annotations

import re
from typing import Any

from prm_builder.model.scenarios import Expect, Scenario, Step

CLASS_NAME = "PRM_Scenario_Replay_Test"
_RUNNING_USER_ROLES = {"admin", "marketing", "channel_manager", "channel_operations", "mdf_approver"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def apex_string(text: str) -> str:
    """An Apex string literal (single quotes; backslash, quote and line breaks escaped)."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{escaped}'"


def comment(text: str) -> str:
    return re.sub(r"[\r\n]+", " ", text)


def replayable(sc: Scenario) -> str:
    """'' when the scenario replays in Apex, else the reason it does not."""
    personas = [sc.persona] + [s.as_ for s in sc.steps if s.as_]
    if any(p.role not in _RUNNING_USER_ROLES for p in personas):
        return "acts as a partner user (needs the org's partner users)"
    for s in sc.steps:
        if s.action in ("wait", "claim", "convert", "recall"):
            return f"uses '{s.action}' (time-based or flow-driven: verify in the UI)"
    for e in [sc.expect] + [s.expect for s in sc.steps]:
        if e is not None and (e.visible_to or e.field_access):
            return "checks visibility or field access (needs the personas' users)"
    return ""


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"Decimal.valueOf('{value}')"  # every Number/Currency field is a Decimal in Apex
    if value is None:
        return "null"
    text = str(value)
    if text.startswith("@given:"):
        return f"given.get({apex_string(text[len('@given:'):])})"
    if text == "@record":
        return "recId"
    if text.startswith("@account"):
        tier = text.split(":", 1)[1] if ":" in text else ""
        return f"partnerAccount({apex_string(tier)})"
    if text.startswith("@today"):
        offset = text[len("@today"):].replace(" ", "") or "0"
        return f"Date.today().addDays({int(offset)})"
    if _DATE.match(text):
        return f"Date.valueOf({apex_string(text)})"
    return apex_string(text)


def _assign(var: str, fields: dict[str, Any]) -> list[str]:
    return [f"{var}.put({apex_string(k)}, {_literal(v)});" for k, v in fields.items()]


def _get(var: str, path: str) -> str:
    """`var`'s value of a field, following relationship paths (Opportunity__r.Field)."""
    parts = path.split(".")
    head = var + "".join(f".getSObject({apex_string(p)})" for p in parts[:-1])
    return f"{head}.get({apex_string(parts[-1])})"


def _assert_value(k: str, v: Any, row: str) -> str:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        # compareTo: 50000 equals 50000.00 whatever the field's scale
        return f"Assert.areEqual(0, {_literal(v)}.compareTo((Decimal) {_get(row, k)}), {apex_string(k)});"
    return f"Assert.areEqual({_literal(v)}, {_get(row, k)}, {apex_string(k)});"


def _records_lines(e: Expect) -> list[str]:
    """Other records that must exist: a query with the `where` values as binds."""
    lines = []
    for r in e.records:
        names = sorted({"Id", *r.fields})
        where = " AND ".join(f"{k} = :w{i}" for i, k in enumerate(r.where))
        binds = ", ".join(f"{apex_string(f'w{i}')} => {_literal(v)}" for i, v in enumerate(r.where.values()))
        query = f"SELECT {', '.join(names)} FROM {r.object}" + (f" WHERE {where}" if where else "")
        lines += ["{", f"    Map<String, Object> binds = new Map<String, Object>{{{binds}}};",
                  f"    List<SObject> found = Database.queryWithBinds({apex_string(query)}, binds, "
                  "AccessLevel.SYSTEM_MODE);"]
        if r.count is not None:
            lines.append(f"    Assert.areEqual({r.count}, found.size(), {apex_string(r.object + ' records')});")
        else:
            lines.append(f"    Assert.isFalse(found.isEmpty(), {apex_string(r.object + ' records')});")
        if r.fields:
            lines.append("    for (SObject row : found) {")
            lines += [f"        {_assert_value(k, v, 'row')}" for k, v in r.fields.items()]
            lines.append("    }")
        lines.append("}")
    return lines


def _expect_lines(e: Expect, obj: str, outcome: str) -> list[str]:
    # one block per expectation: its locals (fresh, found) never clash with the next one's
    lines = ["{"] + ["    " + line for line in _expect_body(e, obj, outcome)] + ["}"]
    return lines if len(lines) > 2 else []


def _expect_body(e: Expect, obj: str, outcome: str) -> list[str]:
    lines = []
    if e.blocked is not None:
        lines.append(f"Assert.isFalse({outcome}, 'expected the step to be refused');")
        if e.blocked.message:
            lines.append(f"Assert.isTrue(lastError.contains({apex_string(e.blocked.message)}), lastError);")
    if e.allowed is not None:
        lines.append(f"Assert.areEqual({'true' if e.allowed else 'false'}, {outcome}, lastError);")
    if e.fields or e.owner or e.owner_not or e.approval:
        names = sorted({"Id", "OwnerId", *e.fields})
        lines.append(f"SObject fresh = Database.query('SELECT {', '.join(names)} FROM {obj} WHERE Id = :recId');")
        lines += [_assert_value(k, v, "fresh") for k, v in e.fields.items()]
        if e.owner in ("creator", "persona"):
            lines.append("Assert.areEqual(UserInfo.getUserId(), fresh.get('OwnerId'), 'owner');")
        elif e.owner:
            lines.append(f"Assert.areEqual({apex_string(e.owner)}, queueName((Id) fresh.get('OwnerId')), 'owner');")
        for q in e.owner_not:
            lines.append(f"Assert.areNotEqual({apex_string(q)}, queueName((Id) fresh.get('OwnerId')), 'owner');")
        if e.approval and e.approval.status:
            status = {"Recalled": "Removed", "None": "none"}.get(e.approval.status, e.approval.status)
            lines.append(f"Assert.areEqual({apex_string(status)}, approvalStatus(recId), 'approval status');")
    return lines + _records_lines(e)


def _step_lines(sc: Scenario, step: Step, obj: str) -> list[str]:
    a = step.action
    if a == "create":
        lines = _assign("rec", step.fields)
        lines += [f"dml.assignmentRuleHeader.useDefaultRule = {'true' if step.assignment_rules else 'false'};",
                  "ok = save(rec, dml, true);", "recId = rec.Id;"]
    elif a == "edit" and step.on:
        other = next(g for g in sc.given if g.key == step.on[len("@given:"):])
        lines = [f"SObject other = Schema.getGlobalDescribe().get({apex_string(other.object)})"
                 f".newSObject({_literal(step.on)});"]
        lines += _assign("other", step.fields)
        lines += [f"dml.assignmentRuleHeader.useDefaultRule = {'true' if step.assignment_rules else 'false'};",
                  "ok = save(other, dml, false);"]
        lines = ["{"] + ["    " + line for line in lines] + ["}"]
    elif a == "edit":
        lines = [f"rec = Schema.getGlobalDescribe().get({apex_string(obj)}).newSObject(recId);"]
        lines += _assign("rec", step.fields)
        lines += [f"dml.assignmentRuleHeader.useDefaultRule = {'true' if step.assignment_rules else 'false'};",
                  "ok = save(rec, dml, false);"]
    elif a == "submit":
        lines = ["ok = submit(recId);"]
    else:  # approve / reject
        lines = [f"ok = decide(recId, {apex_string(a.title())});"]
    return lines + (_expect_lines(step.expect, obj, "ok") if step.expect else [])


def method(sc: Scenario, index: int, where: str) -> list[str]:
    obj = sc.record.object
    body = [f"// {comment(sc.name)}" + (f" ({comment(where)})" if where else ""), "@IsTest",
            f"static void scenario{index:03d}() {{", "    Database.DMLOptions dml = new Database.DMLOptions();",
            "    dml.optAllOrNone = false;", "    Boolean ok = true;", "    Id recId;",
            "    Map<String, Id> given = new Map<String, Id>();"]
    for n, g in enumerate(sc.given, 1):
        # Existing data: inserted first; a partner account is enabled as a partner after insert
        # (as partnerAccount() does).
        var = f"given{n}"
        partner = g.fields.get("IsPartner") is True
        body += [f"    SObject {var} = Schema.getGlobalDescribe().get({apex_string(g.object)}).newSObject();"]
        body += ["    " + line for line in _assign(var, {k: v for k, v in g.fields.items() if k != "IsPartner"})]
        body += [f"    insert {var};"]
        if partner:
            body += [f"    {var}.put('IsPartner', true);", f"    update {var};"]
        body += [f"    given.put({apex_string(g.key)}, {var}.Id);"]
    body += [f"    SObject rec = Schema.getGlobalDescribe().get({apex_string(obj)}).newSObject();"]
    body += ["    " + line for line in _assign("rec", sc.record.fields)]
    if sc.record.parent and sc.record.via:
        body += ["    SObject parent = Schema.getGlobalDescribe().get(" + apex_string(_parent_object(sc)) +
                 ").newSObject();"]
        body += ["    " + line for line in _assign("parent", sc.record.parent)]
        body += ["    insert parent;", f"    rec.put({apex_string(sc.record.via)}, parent.Id);"]
    for step in (sc.steps or [Step(action="create")]):
        body += ["    " + line for line in _step_lines(sc, step, obj)]
    if sc.expect:
        body += ["    " + line for line in _expect_lines(sc.expect, obj, "ok")]
    return body + ["}"]


def _parent_object(sc: Scenario) -> str:
    # The master object is named by the master-detail field (custom lookups are named after it).
    via = sc.record.via or ""
    return via if via.endswith("__c") else via + "__c"


def replay_class(scenarios: list[tuple[Scenario, str]], program: str) -> tuple[bytes, list[tuple[str, str]]]:
    """The class text and the scenarios it does not replay, with the reason."""
    from metadata_templates import render

    methods: list[list[str]] = []
    skipped: list[tuple[str, str]] = []
    for i, (sc, where) in enumerate(scenarios, 1):
        reason = replayable(sc)
        if reason:
            skipped.append((sc.name, reason))
        else:
            methods.append(method(sc, i, where))
    text = render("apex/ScenarioReplayTest.cls.j2", class_name=CLASS_NAME, program=comment(program),
                  methods=methods, skipped=[(comment(n), r) for n, r in skipped])
    return text, skipped


def replay_component(specs_dir, program: str):
    """The replay class as a generated component, or None when the specs have no scenarios."""
    from pathlib import Path

    from prm_builder.errors import PrmUserError, SourceRef, has_errors
    from prm_builder.generate.component import Component

    from .scenarios import load_scenarios, scenario_files

    files = scenario_files(Path(specs_dir) / "scenarios")
    if not files:
        return None
    loaded = load_scenarios(files, Path(specs_dir).parent)
    if has_errors(loaded.diagnostics):
        raise PrmUserError("errors in the scenario files", loaded.diagnostics)
    text, _ = replay_class([(sc, str(ref)) for sc, ref in loaded.scenarios], program)
    return Component("ApexClass", CLASS_NAME, {"apiVersion": "63.0", "status": "Active"},
                     purpose="Replays the scenarios of specs/scenarios in the org (prm deploy runs it).",
                     source=SourceRef(loaded.files[0], 1, 1), content=text)
