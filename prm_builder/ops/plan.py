"""What `prm partners apply` would change: the roster compared with the org, as data.

Pure: (program, roster, org state) in, an ordered list of changes out; no org traffic, so
every decision is testable without HTTP. The step order is the platform's:
accounts -> enable as partner -> contacts -> users -> permission sets -> tier groups -> budgets.
Partner users can only be created for contacts of an account that is already a partner
account, and setup objects (User, PermissionSetAssignment, GroupMember) are written in
calls of their own, never beside Account or Contact rows (MIXED_DML_OPERATION).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from prm_builder.errors import SourceRef
from prm_builder.model.root import ProgramSpec
from prm_builder.generate.tier_groups import TERRITORIES_FIELD
from prm_builder.ops.roster import Roster, RosterPartner, RosterUser, territory_values, tier_of
from prm_builder.ops.state import ACCOUNT_KEY, CONTACT_KEY, OrgState

STEPS = ("accounts", "enable_partner", "contacts", "users", "permission_sets", "groups", "budgets")
STEP_TITLES = {
    "accounts": "partner accounts", "enable_partner": "enable as partner accounts", "contacts": "contacts",
    "users": "partner users", "permission_sets": "permission set assignments",
    "groups": "tier group membership", "budgets": "MDF budgets",
}
#: the value of the partner status field that switches every user of a partner off
INACTIVE_STATUS = "inactive"


@dataclass(frozen=True)
class Change:
    step: str
    #: create / update / deactivate / assign / unassign / add / remove
    action: str
    sobject: str
    #: what the change is about, as a person reads it ("Acme Analytics", "ana@acme.example")
    subject: str
    #: the record to write (Salesforce field -> value); for deletions {"Id": ...}
    record: dict[str, Any] = field(default_factory=dict)
    #: why, in a few words ("tier Silver -> Gold", "new partner")
    reason: str = ""
    #: the roster line this change comes from
    ref: SourceRef | None = None

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "action": self.action, "object": self.sobject, "subject": self.subject,
                "reason": self.reason, "roster": str(self.ref) if self.ref else None}


@dataclass
class Plan:
    changes: list[Change]
    #: partner users the plan creates, against the free licence seats
    seats_needed: int = 0
    free_seats: int | None = None
    #: problems that stop an apply before anything is written (e.g. profile missing)
    blockers: list[str] = field(default_factory=list)
    #: what the apply will do differently from the roster (e.g. an unknown channel manager)
    warnings: list[str] = field(default_factory=list)

    def step(self, name: str) -> list[Change]:
        return [c for c in self.changes if c.step == name]

    @property
    def empty(self) -> bool:
        return not self.changes


@dataclass(frozen=True)
class ProgramAccess:
    """What the program gives each roster persona and tier (from the compiled program)."""

    #: persona -> permission set names a user of that persona holds
    persona_permission_sets: dict[str, tuple[str, ...]]
    #: tier developer name -> public group developer name
    tier_groups: dict[str, str]
    #: tier developer name -> MDF allocation (tiers with MDF)
    mdf_tiers: dict[str, float]
    #: the custom MDF budget object, or None (no MDF, or the standard PRM objects)
    budget_object: str | None

    @property
    def all_permission_sets(self) -> set[str]:
        return {name for names in self.persona_permission_sets.values() for name in names}


def program_access(spec: ProgramSpec, components: list[Any]) -> ProgramAccess:
    """Derived from the generated components, so the plan assigns what the build deploys."""
    from prm_builder.ops.personas import partner_permission_sets

    mdf_on = spec.mdf is not None and spec.mdf.model == "custom"
    return ProgramAccess(
        persona_permission_sets=partner_permission_sets(spec, components),
        tier_groups={t.developer_name: t.group_name for t in spec.tiers},
        mdf_tiers={t.developer_name: t.mdf.annual_allocation for t in spec.tiers
                   if t.features.mdf and t.mdf is not None} if spec.mdf is not None else {},
        budget_object="MDF_Budget__c" if mdf_on else None,
    )


def period_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The MDF fund period containing `day`: the calendar year (budgets are annual, as the
    tiers' annual_allocation says)."""
    return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)


def username(user: RosterUser, suffix: str) -> str:
    return str(user.email).lower() + suffix


