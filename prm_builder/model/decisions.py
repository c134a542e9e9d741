"""The `open_decisions` section: what the review has not settled yet, with who and by when."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from prm_builder.model.base import NonEmptyStr, SpecNode


class OpenDecision(SpecNode):
    id: NonEmptyStr
    """Stable identifier, e.g. 'D-01'."""
    title: NonEmptyStr
    """The question to settle."""
    owner: NonEmptyStr
    """Who decides (a person or role at the client)."""
    due: dt.date
    """Target date, YYYY-MM-DD."""
    status: Literal["open", "decided"] = "open"
    """'open' (default) or 'decided'."""
    decision: str = ""
    """What was decided (required once status is 'decided')."""
    affects: list[str] = []
    """Spec sections the decision affects, e.g. ['deal_registration']."""
