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
                 is_new: bool = False, user: Any = None, dml: Any = None) -> None:
        self.world, self.flow, self.rec = world, flow, rec
        self.vars: dict[str, Any] = {}
        #: position of each running loop in its collection
        self.loops: dict[str, int] = {}
        #: dml(object, values, record id or None): saves a record the flow creates or updates
        #: through the engine's save (before-save flows, validation, unique fields, triggers)
        self.dml = dml
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
        if ref == "$Flow.FaultMessage":
            return self.vars.get(ref, "")
        if ref == "$User.UserType":
            return self.user.user_type if self.user is not None else "Standard"
        if ref.startswith("$Record."):
            return self.world.get(self.rec, ref[len("$Record."):])
        if ref in self.flow.formulas:
            return self.formula(self.flow.formulas[ref])
        if "." in ref:
            head, tail = ref.split(".", 1)
            stored = self.vars.get(head)
            if not isinstance(stored, dict):
                return None
            if tail in stored:
                return stored[tail]
            if stored.get("Id") in self.world.records:
                # a record variable's field, or a related record's (Partner_Account__r.X):
                # read from the record as the flow would query it
                return self.world.get(self.world.records[stored["Id"]], tail)
            return None
        return self.vars.get(ref)

    def formula(self, src: str) -> Any:
        refs = fx.references(src)
        import datetime as _dt

        def kind(r: str) -> str:
            if r.startswith("$Record."):
                return self.world.ftype(self.rec.object, r[len("$Record."):])
            v = self.value(r)
            return ("Checkbox" if isinstance(v, bool) else "DateTime" if isinstance(v, _dt.datetime)
                    else "Date" if isinstance(v, _dt.date) else "Number" if isinstance(v, (int, fx.Decimal))
                    else "Text")

        def read(r: str) -> Any:
            if r.startswith("$Record."):
                return self.world.as_formula_value(self.rec.object, r[len("$Record."):], self.value(r))
            head = r.split(".", 1)[0]
            row = self.vars.get(head)
            if "." in r and isinstance(row, dict) and row.get("__object"):
                return self.world.as_formula_value(row["__object"], r.split(".", 1)[1], self.value(r))
            return self.value(r)

        types = {r: kind(r) for r in refs}
        ctx = fx.Context(values={r: read(r) for r in refs}, today=self.world.now.date(), now=self.world.now,
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
        while target and guard < 5000:
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
        conditions = [(_t(f, "field"), _t(f, "operator"), self.operand(f.find(NS + "value")))
                      for f in el.findall(NS + "filters")]
        filters = {name: value for name, _, value in conditions}
        found: Any = None
        if obj == "Group":
            if filters.get("DeveloperName") in self.world.model.queues | self.world.model.groups:
                name = filters["DeveloperName"]
                found = {"Id": name, "DeveloperName": name}
        elif obj.endswith("__mdt"):
            found = self.world.model.custom_metadata.get(obj, {}).get(str(filters.get("DeveloperName") or ""))
        else:
            found = self._query(el, obj, conditions)
        self.vars[_t(el, "name")] = found
        if found is None and el.find(NS + "faultConnector") is None:
            return self._next(el)  # a lookup that finds nothing returns null; the flow goes on
        return self._next(el)

    # Get Records on the records of the scenario's world -----------------------------
    #
    # A Get Records element is a SOQL query: text comparisons are case-insensitive except on
    # case-sensitive unique fields (SOQL and SOSL Reference, "Comparison Operators": "Comparisons
    # on strings are case-sensitive for unique case-sensitive fields. For all other fields,
    # comparisons are case-insensitive"); Contains is LIKE '%value%'.

    def _query(self, el, obj: str, conditions: list[tuple[str, str, Any]]) -> Any:
        logic = _t(el, "filterLogic", "and").lower()

        def hit(r: Record) -> bool:
            results = [self._compare(obj, self.world.get(r, f), op, v, f) for f, op, v in conditions]
            return all(results) if logic == "and" else any(results) if logic == "or" else all(results)

        matches = self.world.find(obj, hit)
        sort = _t(el, "sortField")
        if sort:
            matches.sort(key=lambda r: (self.world.get(r, sort) is None, str(self.world.get(r, sort) or "")),
                         reverse=_t(el, "sortOrder") == "Desc")
        fields = [q.text or "" for q in el.findall(NS + "queriedFields")]
        rows = [self._row(r, fields) for r in matches]
        for r in matches:
            self.world.coverage.add(("flow_query", self.flow.name, obj))
        if _t(el, "getFirstRecordOnly") == "true":
            return rows[0] if rows else None
        return rows or None

    def _row(self, r: Record, fields: list[str]) -> dict[str, Any]:
        names = fields or [k for k in r.fields if not k.startswith("__")]
        row: dict[str, Any] = {name: self.world.get(r, name) for name in names}
        row["Id"] = r.id
        row["__object"] = r.object
        return row

    def _compare(self, obj: str, left: Any, op: str, right: Any, fname: str) -> bool:
        f = self.world.field(obj, fname)
        sensitive = f is not None and f.unique and f.case_sensitive
        if isinstance(left, str) and isinstance(right, str) and not sensitive:
            left, right = left.lower(), right.lower()
        if left == "":
            left = None
        if right == "":
            right = None
        if op == "IsNull":
            return (left is None) == bool(right)
        if op == "EqualTo":
            if isinstance(left, (int, fx.Decimal)) and right is not None and not isinstance(left, bool):
                return fx.Decimal(str(left)) == fx.Decimal(str(right))
            return left == right
        if op == "NotEqualTo":
            return left != right
        if left is None or right is None:
            return False
        if op == "Contains":
            return str(right) in str(left)
        if op == "StartsWith":
            return str(left).startswith(str(right))
        if op == "EndsWith":
            return str(left).endswith(str(right))
        try:
            a, b = fx.Decimal(str(left)), fx.Decimal(str(right))
        except Exception:
            a, b = left, right
        return {"GreaterThan": a > b, "LessThan": a < b, "GreaterThanOrEqualTo": a >= b,
                "LessThanOrEqualTo": a <= b}.get(op, False)

    def _loops(self, el) -> str:
        """A loop: the next item of the collection into the loop variable (named as the loop)
        and on along nextValueConnector; when done, noMoreValuesConnector."""
        name = _t(el, "name")
        items = self.value(_t(el, "collectionReference")) or []
        if _t(el, "iterationOrder") == "Desc":
            items = list(reversed(items))
        index = self.loops.get(name, 0)
        if index < len(items):
            self.loops[name] = index + 1
            self.vars[name] = items[index]
            return _t(el.find(NS + "nextValueConnector"), "targetReference")
        self.loops.pop(name, None)
        self.world.coverage.add(("flow", self.flow.name, f"loop {name}"))
        return _t(el.find(NS + "noMoreValuesConnector"), "targetReference")

    def _variable(self, name: str) -> Any:
        return next((v for v in self.flow.elements.values() if v.tag == NS + "variables" and _t(v, "name") == name),
                    None)

    def _recordCreates(self, el) -> str:
        """Create Records from a record variable or collection (the DML the engine runs)."""
        rows = self.value(_t(el, "inputReference"))
        rows = rows if isinstance(rows, list) else [rows] if isinstance(rows, dict) else []
        target = self._variable(_t(el, "inputReference"))
        obj = _t(target, "objectType") or _t(el, "object")
        try:
            for row in rows:
                if self.dml is not None:
                    self.dml(obj, {k: v for k, v in row.items() if not k.startswith("__") and k != "Id"}, None)
        except Exception as exc:  # a refused save (engine.Blocked): the fault path, if any
            return self._fault(el, exc)
        self.world.coverage.add(("flow", self.flow.name, "record create"))
        return self._next(el)

    def _fault(self, el, exc: Exception) -> str:
        fault = _t(el.find(NS + "faultConnector"), "targetReference")
        if not fault or not hasattr(exc, "outcome"):
            raise exc
        self.vars["$Flow.FaultMessage"] = str(exc)
        return fault

    def _customErrors(self, el) -> str:
        """Custom Error: the save fails with the message (fault handlers of after-save flows)."""
        from .engine import Blocked

        message = _t(el.find(NS + "customErrorMessages"), "errorMessage")
        message = message.replace("{!$Flow.FaultMessage}", str(self.vars.get("$Flow.FaultMessage", "")))
        raise Blocked(_t(el, "name"), message, f"flow {self.flow.name}")

    def _assignments(self, el) -> str:
        """Assignments: to $Record fields in a before-save flow (the values the save stores),
        or to the flow's variables."""
        for item in el.findall(NS + "assignmentItems"):
            target, op = _t(item, "assignToReference"), _t(item, "operator", "Assign")
            value = self.operand(item.find(NS + "value"))
            if target == "$Record.OwnerId":
                # before save, the owner a flow assigns is the owner the save stores
                if value:
                    queue = value in self.world.model.queues
                    self.rec.owner = ("queue", str(value)) if queue else ("user", str(value))
            elif target.startswith("$Record."):
                # a blank value is stored as null (text, lookups)
                self.rec.fields[target[len("$Record."):]] = None if value == "" else value
            elif op == "Add":
                self.vars.setdefault(target, [])
                if isinstance(self.vars[target], list):
                    # a record added to a collection is a copy: later assignments to the
                    # record variable do not change it
                    self.vars[target].append(dict(value) if isinstance(value, dict) else value)
            elif "." in target and target.split(".", 1)[0] not in ("$Record",):
                head, tail = target.split(".", 1)
                record = self.vars.get(head)
                if not isinstance(record, dict):
                    record = self.vars[head] = {}
                record[tail] = None if value == "" else value
            else:
                self.vars[target] = value
        self.world.coverage.add(("flow", self.flow.name, "assignment"))
        return self._next(el)

    def _recordUpdates(self, el) -> str:
        if _t(el, "inputReference") != "$Record":
            rows = self.value(_t(el, "inputReference"))
            rows = rows if isinstance(rows, list) else [rows] if isinstance(rows, dict) else []
            try:
                for row in rows:
                    target = self.world.records.get(str(row.get("Id")))
                    if target is not None and self.dml is not None:
                        self.dml(target.object, {k: v for k, v in row.items() if not k.startswith("__") and k != "Id"},
                                 target.id)
            except Exception as exc:
                return self._fault(el, exc)
            self.world.coverage.add(("flow", self.flow.name, "records update"))
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
