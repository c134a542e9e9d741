"""Lead distribution as it behaves once deployed (issue 12 items 1, 10, 13, 14, 17; issue 15's
SLA ceiling). Every test reads the generated XML, as the org would, not the spec model."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lxml import etree

from prm_builder import api
from prm_builder.write.render import source_files
from tests.conftest import ROOT, TODAY, copy_program

NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
FLOWS = "flows/"
#: Elements that can fail at run time (Lightning Flow Scanner's MissingFaultPath list).
FALLIBLE = ("recordLookups", "recordUpdates", "recordCreates", "recordDeletes", "actionCalls", "waits")


def _xml(components) -> dict[str, etree._Element]:
    return {path: etree.fromstring(data) for path, data in source_files(components).items()
            if path.endswith("-meta.xml")}


@pytest.fixture(scope="module")
def example() -> dict[str, etree._Element]:
    return _xml(api.compile_program(ROOT / "specs", TODAY).components)


def _flow(files: dict[str, etree._Element], name: str) -> etree._Element:
    return files[f"{FLOWS}{name}.flow-meta.xml"]


def _text(el: etree._Element, path: str) -> str | None:
    found = el.find(path, NS)
    return found.text if found is not None else None


def _element(flow: etree._Element, name: str) -> etree._Element:
    [el] = flow.xpath("./*[m:name = $n]", namespaces=NS, n=name)
    return el


def _next(el: etree._Element) -> list[str]:
    """Targets of an element's normal (non-fault) connectors."""
    return [t.text for t in el.xpath("./m:connector/m:targetReference | ./m:defaultConnector/m:targetReference"
                                     " | ./m:rules/m:connector/m:targetReference", namespaces=NS)]


def _path(flow: etree._Element, start: str) -> list[str]:
    """Element names reached from `start` following normal connectors, breadth first."""
    seen, todo = [], [start]
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.append(name)
        todo += _next(_element(flow, name))
    return seen


def _lead_flows(files: dict[str, etree._Element]) -> list[tuple[str, etree._Element]]:
    return [(p, x) for p, x in files.items() if p.startswith(f"{FLOWS}PRM_Lead_")]


def _spec(tmp_path: Path, lead: str, tiers: str | None = None) -> Path:
    specs = copy_program("minimal", tmp_path)
    if tiers is not None:
        (specs / "tiers.yml").write_text(textwrap.dedent(tiers))
    (specs / "lead_distribution.yml").write_text(textwrap.dedent(lead))
    return specs


# --- item 1: the SLA flow deploys, and acts only on the timer that is running ---------------

def test_sla_scheduled_path_has_a_field_condition_that_must_become_true(example) -> None:
    """Scheduled paths on a create-or-update trigger need doesRequireRecordChangedToMeetCriteria
    (Help: "Scheduled Paths", platform.flow_concepts_trigger_scheduled_path.htm); main generated
    an ISCHANGED(OwnerId) formula without it."""
    start = _flow(example, "PRM_Lead_Acceptance_SLA").find("m:start", NS)
    assert _text(start, "m:recordTriggerType") == "CreateAndUpdate"
    assert _text(start, "m:doesRequireRecordChangedToMeetCriteria") == "true"
    assert start.find("m:filterFormula", NS) is None
    [condition] = start.findall("m:filters", NS)
    assert (_text(condition, "m:field"), _text(condition, "m:operator")) == ("PRM_SLA_Queue__c", "IsNull")
    assert _text(condition, "m:value/m:booleanValue") == "false"
    [path] = start.findall("m:scheduledPaths", NS)
    assert (_text(path, "m:timeSource"), _text(path, "m:recordField")) == ("RecordField", "PRM_SLA_Started_At__c")
    assert (_text(path, "m:offsetNumber"), _text(path, "m:offsetUnit")) == ("48", "Hours")


