"""Shapes for the custom objects and validation rules features create (MDF, content).

Org-wide defaults live in the object's own metadata (sharingModel / externalSharingModel),
so the object and the sharing rules that need a Private or Read default ship together.
"""

from __future__ import annotations

from typing import Any, Iterable

from prm_builder.errors import SourceRef
from prm_builder.generate.component import Component
from prm_builder.model.root import ProgramSpec

CONTROLLED_BY_PARENT = "ControlledByParent"


def org_wide_defaults(spec: ProgramSpec, obj: str, internal: str, external: str) -> tuple[str, str]:
    """The object's (internal, external) defaults: prm's choice unless the sharing section
    overrides it."""
    override = spec.sharing.org_wide_defaults.get(obj)
    if override is None:
        return internal, external
    return override.internal, override.external


def text_name(label: str) -> dict[str, Any]:
    return {"label": label, "type": "Text"}


def auto_number_name(label: str, display_format: str) -> dict[str, Any]:
    return {"label": label, "type": "AutoNumber", "displayFormat": display_format}


def custom_object(name: str, label: str, plural: str, *, name_field: dict[str, Any], sharing: str,
                  external_sharing: str, description: str, purpose: str, source: SourceRef | None,
                  notes: Iterable[str] = ()) -> Component:
    body = {
        "fullName": name,
        "deploymentStatus": "Deployed",
        "description": description,
        "enableActivities": False,
        "enableBulkApi": True,
        "enableFeeds": False,
        "enableHistory": False,
        "enableReports": True,
        "enableSearch": True,
        "enableSharing": True,
        "enableStreamingApi": True,
        "externalSharingModel": external_sharing,
        "label": label,
        "nameField": name_field,
        "pluralLabel": plural,
        "sharingModel": sharing,
    }
    return Component("CustomObject", name, body, purpose=purpose, source=source, notes=tuple(notes))


def validation_rule(obj: str, name: str, formula: str, message: str, *, description: str,
                    source: SourceRef | None, display_field: str | None = None,
                    references: Iterable[str] = ()) -> Component:
    """A validation rule; the fields its formula names are found by the reference check."""
    body = {"fullName": name, "active": True, "description": description,
            "errorConditionFormula": formula, "errorDisplayField": display_field,
            "errorMessage": message}
    return Component("ValidationRule", f"{obj}.{name}", body, purpose=description, source=source,
                     references=tuple(sorted(set(references))))
