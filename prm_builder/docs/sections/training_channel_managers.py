"""Training and quick reference page (built by prm_builder/docs/training.py)."""

from __future__ import annotations

from prm_builder.docs.content import Section
from prm_builder.docs.context import DocContext
from prm_builder.docs import training

ID = "training-channel-managers"
TITLE = "Quick reference: channel managers"


def build(ctx: DocContext) -> Section | None:
    return training.channel_page(ctx)
