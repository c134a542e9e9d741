"""Tabs: navigation to the generated custom objects. Who may use them is the persona
model's (model/personas.py); the permission sets come from generate/personas.py."""

from __future__ import annotations

from prm_builder.errors import SourceRef
from prm_builder.generate.component import Component


def tab(obj: str, motif: str, source: SourceRef | None, purpose: str) -> Component:
    return Component("CustomTab", obj, {"fullName": obj, "customObject": True, "motif": motif},
                     purpose=purpose, source=source, references=(f"CustomObject:{obj}",))
