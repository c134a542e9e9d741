"""The sharing model: org-wide defaults of the generated objects and every sharing rule."""

from __future__ import annotations

from prm_builder.docs.content import Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, slug
from prm_builder.docs.sections.common import as_list, criteria_text
from prm_builder.docs.sections.lead_distribution import _shared_to

ID = "sharing"
TITLE = "Sharing model"


def build(ctx: DocContext) -> Section | None:
    rules = ctx.of_type("SharingRules")
    objects = [o for o in ctx.of_type("CustomObject") if o.body.get("sharingModel")]
    if not (rules or objects):
        return None
    section = Section(ID, TITLE, "Who sees which records: org-wide defaults and sharing rules by object.")
    if objects:
        section.add(Heading("Org-wide defaults of generated objects", slug(ID, "owd")))
        section.add(Table(("object", "API name", "internal", "external (partners)"), tuple(
            (ctx.naming.object(o.full_name), o.full_name, str(o.body.get("sharingModel", "")),
             str(o.body.get("externalSharingModel") or "—"))
            for o in objects)))
    for component in rules:
        section.add(Heading(f"Sharing rules on {ctx.naming.object(component.full_name)}", slug(ID, component.full_name)))
        if component.notes:
            section.add(Para(" ".join(component.notes)))
        rows = [(str(r.get("label") or r.get("fullName")), "criteria", _shared_to(r), criteria_text(r),
                 str(r.get("accessLevel", ""))) for r in as_list(component.body.get("sharingCriteriaRules"))]
        rows += [(str(r.get("label") or r.get("fullName")), "owner", _shared_to(r),
                  f"owned by {_shared_to({'sharedTo': r.get('sharedFrom') or {}})}", str(r.get("accessLevel", "")))
                 for r in as_list(component.body.get("sharingOwnerRules"))]
        section.add(Table(("rule", "kind", "shared with", "records", "access"), tuple(rows)))
    return section
