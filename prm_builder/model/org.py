"""The `org` section: things the metadata points to that live in the org, not in our output.

Every reference must resolve: either to something we generate or to an entry here,
which `prm check --org` then verifies exists in the live org.
"""

from __future__ import annotations

from prm_builder.model.base import NonEmptyStr, SpecNode


class OrgInventory(SpecNode):
    users: list[NonEmptyStr] = []
    """Usernames named as approvers or members (org-specific: flagged by the checklist)."""
    queues: list[NonEmptyStr] = []
    """Developer names of existing queues."""
    groups: list[NonEmptyStr] = []
    """Developer names of existing public groups."""
    roles: list[NonEmptyStr] = []
    """Developer names of existing roles."""
    email_templates: list[NonEmptyStr] = []
    """Existing email templates as 'Folder/TemplateName'."""
    fields: list[NonEmptyStr] = []
    """Existing fields as 'Object.Field', e.g. 'Lead.PartnerAccountId'."""
