"""Who may do what: the persona access matrix (docs/access_matrix.py) as tables."""

from __future__ import annotations

from prm_builder.docs.access_matrix import build_matrix
from prm_builder.docs.content import Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, join, slug
from prm_builder.docs.sections.common import as_list

ID = "personas"
TITLE = "Persona access matrix"
_CELL = {"edit": "edit", "read": "read", "none": "—"}


def build(ctx: DocContext) -> Section | None:
    m = build_matrix(ctx.spec, ctx.components)
    if not m.personas:
        return None
    section = Section(ID, TITLE, "Each persona's permission set, object and field access, record visibility "
                                 "and actions, as generated.")
    section.add(Table(("persona", "permission set", "licence", "record visibility", "may"), tuple(
        (p.label.removeprefix("PRM "), p.permission_set, "Partner Community" if p.external else "Salesforce",
         p.visibility, ", ".join(a.replace("_", " ") for a in p.actions)) for p in m.personas)))
    section.add(Heading("Objects", slug(ID, "objects")))
    section.add(Para("C create, R read, E edit, D delete, V view all, M modify all. The default column is "
                     "what records a persona sees beyond its own and what sharing opens: internal default "
                     "for employees, external default for partner users."))
    section.add(Table(("object", "default internal / external", *(p.label.removeprefix("PRM ") for p in m.personas)),
                      tuple((_named(ctx.naming.object(obj), obj), " / ".join(m.defaults[obj]), *(row[p.key] or "—" for p in m.personas))
                            for obj, row in m.objects.items())))
    section.add(Heading("Fields", slug(ID, "fields")))
    section.add(Para("Formulas and roll-ups are read-only for everyone; required and master-detail fields "
                     "come with the object's access."))
    section.add(Table(("field", *(p.label.removeprefix("PRM ") for p in m.personas)),
                      tuple((_named(ctx.naming.field(f, with_object=True), f.split('.', 1)[1]), *(_CELL.get(row[p.key], row[p.key]) for p in m.personas))
                            for f, row in m.fields.items())))
    _converted(ctx, section, m.defaults)
    return section


def _converted(ctx: DocContext, section: Section, defaults: dict[str, tuple[str, str]]) -> None:
    """Who sees the Opportunities deal registrations become: the conversion's owner, the
    Opportunity's org-wide defaults and the sharing rules on it, from the generated metadata."""
    if ctx.spec.deal_registration is None:
        return
    internal, external = defaults.get("Opportunity", ("org setting", "org setting"))
    rules = [r for c in ctx.of_type("SharingRules") if c.full_name == "Opportunity"
             for kind in ("sharingCriteriaRules", "sharingOwnerRules") for r in as_list(c.body.get(kind))]
    opened = (f"the sharing rules on Opportunity ({join(str(r.get('label') or r.get('fullName')) for r in rules)}) "
              "open them to the groups they name" if rules else
              "no generated sharing rule opens Opportunities to partners, so a partner user sees one only "
              "when they own it")
    section.add(Heading("Who sees converted Opportunities", slug(ID, "converted")))
    section.add(Para(f"A registration converts to an Opportunity owned by the partner account's owner (its channel "
                     f"manager), keeping the partner account in the partner lookup. Internal users see it as the "
                     f"Opportunity internal default allows ({internal}), plus the owner and the users above the "
                     f"owner in the role hierarchy; partner users' external default is {external}: {opened}."))


def _named(label: str, api_name: str) -> str:
    """A row's name: the label, with the API name after it in code when it differs."""
    return label if label == api_name else f"{label} `{api_name}`"
