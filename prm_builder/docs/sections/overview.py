"""The PRM requirements document: program, license model, tier hierarchy, features."""

from __future__ import annotations

from prm_builder.docs.content import Bullets, Diagram, Heading, Link, Para, Section, Table
from prm_builder.docs.context import DocContext, join
from prm_builder.docs.diagram import Edge, Graph, Node, render_svg

ID = "index"
TITLE = "Requirements"

#: feature flag on a tier -> (what it is, the page that specifies it once the program has it)
FEATURES = {
    "deal_registration": ("Deal registration", "deal-registration"),
    "lead_distribution": ("Lead distribution (push)", "lead-distribution"),
    "lead_pool": ("Lead pool (pull)", "lead-distribution"),
    "mdf": ("Market development funds", "mdf"),
    "co_marketing": ("Co-marketing content", "content"),
}


def build(ctx: DocContext) -> Section:
    program = ctx.spec.program
    section = Section(ID, TITLE, f"What {program.name} is, who may join it and what each tier unlocks.")
    section.add(Heading("Program", "index-program"))
    if program.description:
        section.add(Para(program.description))
    review = program.tier_review
    section.add(Table(("", ""), (
        ("Name", program.name),
        ("Partner user license", program.license.value),
        ("Currency of amounts", program.currency),
        ("Metadata API version", program.api_version),
        ("Tier review", f"{ctx.review_cadence()}; demotion after {review.demotion_grace_days} days below the criteria"),
        ("Spec", ctx.where(program.ref())),
    ), row_headers=True))

    section.add(Heading("License model", "index-license"))
    keys = join(program.license.license_definition_keys)
    section.add(Para(
        f"Partner users get the {program.license.value} license (UserLicense.LicenseDefinitionKey {keys}). "
        "Deal registration, lead distribution and MDF need a Partner Community license: Customer Community "
        "licenses silently lack them, so prm rejects them (PRM-V015)."))

    section.add(Heading("Tier hierarchy", "index-tier-hierarchy"))
    section.add(_hierarchy(ctx))

    section.add(Heading("Features by tier", "index-features"))
    rows = []
    for flag, (label, page) in FEATURES.items():
        tiers = [t.name for t in ctx.tiers_high_first() if getattr(t.features, flag)]
        where = Link(label, page) if page in ctx.pages else f"{label} (not specified in this program yet)"
        rows.append((where, join(tiers, "no tier")))
    section.add(Table(("feature", "tiers"), tuple(rows)))
    section.add(Para("The tier decision matrix has the details per tier:"), Bullets((Link(
        "Tier decision matrix", "tiers"),)))
    return section


def _hierarchy(ctx: DocContext) -> Diagram:
    tiers = sorted(ctx.spec.tiers, key=lambda t: t.rank)
    nodes = [Node("new", "New partner", "start", ("status Onboarding",))]
    for t in tiers:
        details = tuple(f"{ctx.metric_label(m)} ≥ {ctx.metric_value(m, v)}" for m, v in sorted(t.qualification.items()))
        nodes.append(Node(t.developer_name, f"{t.name} (rank {t.rank})", "step", details or ("entry tier",)))
    edges = [Edge("new", tiers[0].developer_name, "joins")] if tiers else []
    # the tier lifecycle the org runs (generate/tier_lifecycle.py, PartnerTierReview): promotion on
    # a review day, demotion when the grace period after falling below the minimums runs out
    review = ctx.spec.program.tier_review
    grace = review.demotion_grace_days
    down = f"demote after {grace} days below" if grace else "demote when below"
    for lower, higher in zip(tiers, tiers[1:]):
        edges.append(Edge(lower.developer_name, higher.developer_name, f"promote ({review.cycle} review)"))
        edges.append(Edge(higher.developer_name, lower.developer_name, down, "expire"))
    graph = Graph(tuple(nodes), tuple(edges))
    title = ("Tier hierarchy: partners join at the entry tier, are promoted at the review when they meet a higher "
             f"tier's minimums and demoted {grace} days after falling below their own (to the tier they qualify "
             "for, never below the entry tier)")
    return Diagram("tier-hierarchy", title, render_svg("tier-hierarchy", title, graph), graph.labels())
