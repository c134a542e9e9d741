"""Lead distribution automation: record-triggered flows and the SLA notification type.

- PRM_Lead_Acceptance_SLA: a scheduled path N hours after a lead lands in a push queue; if
  it is still in a push queue then (nobody accepted it), it moves on and the channel
  managers get a notification.
- PRM_Lead_Pool_Intake: a lead entering the pool without a minimum tier gets the default
  one, so the tier sharing rules make it visible.
- PRM_Lead_Pool_Claim: before save, a partner who ticked the claim box becomes the owner
  (flows run in system context, so partners need no Transfer Leads permission).

Queue identity is the owner's developer name (`$Record.Owner:Group.DeveloperName`): queue
Ids differ per org, developer names do not.
"""

from __future__ import annotations

from typing import Any, Iterator

from prm_builder.generate.component import Component
from prm_builder.generate.fields import formula_string
from prm_builder.generate.lead_routing import RoutingPlan
from prm_builder.model.root import ProgramSpec

OWNER_QUEUE = "{!$Record.Owner:Group.DeveloperName}"
FORMULA_MAX = 3900
FORMULA_KEYS = ("filterFormula", "expression")
NOTIFICATION_TYPE = "PRM_Lead_SLA_Expired"


def _ref(name: str) -> dict[str, Any]:
    return {"elementReference": name}


def _text(value: str) -> dict[str, Any]:
    return {"stringValue": value}


def _node(name: str, label: str, x: int, y: int, **rest: Any) -> dict[str, Any]:
    return {"name": name, "label": label, "locationX": x, "locationY": y, **rest}


def _flow(name: str, label: str, description: str, start: dict[str, Any], **elements: Any) -> dict[str, Any]:
    return {"fullName": name, "apiVersion": "63.0", "description": description, "label": label,
            "interviewLabel": label + " {!$Flow.CurrentDateTime}", "processType": "AutoLaunchedFlow",
            "start": {"locationX": 50, "locationY": 0, "object": "Lead", **start},
            "status": "Active", **elements}


def _owner_in(queues: list[str]) -> str:
    if len(queues) == 1:
        return f"{OWNER_QUEUE} = {formula_string(queues[0])}"
    # CASE rather than OR(a = x, a = y, ...): it names the owner once, so the formula stays
    # under the 3,900-character limit for about four times as many queues.
    return f"CASE({OWNER_QUEUE}, {', '.join(f'{formula_string(q)}, 1' for q in queues)}, 0) = 1"


def _case(pairs: list[tuple[str, str]]) -> str:
    body = ", ".join(f"{formula_string(k)}, {formula_string(v)}" for k, v in pairs)
    return f'CASE({OWNER_QUEUE}, {body}, "")'


def generate(spec: ProgramSpec, routing: RoutingPlan) -> Iterator[Component]:
    yield from _sla(spec, routing)
    yield from _pool(routing)


