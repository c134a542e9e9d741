"""The `sharing` section: org-wide defaults of the objects prm creates, and how tier
visibility composes.

Sharing rules only open access, so they are legal only on objects whose org-wide default is
Private or Public Read Only; prm sets the default in each object's metadata.
"""

from __future__ import annotations

from typing import Literal

from prm_builder.model.base import SpecNode

Access = Literal["Private", "Read"]
#: Standard objects whose defaults the spec may manage: partner isolation needs their
#: external default Private (MDF records and Contacts follow Account).
STANDARD_OBJECTS = ("Account", "Case", "Lead", "Opportunity")


class ObjectDefaults(SpecNode):
    """Org-wide defaults of one object: for employees and for external (partner) users."""

    internal: Access
    """Default access of internal users ('Private' or 'Read')."""
    external: Access
    """Default access of partner users; never more open than `internal` (the platform's rule)."""


class SharingSpec(SpecNode):
    """Tier visibility and org-wide defaults."""

    tier_inheritance: bool = True
    """Higher tiers see everything lower tiers see ("Gold sees everything Silver sees"): a
    content category granted to Silver is shared with Gold too. Off: each tier sees only what
    names it."""
    org_wide_defaults: dict[str, ObjectDefaults] = {}
    """Overrides of the defaults prm sets, by object API name (e.g. Co_Marketing_Asset__c:
    {internal: Read, external: Private}). Objects that are details of another are controlled
    by their parent and cannot be listed. Lead, Account, Opportunity and Case may be listed
    too: prm then deploys their defaults (partner isolation needs external Private); unlisted,
    `prm check --org` verifies their external defaults (L07)."""
