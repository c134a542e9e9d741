"""The `deal_registration` section: partners register deals as Leads, an approval routed
by the partner's tier decides, and an approved registration becomes an Opportunity that
keeps the partner account.

Everything but the partner lookup choice and the approval routes has a default.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from prm_builder.model.account import FieldSpec, PicklistFieldSpec
from prm_builder.model.approval import ApprovalRouting
from prm_builder.model.base import ApiName, NonEmptyStr, SpecNode

#: The lifecycle values the generated automation sets and filters on, by role.
STATUS_ROLES = ("draft", "submitted", "approved", "rejected", "expired", "converted")
DEFAULT_STATUSES = ["Draft", "Submitted", "Approved", "Rejected", "Expired", "Converted"]


def _f(api_name: str, label: str, description: str) -> dict:
    return {"api_name": api_name, "label": label, "description": description}


class PartnerLookup(SpecNode):
    """Which Lead field points at the partner account: an explicit choice, because the
    standard `PartnerAccountId` exists only in orgs with partner features (PRM) on."""

    kind: Literal["standard", "custom"]
    """'standard': Lead.PartnerAccountId / Opportunity.PartnerAccountId (list both under
    org.fields so `prm check --org` verifies them); 'custom': prm generates lookups."""
    lead_field: ApiName = "Partner_Account__c"
    """Custom Lead lookup to Account (kind: custom only)."""
    opportunity_field: ApiName = "Partner_Account__c"
    """Custom Opportunity lookup to Account that conversion fills (kind: custom only)."""

    def lead_api_name(self) -> str:
        return "PartnerAccountId" if self.kind == "standard" else self.lead_field

    def opportunity_api_name(self) -> str:
        return "PartnerAccountId" if self.kind == "standard" else self.opportunity_field

    def lead_relationship(self) -> str:
        """The relationship path a Lead formula uses to reach the partner account."""
        return "PartnerAccount" if self.kind == "standard" else self.lead_field[:-3] + "__r"


class LeadFields(SpecNode):
    """Registration fields prm adds to Lead (names and labels overridable)."""

    amount: FieldSpec = FieldSpec(**_f("Deal_Amount__c", "Deal Amount",
                                       "Expected deal value; Lead has no Amount, thresholds read this."))
    """Lead currency field with the expected deal value (approval thresholds read it); default Deal_Amount__c."""
    close_date: FieldSpec = FieldSpec(**_f("Expected_Close_Date__c", "Expected Close Date",
                                           "When the partner expects to close the deal."))
    """Lead date field: when the partner expects to close; default Expected_Close_Date__c."""
    status: PicklistFieldSpec = PicklistFieldSpec(
        **_f("Registration_Status__c", "Registration Status", "Where the deal registration is in its lifecycle."),
        values=DEFAULT_STATUSES, default=None)
    """Lead picklist of the registration lifecycle; default Registration_Status__c, must offer all six statuses.
    No default value: only partner-registered leads are registrations (the stamp flow sets Draft
    when a partner user creates the lead or the partner lookup is filled), marketing leads stay blank."""
    tier: FieldSpec = FieldSpec(**_f("Registration_Partner_Tier__c", "Partner Tier",
                                     "The registering partner's tier (formula from the partner account)."))
    """Lead formula: the registering partner's tier from the partner account; default Registration_Partner_Tier__c."""
    expires_on: FieldSpec = FieldSpec(**_f("Registration_Expires_On__c", "Registration Expires On",
                                           "Approved registrations expire on this date unless converted."))
    """Lead date field: when an approved registration expires unless converted; default Registration_Expires_On__c."""
    rejection_reason: FieldSpec = FieldSpec(**_f("Registration_Rejection_Reason__c", "Rejection Reason",
                                                 "Why the channel team rejected the registration (sent to the partner)."))
    """Lead text field: why the registration was rejected (sent to the partner); default Registration_Rejection_Reason__c."""
    email_domain: FieldSpec = FieldSpec(**_f("Email_Domain__c", "Email Domain",
                                             "Domain of the lead's email, stamped by a flow for duplicate matching."))
    """Lead text field: the email's domain, stamped by a flow for duplicate matching; default Email_Domain__c."""

    conversion_error: FieldSpec = FieldSpec(**_f("Registration_Conversion_Error__c", "Conversion Error",
                                                 "Why the last automatic submission or conversion failed "
                                                 "(blank when it worked)."))
    """Lead text field: why the last automatic submission or conversion failed; default
    Registration_Conversion_Error__c (written by the lifecycle flow and the converter)."""

    def all_fields(self) -> list[FieldSpec]:
        return [self.amount, self.close_date, self.status, self.tier, self.expires_on,
                self.rejection_reason, self.email_domain, self.conversion_error]


class QueueMembers(SpecNode):
    groups: list[ApiName] = []
    """Public groups whose members work the queue (preferred: membership is data)."""
    roles: list[ApiName] = []
    """Roles whose holders work the queue."""


class QueueSpec(SpecNode):
    """A queue prm generates (approvers, list-view owners)."""

    name: ApiName
    """Developer name, e.g. 'Channel_Managers'."""
    label: NonEmptyStr
    """Queue label shown in Salesforce."""
    email: str = ""
    """Shared inbox notified of new requests (optional)."""
    members: QueueMembers = QueueMembers()
    """Named users are not offered: they break across orgs (use groups or roles)."""


