"""Deal registration: the flow from a partner's Lead through the tier's approval route to
an Opportunity, with the rejection, recall and expiry paths; settings and routes."""

from __future__ import annotations

from typing import Any

from prm_builder.docs.content import Diagram, Heading, Link, Para, Section, Table
from prm_builder.docs.context import DocContext, join, slug
from prm_builder.docs.diagram import Edge, Graph, Node, render_svg
from prm_builder.docs.sections.common import as_list, item_text

ID = "deal-registration"
TITLE = "Deal registration"


def build(ctx: DocContext) -> Section | None:
    deal = getattr(ctx.spec, "deal_registration", None)
    if deal is None:
        return None
    section = Section(ID, TITLE, "How partners register deals, who approves them and what happens after.")
    eligible = [t.name for t in ctx.tiers_high_first() if t.features.deal_registration]
    days = deal.protection_days()
    section.add(Para(f"Partners of {join(eligible, 'no tier')} register deals as Leads. Each tier's registrations "
                     "go through that tier's approval route; "
                     + ("an approved registration is converted at once (asynchronously, after the approval is "
                        "saved) to an Opportunity that keeps the partner account." if days is None else
                        f"an approved registration protects the partner for {days} days until someone converts it "
                        "to an Opportunity (which keeps the partner account); unconverted ones expire.")))
    section.add(Heading("Flow", slug(ID, "flow")), flow_diagram(ctx, deal))
    section.add(Heading("Approval routes by tier", slug(ID, "routes")), routes_table(ctx, deal.approval, "Lead"))
    fields = deal.fields
    section.add(Heading("Settings", slug(ID, "settings")))
    section.add(Table(("", ""), (
        ("Partner lookup", f"{deal.partner_lookup.kind}: Lead.{deal.partner_lookup.lead_api_name()} → "
                           f"Opportunity.{deal.partner_lookup.opportunity_api_name()}"),
        ("Deal amount field", f"Lead.{fields.amount.api_name} (Lead has no Amount; thresholds read this)"),
        ("Status field", f"Lead.{fields.status.api_name}: {join(fields.status.values)}"),
        ("Expiry", "none: converted on approval" if days is None else f"{days} days after approval unless converted"),
        ("Conversion", (f"on approval, to Lead Status '{deal.conversion.converted_status}', creating the Opportunity"
                        if days is None else "by the channel team (Convert button or the converter action)")
         + "; owner: the partner account's owner; existing Account matched by website domain, else by name"),
        ("Recall", "partners may recall a pending registration" if deal.approval.allow_recall else "not allowed"),
        ("Duplicate check", join(f"{r.label} ({r.action})" for r in deal.duplicates.duplicate_rules)),
        ("Matching", join(f"{m.label}: {join(f'{f.field} ({f.method})' for f in m.fields)}"
                          for m in deal.duplicates.matching_rules)),
        ("Notifications", f"email templates in folder {deal.notifications.folder}"),
        ("Spec", ctx.where(deal.ref())),
    ), row_headers=True))
    views = list_view_rows(ctx)
    if views:
        section.add(Heading("Channel managers' list views", slug(ID, "list-views")))
        if days is not None:
            section.add(Para(f"'Expiring soon' lists approved registrations whose protection ends within the next "
                             f"{deal.list_views.expiring_within_days} days (list_views.expiring_within_days): convert "
                             "them or let the partner know before they expire."))
        section.add(Table(("list view", "API name", "shows leads where", "columns", "shared with"), tuple(views)))
    return section


def list_view_rows(ctx: DocContext) -> list[tuple[str, ...]]:
    """The generated deal-registration Lead list views: label, API name, filters and columns
    (by field label), audience (the automation page lists every list view the same way)."""
    from prm_builder.docs.sections.automation import list_view_row

    rows = []
    for c in ctx.of_type("ListView"):
        if c.full_name.startswith("Lead.Deal_Reg_"):
            label, name, _, filters, columns, audience = list_view_row(ctx, c)
            rows.append((label, name, filters, columns, audience))
    return rows


