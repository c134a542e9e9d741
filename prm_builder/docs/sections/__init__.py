"""The package's pages, one module each, in navigation order.

A section module has `ID`, `TITLE` and `build(ctx) -> Section | None` (None: the
program has nothing for this page). It may also contribute rows to the tier decision
matrix with `tier_rows(ctx) -> list[TierRow]`. A feature adds its page by adding its
module here.
"""

from __future__ import annotations

from types import ModuleType

from prm_builder.docs.sections import (
    approvals,
    attribution,
    automation,
    checklist,
    configuration,
    content,
    data_model,
    deal_registration,
    decisions,
    fields,
    lead_distribution,
    mdf,
    overview,
    performance,
    personas,
    raid,
    runbook,
    signoff,
    sharing,
    tiers,
    training_admin,
    training_channel_managers,
    training_partners,
    uat,
)

SECTIONS: list[ModuleType] = [
    overview,
    signoff,
    tiers,
    deal_registration,
    lead_distribution,
    mdf,
    content,
    performance,
    attribution,
    data_model,
    sharing,
    personas,
    approvals,
    decisions,
    raid,
    checklist,
    uat,
    training_partners,
    training_channel_managers,
    training_admin,
    configuration,
    automation,
    fields,
    runbook,
]