def test_timer_flow_stamps_the_queue_and_restarts_between_queues(example) -> None:
    flow = _flow(example, "PRM_Lead_SLA_Timer")
    start = flow.find("m:start", NS)
    assert "ISCHANGED({!$Record.OwnerId})" in _text(start, "m:filterFormula")
    assert start.find("m:scheduledPaths", NS) is None  # ISCHANGED is fine without a scheduled path
    # A lead moving between push queues: stop the old timer (one save), then start the new one.
    assert _text(_element(flow, "Timer_Running"), "m:rules/m:connector/m:targetReference") == "Stop_Timer"
    assert _next(_element(flow, "Stop_Timer")) == ["Push_Queue"]
    assert _text(_element(flow, "Push_Queue"), "m:rules/m:connector/m:targetReference") == "Start_Timer"
    start_timer = _element(flow, "Start_Timer")
    fields = {_text(a, "m:field"): _text(a, "m:value/m:elementReference")
              for a in start_timer.findall("m:inputAssignments", NS)}
    assert fields == {"PRM_SLA_Queue__c": "ownerQueue", "PRM_SLA_Started_At__c": "$Flow.CurrentDateTime"}


def test_sla_moves_the_lead_first_then_notifies(example) -> None:
    flow = _flow(example, "PRM_Lead_Acceptance_SLA")
    order = _path(flow, "Get_Route")
    assert order.index("Move_Lead") < order.index("Get_Notification_Type") < order.index("Notify_Channel_Managers")


def test_sla_acts_only_while_the_queue_that_started_the_timer_owns_the_lead(example) -> None:
    flow = _flow(example, "PRM_Lead_Acceptance_SLA")
    decision = _element(flow, "Still_Waiting")
    conditions = [_text(c, "m:leftValueReference") for c in decision.iter(f"{{{NS['m']}}}conditions")]
    assert conditions == ["Get_Route", "timerDue"]
    [due] = flow.xpath("./m:formulas[m:name='timerDue']/m:expression", namespaces=NS)
    assert "{!$Record.Owner:Group.DeveloperName} = {!$Record.PRM_SLA_Queue__c}" in due.text
    assert "{!$Record.PRM_SLA_Started_At__c} + 48/24 <= {!$Flow.CurrentDateTime}" in due.text


def _routes(files: dict[str, etree._Element]) -> dict[str, dict[str, str | None]]:
    routes = {}
    for path, root in files.items():
        if path.startswith("customMetadata/PRM_Lead_Route."):
            values = {_text(v, "m:field"): _text(v, "m:value") for v in root.findall("m:values", NS)}
            typed = [v.find("m:value", NS).get(XSI_TYPE) for v in root.findall("m:values", NS)]
            assert set(typed) <= {"xsd:string", None}
            routes[path.split(".")[1]] = values
    return routes


def test_expiry_routes_are_custom_metadata_records_per_push_queue(example) -> None:
    routes = _routes(example)
    assert routes["PRM_Leads_Gold_NA"] == {"Next_Queue__c": "PRM_Leads_Silver_NA", "Pool_Minimum_Tier__c": None}
    # From the lowest tier into the pool, where the lead stays visible to its own tier.
    assert routes["PRM_Leads_Silver_NA"] == {"Next_Queue__c": "PRM_Lead_Pool", "Pool_Minimum_Tier__c": "Silver"}
    assert routes["PRM_Leads_Gold_NA_Embedded"]["Next_Queue__c"] == "PRM_Lead_Pool"  # no Silver product queue
    assert len(routes) == 7
    assert "objects/PRM_Lead_Route__mdt/PRM_Lead_Route__mdt.object-meta.xml" in example


def test_every_fallible_flow_element_has_a_fault_path_and_lookups_a_null_check(example) -> None:
    """Lightning Flow Scanner's error-severity rules (MissingFaultPath, MissingNullHandler): an
    element reached by a fault connector is a handler; before-save updates cannot fail."""
    for path, flow in _lead_flows(example):
        handlers = {t.text for t in flow.xpath(".//m:faultConnector/m:targetReference", namespaces=NS)}
        before_save = _text(flow, "m:start/m:triggerType") == "RecordBeforeSave"
        for kind in FALLIBLE:
            for el in flow.findall(f"m:{kind}", NS):
                name = _text(el, "m:name")
                if name in handlers or (before_save and kind == "recordUpdates"):
                    continue
                assert el.find("m:faultConnector", NS) is not None, f"{path}: {name} has no fault path"
        null_checked = {_text(c, "m:leftValueReference") for c in flow.iter(f"{{{NS['m']}}}conditions")
                        if _text(c, "m:operator") == "IsNull"}
        for lookup in flow.findall("m:recordLookups", NS):
            assert _text(lookup, "m:name") in null_checked, f"{path}: {_text(lookup, 'm:name')} unchecked"


