"""The `org` section: things the metadata points to that live in the org, not in our output.

Every reference must resolve: either to something we generate or to an entry here,
which `prm check --org` then verifies exists in the live org.
"""

from __future__ import annotations

from pydantic import Field

from prm_builder.model.base import ApiName, NonEmptyStr, SpecNode

#: the org alias whose usernames `prm build` uses when it builds for no particular org
DEFAULT_ALIAS = "default"
#: a named-user value meaning "the user the deploy runs as" (scratch orgs: their admin)
DEPLOYING_USER = "$deploying_user"


class OrgInventory(SpecNode):
    users: list[NonEmptyStr] = []
    """Usernames named as approvers or members (org-specific: flagged by the checklist)."""
    named_users: dict[ApiName, dict[NonEmptyStr, NonEmptyStr]] = Field(default_factory=dict)
    """Named approvers as per-org values: key (what `named_user:` approvers name) -> CumulusCI
    org alias -> username. `default` is used when building for no particular org (and for
    aliases not listed); `$deploying_user` means the user the deploy runs as (scratch orgs)."""
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

    def named_username(self, key: str, alias: str | None = None, deploying_user: str | None = None) -> str | None:
        """The username `named_user: key` stands for in the org `alias` (None: unknown key)."""
        per_org = self.named_users.get(key)
        if per_org is None:
            return None
        value = per_org.get(alias or DEFAULT_ALIAS) or per_org.get(DEFAULT_ALIAS)
        if value == DEPLOYING_USER:
            return deploying_user or value
        return value

    def for_org(self, alias: str | None, deploying_user: str | None) -> "OrgInventory":
        """This inventory as seen from one org: every named user resolved to its username
        there (kept under `default`, which the generators read)."""
        resolved = {key: {DEFAULT_ALIAS: name} for key in self.named_users
                    if (name := self.named_username(key, alias, deploying_user)) is not None}
        return self.model_copy(update={"named_users": resolved})
