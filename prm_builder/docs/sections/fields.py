"""Field reference: every generated custom field, by object (partner account fields first)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from prm_builder.docs.content import Code, Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, join, slug
from prm_builder.docs.usage import used_by

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


def _length(body: dict[str, Any]) -> str:
    """Characters (text), digits and decimals (number), visible lines (long text): '—' if none."""
    if body.get("length"):
        lines = f", {body['visibleLines']} lines" if body.get("visibleLines") else ""
        return f"{body['length']:,} characters{lines}" if isinstance(body["length"], int) else f"{body['length']}{lines}"
    if body.get("precision") is not None and not body.get("formula"):
        scale = int(body.get("scale") or 0)
        return f"{int(body['precision']) - scale} digits" + (f", {scale} decimals" if scale else "")
    return "—"


def _default(body: dict[str, Any]) -> str:
    if body.get("defaultValue") not in (None, ""):
        return str(body["defaultValue"])
    values = ((body.get("valueSet") or {}).get("valueSetDefinition") or {}).get("value") or []
    picked = [str(v.get("label") or v.get("fullName")) for v in values if v.get("default")]
    return join(picked)


def _required(body: dict[str, Any]) -> str:
    if body.get("required"):
        return "yes"
    if body.get("type") == "MasterDetail":
        return "yes (master-detail)"
    return "—"


def _object_order(full_name: str) -> tuple[int, str]:
    obj = full_name.split(".", 1)[0]
    return (FIRST.index(obj) if obj in FIRST else len(FIRST), full_name)


def build(ctx: DocContext) -> Section | None:
    fields = sorted(ctx.of_type("CustomField"), key=lambda c: _object_order(c.full_name))
    section = Section(ID, TITLE, "Every custom field prm generates: label, type, required, length, default, "
                      "meaning, help text and what reads it.")
    if not fields:
        return section.add(Para("The program generates no custom fields."))
    users = used_by(ctx.components)
    section.add(Para("\"Used by\" lists the generated validation rules, flows, approval processes, reports, list "
                     "views, formulas and Apex classes that read the field (read from the generated metadata): "
                     "change or delete a field only after checking them."))
    for obj, group in groupby(fields, key=lambda c: c.full_name.split(".", 1)[0]):
        items = list(group)
        title = "Partner account fields (Account)" if obj == "Account" else obj
        section.add(Heading(title, slug(ID, obj)))
        section.add(Table(("field", "API name", "type", "required", "length", "default", "description",
                           "help text", "used by", "spec"), tuple(
            (str(c.body.get("label", "")), c.full_name.split(".", 1)[1], _type(c.body), _required(c.body),
             _length(c.body), _default(c.body), str(c.body.get("description") or "—"),
             str(c.body.get("inlineHelpText") or "—"), "; ".join(users.get(c.full_name, [])) or "—",
             ctx.where(c.source))
            for c in items)))
        for c in items:
            if c.body.get("formula"):
                section.add(Para(f"Formula of {c.body.get('label', '')} (`{c.full_name}`):"),
                            Code(str(c.body["formula"])))
    _existing_fields(ctx, section, {c.full_name for c in fields}, users)
    return section


def _existing_fields(ctx: DocContext, section: Section, generated: set[str], users: dict[str, list[str]]) -> None:
    """Standard fields (and fields declared under `org`) that the generated metadata reads:
    prm does not create them, but changing them breaks what is listed."""
    declared = set(ctx.spec.org.fields)
    rows = [(ctx.naming.field(name, with_object=True), name, "org (declared in the specs)" if name in declared
             else "standard", "; ".join(users[name]))
            for name in sorted(set(users) - generated, key=_object_order)]
    if rows:
        section.add(Heading("Existing fields the program reads", slug(ID, "existing")))
        section.add(Para("Fields prm does not generate but its rules, flows, reports and processes read."))
        section.add(Table(("field", "API name", "kind", "used by"), tuple(rows)))
