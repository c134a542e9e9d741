"""The configuration guide: every generated component, why it exists and where it came from."""

from __future__ import annotations

import re
from itertools import groupby

from prm_builder.docs.content import Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, slug
from prm_builder.docs.naming import words
from prm_builder.generate.component import Component

#: a value that is itself an API name (no spaces, underscores): not a label
API_LIKE = re.compile(r"^\w+$")

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
        rows = tuple((component_label(ctx, c), c.full_name, c.purpose, ctx.where(c.source), c.deploy_step,
                      "; ".join(c.notes) or "—") for c in group)
        section.add(Table(("component", "API name", "purpose", "spec", "deploy step", "notes"), rows))
    return section


def component_label(ctx: DocContext, c: Component) -> str:
    """What Setup calls a component: its label (fields: 'Object: label'), else its name in words."""
    body = c.body
    if c.type == "CustomField":
        return ctx.naming.field(c.full_name, with_object=True)
    if c.type in ("CustomObject", "CustomTab", "SharingRules", "Workflow", "MatchingRules", "AssignmentRules"):
        return ctx.naming.object(c.full_name)
    for key in ("label", "masterLabel", "name", "fullName"):
        value = body.get(key) if isinstance(body, dict) else None
        if isinstance(value, str) and value and not API_LIKE.match(value):
            return value
    return words(c.full_name.rsplit("/", 1)[-1].rsplit(".", 1)[-1])
