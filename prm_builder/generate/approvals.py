"""Object-agnostic approval processes from an `ApprovalRouting` (model/approval.py).

How a feature uses it (deal registration on Lead; MDF requests and claims the same way):

    target = ApprovalTarget(object="MDF_Request__c", prefix="MDF_Request",
                            status_field="Status__c", statuses=ApprovalStatuses(...),
                            tier_field="Partner_Tier__c", amount_field="Amount__c", ...)
    yield from approval_components(spec, target, routing, source=section.ref("approval"))

What comes out, per route: one ApprovalProcess (entry criteria: status = submitted and the
record's tier is one of the route's tiers); its steps with queue / user approvers; the
field updates that move the status on approval, rejection and recall; and, for a public
group approver, a queue whose member is the group (approval steps can only name users
and queues). Auto-approval below a threshold is the first step's entry criterion with
"if the criteria are not met: approve the record".

Versioning. Once activated, an approval process's steps cannot be added, removed or
reordered, nor their reject / skip behaviour changed, even after deactivation. So
generators emit processes under their base name, and `apply_versions` (run once over
all components) names them `<base>_v<N>`: a process whose step signature matches the
lock file's latest version keeps that version; a changed signature becomes version N+1,
and every earlier version is regenerated from the lock, inactive. The lock file
(`specs/prm.lock.json`) is written by `prm build` and committed with the specs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from prm_builder.errors import Diagnostic, PrmInternalError, Severity, SourceRef
from prm_builder.generate.component import Component
from prm_builder.generate.fields import formula_number
from prm_builder.generate.workflow import field_update
from prm_builder.model.approval import (OPERATIONS, ApprovalRoute, ApprovalRouting, ApprovalStepSpec, ApproverSpec,
                                        CriterionSpec)

#: key of a `named_user:` approver -> its username in the org built for
NamedUsers = Callable[[str], "str | None"] | None

LOCK_FILE = "prm.lock.json"
LOCK_FORMAT = 1
#: base names leave room for the '_vNN' version suffix inside the 40-character limit
BASE_NAME_MAX = 36
STEPS_MAX = 30
APPROVERS_MAX = 25
PROCESSES_PER_OBJECT_MAX = 300


@dataclass(frozen=True)
class ApprovalStatuses:
    """Values of the record's status field the approval moves between."""

    submitted: str
    approved: str
    rejected: str
    recalled: str
    """Where a recalled request goes (editable again, e.g. 'Draft')."""


@dataclass(frozen=True)
class ApprovalTarget:
    """What the generic generator needs to know about the approved object."""

    object: str
    """API name of the object, e.g. 'Lead' or 'MDF_Request__c'."""
    prefix: str
    """Prefix of generated action names, e.g. 'Deal_Reg' -> 'Deal_Reg_Set_Approved'."""
    status_field: str
    statuses: ApprovalStatuses
    tier_field: str
    """Field on the object holding the partner's tier developer name (a formula is fine)."""
    amount_field: str | None = None
    """Currency field thresholds compare against (None: routes may not use thresholds)."""
    tier_names: dict[str, str] = field(default_factory=dict)
    """Tier name or api_name -> developer name (the value the tier field holds)."""
    submitters: tuple[tuple[str, str | None], ...] = (("owner", None),)
    """ApprovalSubmitter (type, submitter) pairs; the record owner by default."""
    request_template: str | None = None
    """Email template (Folder/Name) of the 'please approve' mail to approvers."""
    page_fields: tuple[str, ...] = ()
    """Fields shown on the approval page."""
    approval_actions: tuple[tuple[str, str], ...] = ()
    """Extra final-approval actions as (WorkflowActionType, name), e.g. ('Alert', 'X')."""
    rejection_actions: tuple[tuple[str, str], ...] = ()
    submission_actions: tuple[tuple[str, str], ...] = ()
    recall_actions: tuple[tuple[str, str], ...] = ()
    feature: str = "approval"
    """Human name of the feature, used in descriptions."""
    lock_when_approved: bool = False
    """finalApprovalRecordLock: keep the record locked after final approval (approved values
    then change only by admins); approver-owned values are guarded by generate/approval_guards.py."""


def group_queue_name(group: str) -> str:
    """The queue standing in for a public-group approver."""
    return f"Approvers_{group}"


