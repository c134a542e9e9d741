"""The partner tier decision matrix: tier x what it qualifies on and what it unlocks.

Feature sections add their own rows (approval route, content categories, ...) through
`tier_rows`; this module owns the rows the `tiers` section itself defines.
"""

from __future__ import annotations

from dataclasses import dataclass

from prm_builder.docs.content import Para, Section, Table
from prm_builder.docs.context import DocContext, yes

ID = "tiers"
TITLE = "Tier decision matrix"


@dataclass(frozen=True)
class TierRow:
    group: str
    label: str
    #: tier developer name -> cell text
    values: dict[str, str]


def tier_rows(ctx: DocContext) -> list[TierRow]:
    tiers = ctx.spec.tiers
    rows = [TierRow("Tier", "Rank", {t.developer_name: str(t.rank) for t in tiers}),
            TierRow("Tier", "Who it is for", {t.developer_name: t.description or "—" for t in tiers})]
    for name in sorted({m for t in tiers for m in t.qualification}):
        rows.append(TierRow("Qualification (minimum)", ctx.metric_label(name), {
            t.developer_name: ctx.metric_value(name, t.qualification.get(name)) for t in tiers}))
    rows += [
        TierRow("Features", "Deal registration", {t.developer_name: yes(t.features.deal_registration) for t in tiers}),
        TierRow("Features", "Leads pushed by assignment rules",
                {t.developer_name: yes(t.features.lead_distribution) for t in tiers}),
        TierRow("Features", "Lead pool access (claim)", {t.developer_name: yes(t.features.lead_pool) for t in tiers}),
        TierRow("Features", "Co-marketing content", {t.developer_name: yes(t.features.co_marketing) for t in tiers}),
        TierRow("MDF", "MDF eligible", {t.developer_name: yes(t.features.mdf) for t in tiers}),
        TierRow("MDF", "Annual MDF allocation",
                {t.developer_name: ctx.money(t.mdf.annual_allocation) if t.mdf else "—" for t in tiers}),
        TierRow("Sharing", "Public group", {t.developer_name: t.group_name for t in tiers}),
    ]
    return rows


def build(ctx: DocContext) -> Section:
    from prm_builder.docs.sections import SECTIONS

    tiers = ctx.tiers_high_first()
    rows = []
    for module in SECTIONS:
        contribute = getattr(module, "tier_rows", None)
        if contribute is not None:
            rows.extend(contribute(ctx))
    section = Section(ID, TITLE, "What qualifies a partner for each tier and what each tier unlocks.")
    section.add(Para(f"{len(tiers)} tiers, highest first. Promotion and demotion are reviewed "
                     f"{ctx.review_cadence()}; a partner below its tier's minimums keeps the tier "
                     f"for {ctx.spec.program.tier_review.demotion_grace_days} days before demotion."))
    section.add(Table(
        ("", *(t.name for t in tiers)),
        tuple((f"{r.group}: {r.label}", *(r.values.get(t.developer_name, "—") for t in tiers)) for r in rows),
        caption="Partner tier decision matrix", row_headers=True))
    return section
