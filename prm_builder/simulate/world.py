"""The simulated org: records, users made from personas, and who may see and edit what.

Everything here is derived from the org model (the metadata XML). Where the metadata does
not say (profiles, the org-wide defaults of standard objects, role hierarchy), the
assumptions are stated next to the code and in the report of `prm test`."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from prm_builder.model.scenarios import Persona

from . import formula as fx
from .orgmodel import Field, OrgModel

ACCESS_ORDER = {"none": 0, "read": 1, "edit": 2}
_OWD = {"Private": "none", "Read": "read", "ReadWrite": "edit", "ReadWriteTransfer": "edit",
        "FullAccess": "edit", "PublicReadOnly": "read", "PublicReadWrite": "edit"}
# Objects without an object file are standard: their defaults are org settings prm does not
# deploy (live item L06 checks them). The simulator assumes the secure choice, Private.
ASSUMED_STANDARD_OWD = "Private"


def best(*levels: str) -> str:
    return max(levels, key=lambda a: ACCESS_ORDER[a]) if levels else "none"


def least(*levels: str) -> str:
    return min(levels, key=lambda a: ACCESS_ORDER[a]) if levels else "none"


@dataclass
class User:
    key: str
    persona: Persona
    username: str
    user_type: str              # PowerPartner for partner users, Standard otherwise
    groups: set[str]
    permission_sets: list[str]
    account_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.persona.role == "admin"


@dataclass
class ApprovalState:
    process: str
    step_index: int | None       # pending step, None when finished
    status: str                  # Pending, Approved, Rejected, Recalled
    steps_reached: list[str] = field(default_factory=list)


@dataclass
class Record:
    id: str
    object: str
    fields: dict[str, Any]
    owner: tuple[str, str]        # ("user", user key) or ("queue", queue name)
    created_by: str
    approval: ApprovalState | None = None
    locked: bool = False


#: scenario role -> the permission sets generate/personas.py gives that persona (plus the
#: partner scorecard of the performance section, which every partner user holds)
ROLE_PERMISSION_SETS: dict[str, tuple[str, ...]] = {
    "partner_user": ("PRM_Partner_User", "PRM_Partner_Scorecard"),
    "partner_manager": ("PRM_Partner_Manager", "PRM_Partner_Scorecard"),
    "channel_manager": ("PRM_Channel_Manager",),
    "channel_operations": ("PRM_Channel_Operations",),
    "mdf_approver": ("PRM_Channel_Marketing", "PRM_MDF_Finance"),
    "marketing": ("PRM_Channel_Marketing",),
}


class World:
    def __init__(self, model: OrgModel, today: dt.date) -> None:
        self.model = model
        self.now = dt.datetime.combine(today, dt.time(9, 0))
        self.records: dict[str, Record] = {}
        self.users: dict[str, User] = {}
        self.accounts: dict[str, str] = {}   # account name -> record id
        self._ids = itertools.count(1)
        self.coverage: set[tuple] = set()
        self.schedule: list[tuple] = []   # (due, seq, FlowDef, ScheduledPath, record id)
        self.given: dict[str, str] = {}      # scenario `given` key -> record id

    # ------------------------------------------------------------------ users

    def user(self, persona: Persona) -> User:
        key = "|".join(str(x) for x in (persona.role, persona.tier, persona.account_name, persona.user,
                                         ",".join(sorted(persona.groups))))
        if key in self.users:
            return self.users[key]
        groups = set(persona.groups)
        if persona.is_partner:
            groups |= {g for g in self.model.groups if g.lower().endswith("_" + str(persona.tier).lower())}
        groups |= {"channel_manager": {"Channel_Managers"}, "channel_operations": {"Channel_Operations"},
                   }.get(persona.role, set())
        if persona.permission_sets is not None:
            permsets = list(persona.permission_sets)
        elif persona.role == "admin":
            permsets = list(self.model.permission_sets)
        elif any(name in self.model.permission_sets for name in ROLE_PERMISSION_SETS.get(persona.role, ())):
            # the persona model's permission set of the role (model/personas.py names them)
            permsets = [name for name in ROLE_PERMISSION_SETS[persona.role] if name in self.model.permission_sets]
        elif persona.role == "marketing":
            permsets = []
        else:  # metadata without persona permission sets (older builds, a retrieved org)
            partner = persona.is_partner
            permsets = [p for p in self.model.permission_sets if ("Partner" in p) == partner]
        account_id = self.account(persona.account_name, persona.tier) if persona.is_partner else None
        user = User(key, persona, persona.user or f"{persona.role}.{len(self.users) + 1}@sim.example",
                    "PowerPartner" if persona.is_partner else "Standard", groups, permsets, account_id)
        self.users[key] = user
        return user

    def account(self, name: str | None, tier: str | None = None) -> str:
        name = name or "Partner"
        if name not in self.accounts:
            rec = self.new_record("Account", {"Name": name, "IsPartner": True, "Partner_Tier__c": tier},
                                  ("user", "system"), "system")
            self.accounts[name] = rec.id
        return self.accounts[name]

    def new_record(self, obj: str, values: dict[str, Any], owner: tuple[str, str], creator: str) -> Record:
        rec = Record(f"{obj[:3]}{next(self._ids):05d}", obj, dict(values), owner, creator)
        self.records[rec.id] = rec
        return rec

    # ------------------------------------------------------------------ fields and formulas

    def field(self, obj: str, name: str) -> Field | None:
        return self.model.field(obj, name)

    def ftype(self, obj: str, name: str) -> str:
        f = self.model.resolve_path(obj, name)[1]
        if f is None:
            return "Text"
        if f.type in ("Lookup", "MasterDetail"):
            return "Text"
        return f.type

    def get(self, rec: Record, path: str, user: User | None = None, prior: dict | None = None) -> Any:
        """A field's value (formula fields computed), following lookups for dotted paths."""
        parts = path.split(".")
        current: Record | None = rec
        obj = rec.object
        for rel in parts[:-1]:
            if current is None:
                return None
            if ":" in rel:  # Owner:Group -> the owning queue
                return current.owner[1] if current.owner[0] == "queue" else None
            lookup = self.model.relationship_field(obj, rel)
            if lookup is None:
                return None
            target = current.fields.get(lookup.name)
            current = self.records.get(target) if target else None
            obj = lookup.reference_to
        if current is None:
            return None
        name = parts[-1]
        if name == "OwnerId":
            return current.owner[1]
        if name == "Id":
            return current.id
        if current.object == "Opportunity" and name in ("IsClosed", "IsWon") and name not in current.fields:
            # Derived from the stage (the org's default stages: Closed Won, Closed Lost).
            stage = str(current.fields.get("StageName") or "")
            return stage.startswith("Closed") if name == "IsClosed" else stage == "Closed Won"
        f = self.model.field(current.object, name)
        if f is not None and f.formula:
            return self.formula(current, f.formula, user, blank_as_zero=f.blank_as_zero)
        if f is not None and f.summary is not None:
            return self._summary(current, f)
        for k, v in current.fields.items():
            if k.lower() == name.lower():
                return v
        return None

    def _summary(self, rec: Record, f: Field) -> Any:
        # e.g. (sum, MDF_Request__c.Requested_Amount__c, MDF_Request__c.MDF_Budget__c)
        op, summarized, fk = f.summary
        child_obj, fk_field = fk.split(".", 1)
        child_field = summarized.split(".", 1)[1] if summarized else ""
        from .criteria import item_matches
        children = [r for r in self.records.values() if r.object == child_obj and r.fields.get(fk_field) == rec.id
                    and all(item_matches(i, lambda n, r=r: (self.get(r, n), self.ftype(r.object, n)))
                            for i in f.summary_filter)]
        if op == "count":
            return len(children)
        values = [self.get(c, child_field) for c in children]
        values = [fx.Decimal(str(v)) for v in values if v is not None]
        if op == "sum":
            return sum(values, fx.Decimal(0))
        if op == "max":
            return max(values) if values else None
        if op == "min":
            return min(values) if values else None
        return None

    def formula(self, rec: Record, src: str, user: User | None, *, blank_as_zero: bool = False,
                prior: dict | None = None, is_new: bool = False) -> Any:
        refs = fx.references(src)
        prior_prefix = "$Record__Prior."  # a flow formula's view of the record before the save

        def bare(r: str) -> str:
            return r.removeprefix(prior_prefix).removeprefix("$Record.")

        types = {r: self.ftype(rec.object, bare(r)) for r in refs if not r.startswith("$User")}
        old = Record(rec.id, rec.object, prior, prior.get("__owner", rec.owner), rec.created_by) \
            if prior is not None else None
        values = {r: self.as_formula_value(rec.object, bare(r), (self.get(old, bare(r)) if old is not None else None)
                                           if r.startswith(prior_prefix) else self.get(rec, bare(r))) for r in types}
        prior_values = None
        if old is not None:
            prior_values = {r: self.as_formula_value(rec.object, bare(r), self.get(old, bare(r))) for r in types}
        ctx = fx.Context(values=values, prior=prior_values, is_new=is_new,
                         user={"UserType": user.user_type if user else "Standard",
                               "Username": user.username if user else ""},
                         today=self.now.date(), now=self.now, blank_as_zero=blank_as_zero, types=types)
        return fx.evaluate(src, ctx)

    def as_formula_value(self, obj: str, path: str, value: Any) -> Any:
        """A stored percent as a formula sees it: a fraction (50% is 0.5 in a formula), and so is
        a roll-up summing percents.
        Scenario values and expectations keep the number a user types (50)."""
        if value is None or isinstance(value, bool):
            return value
        f = self.model.resolve_path(obj, path)[1]
        if f is None or f.formula:
            return value
        percent = f.type == "Percent"
        if f.summary is not None and f.summary[0] != "count" and f.summary[1]:
            child_obj, child_field = f.summary[1].split(".", 1)
            inner = self.model.field(child_obj, child_field)
            percent = inner is not None and inner.type == "Percent" and not inner.formula
        return fx.Decimal(str(value)) / 100 if percent else value

    def find(self, obj: str, match) -> list[Record]:
        """Records of `obj` for which match(record) holds, in creation order."""
        return [r for r in self.records.values() if r.object == obj and r.id != "new" and match(r)]

    # ------------------------------------------------------------------ access

    def in_queue(self, user: User, queue: str) -> bool:
        q = self.model.queues.get(queue)
        if q is None:
            return False
        return user.username in q.users or bool(set(q.groups) & user.groups)

    def object_access(self, user: User, obj: str) -> tuple[str, list[str]]:
        if user.is_admin:
            return "edit", []
        if obj not in self.model.objects or not obj.endswith("__c"):
            # Standard objects: the profile (not in the metadata) grants them; assumed read/edit.
            return "edit", []
        level, granted_by = "none", []
        for name in user.permission_sets:
            ps = self.model.permission_sets.get(name)
            perms = ps.objects.get(obj, set()) if ps else set()
            here = "edit" if "edit" in perms else "read" if "read" in perms else "none"
            if here != "none":
                granted_by.append(name)
                self.coverage.add(("permission", name, obj))
            level = best(level, here)
        return level, granted_by

    def can_create(self, user: User, obj: str) -> bool:
        if user.is_admin or obj not in self.model.objects or not obj.endswith("__c"):
            return True  # standard objects: the profile decides (assumed granted)
        for name in user.permission_sets:
            ps = self.model.permission_sets.get(name)
            if ps and "create" in ps.objects.get(obj, set()):
                self.coverage.add(("permission", name, obj))
                return True
        return False

    def field_access(self, user: User, obj: str, name: str) -> str:
        f = self.model.field(obj, name)
        computed = f is not None and (bool(f.formula) or f.summary is not None)
        if user.is_admin:
            return "read" if computed else "edit"
        if f is None or f.source == "" or not name.endswith("__c"):
            return "edit"  # standard field: the profile decides; assumed editable
        if f.required and not computed:
            # Required (and master-detail) fields have no field-level security: everyone with
            # access to the object reads and edits them (Help: "Field-Level Security").
            return "edit"
        level = "none"
        for ps_name in user.permission_sets:
            ps = self.model.permission_sets.get(ps_name)
            if ps is None:
                continue
            r, e = ps.fields.get(f"{obj}.{name}", (False, False))
            here = "edit" if e else "read" if r else "none"
            if here != "none":
                self.coverage.add(("permission", ps_name, f"{obj}.{name}"))
            level = best(level, here)
        return least(level, "read") if computed else level

    def record_access(self, user: User, rec: Record) -> tuple[str, str]:
        """(access level, what granted it)."""
        obj_level, _ = self.object_access(user, rec.object)
        if obj_level == "none":
            return "none", f"no object permission on {rec.object}"
        if user.is_admin:
            return "edit", "admin (Modify All Data)"
        grants: list[tuple[str, str]] = []
        kind, owner = rec.owner
        if kind == "user" and owner == user.key:
            grants.append(("edit", "owner"))
        if kind == "queue" and self.in_queue(user, owner):
            grants.append(("edit", f"member of queue {owner}"))
        if kind == "user" and user.persona.role == "partner_manager":
            owner_user = self.users.get(owner)
            if owner_user and owner_user.account_id == user.account_id and owner_user.persona.is_partner:
                grants.append(("edit", "partner role hierarchy (manager of the owner)"))
        sobj = self.model.objects.get(rec.object)
        model_name = (sobj.external_sharing_model or sobj.sharing_model) if sobj and user.persona.is_partner \
            else (sobj.sharing_model if sobj else "")
        if rec.object == "Account" and user.persona.is_partner and rec.id == user.account_id:
            # Partner users see their own partner account (the account's partner roles).
            grants.append(("read", "the partner user's own account"))
        if model_name == "ControlledByParent":
            parent, link = self._master(rec)
            if parent is not None and link is not None:
                level, why = self.record_access(user, parent)
                if level == "read" and link.write_requires_master_read:
                    level = "edit"  # writeRequiresMasterRead: read on the master lets a user edit details
                grants.append((level, f"controlled by parent {parent.object}: {why}"))
        else:
            owd = _OWD.get(model_name or ASSUMED_STANDARD_OWD, "none")
            if owd != "none":
                grants.append((owd, f"org-wide default {model_name}"))
        for rule in self.model.sharing_rules:
            if rule.object != rec.object or rule.shared_to[1] not in user.groups:
                continue
            if rule.kind == "criteria":
                from .criteria import criteria_match
                if criteria_match(rule.criteria, lambda n: (self.get(rec, n), self.ftype(rec.object, n))):
                    self.coverage.add(("sharing", rule.object, rule.name))
                    grants.append(("edit" if rule.access == "Edit" else "read", f"sharing rule {rule.name}"))
            elif rule.shared_from and kind == "queue" and rule.shared_from[1] == owner:
                self.coverage.add(("sharing", rule.object, rule.name))
                grants.append(("edit" if rule.access == "Edit" else "read", f"sharing rule {rule.name}"))
        if not grants:
            return "none", f"nothing shares it (org-wide default {model_name or ASSUMED_STANDARD_OWD})"
        level, why = max(grants, key=lambda g: ACCESS_ORDER[g[0]])
        return least(level, obj_level), why

    def _master(self, rec: Record) -> tuple[Record | None, Field | None]:
        sobj = self.model.objects.get(rec.object)
        if not sobj:
            return None, None
        for f in sobj.fields.values():
            if f.type == "MasterDetail" and rec.fields.get(f.name) in self.records:
                return self.records[rec.fields[f.name]], f
        return None, None