def queue_for_object(queue: str, obj: str, source: SourceRef | None) -> Component:
    """Let a queue another feature generates (e.g. deal registration's Channel_Managers)
    also own and approve `obj` records: merged into that queue's file by generate()."""
    return Component("Queue", queue, {"queueSobject": [{"sobjectType": obj}]},
                     purpose=f"Adds {obj} to queue {queue}.", source=source)


def status_update_names(target: ApprovalTarget) -> dict[str, str]:
    return {phase: f"{target.prefix}_Set_{phase.capitalize()}" for phase in ("approved", "rejected", "recalled")}


def approval_components(target: ApprovalTarget, routing: ApprovalRouting, *,
                        source: SourceRef | None, named_users: NamedUsers = None) -> Iterator[Component]:
    """Every component the routing needs on `target.object` (processes under base names).
    `named_users(key)` gives the username of a `named_user:` approver in the org built for."""
    obj = target.object
    updates = status_update_names(target)
    for phase, name in updates.items():
        value = getattr(target.statuses, phase)
        yield field_update(obj, name, field=target.status_field, literal=value,
                           label=f"{target.prefix.replace('_', ' ')} status {value}"[:80], source=source,
                           purpose=f"Sets the {target.feature} status to {value} when the request is {phase}.")
    groups: dict[str, SourceRef | None] = {}
    for route in routing.routes:
        for step in route.steps:
            for approver in step.approvers:
                if approver.group:
                    groups.setdefault(approver.group, approver.ref())
        yield process_component(target, routing, route, named_users)
    for group, ref in sorted(groups.items()):
        yield Component(
            "Queue", group_queue_name(group),
            {"name": f"Approvers {group.replace('_', ' ')}"[:40], "doesSendEmailToMembers": True,
             "queueMembers": {"publicGroups": {"publicGroup": [group]}},
             "queueSobject": [{"sobjectType": obj}]},
            purpose=f"Lets members of public group {group} approve: approval steps name users or queues only.",
            source=ref, references=(f"Group:{group}",))


def process_component(target: ApprovalTarget, routing: ApprovalRouting, route: ApprovalRoute,
                      named_users: NamedUsers = None) -> Component:
    obj = target.object
    updates = status_update_names(target)
    tiers = [target.tier_names.get(t, t) for t in route.tiers]
    entry = [_item(obj, target.status_field, "equals", target.statuses.submitted),
             _item(obj, target.tier_field, "equals", ",".join(tiers))]
    entry += [_criterion(obj, c) for c in route.criteria]
    steps = [_step(target, route, i, step, named_users) for i, step in enumerate(route.steps)]
    body: dict[str, Any] = {
        "fullName": route.name,
        "active": True,
        "allowRecall": routing.allow_recall,
        "allowedSubmitters": [{"submitter": who, "type": kind} for kind, who in target.submitters],
        "approvalPageFields": {"field": list(target.page_fields)} if target.page_fields else None,
        "approvalStep": steps,
        "description": (route.description or f"{target.feature} approval for tiers "
                        f"{', '.join(route.tiers)}. Generated by prm from the specs.")[:255],
        "emailTemplate": target.request_template,
        "enableMobileDeviceAccess": False,
        "entryCriteria": {"criteriaItems": entry},
        "finalApprovalActions": _actions([("FieldUpdate", updates["approved"]), *target.approval_actions]),
        "finalApprovalRecordLock": target.lock_when_approved,
        "finalRejectionActions": _actions([("FieldUpdate", updates["rejected"]), *target.rejection_actions]),
        # Unlocked after rejection so the submitter can fix the record and resubmit.
        "finalRejectionRecordLock": False,
        "initialSubmissionActions": _actions(list(target.submission_actions)),
        "label": route.display_label[:40],
        "nextAutomatedApprover": next_automated_approver(route),
        "recallActions": _actions([("FieldUpdate", updates["recalled"]), *target.recall_actions]),
        "recordEditability": "AdminOrCurrentApprover" if routing.approver_can_edit else "AdminOnly",
        "showApprovalHistory": True,
    }
    return Component("ApprovalProcess", f"{obj}.{route.name}", body,
                     purpose=f"Routes {target.feature} requests of tiers {', '.join(route.tiers)} "
                             f"through {len(steps)} step(s).",
                     source=route.ref(), references=tuple(sorted(body_references(obj, body))),
                     reference_sources=_approver_sources(obj, route))