def test_no_flow_names_every_queue_so_fifty_states_can_have_an_sla(tmp_path: Path) -> None:
    """Issue 15: main refused an SLA beyond ~27 territories x 3 tiers (PRM-V170, one formula
    naming every queue). The route table has no such ceiling."""
    states = [f"S{i:02d}" for i in range(50)]
    territories = "\n".join(f"            - {{name: State {s}, api_name: {s}, field: State, values: [{s}]}}"
                            for s in states)
    tiers = "tiers:\n" + "".join(f"  - name: T{r}\n    rank: {r}\n    features: {{lead_distribution: true, "
                                 "lead_pool: true}\n" for r in range(6, 0, -1))
    specs = _spec(tmp_path, f"""\
        lead_distribution:
          territories:
{territories}
          push:
            untiered: T6
          pool: {{}}
          sla: {{accept_within_hours: 24, on_expiry: next_queue}}
        """, tiers)
    result = api.validate(specs, TODAY)
    assert result.errors == []
    files = _xml(result.components)
    assert len(_routes(files)) == 300
    sla = etree.tostring(_flow(files, "PRM_Lead_Acceptance_SLA")).decode()
    assert "PRM_Leads_T6_S00" not in sla and "PRM_Leads_T1_S49" not in sla


# --- item 17: the pool's claim box and list view -----------------------------------------------

def test_claim_box_ticked_outside_the_pool_is_cleared_and_never_claims_later(example) -> None:
    """Main claimed a lead for whoever moved it into the pool while the box was still ticked."""
    flow = _flow(example, "PRM_Lead_Pool_Claim")
    start = flow.find("m:start", NS)
    assert _text(start, "m:recordTriggerType") == "CreateAndUpdate"
    assert _text(start, "m:filterFormula").startswith("OR({!$Record.Claim_Pool_Lead__c}, ")  # any ticked box
    # ... but a new lead marked for the pool keeps its mark (the rule's pool entry reads it).
    assert "AND(NOT(ISNEW()), ISCHANGED({!$Record.OwnerId}), " in _text(start, "m:filterFormula")
    rules = {_text(r, "m:name"): (_text(r, "m:conditions/m:leftValueReference"),
                                  _text(r, "m:connector/m:targetReference"))
             for r in _element(flow, "Claimed").findall("m:rules", NS)}
    assert rules == {"Claimed_From_Pool": ("claimFromPool", "Claim_Lead"),
                     "Ticked_Outside_Pool": ("$Record.Claim_Pool_Lead__c", "Clear_Claim")}
    [claimed] = flow.xpath("./m:formulas[m:name='claimFromPool']/m:expression", namespaces=NS)
    # Only a lead that was already in the pool before this save can be claimed.
    assert "{!$Record.OwnerId} = {!$Record__Prior.OwnerId}" in claimed.text
    clear = _element(flow, "Clear_Claim")
    assert [(_text(a, "m:assignToReference"), _text(a, "m:value/m:booleanValue"))
            for a in clear.findall("m:assignmentItems", NS)] == [("$Record.Claim_Pool_Lead__c", "false")]


# --- items 13 and 14: the assignment rule as the org evaluates it ------------------------------

