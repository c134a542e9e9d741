"""Running a due scheduled path of a record-triggered flow on a simulated record (see flows.py)."""

from __future__ import annotations

import re
from typing import Any

from . import formula as fx
from .flows import NS, FlowDef, ScheduledPath, _t
from .world import Record, World

_REF = re.compile(r"\{!\s*([^}]+?)\s*\}")


class FlowRun:
    def __init__(self, world: World, flow: FlowDef, rec: Record, on_save: Any = None, *,
                 is_new: bool = False, user: Any = None) -> None:
        self.world, self.flow, self.rec = world, flow, rec
        self.vars: dict[str, Any] = {}
        self.is_new, self.user = is_new, user
        #: called with the record's values before each $Record update: each update is a save
        #: that runs the record-triggered flows again (Apex Developer Guide, "Triggers and
        #: Order of Execution": after-save flow updates re-run the save)
        self.on_save = on_save

    # values --------------------------------------------------------------
    def value(self, ref: str) -> Any:
        ref = ref.strip()
        if ref == "$Flow.CurrentDateTime":
            return self.world.now
        if ref == "$GlobalConstant.EmptyString":
            return ""
        if ref == "$User.UserType":
            return self.user.user_type if self.user is not None else "Standard"
        if ref.startswith("$Record."):
            return self.world.get(self.rec, ref[len("$Record."):])
        if ref in self.flow.formulas:
            return self.formula(self.flow.formulas[ref])
        if "." in ref:
            head, tail = ref.split(".", 1)
            stored = self.vars.get(head)
            return stored.get(tail) if isinstance(stored, dict) else None
        return self.vars.get(ref)

    def formula(self, src: str) -> Any:
        refs = fx.references(src)
        import datetime as _dt

        def kind(r: str) -> str:
            if r.startswith("$Record."):
                return self.world.ftype(self.rec.object, r[len("$Record."):])
            v = self.value(r)
            return ("Checkbox" if isinstance(v, bool) else "DateTime" if isinstance(v, _dt.datetime)
                    else "Date" if isinstance(v, _dt.date) else "Text")

        types = {r: kind(r) for r in refs}
        ctx = fx.Context(values={r: self.value(r) for r in refs}, today=self.world.now.date(), now=self.world.now,
                         types=types, is_new=self.is_new)
        return fx.evaluate(src, ctx)

    def operand(self, el) -> Any:
        if el is None:
            return None
        for tag in ("stringValue", "numberValue", "booleanValue", "elementReference", "dateValue"):
            child = el.find(NS + tag)
            if child is not None:
                text = child.text or ""
                if tag == "booleanValue":
                    return text == "true"
                if tag == "numberValue":
                    return fx.Decimal(text)
                if tag == "elementReference":
                    return self.value(text)
                return text
        return None

    # elements ------------------------------------------------------------
    def run(self, path: ScheduledPath | None = None, target: str = "") -> None:
        target, guard = (path.target if path is not None else target), 0
        while target and guard < 200:
            guard += 1
            el = self.flow.elements.get(target)
            if el is None:
                return
            kind = el.tag.replace(NS, "")
            target = getattr(self, f"_{kind}", self._skip)(el)

    def _next(self, el) -> str:
        return _t(el.find(NS + "connector"), "targetReference")

    def _skip(self, el) -> str:
        return self._next(el)

    def _decisions(self, el) -> str:
        for rule in el.findall(NS + "rules"):
            results = [self._condition(c) for c in rule.findall(NS + "conditions")]
            logic = _t(rule, "conditionLogic", "and").lower()
            hit = all(results) if logic == "and" else any(results) if logic == "or" else all(results)
            if hit:
                return self._next(rule)
        return _t(el.find(NS + "defaultConnector"), "targetReference")

    def _condition(self, c) -> bool:
        left = self.value(_t(c, "leftValueReference"))
        right = self.operand(c.find(NS + "rightValue"))
        op = _t(c, "operator")
        if op == "IsNull":
            return (left is None or left == "") == bool(right)
        if op == "EqualTo":
            return (left or None) == (right or None) if isinstance(right, str) else left == right
        if op == "NotEqualTo":
            return not ((left or None) == (right or None) if isinstance(right, str) else left == right)
        if left is None or right is None:
            return False
        return {"GreaterThan": left > right, "LessThan": left < right, "GreaterThanOrEqualTo": left >= right,
                "LessThanOrEqualTo": left <= right}.get(op, False)

    def _recordLookups(self, el) -> str:
        obj = _t(el, "object")
        filters = {_t(f, "field"): self.operand(f.find(NS + "value")) for f in el.findall(NS + "filters")}
        found = None
        if obj == "Group" and filters.get("DeveloperName") in self.world.model.queues | self.world.model.groups:
            name = filters["DeveloperName"]
            found = {"Id": name, "DeveloperName": name}
        elif obj.endswith("__mdt"):
            found = self.world.model.custom_metadata.get(obj, {}).get(str(filters.get("DeveloperName") or ""))
        self.vars[_t(el, "name")] = found
        if found is None and el.find(NS + "faultConnector") is None:
            return self._next(el)  # a lookup that finds nothing returns null; the flow goes on
        return self._next(el)

    def _assignments(self, el) -> str:
        """Assignments: to $Record fields in a before-save flow (the values the save stores),
        or to the flow's variables."""
        for item in el.findall(NS + "assignmentItems"):
            target, op = _t(item, "assignToReference"), _t(item, "operator", "Assign")
            value = self.operand(item.find(NS + "value"))
            if target.startswith("$Record."):
                self.rec.fields[target[len("$Record."):]] = value
            elif op == "Add":
                self.vars.setdefault(target, [])
                if isinstance(self.vars[target], list):
                    self.vars[target].append(value)
            else:
                self.vars[target] = value
        self.world.coverage.add(("flow", self.flow.name, "assignment"))
        return self._next(el)

    def _recordUpdates(self, el) -> str:
        if _t(el, "inputReference") != "$Record":
            return self._next(el)
        # Every value is resolved on the record as it was, then the update is applied.
        values = [(_t(a, "field"), self.operand(a.find(NS + "value"))) for a in el.findall(NS + "inputAssignments")]
        before = {**self.rec.fields, "__owner": self.rec.owner}
        for fname, value in values:
            if fname == "OwnerId":
                if value:
                    self.rec.owner = ("queue", str(value)) if value in self.world.model.queues else ("user", str(value))
            else:
                self.rec.fields[fname] = value
        self.world.coverage.add(("flow", self.flow.name, "record update"))
        if self.on_save is not None and before != {**self.rec.fields, "__owner": self.rec.owner}:
            self.on_save(before)
        return self._next(el)
