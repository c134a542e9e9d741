"""Rules over the `sharing` section (org-wide defaults of prm's objects)."""

from __future__ import annotations

from typing import Iterator

from prm_builder.errors import Diagnostic
from prm_builder.model.sharing import STANDARD_OBJECTS
from prm_builder.validate.registry import ValidationContext, error, rule

#: Objects prm creates whose default is their own (details are controlled by their parent).
OWN_DEFAULT = {"Co_Marketing_Asset__c": "content"}
CONTROLLED_BY_PARENT = {"MDF_Request__c", "MDF_Claim__c"}


def objects_with_own_default(ctx: ValidationContext) -> set[str]:
    names = {obj for obj, section in OWN_DEFAULT.items() if getattr(ctx.spec, section, None) is not None}
    mdf = ctx.spec.mdf
    if mdf is not None and mdf.model == "custom" and mdf.budget_access == "tier_groups":
        names.add("MDF_Budget__c")
    return names


@rule("PRM-V220", "sharing-owd-object", needs={"sharing", "mdf", "content"})
def sharing_owd_object(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """org_wide_defaults may only name objects prm creates with their own default, or the
    standard objects partner isolation depends on (Lead, Account, Opportunity, Case). Detail
    objects (MDF requests and claims, and budgets with budget_access: account) are
    controlled by their parent; other objects' defaults are set in Setup, not by prm."""
    own = objects_with_own_default(ctx) | set(STANDARD_OBJECTS)
    for obj in ctx.spec.sharing.org_wide_defaults:
        if obj in own:
            continue
        ref = ctx.spec.sharing.key_ref_at("org_wide_defaults", obj)
        if obj in CONTROLLED_BY_PARENT or obj == "MDF_Budget__c":
            yield error("PRM-V220", f"{obj} is a detail object: its access is controlled by its parent",
                        ref, "remove it (budgets get their own default only with mdf.budget_access: tier_groups)")
        else:
            yield error("PRM-V220", f"org_wide_defaults names {obj}, which prm does not create",
                        ref, f"list one of: {', '.join(sorted(own)) or '(none in this program)'}")


@rule("PRM-V221", "sharing-owd-external-not-wider", needs={"sharing"})
def sharing_owd_external(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The platform rejects an external (partner) default that is more open than the internal
    one: external Read with internal Private is invalid."""
    for obj, defaults in ctx.spec.sharing.org_wide_defaults.items():
        if defaults.external == "Read" and defaults.internal == "Private":
            yield error("PRM-V221", f"{obj}: external default Read is wider than internal Private",
                        ctx.spec.sharing.ref("org_wide_defaults", obj, "external"),
                        "make external Private, or internal Read")


#: objects whose default may not be more open than Account's (they hang off accounts)
ACCOUNT_CHILDREN = ("Opportunity", "Case")
_WIDTH = {"Private": 0, "Read": 1}


@rule("PRM-V300", "sharing-owd-wider-than-account", needs={"sharing"})
def sharing_owd_wider_than_account(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Opportunity and Case defaults cannot be more open than Account's: Setup's Sharing
    Settings forces them down with Account (Salesforce Help, "Organization-Wide Sharing
    Defaults": access to Opportunity/Case records depends on access to their account)."""
    owd = ctx.spec.sharing.org_wide_defaults
    account = owd.get("Account")
    if account is None:
        return
    for obj in ACCOUNT_CHILDREN:
        child = owd.get(obj)
        for side in ("internal", "external"):
            if child is not None and _WIDTH[getattr(child, side)] > _WIDTH[getattr(account, side)]:
                yield error("PRM-V300", f"{obj}: {side} default {getattr(child, side)} is wider than "
                            f"Account's {getattr(account, side)}",
                            ctx.spec.sharing.ref("org_wide_defaults", obj, side),
                            f"make {obj} {side} {getattr(account, side)}, or open Account's {side} default")