def _step(target: ApprovalTarget, route: ApprovalRoute, index: int, step: ApprovalStepSpec,
          named_users: NamedUsers) -> dict[str, Any]:
    obj = target.object
    threshold = route.auto_approve_below if index == 0 else step.min_amount
    if index == 0 and threshold is None:
        threshold = step.min_amount
    criteria = []
    if threshold is not None and target.amount_field:
        criteria.append(_item(obj, target.amount_field, "greaterOrEqual", formula_number(threshold)))
    criteria += [_criterion(obj, c) for c in step.criteria]
    approvers: list[dict[str, Any]] = []
    for a in step.approvers:
        entry = approver_entry(target, a, named_users)
        # Two named users may be one person in some org (a scratch org's admin): name them once.
        if entry not in approvers:
            approvers.append(entry)
    return {
        "allowDelegate": False,
        "assignedApprover": {"approver": approvers,
                             "whenMultipleApprovers": ("Unanimous" if step.when_multiple == "unanimous"
                                                       else "FirstResponse") if len(approvers) > 1 else None},
        "description": step.description or None,
        "entryCriteria": {"criteriaItems": criteria} if criteria else None,
        # Not meeting a step's criteria (amount below its threshold) ends the chain with
        # approval; thresholds increase along the chain (PRM-V105), so no later step would apply.
        "ifCriteriaNotMet": "ApproveRecord" if criteria else None,
        "label": step.display_label[:40],
        "name": step.name,
        # The first step has no previous one to go back to (PRM-V107).
        "rejectBehavior": {"type": "BackToPrevious" if step.on_reject == "back_to_previous" else "RejectRequest"}
        if index > 0 else None,
    }


def approver_entry(target: ApprovalTarget, a: ApproverSpec, named_users: NamedUsers) -> dict[str, Any]:
    """One Approver element. Types (Metadata API, ApprovalProcess > Approver.type): `user`
    (a username), `queue`, `relatedUserField` (a User lookup on the record) and
    `userHierarchyField` (no name: the process's nextAutomatedApprover says whose manager)."""
    if a.related_user:
        return {"name": a.related_user, "type": "relatedUserField"}
    if a.manager:
        return {"name": None, "type": "userHierarchyField"}
    if a.named_user:
        username = named_users(a.named_user) if named_users else None
        if username is None:
            raise PrmInternalError(f"named user '{a.named_user}' has no username (validation lets none through)")
        return {"name": username, "type": "user"}
    if a.user:
        return {"name": a.user, "type": "user"}
    return {"name": a.queue or group_queue_name(a.group or ""), "type": "queue"}


def next_automated_approver(route: ApprovalRoute) -> dict[str, Any] | None:
    """Whose manager `manager:` approvers are: the submitter's, or the record owner's
    (useApproverFieldOfRecordOwner), through the standard User.Manager hierarchy field."""
    kinds = {a.manager for s in route.steps for a in s.approvers if a.manager}
    if not kinds:
        return None
    return {"useApproverFieldOfRecordOwner": "owner" in kinds, "userHierarchyField": "Manager"}


def _item(obj: str, field_name: str, operation: str, value: str) -> dict[str, str]:
    return {"field": f"{obj}.{field_name}", "operation": operation, "value": value}


def _criterion(obj: str, c: CriterionSpec) -> dict[str, str]:
    value = formula_number(c.value) if isinstance(c.value, (int, float)) and not isinstance(c.value, bool) else str(c.value)
    return _item(obj, c.field, OPERATIONS[c.operation], value)


def _actions(actions: Sequence[tuple[str, str]]) -> dict[str, list] | None:
    return {"action": [{"name": name, "type": kind} for kind, name in actions]} if actions else None


def _approver_sources(obj: str, route: ApprovalRoute) -> dict[str, SourceRef | None]:
    out: dict[str, SourceRef | None] = {}
    for step in route.steps:
        for a in step.approvers:
            if a.kind in ("queue", "user", "group"):
                key = {"queue": "Queue", "user": "User", "group": "Queue"}[a.kind]
                name = a.name if a.kind != "group" else group_queue_name(a.name)
                out.setdefault(f"{key}:{name}", a.ref(a.kind))
            elif a.kind == "related_user":
                out.setdefault(f"CustomField:{obj}.{a.name}", a.ref(a.kind))
    return out


_ACTION_REFS = {"FieldUpdate": "WorkflowFieldUpdate", "Alert": "WorkflowAlert"}


