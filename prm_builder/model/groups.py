"""The `groups` section: public groups the program owns (e.g. Channel_Managers).

prm generates them, so queues, approvals, list views and notifications can name them in any
org; their members are data (users are org-specific): the ci_prm flow adds the deploying user
in a scratch org, production admins add the real members (runbook).
"""

from __future__ import annotations

from prm_builder.model.base import ApiName, NonEmptyStr, SpecNode


class ProgramGroup(SpecNode):
    name: ApiName
    """Developer name of the public group (at most 40 characters)."""
    label: NonEmptyStr | None = None
    """Label in Setup; defaults to the name with spaces."""
    description: str = ""
    """Who belongs in it (shown in Setup and the handoff documents)."""

    @property
    def display_label(self) -> str:
        return (self.label or self.name.replace("_", " "))[:40]
