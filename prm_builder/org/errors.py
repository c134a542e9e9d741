"""Errors talking to an org. Both are the user's environment, not our bug: exit code 1.

OrgUnavailable stops the whole run (every check would fail the same way: expired
session, network down); OrgQueryError fails one checklist item (no permission on one
object, a field that does not exist) and the others still run.
"""

from __future__ import annotations

from prm_builder.errors import PrmUserError


class OrgError(PrmUserError):
    """Base class of org errors; messages never contain the access token."""


class OrgUnavailable(OrgError):
    """The org cannot be used at all (authentication, network, configuration)."""


class OrgQueryError(OrgError):
    """One request failed; the checklist item that made it cannot be verified."""


def scrub(text: str, *secrets: str) -> str:
    """Remove secrets from a message that may quote a request or a config (belt and braces:
    simple-salesforce's messages carry URLs and response bodies, never headers)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
