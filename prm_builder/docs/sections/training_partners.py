"""Training and quick reference page (built by prm_builder/docs/training.py)."""

from __future__ import annotations

from prm_builder.docs.content import Section
from prm_builder.docs.context import DocContext
from prm_builder.docs import training

ID = "training-partners"
TITLE = "Quick reference: partner users"


def build(ctx: DocContext) -> Section | None:
    return training.partner_page(ctx)
