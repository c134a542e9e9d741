"""Small builders for record-triggered flow bodies (the dicts the serializer writes).

Every element that can fail at run time (Get/Update Records, actions) gets a fault
connector: an unhandled fault rolls back the triggering save and emails the admin a
stack trace, and Lightning Flow Scanner's MissingFaultPath rule reports it. Elements that
are themselves the target of a fault connector are the handlers (the scanner exempts them).
"""

from __future__ import annotations

from typing import Any

from prm_builder.generate.fields import formula_string

API_VERSION = "63.0"


def ref(name: str) -> dict[str, Any]:
    return {"elementReference": name}


def text(value: str) -> dict[str, Any]:
    return {"stringValue": value}


def flow(name: str, label: str, description: str, start: dict[str, Any], obj: str = "Lead",
         **elements: Any) -> dict[str, Any]:
    return {"fullName": name, "apiVersion": API_VERSION, "description": description, "label": label,
            "interviewLabel": label + " {!$Flow.CurrentDateTime}", "processType": "AutoLaunchedFlow",
            "start": {"locationX": 50, "locationY": 0, "object": obj, **start},
            "status": "Active", **elements}


class Graph:
    """Elements of one flow, placed top to bottom in the order they are added."""

    def __init__(self) -> None:
        self.elements: dict[str, list[dict[str, Any]]] = {}
        self._y = 276

    def add(self, kind: str, name: str, label: str, *, next: str | None = None, fault: str | None = None,
            x: int = 176, **body: Any) -> dict[str, Any]:
        node = {"name": name, "label": label, "locationX": x, "locationY": self._y, **body}
        self._y += 120
        if next:
            node["connector"] = {"targetReference": next}
        if fault:
            node["faultConnector"] = {"targetReference": fault}
        self.elements.setdefault(kind, []).append(node)
        return node

    def lookup(self, name: str, label: str, obj: str, filters: list[tuple[str, dict[str, Any]]], *,
               next: str | None, fault: str, fields: tuple[str, ...] = ("Id",)) -> None:
        """Get the first record of `obj` matching every (field, value) filter; only `fields`
        are queried (Flow Scanner's GetRecordAllFields)."""
        self.add("recordLookups", name, label, next=next, fault=fault, object=obj, filterLogic="and",
                 filters=[{"field": f, "operator": "EqualTo", "value": v} for f, v in filters],
                 getFirstRecordOnly=True, queriedFields=list(fields), storeOutputAutomatically=True)

    def assign_record(self, name: str, label: str, assignments: dict[str, dict[str, Any]], *,
                      x: int = 176) -> None:
        """Before save: set fields of the record being saved (an assignment, not a DML)."""
        self.add("assignments", name, label, x=x, assignmentItems=[
            {"assignToReference": f"$Record.{f}", "operator": "Assign", "value": v} for f, v in assignments.items()])

    def update_record(self, name: str, label: str, assignments: dict[str, dict[str, Any]], *,
                      next: str | None = None, fault: str | None = None, x: int = 176) -> None:
        """Update the triggering record ($Record) with field -> value."""
        self.add("recordUpdates", name, label, next=next, fault=fault, x=x, inputReference="$Record",
                 inputAssignments=[{"field": f, "value": v} for f, v in assignments.items()])

    def decide(self, name: str, label: str, outcome: str, conditions: list[dict[str, Any]], *,
               yes: str, no: str | None = None, no_label: str = "Otherwise") -> None:
        """A two-way decision: all `conditions` true -> `yes`, else `no` (or the end)."""
        body: dict[str, Any] = {"defaultConnectorLabel": no_label, "rules": [{
            "name": outcome, "label": outcome.replace("_", " "), "conditionLogic": "and",
            "conditions": conditions, "connector": {"targetReference": yes}}]}
        if no:
            body["defaultConnector"] = {"targetReference": no}
        self.add("decisions", name, label, **body)


def found(element: str) -> dict[str, Any]:
    """Condition: a Get Records element returned a record (the null check Flow Scanner asks for)."""
    return {"leftValueReference": element, "operator": "IsNull", "rightValue": {"booleanValue": False}}


def is_true(resource: str) -> dict[str, Any]:
    return {"leftValueReference": resource, "operator": "EqualTo", "rightValue": {"booleanValue": True}}


def formula(name: str, data_type: str, expression: str) -> dict[str, Any]:
    return {"name": name, "dataType": data_type, "expression": expression}


def error_formula(context: str) -> dict[str, Any]:
    """The text a fault handler writes on the record: what failed, within a Text(255) field."""
    return formula("faultText", "String", f"LEFT({formula_string(context + ': ')} & {{!$Flow.FaultMessage}}, 255)")
