"""Field reference: every generated custom field, by object (partner account fields first)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from prm_builder.docs.content import Code, Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, slug

ID = "fields"
TITLE = "Field reference"

#: objects whose fields come first, in this order; the rest follow alphabetically
FIRST = ("Account", "Lead", "Opportunity")


def _type(body: dict[str, Any]) -> str:
    kind = str(body.get("type", ""))
    if body.get("formula"):
        return f"Formula ({kind})"
    value_set = body.get("valueSet") or {}
    if value_set.get("valueSetName"):
        return f"{kind} (global value set {value_set['valueSetName']})"
    values = (value_set.get("valueSetDefinition") or {}).get("value") or []
    if values:
        names = []
        for v in values:
            name = str(v.get("label") or v.get("fullName"))
            names.append(f"{name} (default)" if v.get("default") else name)
        return f"{kind}: {', '.join(names)}"
    if body.get("referenceTo"):
        return f"{kind} to {body['referenceTo']}"
    return kind


def _object_order(full_name: str) -> tuple[int, str]:
    obj = full_name.split(".", 1)[0]
    return (FIRST.index(obj) if obj in FIRST else len(FIRST), full_name)


def build(ctx: DocContext) -> Section | None:
    fields = sorted(ctx.of_type("CustomField"), key=lambda c: _object_order(c.full_name))
    section = Section(ID, TITLE, "Every custom field prm generates: label, type, meaning and help text.")
    if not fields:
        return section.add(Para("The program generates no custom fields."))
    for obj, group in groupby(fields, key=lambda c: c.full_name.split(".", 1)[0]):
        items = list(group)
        title = "Partner account fields (Account)" if obj == "Account" else obj
        section.add(Heading(title, slug(ID, obj)))
        section.add(Table(("API name", "label", "type", "description", "help text", "spec"), tuple(
            (c.full_name.split(".", 1)[1], str(c.body.get("label", "")), _type(c.body),
             str(c.body.get("description") or "—"), str(c.body.get("inlineHelpText") or "—"), ctx.where(c.source))
            for c in items)))
        for c in items:
            if c.body.get("formula"):
                section.add(Para(f"Formula of {c.full_name}:"), Code(str(c.body["formula"])))
    return section
