"""Which generated permission sets each roster persona holds: the persona model's set for the
persona (model/personas.py), plus the partner-facing sets no persona owns (the QBR partner
scorecard), when the build generates them."""

from __future__ import annotations

from typing import Any

from prm_builder.model.personas import persona
from prm_builder.model.root import ProgramSpec

#: generated permission sets every partner user holds besides the persona's own
SHARED_PARTNER_SETS = ("PRM_Partner_Scorecard",)


def partner_permission_sets(spec: ProgramSpec, components: list[Any]) -> dict[str, tuple[str, ...]]:
    generated = {c.full_name for c in components if c.type == "PermissionSet"}
    shared = tuple(name for name in SHARED_PARTNER_SETS if name in generated)
    out = {}
    for key in ("partner_user", "partner_manager"):
        own = persona(key).permission_set
        out[key] = tuple(sorted(((own,) if own in generated else ()) + shared))
    return out
