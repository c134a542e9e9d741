"""Market development funds: the model (budgets, requests, claims), allocations by tier,
and the request → claim → payment process with its rejection and expiry paths."""

from __future__ import annotations

from typing import Any

from prm_builder.docs.content import Bullets, Diagram, Heading, Link, Para, Section, Table
from prm_builder.docs.context import DocContext, join, slug
from prm_builder.docs.diagram import Edge, Graph, Node, render_svg
from prm_builder.docs.sections.deal_registration import route_details, routes_table

ID = "mdf"
TITLE = "Market development funds"

OBJECTS = {"custom": ("MDF_Budget__c", "MDF_Request__c", "MDF_Claim__c"),
           "standard": ("PartnerFundAllocation", "PartnerFundRequest", "PartnerFundClaim")}


def build(ctx: DocContext) -> Section | None:
    mdf = getattr(ctx.spec, "mdf", None)
    if mdf is None:
        return None
    budget, request, claim = OBJECTS.get(mdf.model, OBJECTS["custom"])
    section = Section(ID, TITLE, "Who may request funds, how much, and how a request becomes a payment.")
    if mdf.description:
        section.add(Para(mdf.description))
    section.add(Table(("", ""), (
        ("Model", f"{mdf.model}: {budget} → {request} → {claim}"),
        ("Who sees budgets", "each partner its own (budgets are details of the partner account)"
         if mdf.budget_access == "account" else "every partner of the tier (tier group sharing rules)"),
        ("Activities funded", join(mdf.activity_types)),
        ("Claim window", f"{mdf.claim_window_days} days after the activity ends" if mdf.claim_window_days
         else "no limit"),
        ("Spec", ctx.where(mdf.ref())),
    ), row_headers=True))
    section.add(Heading("Allocation by tier", slug(ID, "allocation")))
    section.add(Table(("tier", "MDF eligible", "annual allocation"), tuple(
        (t.name, "yes" if t.features.mdf else "no", ctx.money(t.mdf.annual_allocation) if t.mdf else "—")
        for t in ctx.tiers_high_first())))
    section.add(Heading("Request → claim → payment", slug(ID, "process")), process_diagram(ctx, mdf, request, claim))
    for title, routing, obj in (("Request approval", mdf.request_approval, request),
                                ("Claim approval", mdf.claim_approval, claim)):
        section.add(Heading(title, slug(ID, title)))
        section.add(routes_table(ctx, routing, obj) if routing is not None
                    else Para("No approval process: channel managers set the status by hand."))
    pages = [Link("Data model", "data-model")] if "data-model" in ctx.pages else []
    pages += [Link("Approval processes", "approvals")] if "approvals" in ctx.pages else []
    if pages:
        section.add(Para("The objects, their fields and every approval step are documented in:"), Bullets(tuple(pages)))
    return section


def _approval(ctx: DocContext, key: str, label: str, routing: Any, nodes: list[Node], edges: list[Edge],
              before: str, after: str, rejected: str) -> None:
    """One approval stage: a box per route (or a manual review) between `before` and `after`."""
    if routing is None:
        nodes.append(Node(key, f"{label}: channel manager", "step", ("status set by hand",)))
        routes = [(key, "submit")]
    else:
        routes = []
        for n, route in enumerate(routing.routes, 1):
            nodes.append(Node(f"{key}{n}", f"{label}: {route.display_label}", "step", route_details(ctx, route)))
            # the edge into a route says whose records take it
            routes.append((f"{key}{n}", join(route.tiers)))
    for r, whose in routes:
        edges += [Edge(before, r, whose), Edge(r, after, "approve"), Edge(r, rejected, "reject", "reject")]


def process_diagram(ctx: DocContext, mdf: Any, request: str, claim: str) -> Diagram:
    eligible = join(t.name for t in ctx.tiers_high_first() if t.features.mdf)
    nodes = [Node("budget", "Budget", "start", (f"per partner and period; {eligible}", "allocation from the tier")),
             # every activity type: the box grows to its text (wrapped), nothing is cut off
             Node("request", "Partner requests funds", "step", (request, f"activity: {join(mdf.activity_types)}")),
             Node("request_rejected", "Request rejected", "bad"),
             Node("approved", "Request approved", "ok", ("the activity runs",)),
             Node("claim", "Partner claims", "step", (claim, "proof of performance")),
             Node("claim_rejected", "Claim rejected", "bad"),
             Node("paid", "Paid", "ok", ("paid date recorded",))]
    edges = [Edge("budget", "request", "draws on")]
    _approval(ctx, "ra", "Request approval", mdf.request_approval, nodes, edges, "request", "approved",
              "request_rejected")
    edges.append(Edge("approved", "claim", "after the activity"))
    _approval(ctx, "ca", "Claim approval", mdf.claim_approval, nodes, edges, "claim", "paid", "claim_rejected")
    if mdf.claim_window_days:
        nodes.append(Node("lapsed", "Claim window closed", "wait", (f"{mdf.claim_window_days} days after the activity",)))
        edges.append(Edge("approved", "lapsed", "no claim in time", "expire"))
    graph = Graph(tuple(nodes), tuple(edges))
    title = "MDF: budget → request → approval → claim → approval → payment, with rejections and the claim window"
    return Diagram("mdf-process", title, render_svg("mdf-process", title, graph), graph.labels())
