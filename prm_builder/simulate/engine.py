"""Run one scenario against the simulated org: each action as the platform processes it,
each expectation compared with what happened, and for every failure the component that
decided it.

Order of a save (Apex Developer Guide, "Triggers and Order of Execution", reduced to what the
generated metadata uses): field-level security and record access, before-save flows, then
validation rules (the record's, unique fields, and its master's when a roll-up summarises
it), then the assignment rule, then after-save flows; approval field updates do not re-run
validation rules. Not modelled (reported as such): Apex, schedule-triggered flows, e-mail
alerts, duplicate rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from prm_builder.model.scenarios import Persona, Scenario, Step

from . import formula as fx
from .criteria import criteria_match
from .expect import Expectations, Outcome
from .orgmodel import ApprovalProcess, OrgModel
from .world import ApprovalState, Record, User, World


@dataclass
class ScenarioResult:
    name: str
    where: str
    passed: bool
    failures: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    error: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "where": self.where, "passed": self.passed, "failures": self.failures,
                "log": self.log, "tags": self.tags}


class Blocked(Exception):
    def __init__(self, rule: str, message: str, decided_by: str = "") -> None:
        super().__init__(message)
        self.outcome = Outcome(False, rule, message, decided_by)


class Runner(Expectations):
    def __init__(self, model: OrgModel, today: dt.date) -> None:
        self.model = model
        self.today = today
        self.coverage: set[tuple] = set()
        self._flows: list | None = None

    # ------------------------------------------------------------------ scenario

    def run(self, sc: Scenario, where: str = "") -> ScenarioResult:
        world = World(self.model, self.today)
        result = ScenarioResult(sc.name, where, True, tags=list(sc.tags))
        actor = world.user(sc.persona)
        loader = world.user(Persona(role="admin"))
        for given in sc.given:
            # Existing data, as an admin's data load saved it: before-save flows computed what
            # they store (keys, stamps); validation and after-save automation are not replayed.
            values = {**self._defaults(given.object),
                      **{k: self._resolve(world, v, actor, given.object, k) for k, v in given.fields.items()}}
            loaded = Record("new", given.object, values, ("user", "system"), "system")
            self._before_save(world, loaded, loader, prior=None)
            world.given[given.key] = world.new_record(given.object, loaded.fields, loaded.owner, "system").id
        rec: Record | None = None
        last = Outcome()
        steps = list(sc.steps) or [Step(action="create")]
        try:
            for i, step in enumerate(steps, 1):
                user = world.user(step.as_) if step.as_ else actor
                try:
                    if step.action == "create":
                        rec = self._create(world, sc, user, step)
                        world.given["@record"] = rec.id
                    else:
                        if rec is None and i > 1:
                            result.failures.append(f"step {i} ({step.action}) not run: the record was never created")
                            break
                        if rec is None:
                            rec = self._create(world, sc, actor, Step(action="create"))
                        target = world.records[world.given[step.on[len("@given:"):]]] if step.on else rec
                        self._act(world, target, user, step)
                    last = Outcome()
                except Blocked as b:
                    last = b.outcome
                    if step.expect is None or step.expect.blocked is None:
                        if step.expect is None or step.expect.allowed is not False:
                            result.failures.append(
                                f"step {i} ({step.action}) was blocked by {b.outcome.rule}: {b.outcome.message}"
                                + (f" [{b.outcome.decided_by}]" if b.outcome.decided_by else ""))
                result.log.append(f"{i}. {step.action} by {user.persona.role}: "
                                  + ("ok" if last.allowed else f"blocked by {last.rule}"))
                if step.expect is not None and rec is not None:
                    result.failures += [f"after step {i} ({step.action}): {f}"
                                        for f in self._check(world, rec, step.expect, last, actor)]
            if sc.expect is not None and rec is not None:
                result.failures += [f"at the end: {f}" for f in self._check(world, rec, sc.expect, last, actor)]
        except fx.FormulaError as exc:
            result.failures.append(f"a formula could not be evaluated: {exc}")
        self.coverage |= world.coverage
        result.passed = not result.failures
        return result

    # ------------------------------------------------------------------ values

    def _resolve(self, world: World, value: Any, actor: User, obj: str, fname: str) -> Any:
        if isinstance(value, str) and value.startswith("@given:"):
            key = value[len("@given:"):]
            if key not in world.given:
                raise KeyError(f"no given record {key!r}")
            return world.given[key]
        if value == "@record":
            return world.given.get("@record")
        if isinstance(value, str) and value.startswith("@account"):
            # "@account": the acting persona's account; "@account:Gold": a partner account of tier Gold.
            if ":" in value:
                tier = value.split(":", 1)[1]
                return world.account(f"{tier} Partner", tier)
            return world.account(actor.persona.account_name, actor.persona.tier)
        if isinstance(value, str) and value.startswith("@today"):
            # "@today", "@today+90", "@today-1": dates relative to the simulated clock.
            offset = value[len("@today"):].replace(" ", "")
            return world.now.date() + dt.timedelta(days=int(offset or 0))
        ftype = world.ftype(obj, fname)
        if ftype in fx.NUMERIC_TYPES and value is not None and not isinstance(value, bool):
            return Decimal(str(value))
        if ftype == "Date" and isinstance(value, str):
            return dt.date.fromisoformat(value)
        if isinstance(value, (dt.date,)) and ftype == "Date":
            return value
        return value

    def _defaults(self, obj: str) -> dict[str, Any]:
        sobj = self.model.objects.get(obj)
        out: dict[str, Any] = {}
        for f in (sobj.fields.values() if sobj else []):
            if f.default_value and not f.formula:
                if f.type == "Checkbox":
                    out[f.name] = f.default_value.lower() == "true"
                elif f.type == "Picklist":
                    out[f.name] = f.default_value
        return out

    # ------------------------------------------------------------------ actions

    def _create(self, world: World, sc: Scenario, user: User, step: Step) -> Record:
        obj = sc.record.object
        owner_of_data = world.user(sc.persona)  # "@account" is the scenario persona's account
        values = self._defaults(obj)
        start = dict(sc.record.fields)
        start.update(step.fields)
        parent_id = None
        if sc.record.parent is not None and sc.record.via:
            master = world.field(obj, sc.record.via)
            parent_obj = master.reference_to if master else ""
            pvals = {**self._defaults(parent_obj), **{k: self._resolve(world, v, owner_of_data, parent_obj, k)
                                                      for k, v in sc.record.parent.items()}}
            parent = world.new_record(parent_obj, pvals, ("user", "system"), "system")
            parent_id = parent.id
        for k, v in start.items():
            values[k] = self._resolve(world, v, owner_of_data, obj, k)
        if parent_id and sc.record.via:
            values[sc.record.via] = parent_id
        if not world.can_create(user, obj):
            raise Blocked("no_access", f"no permission set lets {user.persona.role} create {obj}", "permission sets")
        self._check_fls(world, user, obj, start.keys())
        owner = ("user", user.key)
        if sc.record.owner:
            owner = ("user", user.key) if sc.record.owner == "persona" else ("queue", sc.record.owner)
        rec = Record("new", obj, values, owner, user.key)
        self._before_save(world, rec, user, prior=None)
        self._validate(world, rec, user, prior=None)
        rec = world.new_record(obj, rec.fields, rec.owner, user.key)  # a before-save flow may set the owner
        if step.assignment_rules:
            self._assign(world, rec)
        self._trigger(world, rec, None)
        return rec

    def _act(self, world: World, rec: Record, user: User, step: Step) -> None:
        action = step.action
        if action == "edit":
            self._edit(world, rec, user, step.fields, step.assignment_rules)
        elif action == "submit":
            self._submit(world, rec, user)
        elif action in ("approve", "reject"):
            self._decide(world, rec, user, action, step.step)
        elif action == "recall":
            self._recall(world, rec, user)
        elif action == "claim":
            self._claim(world, rec, user)
        elif action == "convert":
            self._convert(world, rec, user)
        elif action == "wait":
            self._wait(world, dt.timedelta(hours=step.hours, days=step.days))

    def _check_fls(self, world: World, user: User, obj: str, names) -> None:
        for name in names:
            if world.field_access(user, obj, name) != "edit":
                f = world.field(obj, name)
                raise Blocked("field_security", f"{obj}.{name} is not editable for {user.persona.role}"
                              f" (no permission set grants edit)", f.source if f else "permission sets")

    def _edit(self, world: World, rec: Record, user: User, changes: dict, assign: bool = False) -> None:
        approver = self._is_current_approver(world, rec, user)
        if rec.locked and not user.is_admin and not approver:
            raise Blocked("record_lock", "the record is locked by its approval process",
                          rec.approval.process if rec.approval else "")
        proc = self.model.process(rec.approval.process) if rec.approval else None
        # recordEditability AdminOrCurrentApprover: the current approver edits the locked record
        # (Metadata API ApprovalProcess.recordEditability).
        approver_edits = approver and proc is not None and proc.record_editability == "AdminOrCurrentApprover"
        level, why = world.record_access(user, rec)
        if level != "edit" and not approver_edits:
            raise Blocked("no_access", f"{user.persona.role} has {level} access to the record ({why})", why)
        self._check_fls(world, user, rec.object, changes.keys())
        prior = dict(rec.fields)
        new_values = {**rec.fields, **{k: self._resolve(world, v, user, rec.object, k) for k, v in changes.items()}}
        candidate = Record(rec.id, rec.object, new_values, rec.owner, rec.created_by)
        world.records[rec.id] = candidate
        try:
            self._before_save(world, candidate, user, prior={**prior, "__owner": rec.owner})
            new_values = candidate.fields
            self._validate(world, candidate, user, prior=prior)
        finally:
            world.records[rec.id] = rec
        old_owner = rec.owner
        rec.fields = new_values
        rec.owner = candidate.owner  # a before-save flow may set the owner
        if assign:
            self._assign(world, rec)
        self._trigger(world, rec, {**prior, "__owner": old_owner})

    def _validate(self, world: World, rec: Record, user: User, prior: dict | None) -> None:
        sobj = self.model.objects.get(rec.object)
        if rec.id == "new":
            world.records["new"] = rec
        try:
            for rule in (sobj.validation_rules if sobj else []):
                if not rule.active:
                    continue
                fired = world.formula(rec, rule.formula, user, prior=prior, is_new=prior is None)
                if fired:
                    world.coverage.add(("validation", rule.object, rule.name))
                    raise Blocked(rule.name, rule.message, rule.source)
            self._unique(world, rec)
            self._roll_up_parents(world, rec, user)
        finally:
            world.records.pop("new", None)

    def _unique(self, world: World, rec: Record) -> None:
        """Unique fields (`<unique>true`): the save fails when another record of the object has
        the value (case-insensitively unless caseSensitive)."""
        sobj = self.model.objects.get(rec.object)
        for f in (sobj.fields.values() if sobj else []):
            value = rec.fields.get(f.name)
            if not f.unique or value in (None, ""):
                continue
            key = str(value) if f.case_sensitive else str(value).lower()
            for other in world.find(rec.object, lambda r: r.id != rec.id):
                theirs = other.fields.get(f.name)
                if theirs not in (None, "") and (str(theirs) if f.case_sensitive else str(theirs).lower()) == key:
                    world.coverage.add(("unique", rec.object, f.name))
                    raise Blocked("duplicate_value", f"duplicate value found: {f.name} duplicates value on record "
                                  f"with id: {other.id}", f.source)

    def _roll_up_parents(self, world: World, rec: Record, user: User) -> None:
        """A detail's save recalculates its master's roll-up summaries and the master goes
        through its own save, validation rules included (Apex Developer Guide, "Triggers and
        Order of Execution": "If the record contains a roll-up summary field or is part of a
        cross-object workflow, performs calculations and updates the roll-up summary field in
        the parent record. Parent record goes through save procedure."). A parent rule that
        fires fails the detail's save."""
        sobj = self.model.objects.get(rec.object)
        for f in (sobj.fields.values() if sobj else []):
            parent_id = rec.fields.get(f.name)
            if f.type != "MasterDetail" or parent_id not in world.records:
                continue
            parent = world.records[parent_id]
            psobj = self.model.objects.get(parent.object)
            rolls_up = any(pf.summary is not None and pf.summary[2] == f"{rec.object}.{f.name}"
                           for pf in (psobj.fields.values() if psobj else []))
            if not rolls_up:
                continue
            for rule in (psobj.validation_rules if psobj else []):
                if rule.active and world.formula(parent, rule.formula, user, prior=dict(parent.fields)):
                    world.coverage.add(("validation", rule.object, rule.name))
                    raise Blocked(rule.name, rule.message, rule.source)

    def _assign(self, world: World, rec: Record) -> None:
        for rule in self.model.assignment_rules:
            if rule.object != rec.object or not rule.active:
                continue
            for entry in rule.entries:
                if criteria_match(entry.criteria, lambda n: (world.get(rec, n), world.ftype(rec.object, n)),
                                  lambda src: world.formula(rec, src, None)):
                    world.coverage.add(("assignment", rule.name, entry.index))
                    rec.owner = ("queue", entry.assigned_to) if entry.assigned_to_type == "Queue" \
                        else ("user", entry.assigned_to)
                    rec.fields["__assigned_by"] = f"{rule.name} entry {entry.index} in {entry.source}"
                    return
            rec.fields["__assigned_by"] = f"{rule.name}: no entry matched"

    # ------------------------------------------------------------------ approvals

    def _processes_for(self, world: World, rec: Record) -> list[ApprovalProcess]:
        out = []
        for p in self.model.approval_processes:
            if p.object != rec.object or not p.active:
                continue
            if criteria_match(p.criteria, lambda n: (world.get(rec, n), world.ftype(rec.object, n)),
                              lambda src: world.formula(rec, src, None)):
                out.append(p)
        return out

    def _submit(self, world: World, rec: Record, user: User) -> None:
        if rec.approval and rec.approval.status == "Pending":
            raise Blocked("already_pending", "the record is already pending approval", rec.approval.process)
        matches = self._processes_for(world, rec)
        if not matches:
            raise Blocked("no_approval_process", "no active approval process accepts the record", "")
        if len(matches) > 1:
            raise Blocked("ambiguous_approval_process",
                          "more than one approval process accepts the record: "
                          + ", ".join(p.name for p in matches), "")
        proc = matches[0]
        world.coverage.add(("approval", proc.name, "entry"))
        owner_ok = rec.owner == ("user", user.key)
        creator_ok = rec.created_by == user.key
        allowed = ("owner" in proc.allowed_submitters and owner_ok) or \
                  ("creator" in proc.allowed_submitters and creator_ok) or user.is_admin
        if not allowed:
            raise Blocked("approval_submitters", f"{user.persona.role} may not submit to {proc.name} "
                          f"(allowed: {', '.join(proc.allowed_submitters)})", proc.source)
        rec.approval = ApprovalState(proc.name, None, "Pending")
        rec.locked = True
        self._apply_actions(world, rec, proc.initial_actions)
        self._enter(world, rec, proc, 0)

    def _enter(self, world: World, rec: Record, proc: ApprovalProcess, index: int) -> None:
        state = rec.approval
        assert state is not None
        while index < len(proc.steps):
            step = proc.steps[index]
            if step.criteria.empty or criteria_match(
                    step.criteria, lambda n: (world.get(rec, n), world.ftype(rec.object, n)),
                    lambda src: world.formula(rec, src, None)):
                world.coverage.add(("approval", proc.name, step.name))
                state.step_index = index
                state.steps_reached.append(step.name)
                return
            world.coverage.add(("approval", proc.name, f"{step.name}:criteria-not-met"))
            if step.if_criteria_not_met == "ApproveRecord":
                return self._finish(world, rec, proc, True)
            if step.if_criteria_not_met == "RejectRecord":
                return self._finish(world, rec, proc, False)
            index += 1
        self._finish(world, rec, proc, True)

    def _finish(self, world: World, rec: Record, proc: ApprovalProcess, approved: bool) -> None:
        state = rec.approval
        assert state is not None
        state.step_index = None
        state.status = "Approved" if approved else "Rejected"
        self._apply_actions(world, rec, proc.final_approval_actions if approved else proc.final_rejection_actions)
        rec.locked = proc.final_approval_lock if approved else proc.final_rejection_lock

    def _apply_actions(self, world: World, rec: Record, actions) -> None:
        for action in actions:
            if action.type != "FieldUpdate":
                continue
            fu = self.model.field_updates.get((rec.object, action.name))
            if fu is None:
                continue
            world.coverage.add(("field_update", rec.object, fu.name))
            if fu.operation == "Literal":
                rec.fields[fu.field] = self._resolve(world, fu.literal, None, rec.object, fu.field)  # type: ignore[arg-type]
            elif fu.operation == "Formula":
                rec.fields[fu.field] = world.formula(rec, fu.formula, None)
            elif fu.operation == "Null":
                rec.fields[fu.field] = None

    def _is_current_approver(self, world: World, rec: Record, user: User) -> bool:
        state = rec.approval
        if not state or state.status != "Pending" or state.step_index is None:
            return False
        proc = self.model.process(state.process)
        if proc is None:
            return False
        for a in proc.steps[state.step_index].approvers:
            if a.type == "user" and a.name == user.username:
                return True
            if a.type == "queue" and world.in_queue(user, a.name):
                return True
        return False

    def _decide(self, world: World, rec: Record, user: User, action: str, step_name: str | None) -> None:
        state = rec.approval
        if not state or state.status != "Pending" or state.step_index is None:
            raise Blocked("not_pending", f"the record is not pending approval "
                          f"({state.status if state else 'never submitted'})", state.process if state else "")
        proc = self.model.process(state.process)
        assert proc is not None
        current = proc.steps[state.step_index]
        if step_name and step_name != current.name:
            raise Blocked("wrong_step", f"the record is pending at step {current.name}, not {step_name}", proc.source)
        if not (user.is_admin or self._is_current_approver(world, rec, user)):
            approvers = ", ".join(f"{a.type} {a.name}" for a in current.approvers)
            raise Blocked("not_an_approver", f"{user.persona.role} is not an approver of step {current.name} "
                          f"({approvers})", proc.source)
        if action == "approve":
            self._enter(world, rec, proc, state.step_index + 1)
        elif current.reject_behavior == "BackToPrevious" and state.step_index > 0:
            self._enter(world, rec, proc, state.step_index - 1)
        else:
            self._finish(world, rec, proc, False)

    def _recall(self, world: World, rec: Record, user: User) -> None:
        state = rec.approval
        if not state or state.status != "Pending":
            raise Blocked("not_pending", "nothing to recall", "")
        proc = self.model.process(state.process)
        assert proc is not None
        state.status, state.step_index = "Recalled", None
        self._apply_actions(world, rec, proc.recall_actions)
        rec.locked = False

    # ------------------------------------------------------------------ scheduled paths

    def _trigger(self, world: World, rec: Record, prior: dict | None, depth: int = 0) -> None:
        """A save: run the immediate paths of the record-triggered (after-save) flows whose
        start condition it meets, and schedule their scheduled paths. A flow's update of the
        record is a save of its own (depth-bounded, as the platform bounds recursion)."""
        from .flowrun import FlowRun
        from .flows import scheduled_flows

        if self._flows is None:
            self._flows = scheduled_flows(self.model)
        if depth > 8:
            return
        for flow in self._flows:
            if flow.object != rec.object or flow.before_save:
                continue
            if flow.filter_formula and not world.formula(rec, flow.filter_formula, None, prior=prior,
                                                         is_new=prior is None):
                continue
            if flow.filters:
                if not self._filters_hold(world, rec, flow):
                    continue
                if flow.requires_change and prior is not None:
                    old = Record(rec.id, rec.object, prior, prior.get("__owner", rec.owner), rec.created_by)
                    if self._filters_hold(world, old, flow):
                        continue  # it met the criteria already: the change did not make it meet them
            if flow.start_target:
                world.coverage.add(("flow", flow.name, "ran"))
                FlowRun(world, flow, rec, on_save=lambda before: self._trigger(world, rec, before, depth + 1),
                        dml=lambda obj, values, rid: self._flow_dml(world, obj, values, rid, depth + 1)) \
                    .run(target=flow.start_target)
            for path in flow.paths:
                base = world.now
                if path.time_source == "RecordField" and path.record_field:
                    stamp = world.get(rec, path.record_field)
                    if stamp is None:
                        continue
                    base = stamp if isinstance(stamp, dt.datetime) else dt.datetime.combine(stamp, dt.time(0))
                world.schedule.append((base + path.offset, len(world.schedule), flow, path, rec.id))

    def _flow_dml(self, world: World, obj: str, values: dict, rec_id: str | None, depth: int) -> None:
        """A record a flow creates (rec_id None) or updates, saved as the platform saves it:
        before-save flows, validation rules, unique fields, then the after-save flows. Flows
        run in system context: no record or field access checks."""
        system = world.user(Persona(role="admin"))
        if rec_id is None:
            rec = Record("new", obj, {**self._defaults(obj), **values}, ("user", "system"), "system")
            self._before_save(world, rec, system, prior=None)
            self._validate(world, rec, system, prior=None)
            rec = world.new_record(obj, rec.fields, rec.owner, "system")
            self._trigger(world, rec, None, depth)
            return
        rec = world.records[rec_id]
        prior = dict(rec.fields)
        candidate = Record(rec.id, obj, {**rec.fields, **values}, rec.owner, rec.created_by)
        world.records[rec.id] = candidate
        try:
            self._before_save(world, candidate, system, prior={**prior, "__owner": rec.owner})
            self._validate(world, candidate, system, prior=prior)
        finally:
            world.records[rec.id] = rec
        old_owner = rec.owner
        rec.fields, rec.owner = candidate.fields, candidate.owner
        self._trigger(world, rec, {**prior, "__owner": old_owner}, depth)

    def _before_save(self, world: World, rec: Record, user: User, prior: dict | None) -> None:
        """Before-save flows set field values before validation rules run (Apex Developer
        Guide, "Triggers and Order of Execution": before-save record-triggered flows, then
        before triggers, then validation)."""
        from .flowrun import FlowRun
        from .flows import scheduled_flows

        if self._flows is None:
            self._flows = scheduled_flows(self.model)
        for flow in self._flows:
            if not flow.before_save or flow.object != rec.object or not flow.start_target:
                continue
            if flow.filter_formula and not world.formula(rec, flow.filter_formula, user, prior=prior,
                                                         is_new=prior is None):
                continue
            if flow.filters and not self._filters_hold(world, rec, flow):
                continue
            world.coverage.add(("flow", flow.name, "ran"))
            FlowRun(world, flow, rec, is_new=prior is None, user=user).run(target=flow.start_target)

    @staticmethod
    def _filters_hold(world: World, rec: Record, flow) -> bool:
        from .flowrun import FlowRun

        reader = FlowRun(world, flow, rec)
        results = []
        for fname, op, value_el in flow.filters:
            value = world.get(rec, fname)
            right = reader.operand(value_el)
            if op == "IsNull":
                results.append((value is None or value == "") == bool(right))
            elif op == "EqualTo":
                results.append(value == right)
            elif op == "NotEqualTo":
                results.append(value != right)
            else:
                results.append(False)
        return all(results) if flow.filter_logic == "and" else any(results)

    def _wait(self, world: World, delta: dt.timedelta) -> None:
        from .flowrun import FlowRun

        end = world.now + delta
        while True:
            due = sorted((d for d in world.schedule if d[0] <= end), key=lambda d: (d[0], d[1]))
            if not due:
                break
            item = due[0]
            world.schedule.remove(item)
            when, _, flow, path, rec_id = item
            world.now = max(world.now, when)
            rec = world.records.get(rec_id)
            if rec is None:
                continue
            before = {**rec.fields, "__owner": rec.owner}
            world.coverage.add(("scheduled_path", flow.name, path.name))
            FlowRun(world, flow, rec, on_save=lambda prior, rec=rec: self._trigger(world, rec, prior, 1)).run(path)
        world.now = end

    # ------------------------------------------------------------------ pool, conversion

    def _claim(self, world: World, rec: Record, user: User) -> None:
        claim_field = next((f for f in (self.model.objects.get(rec.object).fields if rec.object in self.model.objects
                                        else {}) if "Claim" in f), None)
        if claim_field is None:
            raise Blocked("no_pool", f"{rec.object} has no claim field: the metadata has no pool", "")
        saved_before = {**rec.fields, "__owner": rec.owner}
        self._edit(world, rec, user, {claim_field: True})
        # The pool claim flow (record-triggered, after save) gives the lead to the claimer when
        # its condition formula holds; read from the flow's own formulas ($Record__Prior is
        # the record before this save).
        from .flows import claim_condition
        cond = claim_condition(self.model)
        if cond and world.formula(rec, cond, user, prior=saved_before):
            before = {**rec.fields, "__owner": rec.owner}
            rec.owner = ("user", user.key)
            world.coverage.add(("flow", "pool_claim", "claimed"))
            self._trigger(world, rec, before)

    def _convert(self, world: World, rec: Record, user: User) -> None:
        if rec.owner[0] == "queue":
            raise Blocked("queue_owner", f"a lead owned by queue {rec.owner[1]} cannot be converted "
                          "(Database.convertLead needs a user owner)", "")
        level, why = world.record_access(user, rec)
        if level != "edit":
            raise Blocked("no_access", f"{user.persona.role} cannot convert: {level} access ({why})", why)
        rec.fields["IsConverted"] = True
