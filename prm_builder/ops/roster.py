"""The partner roster: one entry per partner account with its users, kept in git beside
the specs (default `roster/partners.yml`) and validated like the specs (positions, codes).

The roster names tiers and personas of the program; an unknown one is an error with the
allowed values as hint, so a typo never creates a partner in the wrong tier.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, TypeAdapter, ValidationError, field_validator

from prm_builder.errors import Diagnostic, SourceRef
from prm_builder.model.base import NonEmptyStr, SpecNode, attach_positions
from prm_builder.model.root import ProgramSpec
from prm_builder.spec.loader import load_file

DEFAULT_ROSTER = Path("roster/partners.yml")
#: personas a roster user may have: the partner-side personas of the program's persona model
PARTNER_PERSONAS = ("partner_user", "partner_manager")
#: external ids become Account.PRM_Partner_Id__c values: a safe, short, stable key
PARTNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
#: deliberately simple: Salesforce checks the address itself; this catches typos and keeps
#: line breaks and quotes out of usernames and SOQL
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=80,
                                         pattern=r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")]


class RosterUser(SpecNode):
    """A partner user of one partner account."""

    first_name: NonEmptyStr
    last_name: NonEmptyStr
    email: Email
    """The user's email; also the key of the user's Contact (Contact.PRM_Roster_Key__c) and,
    with the roster's username_suffix, the user's username."""
    persona: Literal["partner_user", "partner_manager"] = "partner_user"
    """'partner_user' works the partner's own deals, leads and funds; 'partner_manager' also
    sees the records of every user of the partner account."""
    active: bool = True
    """false: the user is deactivated in the org (never deleted: records keep their owner)."""


class RosterPartner(SpecNode):
    """One partner account."""

    id: NonEmptyStr
    """Stable partner id (Account.PRM_Partner_Id__c, an external id): upserts match on it,
    so renaming the company never creates a second account."""
    name: NonEmptyStr
    tier: NonEmptyStr
    """A tier name or api_name of the program (tiers.yml)."""
    segment: str | None = None
    """A value of partner_account.segment_field."""
    status: str | None = None
    """A value of partner_account.status_field; the value 'Inactive' (case-insensitive)
    deactivates every user of the partner."""
    joined: dt.date | None = None
    """Partnership start date."""
    contract_end: dt.date | None = None
    """Partner agreement end date (renewal tracking)."""
    channel_manager: str | None = None
    """Email of the internal user who owns the account (the channel manager)."""
    territories: list[NonEmptyStr] = Field(default_factory=list)
    """Lead distribution territories the partner serves (names or api names): the account's
    Partner_Territories__c, from which the org's group automation adds its users to the
    territory lead queues' groups."""
    users: list[RosterUser] = Field(default_factory=list)


class RosterSettings(SpecNode):
    """How roster users become Salesforce users in a given org."""

    partner_profile: NonEmptyStr = "Partner Community User"
    """Profile of new partner users (its licence must be the program's licence)."""
    username_suffix: str = ""
    """Appended to the email to form the username (usernames are unique across every
    Salesforce org: sandboxes usually use a suffix such as '.uat'); `--username-suffix`
    overrides it per run."""
    time_zone: NonEmptyStr = "America/Los_Angeles"
    locale: NonEmptyStr = "en_US"
    language: NonEmptyStr = "en_US"

    @field_validator("username_suffix")
    @classmethod
    def _suffix(cls, value: str) -> str:
        if value and not re.fullmatch(r"[A-Za-z0-9.\-_]{1,40}", value):
            raise ValueError("use letters, digits, '.', '-' or '_' (at most 40)")
        return value


class Roster(SpecNode):
    settings: RosterSettings = Field(default_factory=RosterSettings)
    partners: list[RosterPartner] = Field(default_factory=list)