def make_plan(spec: ProgramSpec, roster: Roster, state: OrgState, access: ProgramAccess, *, today: dt.date,
              username_suffix: str | None = None) -> Plan:
    suffix = roster.settings.username_suffix if username_suffix is None else username_suffix
    changes: list[Change] = []
    blockers: list[str] = []
    warnings: list[str] = []
    for partner in roster.partners:
        changes += _account_changes(spec, partner, state)
        if partner.channel_manager and partner.channel_manager.lower() not in state.internal_users:
            warnings.append(f"{partner.name}: channel manager {partner.channel_manager} is not an active internal "
                            f"user of the org; the account's owner stays as it is [{partner.ref('channel_manager')}]")
    for partner in roster.partners:
        changes += _user_changes(spec, roster, partner, state, access, suffix)
    changes += _budget_changes(spec, roster, state, access, today)
    creates = sum(1 for c in changes if c.step == "users" and c.action == "create")
    if creates and state.profile_id is None:
        blockers.append(f"profile '{roster.settings.partner_profile}' does not exist in the org: create it "
                        "or set settings.partner_profile in the roster")
    if state.free_seats is not None and creates > state.free_seats:
        blockers.append(f"{creates} new partner user(s) need {spec.program.license.value} licences but only "
                        f"{state.free_seats} are free: buy seats or deactivate users first (nothing was changed)")
    missing_sets = sorted(access.all_permission_sets - set(state.permission_sets))
    if missing_sets and roster.partners:
        blockers.append("permission set(s) " + ", ".join(missing_sets) + " are not in the org: deploy the "
                        "program first (`prm deploy --org NAME`)")
    missing_groups = sorted(set(access.tier_groups.values()) - set(state.groups))
    if missing_groups and roster.partners:
        blockers.append("tier group(s) " + ", ".join(missing_groups) + " are not in the org: deploy the "
                        "program first (`prm deploy --org NAME`)")
    return Plan(changes, creates, state.free_seats, blockers, warnings)


def _account_changes(spec: ProgramSpec, partner: RosterPartner, state: OrgState) -> list[Change]:
    model = spec.partner_account
    tier = tier_of(partner, spec)
    wanted: dict[str, Any] = {"Name": partner.name, model.tier_field.api_name: tier.developer_name if tier else None}
    optional = {model.segment_field.api_name: partner.segment, model.status_field.api_name: partner.status,
                model.start_date_field.api_name: partner.joined.isoformat() if partner.joined else None,
                model.contract_end_field.api_name: partner.contract_end.isoformat() if partner.contract_end else None}
    wanted.update({k: v for k, v in optional.items() if v is not None})
    if partner.territories:
        wanted[TERRITORIES_FIELD] = ";".join(territory_values(partner, spec))
    if partner.channel_manager:
        owner = state.internal_users.get(partner.channel_manager.lower())
        if owner:
            wanted["OwnerId"] = owner
    current = state.accounts.get(partner.id.lower())
    out: list[Change] = []
    record = {ACCOUNT_KEY: partner.id, **wanted}
    if current is None:
        out.append(Change("accounts", "create", "Account", partner.name, record, "new partner", partner.ref()))
    else:
        differs = sorted(k for k, v in wanted.items() if _differs(current.get(k), v))
        if differs:
            reason = "; ".join(_describe(k, current.get(k), wanted[k]) for k in differs)
            out.append(Change("accounts", "update", "Account", partner.name, record, reason, partner.ref()))
    if current is None or not current.get("IsPartner"):
        out.append(Change("enable_partner", "update", "Account", partner.name,
                          {ACCOUNT_KEY: partner.id, "IsPartner": True}, "not yet a partner account",
                          partner.ref()))
    for i, user in enumerate(partner.users):
        key = str(user.email).lower()
        contact = state.contacts.get(key)
        record = {CONTACT_KEY: key, "FirstName": user.first_name, "LastName": user.last_name,
                  "Email": str(user.email), "Account": {ACCOUNT_KEY: partner.id}}
        if contact is None:
            out.append(Change("contacts", "create", "Contact", str(user.email), record,
                              f"new user of {partner.name}", partner.ref("users", i)))
            continue
        account = state.accounts.get(partner.id.lower())
        moved = account is not None and contact.get("AccountId") != account.get("Id")
        differs = [k for k in ("FirstName", "LastName", "Email") if _differs(contact.get(k), record[k])]
        if moved or differs:
            why = "moved to " + partner.name if moved else "; ".join(
                _describe(k, contact.get(k), record[k]) for k in differs)
            out.append(Change("contacts", "update", "Contact", str(user.email), record, why,
                              partner.ref("users", i)))
    return out


