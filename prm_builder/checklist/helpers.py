"""Helpers the feature checklist items share: who uses a feature, which generated sharing
rules target tier groups, what to say when a section is absent."""

from __future__ import annotations

from prm_builder.checklist.registry import CheckContext
from prm_builder.checklist.report import Outcome, failed, manual, passed


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def tiers_with(ctx: CheckContext, *features: str) -> list[str]:
    return [t.name for t in reversed(ctx.spec.tiers_by_rank()) if any(getattr(t.features, f) for f in features)]


def absent(ctx: CheckContext, section: str, features: tuple[str, ...], what: str) -> Outcome:
    """The outcome when a feature section is not written: fine unless a tier uses the feature."""
    users = tiers_with(ctx, *features)
    if users:
        return failed(f"{', '.join(users)} {'has' if len(users) == 1 else 'have'} {what} switched on, "
                      f"but the specs have no `{section}` section")
    return passed(f"{what} is not part of this program (no tier has it)")


def tier_groups(ctx: CheckContext) -> set[str]:
    return {t.group_name for t in ctx.spec.tiers}


def tier_rules(ctx: CheckContext, obj: str | None = None) -> dict[str, list[str]]:
    """Generated sharing rules that target a tier group, as object -> ['Rule -> Group']."""
    groups = tier_groups(ctx)
    found: dict[str, list[str]] = {}
    for c in ctx.components:
        if c.type != "SharingRules" or (obj is not None and c.full_name != obj):
            continue
        for kind in ("sharingCriteriaRules", "sharingOwnerRules"):
            for rule in c.body.get(kind) or []:
                group = (rule.get("sharedTo") or {}).get("group")
                if group in groups:
                    found.setdefault(c.full_name, []).append(f"{rule['fullName']} -> {group}")
    return found


def needs_generated(ctx: CheckContext) -> Outcome | None:
    """Items that judge the generated metadata cannot run while the specs have errors."""
    if ctx.validation.errors:
        return manual("cannot judge the generated metadata while the specs have errors (see C00)")
    return None
