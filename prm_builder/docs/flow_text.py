"""A generated flow in words, read from its metadata body (the XML prm deploys): what starts
it, its entry conditions, and its elements step by step from the start element, following
the connectors (decision outcomes and fault paths included).

Element and start fields as the Metadata API's Flow type names them (Metadata API Developer
Guide, "Flow": FlowStart.triggerType / recordTriggerType / filters / scheduledPaths,
FlowRecordUpdate, FlowRecordLookup, FlowDecision, FlowAssignment, FlowActionCall).
"""

from __future__ import annotations

from typing import Any

from prm_builder.docs.naming import Naming
from prm_builder.docs.sections.common import as_list

#: element lists of a Flow body, and the word each is described by
ELEMENTS = ("actionCalls", "assignments", "customErrors", "decisions", "loops", "recordCreates", "recordDeletes",
            "recordLookups", "recordUpdates", "subflows", "screens")
OPERATORS = {"EqualTo": "=", "NotEqualTo": "≠", "GreaterThan": ">", "LessThan": "<", "GreaterThanOrEqualTo": "≥",
             "LessThanOrEqualTo": "≤", "Contains": "contains", "StartsWith": "starts with", "EndsWith": "ends with",
             "IsChanged": "is changed", "Assign": "=", "Add": "add", "In": "is one of", "NotIn": "is not one of"}
TRIGGERS = {"Create": "is created", "Update": "is updated", "CreateAndUpdate": "is created or updated",
            "Delete": "is deleted"}
ACTIONS = {"emailAlert": "Send the email alert", "apex": "Run the Apex action", "submit": "Submit for approval",
           "customNotificationAction": "Send a custom notification", "flow": "Run the flow",
           "quickAction": "Run the quick action", "chatterPost": "Post to Chatter"}


