"""Training and quick reference page (built by prm_builder/docs/training.py)."""

from __future__ import annotations

from prm_builder.docs.content import Section
from prm_builder.docs.context import DocContext
from prm_builder.docs import training

ID = "training-admin"
TITLE = "Quick reference: the admin"


def build(ctx: DocContext) -> Section | None:
    return training.admin_page(ctx)
