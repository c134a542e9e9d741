"""The persona access matrix: persona x object CRUD x field access x record visibility,
derived from the persona model (model/personas.py) and the program's generated objects.

The docs show it; tests/test_access_matrix.py compares it with the permission sets and
object defaults actually generated (read back from the written XML), so a generator that
drifts from the model fails there.
"""

from __future__ import annotations

from dataclasses import dataclass

from prm_builder.generate.component import Component
from prm_builder.generate.personas import is_computed, program_objects, takes_field_permission
from prm_builder.model.personas import PERSONAS, Persona, field_access, object_access
from prm_builder.model.root import ProgramSpec

#: the cell of a required or master-detail field: access comes with the object
WITH_OBJECT = "with object"
NOT_MANAGED = "org setting"


@dataclass(frozen=True)
class AccessMatrix:
    personas: tuple[Persona, ...]
    #: object -> persona key -> letters of C R E D V M ('' = no access)
    objects: dict[str, dict[str, str]]
    #: field -> persona key -> 'edit' | 'read' | 'none' | WITH_OBJECT
    fields: dict[str, dict[str, str]]
    #: object -> (internal default, external default) of generated objects; NOT_MANAGED else
    defaults: dict[str, tuple[str, str]]

    def visibility(self, persona: Persona, obj: str) -> str:
        internal, external = self.defaults[obj]
        return external if persona.external else internal


def build_matrix(spec: ProgramSpec, components: list[Component]) -> AccessMatrix:
    personas = tuple(p for p in PERSONAS if p.serves(spec))
    objects_list = program_objects(components)
    objects: dict[str, dict[str, str]] = {}
    for obj in objects_list:
        row = {}
        for p in personas:
            a = object_access(obj, p.key, spec)
            letters = "" if a is None or not a.read else "".join(
                c for c, on in zip("CRED", (a.create, a.read, a.edit, a.delete)) if on)
            if a is not None and a.read and not p.external:
                letters += ("V" if a.view_all else "") + ("M" if a.modify_all else "")
            row[p.key] = letters
        objects[obj] = row
    fields: dict[str, dict[str, str]] = {}
    for c in sorted((c for c in components if c.type == "CustomField"), key=lambda c: c.full_name):
        obj = c.full_name.split(".", 1)[0]
        decided = field_access(spec, c.full_name) or {}
        row = {}
        for p in personas:
            if "R" not in objects[obj][p.key]:
                row[p.key] = "none"
            elif not takes_field_permission(c):
                row[p.key] = WITH_OBJECT
            else:
                access = decided.get(p.key, "none")
                if access == "edit" and (is_computed(c) or "E" not in objects[obj][p.key]):
                    access = "read"
                row[p.key] = access
        fields[c.full_name] = row
    by_name = {c.full_name: c for c in components if c.type == "CustomObject"}
    defaults = {}
    for obj in objects_list:
        body = by_name[obj].body if obj in by_name else {}
        defaults[obj] = (str(body.get("sharingModel") or NOT_MANAGED), str(body.get("externalSharingModel") or NOT_MANAGED))
    return AccessMatrix(personas, objects, fields, defaults)