def _rule_entries(files: dict[str, etree._Element]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    rule = files["assignmentRules/Lead.assignmentRules-meta.xml"]
    entries = []
    for entry in rule.iterfind("m:assignmentRule/m:ruleEntry", NS):
        items = [(_text(c, "m:field").removeprefix("Lead."), _text(c, "m:operation"), _text(c, "m:value") or "")
                 for c in entry.findall("m:criteriaItems", NS)]
        entries.append((_text(entry, "m:assignedTo"), items))
    return entries


def _matches(lead: dict[str, str], field: str, operation: str, value: str) -> bool:
    """A criteria item as the platform reads it: comma-separated values mean any of them; an
    empty value matches a blank field."""
    actual = lead.get(field, "")
    values = [v.strip() for v in value.split(",")] if value else [""]
    if operation == "equals":
        return actual in values
    if operation == "notEqual":
        return actual not in values
    raise AssertionError(f"operation {operation} not modelled")


def _route(files: dict[str, etree._Element], lead: dict[str, str]) -> str | None:
    """The queue the first matching entry assigns (None: no entry matches)."""
    for queue, items in _rule_entries(files):
        if all(_matches(lead, *item) for item in items):
            return queue
    return None


@pytest.mark.parametrize("lead, queue", [
    # A lead tagged for a tier no queue serves (Bronze) must not reach Gold partners (main: Gold NA).
    ({"Country": "United States", "Distribution_Tier__c": "Bronze"}, "PRM_Lead_Pool"),
    ({"Country": "United States", "Distribution_Tier__c": "Silver"}, "PRM_Leads_Silver_NA"),
    # Untiered leads go where `untiered: Gold` says, stated in the spec.
    ({"Country": "Germany"}, "PRM_Leads_Gold_DACH"),
    # A Gold lead without a known country is unmatched: the catch-all (the pool).
    ({"Distribution_Tier__c": "Gold"}, "PRM_Lead_Pool"),
    ({"Country": "Canada", "Distribution_Tier__c": "Gold", "Lead_Product_Interest__c": "Embedded BI"},
     "PRM_Leads_Gold_NA_Embedded"),
])
def test_routing_respects_the_leads_tier(example, lead: dict[str, str], queue: str) -> None:
    assert _route(example, lead) == queue


def test_every_entry_to_a_tier_queue_names_that_tier(example) -> None:
    for queue, items in _rule_entries(example):
        if queue.startswith("PRM_Leads_"):
            tier = queue.split("_")[2]
            [value] = [v for f, op, v in items if f == "Distribution_Tier__c" and op == "equals"]
            assert value in (tier, ""), f"{queue} takes {value or 'untiered'} leads"
            assert value or tier == "Gold"  # only the `untiered` tier takes untiered leads


def test_pool_keeps_a_tiered_leads_tier(example) -> None:
    """A Gold lead that reaches the pool is for Gold partners, not the pool default (Bronze)."""
    [intake] = _flow(example, "PRM_Lead_Pool_Intake").xpath("./m:formulas[m:name='intakeTier']/m:expression",
                                                            namespaces=NS)
    assert intake.text.startswith("CASE(TEXT({!$Record.Distribution_Tier__c}), ")
    assert '"Gold", "Gold"' in intake.text and intake.text.endswith(', "Bronze")')


def test_assignment_rule_never_routes_a_registration(example) -> None:
    """Item 13: a registration saved with assignment rules on matches no entry (main: a tier queue)."""
    for queue, items in _rule_entries(example):
        assert ("Registration_Status__c", "equals", "") in items, f"entry to {queue} can capture registrations"
    assert _route(example, {"Country": "Germany", "Distribution_Tier__c": "Gold",
                            "Registration_Status__c": "Submitted"}) is None
    assert _route(example, {"Country": "Germany", "Distribution_Tier__c": "Gold"}) == "PRM_Leads_Gold_DACH"


def test_registration_taken_by_the_default_lead_owner_goes_back_to_its_partner(example) -> None:
    """No entry matching sends a lead to the Default Lead Owner: the guard flow gives it back."""
    flow = _flow(example, "PRM_Lead_Registration_Owner")
    start = flow.find("m:start", NS)
    assert _text(start, "m:triggerType") == "RecordAfterSave"  # after assignment rules
    assert "NOT(ISBLANK(TEXT({!$Record.Registration_Status__c})))" in _text(start, "m:filterFormula")
    restore = _element(flow, "Restore_Owner")
    assert _text(restore, "m:inputAssignments/m:field") == "OwnerId"
    assert _text(restore, "m:inputAssignments/m:value/m:elementReference") == "$Record.CreatedById"
    assert _text(restore, "m:faultConnector/m:targetReference") == "Record_Error"


def test_pool_list_view_is_visible_to_partners_who_are_not_queue_members(example) -> None:
    """Queue-scoped list views are for queue members (Salesforce Help, Create Queues); pool
    partners are not members, they see pool leads through the tier sharing rules."""
    view = example["objects/Lead/listViews/PRM_Lead_Pool.listView-meta.xml"]
    assert _text(view, "m:filterScope") == "Everything" and view.find("m:queue", NS) is None
    assert [(_text(f, "m:field"), _text(f, "m:operation")) for f in view.findall("m:filters", NS)] \
        == [("Pool_Minimum_Tier__c", "notEqual")]
    shared = {g.text for g in view.findall("m:sharedTo/m:group", NS)}
    assert {"PRM_Tier_Gold", "PRM_Tier_Silver", "PRM_Tier_Bronze"} <= shared


# --- item 10: a territory's leads reach only the partners serving it ---------------------------

def test_push_queue_members_are_the_tier_partners_of_that_territory_and_are_not_emailed(example) -> None:
    queue = example["queues/PRM_Leads_Gold_DACH.queue-meta.xml"]
    assert [g.text for g in queue.findall("m:queueMembers/m:publicGroups/m:publicGroup", NS)] == ["PRM_Tier_Gold_DACH"]
    assert _text(queue, "m:doesSendEmailToMembers") == "false"
    for path, root in example.items():
        if path.startswith("queues/"):
            groups = {g.text for g in root.findall("m:queueMembers/m:publicGroups/m:publicGroup", NS)}
            assert not groups & {"PRM_Tier_Gold", "PRM_Tier_Silver", "PRM_Tier_Bronze"}, path
            if path.startswith("queues/PRM_Leads_"):  # lead queues; approval queues email their approvers
                assert _text(root, "m:doesSendEmailToMembers") == "false", path
    group = example["groups/PRM_Tier_Gold_DACH.group-meta.xml"]
    assert "Partner_Territories__c includes DACH" in _text(group, "m:description")
    view = example["objects/Lead/listViews/PRM_Leads_Gold_DACH.listView-meta.xml"]
    assert [g.text for g in view.findall("m:sharedTo/m:group", NS)] == ["PRM_Tier_Gold_DACH"]
    field = example["objects/Account/fields/Partner_Territories__c.field-meta.xml"]
    assert _text(field, "m:type") == "MultiselectPicklist"
    assert [v.text for v in field.findall("m:valueSet/m:valueSetDefinition/m:value/m:fullName", NS)] \
        == ["NA", "DACH", "UKI"]


def test_members_are_emailed_only_when_the_spec_asks(tmp_path: Path) -> None:
    specs = _spec(tmp_path, """\
        lead_distribution:
          territories:
            - {name: West, field: State, values: [CA, OR]}
          push: {untiered: Premier, email_members: true}
          pool: {}
        """, None)
    (specs / "tiers.yml").write_text((ROOT / "tests/bad_specs/170-unknown-entry-tier/tiers.yml").read_text())
    files = _xml(api.compile_program(specs, TODAY).components)
    assert _text(files["queues/PRM_Leads_Premier_West.queue-meta.xml"], "m:doesSendEmailToMembers") == "true"
    assert _text(files["queues/PRM_Lead_Pool.queue-meta.xml"], "m:doesSendEmailToMembers") == "false"


def test_an_explicit_untiered_entry_matches_only_leads_without_a_tier(tmp_path: Path) -> None:
    specs = _spec(tmp_path, """\
        lead_distribution:
          push:
            queues:
              - tier: Premier
            entries:
              - {queue: PRM_Leads_Premier}
              - {queue: PRM_Leads_Premier, untiered: true}
          pool: {}
        """)
    (specs / "tiers.yml").write_text((ROOT / "tests/bad_specs/170-unknown-entry-tier/tiers.yml").read_text())
    result = api.validate(specs, TODAY)
    assert result.errors == []
    files = _xml(result.components)
    assert _route(files, {"Distribution_Tier__c": "Premier"}) == "PRM_Leads_Premier"
    assert _route(files, {}) == "PRM_Leads_Premier"  # the untiered entry
    assert _route(files, {"Distribution_Tier__c": "Authorized"}) == "PRM_Lead_Pool"  # unmatched