class Conversion(SpecNode):
    on_approval: bool = True
    """The lifecycle. true: an approved registration is converted to an Opportunity at once
    (asynchronously, after the approval is saved) and never expires (no `expiry`). false: the
    approved registration protects the partner for `expiry.days` and is converted when someone
    converts it (Convert button or the converter action); unconverted ones expire."""
    converted_status: NonEmptyStr = "Closed - Converted"
    """A Lead Status value (API name or label) marked 'Converted' in the org (conversion needs one).
    Conversion always creates the Opportunity: it is what an approved registration protects."""
    owner: Literal["partner_account_owner"] = "partner_account_owner"
    """Who owns the converted Account, Contact and Opportunity: the partner account's owner
    (its channel manager). Always explicit: a lead owned by a queue (or a partner user) must
    not pass its owner on, and a queue-owned lead cannot be converted without one."""


class Expiry(SpecNode):
    days: int = Field(default=90, ge=1, le=730)
    """Days an approved registration protects the partner before it expires unless converted."""

#: protection period when `conversion.on_approval` is false and `expiry` is not given
DEFAULT_PROTECTION_DAYS = 90


class MatchField(SpecNode):
    field: ApiName
    """Lead field to compare, e.g. 'Company' or 'Email_Domain__c'."""
    method: Literal["exact", "company_name", "first_name", "last_name", "phone", "city", "street", "zip",
                    "title"] = "exact"
    """Matching method: exact, or the platform's fuzzy method for that kind of field."""
    blank_matches: bool = False
    """Two blank values count as a match."""


class MatchingRuleSpec(SpecNode):
    name: ApiName = "Deal_Reg_Company_Domain"
    """Developer name of the Lead matching rule."""
    label: NonEmptyStr = "Deal Registration: Company and Email Domain"
    """Matching rule label in Setup."""
    fields: list[MatchField] = Field(default_factory=lambda: [
        MatchField(field="Company", method="company_name"), MatchField(field="Email_Domain__c")])
    """Fields that must all match (at most 10)."""


class DuplicateRuleSpec(SpecNode):
    name: ApiName = "Deal_Reg_Channel_Conflict"
    """Developer name of the Lead duplicate rule."""
    label: NonEmptyStr = "Deal Registration Channel Conflict"
    """Duplicate rule label in Setup."""
    action: Literal["block", "alert"] = "block"
    """What a partner user saving a duplicate registration gets: blocked, or an alert."""
    alert_text: NonEmptyStr = "This deal is already registered. Contact your channel manager."
    """Message shown to the partner user who saves a duplicate registration."""
    matching_rules: list[ApiName] = []
    """Matching rules it uses (at most 3); default: every matching rule of the section.
    The rule applies when a partner user saves an active registration (Submitted or Approved)."""


class Duplicates(SpecNode):
    matching_rules: list[MatchingRuleSpec] = Field(default_factory=lambda: [MatchingRuleSpec()])
    """Lead matching rules to generate; default one on company and email domain."""
    duplicate_rules: list[DuplicateRuleSpec] = Field(default_factory=lambda: [DuplicateRuleSpec()])
    """Lead duplicate rules to generate; default one blocking channel conflicts."""
    existing_org_rules: int = Field(default=1, ge=0, le=4)
    """How many Lead duplicate rules the org already has (a new org ships the standard Lead
    rule). Rule order (sortOrder) is unique per object: prm numbers its rules after these."""


class Notifications(SpecNode):
    folder: ApiName = "PRM_Deal_Registration"
    """Email template folder prm generates."""
    sender_note: str = ""
    """A line appended to every partner-facing email (e.g. who to contact)."""


class ListViews(SpecNode):
    shared_to_groups: list[ApiName] = []
    """Public groups that see the channel managers' list views (empty: all internal users)."""
    expiring_within_days: int = Field(default=14, ge=1, le=90)
    """The 'expiring soon' view shows approved registrations expiring within this many days."""


class DealRegistration(SpecNode):
    """Lead-based deal registration with tier-routed approval."""

    partner_lookup: PartnerLookup
    """Standard PartnerAccountId or a custom lookup: choose explicitly."""
    fields: LeadFields = LeadFields()
    """Lead fields prm generates for registrations: amount, dates, status, tier, rejection reason, email domain."""
    queues: list[QueueSpec] = []
    """Queues to generate (e.g. Channel_Managers); approvers may also name org queues."""
    approval: ApprovalRouting
    """Routes per tier: auto-approval thresholds and approval chains (see the README)."""
    conversion: Conversion = Conversion()
    """Lead-to-Opportunity conversion of approved registrations, and the lifecycle (`on_approval`)."""
    expiry: Expiry | None = None
    """How long an approved registration protects the partner before it expires unless converted
    (only with `conversion.on_approval: false`; default then 90 days)."""
    duplicates: Duplicates = Duplicates()
    """Matching and duplicate rules that catch channel conflicts."""
    notifications: Notifications = Notifications()
    """Partner-facing email templates: folder and sender note."""
    list_views: ListViews = ListViews()
    """Channel managers' Lead list views of registrations."""

    def protection_days(self) -> int | None:
        """Days an approved registration stays protected, or None when it is converted on
        approval (then nothing expires: no expiry date, flow, view or email)."""
        if self.conversion.on_approval:
            return None
        return self.expiry.days if self.expiry is not None else DEFAULT_PROTECTION_DAYS

    @staticmethod
    def status_value(role: str) -> str:
        """The status value playing a lifecycle role; the status field must offer all six
        (PRM-V123) because the generated automation sets and filters on them."""
        return DEFAULT_STATUSES[STATUS_ROLES.index(role)]
