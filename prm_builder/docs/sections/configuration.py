"""The configuration guide: every generated component, why it exists and where it came from."""

from __future__ import annotations

from itertools import groupby

from prm_builder.docs.content import Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, slug

ID = "configuration"
TITLE = "Configuration guide"


def build(ctx: DocContext) -> Section:
    components = sorted(ctx.components, key=lambda c: (c.type, c.full_name))
    section = Section(ID, TITLE, "Every component prm generates: type, API name, purpose and the spec line it came from.")
    types = sorted({c.type for c in components})
    section.add(Para(f"{len(components)} components of {len(types)} metadata types, all generated from the specs "
                     "by `prm build` into force-app/ (source format) and build/mdapi/ (the deploy package). "
                     "Change the specs, not the generated files."))
    section.add(Table(("metadata type", "components"),
                      tuple((t, str(sum(c.type == t for c in components))) for t in types), caption="Summary"))
    for type_name, group in groupby(components, key=lambda c: c.type):
        section.add(Heading(type_name, slug(ID, type_name)))
        rows = tuple((c.full_name, c.purpose, ctx.where(c.source), c.deploy_step, "; ".join(c.notes) or "—")
                     for c in group)
        section.add(Table(("API name", "purpose", "spec", "deploy step", "notes"), rows))
    return section