def _sla(spec: ProgramSpec, routing: RoutingPlan) -> Iterator[Component]:
    sla = routing.model.sla
    if sla is None or routing.model.push is None:
        return
    targets = [(q, t) for q in routing.queues if (t := routing.expiry_target(q))]
    if not targets:
        return
    pool = routing.model.pool
    refs = {f"Queue:{q.name}" for q, _ in targets} | {f"Queue:{t}" for _, t in targets}
    assignments = [{"field": "OwnerId", "value": _ref("Get_Target_Queue.Id")}]
    formulas = [{"name": "targetQueue", "dataType": "String",
                 "expression": _case([(q.name, t) for q, t in targets])}]
    if pool is not None:
        # A lead that expires into the pool keeps its tier as the pool's minimum tier (the
        # queue's tier if it may use the pool, otherwise the pool default set by the intake flow).
        pool_names = {t.developer_name for t in routing.pool_tiers}
        pairs = [(q.name, q.tier.developer_name) for q, t in targets
                 if t == pool.queue and q.tier is not None and q.tier.developer_name in pool_names]
        if pairs:
            formulas.append({"name": "poolMinimumTier", "dataType": "String", "expression": _case(pairs)})
            assignments.append({"field": pool.minimum_tier_field.api_name, "value": _ref("poolMinimumTier")})
            refs.add(f"CustomField:Lead.{pool.minimum_tier_field.api_name}")
    hours = sla.accept_within_hours
    formulas.append({"name": "stillQueued", "dataType": "Boolean",
                     "expression": "NOT(ISBLANK({!targetQueue}))"})
    # The elements run in this order; the owner changes last, so every formula above still
    # reads the queue the lead expired in.
    chain: list[tuple[str, str, dict[str, Any]]] = [
        ("decisions", "Still_In_Queue", {
            "label": "Still In Queue?", "defaultConnectorLabel": "Accepted or moved",
            "rules": [{"name": "Not_Accepted", "label": "Not Accepted", "conditionLogic": "and",
                       "conditions": [{"leftValueReference": "stillQueued", "operator": "EqualTo",
                                       "rightValue": {"booleanValue": True}}]}]}),
        ("recordLookups", "Get_Target_Queue", {
            "label": "Get Target Queue", "filterLogic": "and",
            "filters": [{"field": "DeveloperName", "operator": "EqualTo", "value": _ref("targetQueue")},
                        {"field": "Type", "operator": "EqualTo", "value": _text("Queue")}],
            "getFirstRecordOnly": True, "object": "Group", "storeOutputAutomatically": True})]
    if sla.notify_group:
        formulas.append({
            "name": "notificationBody", "dataType": "String",
            "expression": f'{{!$Record.Company}} & " was not accepted within {hours} hours in " & '
                          f'{OWNER_QUEUE} & " and moves to " & {{!targetQueue}} & "."'})
        chain += [
            ("recordLookups", "Get_Notification_Type", {
                "label": "Get Notification Type", "filterLogic": "and",
                "filters": [{"field": "DeveloperName", "operator": "EqualTo", "value": _text(NOTIFICATION_TYPE)}],
                "getFirstRecordOnly": True, "object": "CustomNotificationType", "storeOutputAutomatically": True}),
            ("recordLookups", "Get_Channel_Managers", {
                "label": "Get Channel Managers", "filterLogic": "and",
                "filters": [{"field": "DeveloperName", "operator": "EqualTo", "value": _text(sla.notify_group)}],
                "getFirstRecordOnly": True, "object": "Group", "storeOutputAutomatically": True}),
            ("assignments", "Add_Recipient", {
                "label": "Add Recipient",
                "assignmentItems": [{"assignToReference": "recipientIds", "operator": "Add",
                                     "value": _ref("Get_Channel_Managers.Id")}]}),
            ("actionCalls", "Notify_Channel_Managers", {
                "label": "Notify Channel Managers",
                "actionName": "customNotificationAction", "actionType": "customNotificationAction",
                "inputParameters": [
                    {"name": "customNotifTypeId", "value": _ref("Get_Notification_Type.Id")},
                    {"name": "recipientIds", "value": _ref("recipientIds")},
                    {"name": "title", "value": _text(f"Lead not accepted within {hours} hours")},
                    {"name": "body", "value": _ref("notificationBody")},
                    {"name": "targetId", "value": _ref("$Record.Id")}]})]
        refs |= {f"Group:{sla.notify_group}", f"CustomNotificationType:{NOTIFICATION_TYPE}"}
        yield Component("CustomNotificationType", NOTIFICATION_TYPE,
                        {"fullName": NOTIFICATION_TYPE, "customNotifTypeName": "PRM Lead SLA Expired",
                         "masterLabel": "PRM Lead SLA Expired", "desktop": True, "mobile": True,
                         "description": "A pushed lead was not accepted in time. Generated by prm."},
                        purpose="Bell and mobile notification channel managers get when a lead's SLA expires.",
                        source=sla.ref("notify_group"))
    chain.append(("recordUpdates", "Return_Lead", {
        "label": "Move Lead On", "inputAssignments": assignments, "inputReference": "$Record"}))
    elements: dict[str, Any] = {"formulas": formulas}
    if sla.notify_group:
        elements["variables"] = [{"name": "recipientIds", "dataType": "String", "isCollection": True,
                                  "isInput": False, "isOutput": False}]
    for i, (kind, name, body) in enumerate(chain):
        node = {"name": name, "locationX": 176, "locationY": 276 + 120 * i, **body}
        if i + 1 < len(chain):
            target = {"targetReference": chain[i + 1][1]}
            if kind == "decisions":
                node["rules"][0]["connector"] = target
            else:
                node["connector"] = target
        elements.setdefault(kind, []).append(node)
    # Every change of owner into a push queue schedules the path (ISNEW / ISCHANGED); the
    # decision at run time skips leads a partner accepted or someone moved meanwhile.
    start = {"filterFormula": f"AND(OR(ISNEW(), ISCHANGED({{!$Record.OwnerId}})), "
                              f"{_owner_in([q.name for q, _ in targets])})",
             "recordTriggerType": "CreateAndUpdate", "triggerType": "RecordAfterSave",
             "scheduledPaths": [{"name": "Acceptance_SLA", "label": f"{hours} Hours In Queue",
                                 "connector": {"targetReference": "Still_In_Queue"},
                                 "offsetNumber": hours, "offsetUnit": "Hours", "timeSource": "RecordTriggerEvent"}]}
    yield Component(
        "Flow", "PRM_Lead_Acceptance_SLA",
        _flow("PRM_Lead_Acceptance_SLA", "PRM Lead Acceptance SLA",
              f"Leads a partner queue did not accept within {hours} hours move on ({sla.on_expiry}); "
              "channel managers are notified. Generated by prm.", start, **elements),
        purpose=f"Enforces the {hours}-hour acceptance SLA on pushed leads.", source=sla.ref(),
        references=tuple(sorted(refs)),
        reference_sources={f"Group:{sla.notify_group}": sla.ref("notify_group")},
        notes=("Scheduled paths run as the Automated Process user; a lead a partner accepted (took "
               "ownership of) before the path runs is left alone.",))


