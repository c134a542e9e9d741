"""Org-wide defaults of standard objects the spec manages (`sharing.org_wide_defaults` for
Lead, Account, Opportunity, Case): a CustomObject file for the standard object holding only
`sharingModel` (internal) and `externalSharingModel` (partner users).

Metadata API Developer Guide, "CustomObject": the type also customizes standard objects
(fullName `Account`), and `externalSharingModel` is "the external organization-wide defaults
for the standard or custom object" (API 31.0+); `sharingModel` sets the internal default.
A changed default makes the org recalculate sharing asynchronously, so it goes in the first
(metadata) deploy step, before the sharing rules that rely on it.

Partner isolation needs the external defaults Private (PLATFORM-NOTES, "External (partner)
org-wide defaults"); when the spec does not manage them, live item L07 checks them.
"""

from __future__ import annotations

from typing import Iterator

from prm_builder.generate.component import Component
from prm_builder.model.root import ProgramSpec
from prm_builder.model.sharing import STANDARD_OBJECTS


def generate(spec: ProgramSpec) -> Iterator[Component]:
    for obj, defaults in sorted(spec.sharing.org_wide_defaults.items()):
        if obj not in STANDARD_OBJECTS:
            continue
        body = {"fullName": obj, "externalSharingModel": defaults.external, "sharingModel": defaults.internal}
        yield Component(
            "CustomObject", obj, body, source=spec.sharing.ref("org_wide_defaults", obj),
            purpose=f"Sets {obj}'s org-wide defaults: internal {defaults.internal}, external (partner users) "
                    f"{defaults.external}.",
            notes=(f"changing {obj}'s org-wide default makes the org recalculate sharing (asynchronous; "
                   "large orgs take a while): deploy outside business hours.",))