class FlowText:
    def __init__(self, body: dict[str, Any], naming: Naming) -> None:
        self.body, self.naming = body, naming
        self.start = body.get("start") or {}
        self.object = str(self.start.get("object") or "")
        self.elements = {str(e.get("name")): (kind, e) for kind in ELEMENTS
                         for e in as_list(body.get(kind)) if isinstance(e, dict)}

    # ---- values --------------------------------------------------------------------------
    def ref(self, name: str) -> str:
        """'$Record.Registration_Status__c' -> 'the record's Registration Status'."""
        if name.startswith("$Record."):
            return f"the record's {self.naming.field(f'{self.object}.{name[8:]}')}"
        if name.startswith("$Record__Prior."):
            return f"the record's previous {self.naming.field(f'{self.object}.{name[15:]}')}"
        if name == "$Record":
            return "the record"
        if name.startswith(("$User.", "$GlobalConstant.")):
            return {"$User.Id": "the running user", "$GlobalConstant.EmptyString": "blank",
                    "$GlobalConstant.True": "true", "$GlobalConstant.False": "false"}.get(name, f"`{name}`")
        if name.startswith("$Flow."):
            return {"$Flow.CurrentDateTime": "now", "$Flow.CurrentDate": "today",
                    "$Flow.FaultMessage": "the error message"}.get(name, name)
        return f"`{name}`"

    def value(self, value: Any, field: str = "") -> str:
        if not isinstance(value, dict):
            return "blank" if value in (None, "") else str(value)
        if "elementReference" in value:
            return self.ref(str(value["elementReference"]))
        if "stringValue" in value:
            return f"'{value['stringValue']}'" if value["stringValue"] not in (None, "") else "blank"
        if "booleanValue" in value:
            return "true" if value["booleanValue"] in (True, "true") else "false"
        if "numberValue" in value:
            number = float(value["numberValue"])
            return self.naming.money(number) if field and self.naming.is_money(field) else f"{number:g}"
        for key in ("dateValue", "dateTimeValue"):
            if key in value:
                return str(value[key])
        return "blank"

    def condition(self, left: str, operator: str, right: Any) -> str:
        if operator == "IsNull":
            return f"{left} is {'blank' if self.value(right) == 'true' else 'not blank'}"
        if operator == "IsChanged":
            return f"{left} {'is changed' if self.value(right) == 'true' else 'is not changed'}"
        return f"{left} {OPERATORS.get(operator, operator)} {self.value(right)}"

    def conditions(self, items: Any, logic: Any, field_of: Any) -> str:
        parts = [self.condition(*field_of(c), c.get("operator", ""), c.get("value", c.get("rightValue")))
                 for c in as_list(items) if isinstance(c, dict)]
        if not parts:
            return ""
        logic = str(logic or "and")
        if logic.lower() in ("and", "or"):
            return f" {logic.upper()} ".join(parts)
        return f"{logic} where " + "; ".join(f"{n}: {p}" for n, p in enumerate(parts, 1))

    # ---- start ---------------------------------------------------------------------------
    def trigger(self) -> str:
        s, obj = self.start, self.naming.object(self.object) if self.object else ""
        kind = s.get("triggerType")
        if kind in ("RecordBeforeSave", "RecordAfterSave"):
            when = "Before" if kind == "RecordBeforeSave" else "After"
            return f"{when} {article(obj)} {obj} record {TRIGGERS.get(str(s.get('recordTriggerType')), 'is saved')} (record-triggered)"
        if kind == "Scheduled":
            sched = s.get("schedule") or {}
            return (f"On a schedule: {str(sched.get('frequency', '')).lower() or 'once'} from "
                    f"{sched.get('startDate', '—')} at {str(sched.get('startTime', '—'))[:5]} UTC, once for each "
                    f"{obj or 'record'} record that meets the entry conditions")
        if kind == "PlatformEvent":
            return f"When {article(obj)} {obj} platform event is published"
        return "When another automation starts it (autolaunched)"

    def entry_conditions(self) -> str:
        s = self.start
        if s.get("filterFormula"):
            text = f"formula: {s['filterFormula']}"
        else:
            text = self.conditions(s.get("filters"), s.get("filterLogic"),
                                   lambda c: (self.naming.field(f"{self.object}.{c.get('field', '')}"),))
        if not text:
            return "none: every record"
        if s.get("doesRequireRecordChangedToMeetCriteria"):
            text += " (only when a save makes the record meet them)"
        return text

    def scheduled_paths(self) -> list[str]:
        out = []
        for path in as_list(self.start.get("scheduledPaths")):
            since = (self.naming.field(f"{self.object}.{path['recordField']}") if path.get("recordField")
                     else "the triggering save")
            out.append(f"{path.get('label') or path.get('name')}: {path.get('offsetNumber')} "
                       f"{str(path.get('offsetUnit', '')).lower()} after {since}, starting at "
                       f"{self._label(self._target(path.get('connector')))}")
        return out

    # ---- elements ------------------------------------------------------------------------
    @staticmethod
    def _target(connector: Any) -> str:
        return str((connector or {}).get("targetReference") or "") if isinstance(connector, dict) else ""

    def _label(self, name: str) -> str:
        if not name:
            return "the end"
        kind, element = self.elements.get(name, ("", {}))
        return f"'{element.get('label') or name}'"

    def order(self) -> list[str]:
        """Element names as a reader meets them: from the start (and each scheduled path),
        depth first along each element's connectors in the order they are listed."""
        seen: list[str] = []
        stack = [self._target(p.get("connector")) for p in reversed(as_list(self.start.get("scheduledPaths")))]
        stack.append(self._target(self.start.get("connector")))
        while stack:
            name = stack.pop()
            if not name or name in seen or name not in self.elements:
                continue
            seen.append(name)
            stack += list(reversed(self.next_of(name)))
        return seen + [n for n in self.elements if n not in seen]  # unreachable ones last, still documented

    def next_of(self, name: str) -> list[str]:
        kind, e = self.elements[name]
        targets = [self._target(r.get("connector")) for r in as_list(e.get("rules"))] if kind == "decisions" else []
        for key in ("connector", "defaultConnector", "nextValueConnector", "noMoreValuesConnector", "faultConnector"):
            targets.append(self._target(e.get(key)))
        return [t for t in targets if t]

    def describe(self, name: str) -> str:
        kind, e = self.elements[name]
        what = getattr(self, f"_{kind}")(e)
        then = self._target(e.get("connector"))
        if kind != "decisions":
            what += f"; then {self._label(then)}" if then else "; then the flow ends"
        if e.get("faultConnector"):
            what += f"; on an error: {self._label(self._target(e['faultConnector']))}"
        return what

    def _assignments_of(self, items: Any, obj: str) -> str:
        parts = []
        for a in as_list(items):
            field = str(a.get("field") or a.get("assignToReference") or "")
            full = f"{obj}.{field}" if obj and "." not in field and not field.startswith("$") else ""
            name = self.naming.field(full) if full else self.ref(field)
            parts.append(f"{name} = {self.value(a.get('value'), full or field.replace('$Record.', self.object + '.'))}")
        return ", ".join(parts)

    def _target_object(self, e: dict[str, Any]) -> tuple[str, str]:
        ref = str(e.get("inputReference") or "")
        if ref == "$Record":
            return self.object, "the record"
        obj = str(e.get("object") or "")
        return obj, f"the {self.naming.object(obj)} records" if obj else self.ref(ref)

    def _recordUpdates(self, e: dict[str, Any]) -> str:
        obj, which = self._target_object(e)
        where = self.conditions(e.get("filters"), e.get("filterLogic"),
                                lambda c: (self.naming.field(f"{obj}.{c.get('field', '')}"),))
        return f"Update {which}{f' where {where}' if where else ''}: set {self._assignments_of(e.get('inputAssignments'), obj)}"

    def _recordCreates(self, e: dict[str, Any]) -> str:
        obj = str(e.get("object") or "")
        return f"Create a {self.naming.object(obj)} record: {self._assignments_of(e.get('inputAssignments'), obj)}"

    def _recordDeletes(self, e: dict[str, Any]) -> str:
        obj, which = self._target_object(e)
        return f"Delete {which}"

    def _recordLookups(self, e: dict[str, Any]) -> str:
        obj = str(e.get("object") or "")
        where = self.conditions(e.get("filters"), e.get("filterLogic"),
                                lambda c: (self.naming.field(f"{obj}.{c.get('field', '')}"),))
        first = "the first" if e.get("getFirstRecordOnly") else "all"
        return f"Find {first} {self.naming.object(obj)} record{'' if e.get('getFirstRecordOnly') else 's'}" + \
            (f" where {where}" if where else "")

    def _decisions(self, e: dict[str, Any]) -> str:
        outcomes = []
        for rule in as_list(e.get("rules")):
            test = self.conditions(rule.get("conditions"), rule.get("conditionLogic"),
                                   lambda c: (self.ref(str(c.get("leftValueReference", ""))),))
            outcomes.append(f"if {rule.get('label') or rule.get('name')} ({test}): "
                            f"{self._label(self._target(rule.get('connector')))}")
        default = e.get("defaultConnectorLabel") or "otherwise"
        outcomes.append(f"{default}: {self._label(self._target(e.get('defaultConnector')))}")
        return "Decide; " + "; ".join(outcomes)

    def _assignments(self, e: dict[str, Any]) -> str:
        parts = [f"{self.ref(str(a.get('assignToReference', '')))} "
                 f"{OPERATORS.get(str(a.get('operator')), '=')} {self.value(a.get('value'), str(a.get('assignToReference', '')).replace('$Record.', self.object + '.'))}"
                 for a in as_list(e.get("assignmentItems"))]
        return "Set " + ", ".join(parts)

    def _actionCalls(self, e: dict[str, Any]) -> str:
        kind, name = str(e.get("actionType") or ""), str(e.get("actionName") or "")
        return ACTIONS.get(kind, kind) + (f" {name}" if name and name != kind else "")

    def _customErrors(self, e: dict[str, Any]) -> str:
        messages = [str(m.get("errorMessage", "")) for m in as_list(e.get("customErrorMessages"))]
        return "Stop the save with the error: " + " / ".join(m for m in messages if m)

    def _loops(self, e: dict[str, Any]) -> str:
        return f"For each item of {self.ref(str(e.get('collectionReference', '')))}"

    def _subflows(self, e: dict[str, Any]) -> str:
        return f"Run the flow {e.get('flowName', '')}"

    def _screens(self, e: dict[str, Any]) -> str:
        return "Show a screen"

    def steps(self) -> list[tuple[str, str]]:
        """(element label, what it does and where it goes) in reading order."""
        return [(str(self.elements[n][1].get("label") or n), self.describe(n)) for n in self.order()]


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
