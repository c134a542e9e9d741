"""Tabs: navigation to the generated custom objects. Who may use them is the persona
model's (model/personas.py); the persona permission sets come from generate/personas.py.
`permission_set` builds the few that are no persona's (the QBR integration user's, the
partner scorecard's: generate/performance_access.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from prm_builder.errors import SourceRef
from prm_builder.generate.component import Component


def tab(obj: str, motif: str, source: SourceRef | None, purpose: str) -> Component:
    return Component("CustomTab", obj, {"fullName": obj, "customObject": True, "motif": motif},
                     purpose=purpose, source=source, references=(f"CustomObject:{obj}",))


COMPUTED = {"Summary", "AutoNumber"}


@dataclass(frozen=True)
class ObjectAccess:
    read: bool = True
    create: bool = False
    edit: bool = False
    delete: bool = False


def is_custom(obj: str) -> bool:
    return obj.endswith("__c")


def permission_set(name: str, label: str, description: str, *, objects: dict[str, ObjectAccess],
                   fields: Iterable[Component], editable: set[str] | None, tabs: Iterable[str] = (),
                   source: SourceRef | None, purpose: str) -> Component:
    """`editable`: full names of fields the holder may edit (None: every non-computed field)."""
    field_permissions = []
    references = {f"CustomObject:{o}" for o in objects if is_custom(o)} | {f"CustomTab:{t}" for t in tabs}
    for c in sorted(fields, key=lambda c: c.full_name):
        body = c.body
        if c.type != "CustomField" or body.get("required") or body.get("type") == "MasterDetail":
            continue
        computed = bool(body.get("formula")) or body.get("type") in COMPUTED
        may_edit = not computed and (editable is None or c.full_name in editable)
        field_permissions.append({"editable": may_edit, "field": c.full_name, "readable": True})
        references.add(f"CustomField:{c.full_name}")
    body = {
        "description": description,
        "fieldPermissions": field_permissions,
        "hasActivationRequired": False,
        "label": label,
        "objectPermissions": [
            {"allowCreate": a.create, "allowDelete": a.delete, "allowEdit": a.edit, "allowRead": a.read,
             "modifyAllRecords": False, "object": obj, "viewAllRecords": False}
            for obj, a in sorted(objects.items())],
        "tabSettings": [{"tab": t, "visibility": "Visible"} for t in sorted(tabs)],
    }
    return Component("PermissionSet", name, body, purpose=purpose, source=source,
                     references=tuple(sorted(references)))