def _approver(approver: Any) -> str:
    data = approver.model_dump(exclude_none=True, exclude_defaults=True) if hasattr(approver, "model_dump") else {}
    return join(f"{k} {v}" for k, v in sorted(data.items())) if data else str(approver)


def _process(ctx: DocContext, obj: str, route_name: str) -> str:
    """Full name of the active process version generated for a route ('' if none)."""
    for c in ctx.of_type("ApprovalProcess"):
        base = c.full_name.split(".", 1)[1].rsplit("_v", 1)[0]
        if c.full_name.startswith(f"{obj}.") and base == route_name and c.body.get("active"):
            return c.full_name
    return ""


def routes_table(ctx: DocContext, routing: Any, obj: str) -> Table:
    """An approval routing (the shared machinery's model) by route: tiers, auto-approval,
    steps with thresholds and approvers, linked to the process's own documentation."""
    rows = []
    for route in routing.routes:
        steps = "; ".join(f"{n}. {s.display_label}" + (f" (from {ctx.money(s.min_amount)})" if s.min_amount else "")
                          + f": {join(_approver(a) for a in s.approvers)}" for n, s in enumerate(route.steps, 1))
        process = _process(ctx, obj, route.name)
        where: Any = Link(route.display_label, "approvals", slug("approvals", process)) if process else route.display_label
        rows.append((where, join(route.tiers), ctx.money(route.auto_approve_below) or "—", steps))
    return Table(("route", "tiers", "auto-approved below", "steps"), tuple(rows))


def route_details(ctx: DocContext, route: Any) -> tuple[str, ...]:
    """Lines describing a route inside a flow diagram box."""
    details = [f"tiers {join(route.tiers)}"]
    if route.auto_approve_below:
        details.append(f"auto-approved below {ctx.money(route.auto_approve_below)}")
    details += [f"{i}. {s.display_label}" + (f" from {ctx.money(s.min_amount)}" if s.min_amount else "")
                for i, s in enumerate(route.steps, 1)]
    return tuple(details)


def flow_diagram(ctx: DocContext, deal: Any) -> Diagram:
    status = deal.status_value
    nodes = [Node("lead", "Partner registers a deal", "start", (f"Lead, status {status('draft')}",)),
             Node("dup", "Duplicate check", "step", tuple(r.label for r in deal.duplicates.duplicate_rules)),
             Node("blocked", "Already registered", "bad", ("save blocked or alerted",)),
             Node("submitted", "Submitted for approval", "step", (f"status {status('submitted')}",))]
    edges = [Edge("lead", "dup", "save"), Edge("dup", "blocked", "duplicate", "reject"),
             Edge("dup", "submitted", "submit")]
    for n, route in enumerate(deal.approval.routes, 1):
        nodes.append(Node(f"route{n}", f"Approval: {route.display_label}", "step", route_details(ctx, route)))
        edges += [Edge("submitted", f"route{n}", join(route.tiers)), Edge(f"route{n}", "approved", "approve"),
                  Edge(f"route{n}", "rejected", "reject", "reject")]
    days = deal.protection_days()
    nodes += [Node("approved", "Approved", "ok", (f"status {status('approved')}",
                                                  "converted at once" if days is None else f"protected {days} days")),
              Node("rejected", "Rejected", "bad", (f"status {status('rejected')}", "reason emailed to the partner"))]
    if days is not None:
        nodes.append(Node("expired", "Expired", "wait", (f"status {status('expired')}", f"{days} days, not converted")))
        edges.append(Edge("approved", "expired", "not converted in time", "expire"))
    nodes.append(Node("opportunity", "Opportunity", "ok", (f"status {status('converted')}", "partner account kept")))
    edges.append(Edge("approved", "opportunity", "convert (async)" if days is None else "someone converts"))
    if deal.approval.allow_recall:
        nodes.append(Node("recalled", "Recalled", "wait", ("partner edits and resubmits",)))
        edges.append(Edge("submitted", "recalled", "recall", "expire"))
    graph = Graph(tuple(nodes), tuple(edges))
    title = "Deal registration: Lead → approval by tier → Opportunity, with rejection, recall and expiry"
    return Diagram("deal-registration-flow", title, render_svg("deal-registration-flow", title, graph), graph.labels())