def body_references(obj: str, body: dict[str, Any]) -> set[str]:
    """What an ApprovalProcess body points to (also used for versions restored from the lock,
    which must still resolve: an inactive version is deployed too)."""
    refs: set[str] = set()

    def criteria(block: dict | None) -> None:
        for item in (block or {}).get("criteriaItems", []):
            refs.add(f"CustomField:{item['field']}")

    def actions(block: dict | None) -> None:
        for action in (block or {}).get("action", []):
            if action["type"] in _ACTION_REFS:
                refs.add(f"{_ACTION_REFS[action['type']]}:{obj}.{action['name']}")

    criteria(body.get("entryCriteria"))
    for key in ("finalApprovalActions", "finalRejectionActions", "initialSubmissionActions", "recallActions"):
        actions(body.get(key))
    if body.get("emailTemplate"):
        refs.add(f"EmailTemplate:{body['emailTemplate']}")
    for f in (body.get("approvalPageFields") or {}).get("field", []):
        refs.add(f"CustomField:{obj}.{f}")
    for step in body.get("approvalStep", []):
        criteria(step.get("entryCriteria"))
        actions(step.get("approvalActions"))
        actions(step.get("rejectionActions"))
        for approver in step["assignedApprover"]["approver"]:
            if approver["type"] == "relatedUserField":
                refs.add(f"CustomField:{obj}.{approver['name']}")
            elif approver["type"] in ("queue", "user"):
                refs.add(f"{'Queue' if approver['type'] == 'queue' else 'User'}:{approver['name']}")
    return refs


# ----------------------------------------------------------------------------- versioning

Signature = list[list[str]]


def step_signature(body: dict[str, Any]) -> Signature:
    """What may not change once a process was activated: the steps, their order, and each
    step's skip behaviour (ifCriteriaNotMet) and reject behaviour."""
    return [[s["name"], s.get("ifCriteriaNotMet") or "", (s.get("rejectBehavior") or {}).get("type", "")]
            for s in body.get("approvalStep", [])]


@dataclass
class LockedVersion:
    version: int
    steps: Signature
    body: dict[str, Any]


@dataclass
class ApprovalLock:
    """specs/prm.lock.json: every version of every generated approval process."""

    processes: dict[str, list[LockedVersion]] = field(default_factory=dict)
    #: where the lock was read from (diagnostics about versions only it knows point here)
    source: SourceRef | None = None

    def to_text(self) -> str:
        data = {"format": LOCK_FORMAT,
                "comment": "Written by `prm build`; commit it. Versions of activated approval processes "
                           "(their steps can never change): see README, 'Approval processes'.",
                "approval_processes": {key: [{"version": v.version, "steps": v.steps, "body": v.body}
                                             for v in versions]
                                       for key, versions in sorted(self.processes.items())}}
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def load_lock(specs_dir: Path) -> tuple[ApprovalLock, list[Diagnostic]]:
    """Read the lock file; a missing file is an empty lock, a broken one an error (PRM-V148)."""
    path = specs_dir / LOCK_FILE
    if not path.is_file():
        return ApprovalLock(), []
    display = path.as_posix()
    hint = (f"restore {LOCK_FILE} from git (it records which approval-process versions the org has "
            "seen); delete it only for an org where no process was ever activated")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return ApprovalLock(), [Diagnostic("PRM-V148", f"{LOCK_FILE} is not UTF-8", SourceRef(display, 1, 1), hint)]
    except json.JSONDecodeError as exc:
        return ApprovalLock(), [Diagnostic("PRM-V148", f"{LOCK_FILE} is not valid JSON: {exc.msg}",
                                           SourceRef(display, exc.lineno, exc.colno), hint)]
    try:
        if data.get("format") != LOCK_FORMAT:
            raise ValueError(f"unknown format {data.get('format')!r}")
        lock = ApprovalLock(source=SourceRef(display, 1, 1))
        for key, versions in data["approval_processes"].items():
            if not isinstance(key, str) or key.count(".") != 1:
                raise ValueError(f"process key {key!r} is not Object.Name")
            parsed = [LockedVersion(int(v["version"]), [[str(x) for x in s] for s in v["steps"]], dict(v["body"]))
                      for v in versions]
            if [v.version for v in parsed] != sorted({v.version for v in parsed}) or not parsed:
                raise ValueError(f"versions of {key} are not ascending")
            lock.processes[key] = parsed
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        return ApprovalLock(), [Diagnostic("PRM-V148", f"{LOCK_FILE} has an unexpected shape: {exc}",
                                           SourceRef(display, 1, 1), hint)]
    return lock, []


