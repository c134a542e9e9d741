"""Expectations of a scenario compared with what happened: each mismatch as one line saying
expected vs actual and the component that decided it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from prm_builder.model.scenarios import Expect, Persona

if TYPE_CHECKING:
    from .orgmodel import OrgModel
    from .world import Record, User, World


def _versionless(name: str) -> str:
    return re.sub(r"_v\d+$", "", name)


@dataclass
class Outcome:
    """What one step did: allowed, or blocked by a component with a message."""

    allowed: bool = True
    rule: str = ""
    message: str = ""
    decided_by: str = ""



class Expectations:
    """Mixed into the Runner: needs `self.model` and `self._resolve`."""

    model: "OrgModel"

    def _check_records(self, world: World, want, actor: User) -> list[str]:
        where = {k: self._resolve(world, v, actor, want.object, k) for k, v in want.where.items()}
        found = world.find(want.object, lambda r: all(_equal(world.get(r, k), v) for k, v in where.items()))
        label = f"{want.object} where {want.where}" if want.where else want.object
        out = []
        if want.count is not None and len(found) != want.count:
            out.append(f"records {label}: expected {want.count}, actual {len(found)}")
        if want.count is None and not found:
            out.append(f"records {label}: expected at least one, actual none")
        for r in found:
            for name, value in want.fields.items():
                got = world.get(r, name, actor)
                if not _equal(got, self._resolve(world, value, actor, want.object, name)):
                    out.append(f"{label} {r.id}: field {name}: expected {value!r}, actual {_show(got)}")
        return out

    def _check(self, world: World, rec: Record, exp: Expect, last: Outcome, actor: User) -> list[str]:
        out: list[str] = []
        if exp.allowed is not None and exp.allowed != last.allowed:
            out.append(f"expected the step to be {'allowed' if exp.allowed else 'blocked'}, "
                       f"but it was {'allowed' if last.allowed else f'blocked by {last.rule}: {last.message}'}")
        if exp.blocked is not None:
            if last.allowed:
                out.append(f"expected the step to be blocked by {exp.blocked.rule or 'a rule'}, but it was allowed")
            else:
                if exp.blocked.rule and exp.blocked.rule != last.rule:
                    out.append(f"expected blocked by {exp.blocked.rule}, actual blocked by {last.rule}: "
                               f"{last.message} [{last.decided_by}]")
                if exp.blocked.message and exp.blocked.message.lower() not in last.message.lower():
                    out.append(f"expected message containing {exp.blocked.message!r}, actual {last.message!r}")
        if exp.owner is not None:
            kind, who = rec.owner
            if exp.owner in ("creator", "persona"):
                want_user = rec.created_by if exp.owner == "creator" else actor.key
                ok = kind == "user" and who == want_user
            else:
                ok = kind == "queue" and who == exp.owner
            if not ok:
                actual = f"queue {who}" if kind == "queue" else f"user {world.users[who].persona.role}" \
                    if who in world.users else f"user {who}"
                out.append(f"owner: expected {exp.owner}, actual {actual}"
                           f" [decided by {rec.fields.get('__assigned_by', 'no assignment rule ran')}]")
        for banned in exp.owner_not:
            kind, who = rec.owner
            if (banned == "creator" and kind == "user" and who == rec.created_by) or (kind == "queue" and who == banned):
                out.append(f"owner: expected not {banned}, actual {banned}"
                           f" [decided by {rec.fields.get('__assigned_by', 'no assignment rule ran')}]")
        for name, want in exp.fields.items():
            got = world.get(rec, name, actor)
            if not _equal(got, self._resolve(world, want, actor, rec.object, name)):
                f = world.field(rec.object, name)
                out.append(f"field {name}: expected {want!r}, actual {_show(got)}"
                           + (f" [{f.source}]" if f is not None and f.source else ""))
        if exp.approval is not None:
            out += self._check_approval(world, rec, exp)
        for want in exp.records:
            out += self._check_records(world, want, actor)
        for vis in exp.visible_to:
            user = world.user(vis.persona)
            level, why = world.record_access(user, rec)
            if level != vis.access:
                out.append(f"visibility for {_who(vis.persona)}: expected {vis.access}, actual {level} ({why})")
        for fa in exp.field_access:
            user = world.user(fa.persona)
            obj, _, name = fa.field.partition(".")
            names = [name]
            if name == "*":
                # Every custom field that has field-level security (required and master-detail
                # fields have none: everyone with object access edits them).
                sobj = self.model.objects.get(obj)
                names = [f.name for f in (sobj.fields.values() if sobj else []) if not f.required]
            for n in names:
                level = world.field_access(user, obj, n)
                if level != fa.access:
                    out.append(f"field access {obj}.{n} for {_who(fa.persona)}: expected {fa.access}, actual "
                               f"{level} [permission sets {', '.join(user.permission_sets) or 'none'}]")
        return out

    def _check_approval(self, world: World, rec: Record, exp: Expect) -> list[str]:
        a = exp.approval
        assert a is not None
        state = rec.approval
        out = []
        if a.status is not None:
            actual = state.status if state else "None"
            if actual != a.status:
                proc = self.model.process(state.process) if state else None
                out.append(f"approval status: expected {a.status}, actual {actual}"
                           + (f" [{state.process}, steps {state.steps_reached}, {proc.source if proc else ''}]"
                              if state else ""))
        if a.process is not None:
            actual = _versionless(state.process) if state else "none"
            if actual != _versionless(a.process):
                out.append(f"approval process: expected {a.process}, actual {actual}")
        if a.steps is not None:
            actual_steps = state.steps_reached if state else []
            if actual_steps != a.steps:
                out.append(f"approval steps: expected {a.steps}, actual {actual_steps}"
                           + (f" [{state.process}]" if state else ""))
        if a.approvers is not None:
            actual_approvers: list[str] = []
            if state and state.step_index is not None:
                proc = self.model.process(state.process)
                if proc:
                    actual_approvers = [x.name for x in proc.steps[state.step_index].approvers]
            if sorted(actual_approvers) != sorted(a.approvers):
                out.append(f"approvers: expected {a.approvers}, actual {actual_approvers}")
        return out



def _equal(got: Any, want: Any) -> bool:
    if isinstance(got, Decimal) or isinstance(want, Decimal):
        try:
            return got is not None and want is not None and Decimal(str(got)) == Decimal(str(want))
        except Exception:
            return False
    if isinstance(got, str) or isinstance(want, str):
        return (got or "") == (want or "")
    return got == want


def _show(v: Any) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return repr(v)


def _who(p: Persona) -> str:
    return f"{p.role}" + (f" ({p.tier})" if p.tier else "")
