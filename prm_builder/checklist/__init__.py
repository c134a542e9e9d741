"""The requirements review checklist: static items from the specs, live items against an org.

`run_checklist` is what `prm_builder.api.check` calls; items register themselves in
static_items.py, items_*.py, live_items.py and live_access.py (import order = nothing; ids order the report).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from prm_builder.checklist import (  # noqa: F401 - importing registers the items
    items_attribution, items_deal_registration, items_lead_distribution, items_mdf_content_sharing,
    items_performance, live_access, live_items, static_items)
from prm_builder.checklist.registry import ITEMS, CheckContext, Item, live_items as _live, static_items as _static
from prm_builder.checklist.report import ChecklistReport, ItemResult, Status

if TYPE_CHECKING:
    from prm_builder.api import ValidationResult
    from prm_builder.org.client import OrgClient
    from prm_builder.org.connection import OrgConnection

__all__ = ["ITEMS", "ChecklistReport", "ItemResult", "Status", "run_checklist"]


def run_checklist(validation: "ValidationResult", *, specs_dir: str, today: dt.date,
                  org: "OrgConnection | None" = None, client: "OrgClient | None" = None) -> ChecklistReport:
    """Every static item, and with an org every live item too, in id order."""
    assert validation.spec is not None
    if org is not None and client is None:
        from prm_builder.org.client import OrgClient

        client = OrgClient(org)
    ctx = CheckContext(validation.spec, validation, today, client)
    items: list[Item] = _static() + (_live() if client is not None else [])
    results = [i.run(ctx) for i in items]
    return ChecklistReport(results, specs_dir, org.to_json() if org is not None else None, today.isoformat())