def _user_changes(spec: ProgramSpec, roster: Roster, partner: RosterPartner, state: OrgState,
                  access: ProgramAccess, suffix: str) -> list[Change]:
    out: list[Change] = []
    tier = tier_of(partner, spec)
    partner_active = (partner.status or "").lower() != INACTIVE_STATUS
    group = access.tier_groups.get(tier.developer_name) if tier else None
    settings = roster.settings
    for i, user in enumerate(partner.users):
        ref = partner.ref("users", i)
        key = str(user.email).lower()
        contact = state.contacts.get(key)
        org_user = state.users.get(contact["Id"]) if contact else None
        active = user.active and partner_active
        if org_user is None:
            if active:
                alias = (user.first_name[:1] + user.last_name)[:8]
                out.append(Change("users", "create", "User", str(user.email), {
                    "Username": username(user, suffix), "Email": str(user.email), "FirstName": user.first_name,
                    "LastName": user.last_name, "Alias": alias, "ProfileId": state.profile_id,
                    "Contact": {CONTACT_KEY: key}, "TimeZoneSidKey": settings.time_zone,
                    "LocaleSidKey": settings.locale, "LanguageLocaleKey": settings.language,
                    "EmailEncodingKey": "UTF-8"}, f"new {user.persona.replace('_', ' ')}", ref))
            continue
        user_id = org_user["Id"]
        if org_user.get("IsActive") and not active:
            why = "partner is inactive" if not partner_active else "inactive in the roster"
            out.append(Change("users", "deactivate", "User", str(user.email), {"Id": user_id, "IsActive": False},
                              why + " (deactivated, never deleted: the user's records keep their owner)", ref))
        elif not org_user.get("IsActive") and active:
            out.append(Change("users", "update", "User", str(user.email), {"Id": user_id, "IsActive": True},
                              "active again in the roster", ref))
        if not active:
            continue
        wanted_sets = set(access.persona_permission_sets.get(user.persona, ()))
        for name in sorted(access.all_permission_sets):
            held = state.assignments.get((user_id, name))
            if name in wanted_sets and held is None and name in state.permission_sets:
                out.append(Change("permission_sets", "assign", "PermissionSetAssignment", str(user.email),
                                  {"AssigneeId": user_id, "PermissionSetId": state.permission_sets[name]},
                                  f"{name} ({user.persona.replace('_', ' ')})", ref))
            elif name not in wanted_sets and held is not None:
                out.append(Change("permission_sets", "unassign", "PermissionSetAssignment", str(user.email),
                                  {"Id": held}, f"{name} (not for a {user.persona.replace('_', ' ')})", ref))
        for tier_group in sorted(set(access.tier_groups.values())):
            member = state.members.get((tier_group, user_id))
            if tier_group == group and member is None and tier_group in state.groups:
                out.append(Change("groups", "add", "GroupMember", str(user.email),
                                  {"GroupId": state.groups[tier_group], "UserOrGroupId": user_id},
                                  f"{tier_group} (tier {tier.name if tier else '?'})", ref))
            elif tier_group != group and member is not None:
                out.append(Change("groups", "remove", "GroupMember", str(user.email), {"Id": member},
                                  f"{tier_group} (no longer the partner's tier)", ref))
    return out


def _budget_changes(spec: ProgramSpec, roster: Roster, state: OrgState, access: ProgramAccess,
                    today: dt.date) -> list[Change]:
    if access.budget_object is None:
        return []
    start, end = period_of(today)
    out = []
    for partner in roster.partners:
        tier = tier_of(partner, spec)
        if tier is None or tier.developer_name not in access.mdf_tiers:
            continue
        if (partner.status or "").lower() == INACTIVE_STATUS:
            continue
        account = state.accounts.get(partner.id.lower())
        if account is not None and account.get("Id") in state.budgets:
            continue
        allocation = access.mdf_tiers[tier.developer_name]
        out.append(Change("budgets", "create", access.budget_object, partner.name, {
            "Partner_Account__r": {ACCOUNT_KEY: partner.id}, "Period_Start__c": start.isoformat(),
            "Period_End__c": end.isoformat()},
            f"{start.year} budget, {tier.name} allocation {allocation:,.0f} {spec.program.currency}", partner.ref()))
    return out


def _differs(current: Any, wanted: Any) -> bool:
    if isinstance(current, bool) or isinstance(wanted, bool):
        return bool(current) != bool(wanted)
    return (current or None) != (wanted or None) and str(current) != str(wanted)


def _describe(field_name: str, old: Any, new: Any) -> str:
    return f"{field_name} {old if old not in (None, '') else '(blank)'} -> {new}"
