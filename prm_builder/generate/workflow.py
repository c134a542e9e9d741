"""Workflow actions (email alerts, field updates): features contribute single actions;
this module merges them into one Workflow component per object.

Like sharing rules, the Workflow metadata type is one file per object (`Lead.workflow`):
deal registration, lead distribution and MDF may all add alerts to the same object, and
a deploy of a partial file would not carry the others. Approval processes name these
actions as finalApprovalActions / finalRejectionActions.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from prm_builder.errors import SourceRef
from prm_builder.generate.component import Component

#: fragment type -> element of the Workflow type that holds it
FRAGMENT_TYPES = {"WorkflowAlert": "alerts", "WorkflowFieldUpdate": "fieldUpdates"}

#: recipient kinds of an alert (ActionEmailRecipientTypes in the schema)
RECIPIENT_TYPES = {"owner", "creator", "user", "group", "role", "partnerUser", "accountOwner"}


def email_alert(obj: str, name: str, *, description: str, template: str,
                recipients: Iterable[tuple[str, str | None]], source: SourceRef | None,
                purpose: str) -> Component:
    """An email alert on `obj` sending `template` (Folder/Name) to `recipients`:
    (type, recipient) pairs such as ('creator', None) or ('group', 'Channel_Managers')."""
    items = []
    refs = {f"EmailTemplate:{template}"}
    for kind, who in recipients:
        if kind not in RECIPIENT_TYPES:
            raise ValueError(f"recipient type {kind!r} is not one of {sorted(RECIPIENT_TYPES)}")
        items.append({"recipient": who, "type": kind})
        if kind in ("group", "role", "user") and who:
            refs.add(f"{kind.capitalize()}:{who}")
    body = {"fullName": name, "description": description[:255], "protected": False,
            "recipients": items, "senderType": "CurrentUser", "template": template}
    return Component("WorkflowAlert", f"{obj}.{name}", body, purpose=purpose, source=source,
                     references=tuple(sorted(refs)))


def field_update(obj: str, name: str, *, field: str, label: str, source: SourceRef | None,
                 purpose: str, literal: str | None = None, formula: str | None = None) -> Component:
    """A field update on `obj` setting `field` to a picklist/text literal or a formula."""
    if (literal is None) == (formula is None):
        raise ValueError("a field update sets either a literal or a formula")
    body = {"fullName": name, "field": field, "formula": formula, "literalValue": literal,
            "name": label[:80], "notifyAssignee": False,
            "operation": "Literal" if literal is not None else "Formula",
            "protected": False, "reevaluateOnChange": False}
    return Component("WorkflowFieldUpdate", f"{obj}.{name}", body, purpose=purpose, source=source,
                     references=(f"CustomField:{obj}.{field}",))


def merge_workflows(components: Iterable[Component]) -> tuple[list[Component], set[str]]:
    """Replace alert / field-update fragments with one Workflow component per object.

    Returns the components and the keys of the folded fragments (references to
    'WorkflowAlert:Lead.X' still resolve against them)."""
    others: list[Component] = []
    by_object: dict[str, list[Component]] = defaultdict(list)
    for c in components:
        if c.type in FRAGMENT_TYPES:
            by_object[c.full_name.split(".", 1)[0]].append(c)
        else:
            others.append(c)
    folded: set[str] = set()
    for obj, actions in sorted(by_object.items()):
        actions.sort(key=lambda c: c.full_name)
        body: dict[str, list] = defaultdict(list)
        for action in actions:
            body[FRAGMENT_TYPES[action.type]].append(dict(action.body))
            folded.add(action.key)
        references = sorted({r for a in actions for r in a.references})
        sources = {ref: a.reference_sources.get(ref) or a.source for a in actions for ref in a.references}
        others.append(Component(
            "Workflow", obj, dict(body),
            purpose=f"Email alerts and field updates on {obj} ({len(actions)}), one file per object.",
            source=actions[0].source, references=tuple(references), reference_sources=sources))
    return others, folded