def _pool(routing: RoutingPlan) -> Iterator[Component]:
    pool = routing.model.pool
    if pool is None:
        return
    tier_field = pool.minimum_tier_field.api_name
    default = _default_tier(routing)
    in_pool = f"{OWNER_QUEUE} = {formula_string(pool.queue)}"
    if default is not None:
        yield Component(
            "Flow", "PRM_Lead_Pool_Intake",
            _flow("PRM_Lead_Pool_Intake", "PRM Lead Pool Intake",
                  "Leads entering the pool without a minimum tier become visible to every pool tier. "
                  "Generated by prm.",
                  {"connector": {"targetReference": "Set_Minimum_Tier"},
                   "doesRequireRecordChangedToMeetCriteria": True,
                   "filterFormula": f"AND({in_pool}, ISBLANK(TEXT({{!$Record.{tier_field}}})))",
                   "recordTriggerType": "CreateAndUpdate", "triggerType": "RecordAfterSave"},
                  recordUpdates=[_node("Set_Minimum_Tier", "Set Minimum Tier", 176, 276, **{
                      "inputAssignments": [{"field": tier_field, "value": _text(default)}],
                      "inputReference": "$Record"})]),
            purpose="Makes every lead in the pool visible to the tiers allowed to claim it.", source=pool.ref(),
            references=(f"CustomField:Lead.{tier_field}", f"Queue:{pool.queue}"))
    claim = pool.claim_field.api_name
    yield Component(
        "Flow", "PRM_Lead_Pool_Claim",
        _flow("PRM_Lead_Pool_Claim", "PRM Lead Pool Claim",
              "A partner who ticks the claim box on a pool lead becomes its owner. Generated by prm.",
              {"connector": {"targetReference": "Claim_Lead"},
               "doesRequireRecordChangedToMeetCriteria": True,
               "filterFormula": f"AND({{!$Record.{claim}}}, {in_pool})",
               "recordTriggerType": "Update", "triggerType": "RecordBeforeSave"},
              recordUpdates=[_node("Claim_Lead", "Claim Lead", 176, 276, **{
                  "inputAssignments": [{"field": "OwnerId", "value": _ref("$User.Id")},
                                       {"field": claim, "value": {"booleanValue": False}},
                                       {"field": tier_field, "value": _ref("$GlobalConstant.EmptyString")}],
                  "inputReference": "$Record"})]),
        purpose="Lets an eligible partner claim a pool lead in one click.", source=pool.ref(),
        references=(f"CustomField:Lead.{claim}", f"CustomField:Lead.{tier_field}", f"Queue:{pool.queue}"))


def _default_tier(routing: RoutingPlan) -> str | None:
    """The minimum tier stamped on pool leads without one: the spec's, else the lowest pool tier."""
    pool = routing.model.pool
    assert pool is not None
    wanted = pool.default_minimum_tier
    for tier in routing.pool_tiers:
        if wanted in (tier.name, tier.developer_name):
            return tier.developer_name
    return routing.pool_tiers[-1].developer_name if routing.pool_tiers and not wanted else None


def long_formulas(components: list[Component]) -> Iterator[tuple[str, str, int]]:
    """(flow, formula name, length) of every flow formula over the platform's 3,900 characters."""
    for c in components:
        if c.type != "Flow":
            continue
        start = c.body.get("start", {})
        if len(start.get("filterFormula") or "") > FORMULA_MAX:
            yield c.full_name, "entry condition", len(start["filterFormula"])
        for formula in c.body.get("formulas", []):
            if len(formula["expression"]) > FORMULA_MAX:
                yield c.full_name, formula["name"], len(formula["expression"])