def load_roster(path: Path, spec: ProgramSpec, display: str | None = None) -> tuple[Roster | None, list[Diagnostic]]:
    """Read and check a roster against the program; every problem at once."""
    from prm_builder.model.parse import _translate  # the spec parser's error wording

    shown = display or path.as_posix()
    if not path.is_file():
        return None, [Diagnostic("PRM-V500", f"roster file '{shown}' does not exist", SourceRef(shown),
                                 "create it (see README, 'Partner operations') or pass --roster FILE")]
    data, lines, diagnostics = load_file(path, shown)
    if diagnostics and data is None:
        return None, diagnostics
    if not isinstance(data, dict) or "partners" not in data:
        return None, diagnostics + [Diagnostic(
            "PRM-V501", "a roster is a mapping with a `partners:` list", SourceRef(shown, 1, 1),
            "start the file with `partners:` (optionally `settings:` first)")]
    try:
        roster = TypeAdapter(Roster).validate_python(data)
    except ValidationError as exc:
        return None, diagnostics + _translate(exc, (), Roster, lines)
    attach_positions(roster, (), lines)
    return roster, diagnostics + check_roster(roster, spec)


def check_roster(roster: Roster, spec: ProgramSpec) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    tiers = {t.name.lower(): t for t in spec.tiers} | {t.developer_name.lower(): t for t in spec.tiers}
    model = spec.partner_account
    seen_ids: dict[str, SourceRef | None] = {}
    seen_emails: dict[str, SourceRef | None] = {}
    for partner in roster.partners:
        if not PARTNER_ID.match(partner.id):
            out.append(Diagnostic("PRM-V502", f"partner id '{partner.id}' is not a valid external id",
                                  partner.ref("id"), "1-40 letters, digits, '.', '-' or '_', starting "
                                  "with a letter or digit"))
        key = partner.id.lower()
        if key in seen_ids:
            out.append(Diagnostic("PRM-V503", f"partner id '{partner.id}' is used twice (first at "
                                  f"{seen_ids[key]})", partner.ref("id"), "give each partner its own id",
                                  related=(seen_ids[key],) if seen_ids[key] else ()))
        seen_ids.setdefault(key, partner.ref("id"))
        if partner.tier.lower() not in tiers:
            out.append(Diagnostic("PRM-V504", f"partner '{partner.name}': unknown tier '{partner.tier}'",
                                  partner.ref("tier"), "one of: " + ", ".join(t.name for t in spec.tiers)))
        for value, field_spec, key_name in ((partner.segment, model.segment_field, "segment"),
                                           (partner.status, model.status_field, "status")):
            if value is not None and value not in field_spec.values:
                out.append(Diagnostic("PRM-V505", f"partner '{partner.name}': {key_name} '{value}' is not a "
                                      f"value of {field_spec.api_name}", partner.ref(key_name),
                                      "one of: " + ", ".join(field_spec.values)))
        known = _territories(spec)
        for i, name in enumerate(partner.territories):
            if name.lower() not in known:
                out.append(Diagnostic("PRM-V508", f"partner '{partner.name}': unknown territory '{name}'",
                                      partner.ref("territories", i),
                                      "one of: " + (", ".join(sorted({t for t in known.values()})) or
                                                    "none (the program has no lead_distribution territories)")))
        if partner.joined and partner.contract_end and partner.contract_end < partner.joined:
            out.append(Diagnostic("PRM-V506", f"partner '{partner.name}': contract_end is before joined",
                                  partner.ref("contract_end"), "check both dates"))
        for i, user in enumerate(partner.users):
            email = str(user.email).lower()
            if email in seen_emails:
                out.append(Diagnostic("PRM-V507", f"user email '{user.email}' appears twice (first at "
                                      f"{seen_emails[email]})", partner.ref("users", i, "email"),
                                      "a person is one user of one partner account",
                                      related=(seen_emails[email],) if seen_emails[email] else ()))
            seen_emails.setdefault(email, partner.ref("users", i, "email"))
    return out


def tier_of(partner: RosterPartner, spec: ProgramSpec) -> Any:
    """The program tier a roster entry names (by name or api_name), or None."""
    wanted = partner.tier.lower()
    return next((t for t in spec.tiers if wanted in (t.name.lower(), t.developer_name.lower())), None)


def _territories(spec: ProgramSpec) -> dict[str, str]:
    """Territory name or api name (lower case) -> api name."""
    model = spec.lead_distribution
    if model is None:
        return {}
    return {k.lower(): t.developer_name for t in model.territories for k in (t.name, t.developer_name)}


def territory_values(partner: RosterPartner, spec: ProgramSpec) -> list[str]:
    known = _territories(spec)
    return sorted({known[n.lower()] for n in partner.territories if n.lower() in known})