def versioned_name(base: str, version: int) -> str:
    return f"{base}_v{version}"


def apply_versions(components: Iterable[Component], lock: ApprovalLock) -> tuple[list[Component], ApprovalLock]:
    """Name every ApprovalProcess '<base>_v<N>' and bring back retired versions, inactive."""
    out: list[Component] = []
    new = ApprovalLock({k: list(v) for k, v in lock.processes.items()}, lock.source)
    seen: set[str] = set()
    for c in components:
        if c.type != "ApprovalProcess":
            out.append(c)
            continue
        seen.add(c.full_name)
        obj, base = c.full_name.split(".", 1)
        history = list(new.processes.get(c.full_name, []))
        signature = step_signature(dict(c.body))
        notes: list[str] = []
        if history and history[-1].steps == signature:
            version = history[-1].version
            history[-1] = LockedVersion(version, signature, _plain(c.body))
        else:
            version = history[-1].version + 1 if history else 1
            if history:
                notes.append(
                    f"steps changed ({_describe(history[-1].steps)} -> {_describe(signature)}): an activated "
                    "approval process can never have steps added, removed or reordered, so this is a new "
                    f"process, {versioned_name(base, version)}; {versioned_name(base, history[-1].version)} "
                    "stays deployed, inactive (requests pending in it finish there). "
                    f"{LOCK_FILE} records the versions: commit it.")
            history.append(LockedVersion(version, signature, _plain(c.body)))
        new.processes[c.full_name] = history
        body = {**c.body, "fullName": versioned_name(base, version)}
        out.append(Component(c.type, f"{obj}.{versioned_name(base, version)}", body, purpose=c.purpose,
                             source=c.source, references=c.references, reference_sources=c.reference_sources,
                             deploy_step=c.deploy_step, notes=c.notes + tuple(notes)))
        out += _retired(obj, base, history[:-1], c.source, removed=False)
    for key, history in sorted(new.processes.items()):
        if key not in seen:
            obj, base = key.split(".", 1)
            out += _retired(obj, base, history, lock.source, removed=True)
    return out, new


def _retired(obj: str, base: str, versions: list[LockedVersion], source: SourceRef | None,
             removed: bool) -> list[Component]:
    out = []
    for v in versions:
        name = versioned_name(base, v.version)
        body = {**v.body, "fullName": name, "active": False}
        why = ("its route was removed from the specs" if removed else "a later version replaced it")
        out.append(Component(
            "ApprovalProcess", f"{obj}.{name}", body,
            purpose=f"Retired version {v.version} of {base}, kept inactive: {why}.",
            source=source, references=tuple(sorted(body_references(obj, body))),
            notes=(f"inactive since {why}; kept because activated processes cannot be changed and pending "
                   "requests finish in them (delete it in the org by hand once none are pending).",)
            if removed else ()))
    return out


def _describe(signature: Signature) -> str:
    return " > ".join(s[0] for s in signature) or "no steps"


def _plain(body: Any) -> Any:
    """Plain JSON data for the lock, without the empty values the serializer omits anyway."""
    if isinstance(body, dict):
        return {k: _plain(v) for k, v in sorted(body.items()) if v not in (None, "", [], ())}
    if isinstance(body, (list, tuple)):
        return [_plain(v) for v in body]
    return body


def check_process_count(components: Iterable[Component], lock: ApprovalLock) -> list[Diagnostic]:
    """300 approval processes per object count inactive ones too: retired versions kept from
    prm.lock.json fill the object's quota although the specs name only the current routes."""
    per_object: dict[str, list[Component]] = {}
    for c in components:
        if c.type == "ApprovalProcess":
            per_object.setdefault(c.full_name.split(".", 1)[0], []).append(c)
    out: list[Diagnostic] = []
    for obj, processes in sorted(per_object.items()):
        if len(processes) > PROCESSES_PER_OBJECT_MAX:
            retired = sum(1 for p in processes if p.body.get("active") is False)
            out.append(Diagnostic(
                "PRM-V104", f"{obj} would have {len(processes)} approval processes ({retired} retired versions "
                f"kept inactive from {LOCK_FILE}); the platform allows {PROCESSES_PER_OBJECT_MAX} per object",
                lock.source or processes[0].source,
                f"delete retired versions no request is pending in from the org, then remove them from {LOCK_FILE}",
                Severity.ERROR))
    return out
