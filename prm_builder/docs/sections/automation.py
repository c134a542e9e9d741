"""Automation reference: every generated flow step by step (trigger, entry conditions, each
element in order, its formulas), every email template's subject and body, and every list
view's filters, columns and audience. Read from the generated metadata, so it describes what
is deployed, for the admin who will change it."""

from __future__ import annotations

from prm_builder.docs.content import Code, Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, join, slug
from prm_builder.docs.flow_text import FlowText
from prm_builder.docs.sections.common import as_list, item_text
from prm_builder.generate.component import Component

ID = "automation"
TITLE = "Flows, email templates and list views"

#: list-view column names of standard fields, as Setup labels them
STANDARD_COLUMNS = {"FULL_NAME": "Name", "NAME": "Name", "LEAD.COMPANY": "Company", "LEAD.CREATED_DATE": "Created Date",
                    "LEAD.STATUS": "Lead Status", "LEAD.EMAIL": "Email", "LEAD.COUNTRY": "Country",
                    "CREATED_DATE": "Created Date", "OWNER.ALIAS": "Owner Alias"}
SCOPES = {"Everything": "all records the viewer can see", "Mine": "the viewer's own records",
          "Queue": "records owned by the queue", "Team": "the viewer's team's records"}


def build(ctx: DocContext) -> Section | None:
    flows, templates, views = ctx.of_type("Flow"), ctx.of_type("EmailTemplate"), ctx.of_type("ListView")
    if not (flows or templates or views):
        return None
    section = Section(ID, TITLE, "What each generated flow does step by step, what each email says, and what "
                                 "each list view shows: read from the deployed metadata.")
    if flows:
        section.add(Heading("Flows", slug(ID, "flows")))
        section.add(Table(("flow", "API name", "starts", "status"), tuple(
            (str(f.body.get("label") or f.full_name), f.full_name, FlowText(f.body, ctx.naming).trigger(),
             str(f.body.get("status") or "Active")) for f in flows)))
        for flow in flows:
            _flow(ctx, section, flow)
    if templates:
        section.add(Heading("Email templates", slug(ID, "email-templates")))
        for template in templates:
            _template(ctx, section, template)
    if views:
        section.add(Heading("List views", slug(ID, "list-views")))
        section.add(Table(("list view", "API name", "shows", "filters", "columns", "shared with"),
                          tuple(list_view_row(ctx, v) for v in views)))
    return section


def _flow(ctx: DocContext, section: Section, flow: Component) -> None:
    text = FlowText(flow.body, ctx.naming)
    label = str(flow.body.get("label") or flow.full_name)
    section.add(Heading(f"Flow: {label}", slug(ID, "flow", flow.full_name)))
    section.add(Para(str(flow.body.get("description") or flow.purpose)))
    facts = [("Starts", text.trigger()), ("Entry conditions", text.entry_conditions())]
    facts += [("Scheduled path", p) for p in text.scheduled_paths()]
    facts += [("Spec", ctx.where(flow.source) or "—")]
    section.add(Table(("", ""), tuple(facts), row_headers=True))
    steps = text.steps()
    section.add(Table(("#", "element", "what it does, then"), tuple(
        (str(n), name, what) for n, (name, what) in enumerate(steps, 1)), caption=f"Steps of {label}")
        if steps else Para("The flow has no elements."))
    formulas = [(str(f.get("name")), str(f.get("expression", ""))) for f in as_list(flow.body.get("formulas"))]
    if formulas:
        section.add(Para(f"Formulas of {label}:"), Code("\n".join(f"{n} = {e}" for n, e in formulas)))


def _template(ctx: DocContext, section: Section, template: Component) -> None:
    body = template.body
    name = str(body.get("name") or template.full_name)
    section.add(Heading(f"Email: {name}", slug(ID, "email", template.full_name)))
    section.add(Table(("", ""), (("API name", f"`{template.full_name}`"), ("Subject", str(body.get("subject") or "—")),
                                 ("Format", str(body.get("type") or "text")),
                                 ("Purpose", str(body.get("description") or template.purpose)),
                                 ("Sent by", join(senders(ctx, template.full_name), "no generated email alert"))),
                      row_headers=True))
    content = (template.content or b"").decode("utf-8").strip()
    section.add(Code(content, "text") if content else Para("The template has no body."))


def list_view_row(ctx: DocContext, view: Component) -> tuple[str, ...]:
    """(label, API name, scope, filters, columns, audience) of a generated list view, fields by label."""
    obj, body = view.full_name.split(".", 1)[0], view.body

    def column(name: str) -> str:
        return STANDARD_COLUMNS.get(name) or ctx.naming.field(f"{obj}.{name}")

    filters = " AND ".join(item_text({**f, "field": f"{obj}.{f.get('field', '')}"})
                           for f in as_list(body.get("filters"))) or "no filter"
    scope = SCOPES.get(str(body.get("filterScope")), str(body.get("filterScope") or "—"))
    if body.get("queue"):
        scope = f"leads owned by the queue {ctx.naming.queue(str(body['queue']), with_api_name=False)}"
    shared = body.get("sharedTo") or {}
    audience = join(f"{kind} {name}" for kind in ("group", "role") for name in as_list(shared.get(kind))) \
        if shared else "all internal users"
    return (str(body.get("label", "")), view.full_name, scope, filters,
            join(column(str(c)) for c in as_list(body.get("columns"))), audience)


def senders(ctx: DocContext, template: str) -> list[str]:
    """The generated email alerts that send a template, with their recipients."""
    out = []
    for workflow in ctx.of_type("Workflow"):
        for alert in as_list(workflow.body.get("alerts")):
            if isinstance(alert, dict) and alert.get("template") == template:
                to = join(" ".join(str(x) for x in (r.get("type"), r.get("recipient")) if x)
                          for r in as_list(alert.get("recipients")))
                out.append(f"email alert {workflow.full_name}.{alert.get('fullName')} (to: {to})")
    out += [f"approval process {p.full_name} (to its approvers, when a step asks them)"
            for p in ctx.of_type("ApprovalProcess") if p.body.get("emailTemplate") == template]
    return out
