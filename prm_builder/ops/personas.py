"""Which generated permission sets each roster persona holds.

Partner users and partner managers get every permission set the build generates for
partners (the `PRM_Partner_*` family: deal registration, leads, MDF, content), which is
exactly what the program's specs switch on; internal personas are not in the roster.
"""

from __future__ import annotations

from typing import Any

from prm_builder.model.root import ProgramSpec

PARTNER_PREFIX = "PRM_Partner"


def partner_permission_sets(spec: ProgramSpec, components: list[Any]) -> dict[str, tuple[str, ...]]:
    names = tuple(sorted(c.full_name for c in components
                         if c.type == "PermissionSet" and c.full_name.startswith(PARTNER_PREFIX)))
    return {"partner_user": names, "partner_manager": names}
