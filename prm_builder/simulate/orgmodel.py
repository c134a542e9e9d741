"""The org model: a source-format folder (force-app layout) read back into plain data.

The simulator works on this, never on the spec model, so that `prm test` judges what the
compiler wrote (or what was retrieved from an org with `--metadata DIR`). Each component
keeps the file it came from, so a failure can name the component that decided it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .standard_fields import CUSTOM_OBJECT_FIELDS, STANDARD_FIELDS, STANDARD_RELATIONSHIPS

NS = "{http://soap.sforce.com/2006/04/metadata}"


class MetadataReadError(Exception):
    """A metadata file that cannot be read (not XML, or not the type its name says)."""


def _t(el: etree._Element | None, tag: str, default: str = "") -> str:
    if el is None:
        return default
    child = el.find(NS + tag)
    return child.text or default if child is not None and child.text is not None else default


def _all(el: etree._Element, tag: str) -> list[etree._Element]:
    return el.findall(NS + tag)


def _parse(path: Path) -> etree._Element:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        raise MetadataReadError(f"{path}: {exc}") from None


@dataclass
class Criterion:
    field: str          # as written: 'Lead.Country' or 'Country'
    operation: str
    value: str

    @property
    def field_name(self) -> str:
        return self.field.split(".", 1)[1] if "." in self.field else self.field


@dataclass
class Criteria:
    """Filter criteria (criteriaItems + booleanFilter) or a formula: one of them."""

    items: list[Criterion] = field(default_factory=list)
    boolean_filter: str = ""
    formula: str = ""

    @property
    def empty(self) -> bool:
        return not self.items and not self.formula


def _criteria(el: etree._Element | None) -> Criteria:
    if el is None:
        return Criteria()
    items = [Criterion(_t(c, "field"), _t(c, "operation"), _t(c, "value")) for c in _all(el, "criteriaItems")]
    return Criteria(items, _t(el, "booleanFilter"), _t(el, "formula"))


@dataclass
class Field:
    name: str
    type: str
    formula: str = ""
    blank_as_zero: bool = False
    reference_to: str = ""
    relationship_name: str = ""
    values: list[str] = field(default_factory=list)
    default_value: str = ""
    required: bool = False
    summary: tuple[str, str, str] | None = None  # (operation, summarized field, foreign key)
    summary_filter: list[Criterion] = field(default_factory=list)
    write_requires_master_read: bool = False
    unique: bool = False
    case_sensitive: bool = False
    source: str = ""


@dataclass
class ValidationRule:
    object: str
    name: str
    active: bool
    formula: str
    message: str
    source: str = ""


@dataclass
class SObject:
    name: str
    fields: dict[str, Field] = field(default_factory=dict)
    sharing_model: str = ""
    external_sharing_model: str = ""
    validation_rules: list[ValidationRule] = field(default_factory=list)
    source: str = ""


@dataclass
class RuleEntry:
    index: int
    assigned_to: str
    assigned_to_type: str
    criteria: Criteria
    source: str = ""


@dataclass
class AssignmentRule:
    object: str
    name: str
    active: bool
    entries: list[RuleEntry]
    source: str = ""


@dataclass
class Approver:
    type: str   # user, queue, userHierarchyField, relatedUserField, adhoc
    name: str


@dataclass
class ApprovalStep:
    name: str
    label: str
    approvers: list[Approver]
    criteria: Criteria
    if_criteria_not_met: str   # ApproveRecord, RejectRecord, GotoNextStep
    reject_behavior: str       # RejectRequest, BackToPrevious


@dataclass
class Action:
    name: str
    type: str   # FieldUpdate, Alert, ...


@dataclass
class ApprovalProcess:
    object: str
    name: str
    active: bool
    criteria: Criteria
    steps: list[ApprovalStep]
    initial_actions: list[Action]
    final_approval_actions: list[Action]
    final_rejection_actions: list[Action]
    recall_actions: list[Action]
    final_approval_lock: bool
    final_rejection_lock: bool
    allowed_submitters: list[str]
    record_editability: str
    source: str = ""


@dataclass
class FieldUpdate:
    object: str
    name: str
    field: str
    operation: str   # Literal, Formula, Null, NextValue, PreviousValue
    literal: str
    formula: str
    source: str = ""


@dataclass
class SharingRule:
    object: str
    name: str
    kind: str            # criteria, owner
    access: str          # Read, Edit
    shared_to: tuple[str, str]   # (group|role|roleAndSubordinates..., name)
    criteria: Criteria
    shared_from: tuple[str, str] | None = None
    include_owned_by_all: bool = True
    source: str = ""


@dataclass
class Queue:
    name: str
    label: str
    sobjects: list[str]
    groups: list[str]
    users: list[str]
    roles: list[str]
    sends_email: bool
    source: str = ""


@dataclass
class Group:
    name: str
    label: str
    users: list[str] = field(default_factory=list)
    source: str = ""


@dataclass
class PermissionSet:
    name: str
    label: str
    objects: dict[str, set[str]]          # object -> {"read", "create", "edit", "delete", ...}
    fields: dict[str, tuple[bool, bool]]  # "Obj.Field" -> (readable, editable)
    source: str = ""


@dataclass
class OrgModel:
    root: str
    objects: dict[str, SObject] = field(default_factory=dict)
    assignment_rules: list[AssignmentRule] = field(default_factory=list)
    approval_processes: list[ApprovalProcess] = field(default_factory=list)
    field_updates: dict[tuple[str, str], FieldUpdate] = field(default_factory=dict)
    sharing_rules: list[SharingRule] = field(default_factory=list)
    queues: dict[str, Queue] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    permission_sets: dict[str, PermissionSet] = field(default_factory=dict)
    #: custom metadata records: type (e.g. PRM_Lead_Route__mdt) -> DeveloperName -> field values
    custom_metadata: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    # -------------------------------------------------------------- field types

    def field(self, obj: str, name: str) -> Field | None:
        sobj = self.objects.get(obj)
        if sobj:
            for fname, f in sobj.fields.items():
                if fname.lower() == name.lower():
                    return f
        standard = STANDARD_FIELDS.get(obj) or (CUSTOM_OBJECT_FIELDS if obj.endswith("__c") else {})
        for fname, (ftype, ref) in standard.items():
            if fname.lower() == name.lower():
                return Field(fname, ftype, reference_to=ref)
        return None

    def resolve_path(self, obj: str, path: str) -> tuple[str, Field | None]:
        """Follow a formula path ('MDF_Budget__r.Partner_Account__r.Partner_Tier__c') to the
        object and field it ends on."""
        parts = path.split(".")
        current = obj
        for rel in parts[:-1]:
            lookup = self.relationship_field(current, rel)
            if lookup is None or not lookup.reference_to:
                return current, None
            current = lookup.reference_to
        return current, self.field(current, parts[-1])

    def relationship_field(self, obj: str, rel: str) -> Field | None:
        if rel.endswith("__r"):
            return self.field(obj, rel[:-3] + "__c")
        std = STANDARD_RELATIONSHIPS.get(obj, {})
        for name, lookup in std.items():
            if name.lower() == rel.lower():
                return self.field(obj, lookup)
        return None

    def process(self, name: str) -> ApprovalProcess | None:
        return next((p for p in self.approval_processes if p.name == name), None)


# ------------------------------------------------------------------ readers

def _read_field(path: Path, rel: str) -> Field:
    el = _parse(path)
    values = [_t(v, "fullName") for v in el.iter(NS + "value") if _t(v, "fullName")]
    default = next((_t(v, "fullName") for v in el.iter(NS + "value") if _t(v, "default") == "true"), "")
    summary = None
    if _t(el, "type") == "Summary":
        summary = (_t(el, "summaryOperation"), _t(el, "summarizedField"), _t(el, "summaryForeignKey"))
    return Field(
        name=_t(el, "fullName") or path.name.split(".")[0],
        type=_t(el, "type") or ("Formula" if _t(el, "formula") else ""),
        formula=_t(el, "formula"),
        blank_as_zero=_t(el, "formulaTreatBlanksAs", "BlankAsZero") == "BlankAsZero",
        reference_to=_t(el, "referenceTo"),
        relationship_name=_t(el, "relationshipName"),
        values=values,
        default_value=default or _t(el, "defaultValue"),
        required=_t(el, "required") == "true" or _t(el, "type") == "MasterDetail",
        summary=summary,
        write_requires_master_read=_t(el, "writeRequiresMasterRead") == "true",
        unique=_t(el, "unique") == "true",
        case_sensitive=_t(el, "caseSensitive") == "true",
        summary_filter=[Criterion(_t(c, "field"), _t(c, "operation"), _t(c, "value"))
                        for c in _all(el, "summaryFilterItems")],
        source=rel,
    )


def _actions(el: etree._Element, tag: str) -> list[Action]:
    block = el.find(NS + tag)
    if block is None:
        return []
    return [Action(_t(a, "name"), _t(a, "type")) for a in _all(block, "action")]


def _read_approval(path: Path, rel: str) -> ApprovalProcess:
    el = _parse(path)
    obj, name = path.name.split(".")[0], path.name.split(".")[1]
    steps = []
    for s in _all(el, "approvalStep"):
        approvers = []
        block = s.find(NS + "assignedApprover")
        if block is not None:
            approvers = [Approver(_t(a, "type"), _t(a, "name")) for a in _all(block, "approver")]
        steps.append(ApprovalStep(
            _t(s, "name"), _t(s, "label"), approvers, _criteria(s.find(NS + "entryCriteria")),
            _t(s, "ifCriteriaNotMet", "ApproveRecord"),
            _t(s.find(NS + "rejectBehavior"), "type", "RejectRequest"),
        ))
    criteria = _criteria(el.find(NS + "entryCriteria"))
    if not criteria.formula and _t(el, "entryCriteriaFormula"):
        criteria.formula = _t(el, "entryCriteriaFormula")
    return ApprovalProcess(
        obj, name, _t(el, "active") == "true", criteria, steps,
        _actions(el, "initialSubmissionActions"), _actions(el, "finalApprovalActions"),
        _actions(el, "finalRejectionActions"), _actions(el, "recallActions"),
        _t(el, "finalApprovalRecordLock") == "true", _t(el, "finalRejectionRecordLock") == "true",
        [_t(s, "type") for s in _all(el, "allowedSubmitters")], _t(el, "recordEditability"), rel,
    )


def _read_sharing(path: Path, rel: str) -> list[SharingRule]:
    el = _parse(path)
    obj = path.name.split(".")[0]
    out = []
    for kind, tag in (("criteria", "sharingCriteriaRules"), ("owner", "sharingOwnerRules")):
        for r in _all(el, tag):
            to = r.find(NS + "sharedTo")
            shared_to = ("", "")
            if to is not None and len(to):
                shared_to = (etree.QName(to[0]).localname, to[0].text or "")
            frm = r.find(NS + "sharedFrom")
            shared_from = (etree.QName(frm[0]).localname, frm[0].text or "") if frm is not None and len(frm) else None
            out.append(SharingRule(
                obj, _t(r, "fullName"), kind, _t(r, "accessLevel"), shared_to, _criteria(r), shared_from,
                _t(r, "includeRecordsOwnedByAll", "true") == "true", rel,
            ))
    return out


def _read_queue(path: Path, rel: str) -> Queue:
    el = _parse(path)
    members = el.find(NS + "queueMembers")
    def names(block: str, tag: str) -> list[str]:
        if members is None:
            return []
        b = members.find(NS + block)
        return [c.text or "" for c in b.findall(NS + tag)] if b is not None else []
    return Queue(
        path.name.split(".")[0], _t(el, "name"),
        [_t(s, "sobjectType") for s in _all(el, "queueSobject")],
        names("publicGroups", "publicGroup"), names("users", "user"),
        names("roles", "role") + names("roleAndSubordinates", "roleAndSubordinate"),
        _t(el, "doesSendEmailToMembers") == "true", rel,
    )


def _read_permset(path: Path, rel: str) -> PermissionSet:
    el = _parse(path)
    objects: dict[str, set[str]] = {}
    for o in _all(el, "objectPermissions"):
        perms = {k for k, tag in (("create", "allowCreate"), ("read", "allowRead"), ("edit", "allowEdit"),
                                  ("delete", "allowDelete"), ("view_all", "viewAllRecords"),
                                  ("modify_all", "modifyAllRecords")) if _t(o, tag) == "true"}
        objects[_t(o, "object")] = perms
    fields = {_t(f, "field"): (_t(f, "readable") == "true", _t(f, "editable") == "true")
              for f in _all(el, "fieldPermissions")}
    return PermissionSet(path.name.split(".")[0], _t(el, "label"), objects, fields, rel)


def read_org(root: Path) -> OrgModel:
    """Read a source-format folder: `root` is force-app/ (or any folder holding main/default,
    or the `default` folder itself)."""
    base = root
    for candidate in (root / "main" / "default", root / "force-app" / "main" / "default", root):
        if candidate.is_dir() and any(candidate.iterdir()):
            base = candidate
            break
    if not base.is_dir():
        raise MetadataReadError(f"{root}: no such folder")
    model = OrgModel(str(root))

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(root.parent if root.name else root))
        except ValueError:
            return str(p)

    for obj_dir in sorted((base / "objects").glob("*")) if (base / "objects").is_dir() else []:
        sobj = SObject(obj_dir.name)
        meta = obj_dir / f"{obj_dir.name}.object-meta.xml"
        if meta.is_file():
            el = _parse(meta)
            sobj.sharing_model = _t(el, "sharingModel")
            sobj.external_sharing_model = _t(el, "externalSharingModel")
            sobj.source = rel(meta)
        for f in sorted((obj_dir / "fields").glob("*.field-meta.xml")):
            fld = _read_field(f, rel(f))
            sobj.fields[fld.name] = fld
        for v in sorted((obj_dir / "validationRules").glob("*.validationRule-meta.xml")):
            el = _parse(v)
            sobj.validation_rules.append(ValidationRule(
                obj_dir.name, _t(el, "fullName") or v.name.split(".")[0], _t(el, "active") == "true",
                _t(el, "errorConditionFormula"), _t(el, "errorMessage"), rel(v)))
        model.objects[sobj.name] = sobj

    for f in sorted((base / "assignmentRules").glob("*.assignmentRules-meta.xml")):
        el = _parse(f)
        for r in _all(el, "assignmentRule"):
            entries = [RuleEntry(i + 1, _t(e, "assignedTo"), _t(e, "assignedToType"), _criteria(e), rel(f))
                       for i, e in enumerate(_all(r, "ruleEntry"))]
            model.assignment_rules.append(AssignmentRule(
                f.name.split(".")[0], _t(r, "fullName"), _t(r, "active") == "true", entries, rel(f)))

    for f in sorted((base / "approvalProcesses").glob("*.approvalProcess-meta.xml")):
        model.approval_processes.append(_read_approval(f, rel(f)))

    for f in sorted((base / "workflows").glob("*.workflow-meta.xml")):
        el = _parse(f)
        obj = f.name.split(".")[0]
        for u in _all(el, "fieldUpdates"):
            fu = FieldUpdate(obj, _t(u, "fullName"), _t(u, "field"), _t(u, "operation"),
                             _t(u, "literalValue"), _t(u, "formula"), rel(f))
            model.field_updates[(obj, fu.name)] = fu

    for f in sorted((base / "sharingRules").glob("*.sharingRules-meta.xml")):
        model.sharing_rules.extend(_read_sharing(f, rel(f)))

    for f in sorted((base / "queues").glob("*.queue-meta.xml")):
        q = _read_queue(f, rel(f))
        model.queues[q.name] = q

    for f in sorted((base / "groups").glob("*.group-meta.xml")):
        el = _parse(f)
        model.groups[f.name.split(".")[0]] = Group(f.name.split(".")[0], _t(el, "name"), source=rel(f))

    for f in sorted((base / "permissionsets").glob("*.permissionset-meta.xml")):
        ps = _read_permset(f, rel(f))
        model.permission_sets[ps.name] = ps

    # Custom metadata records (customMetadata/<Type>.<Record>.md-meta.xml): what flows look up
    # (the acceptance SLA's next queue per push queue).
    for f in sorted((base / "customMetadata").glob("*.md-meta.xml")):
        type_name, _, record = f.name[:-len(".md-meta.xml")].partition(".")
        values = {_t(v, "field"): _t(v, "value") for v in _all(_parse(f), "values")}
        model.custom_metadata.setdefault(type_name + "__mdt", {})[record] = {"DeveloperName": record, **values}
    return model
