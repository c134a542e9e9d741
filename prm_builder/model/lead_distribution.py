"""The `lead_distribution` section: how inbound leads reach qualified partners.

Two models, usable together:
- push: leads go to a queue per tier x territory through one ordered Lead assignment rule;
- pull: a shared pool queue whose leads only eligible tiers can see (criteria sharing
  rules) and claim.
Territories and product interest are the routing dimensions; the SLA returns leads nobody
accepted and notifies the channel managers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from prm_builder.model.base import ApiName, NonEmptyStr, SpecNode, derive_api_name

#: Operations an assignment-rule criterion may use (FilterOperation in the Metadata API).
Operation = Literal["equals", "notEqual", "lessThan", "greaterThan", "lessOrEqual", "greaterOrEqual",
                    "contains", "notContain", "startsWith", "includes", "excludes"]


class LeadField(SpecNode):
    """A Lead field the distribution reads or writes."""

    api_name: ApiName
    """Developer name including `__c`."""
    label: NonEmptyStr
    """Field label shown in Salesforce."""
    description: str = ""
    """Field description in Setup (optional)."""
    generate: bool = True
    """False when the field already exists (another section generates it, or it lives in the
    org: then list it under org.fields)."""


class Territory(SpecNode):
    """A territory: the leads whose `field` holds one of `values`."""

    name: NonEmptyStr
    """Display name, e.g. 'North America'."""
    api_name: ApiName | None = None
    """Short developer name used in queue names; derived from `name` when omitted."""
    field: ApiName = "Country"
    """Lead field that decides the territory (Country, State, or a custom region field)."""
    values: list[NonEmptyStr] = Field(min_length=1)
    """Values of `field` that belong to this territory, as the field holds them: Country and
    State hold names ('United States', 'California'); the codes ('US', 'CA') are in CountryCode
    and StateCode, so route on those fields to list codes. Values must not contain commas."""

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: object) -> object:
        if isinstance(data, dict) and not data.get("api_name") and isinstance(data.get("name"), str):
            data = {**data, "api_name": derive_api_name(data["name"])}
        return data

    @property
    def developer_name(self) -> str:
        assert self.api_name is not None
        return self.api_name


class ProductInterest(SpecNode):
    """The Lead picklist saying which product line a lead is interested in."""

    field: LeadField = LeadField(api_name="Lead_Product_Interest__c", label="Product Interest",
                                 description="Product line the lead asked about; routes it to partners.")
    """Lead picklist of product lines; default Lead_Product_Interest__c."""
    values: list[NonEmptyStr] = []
    """Picklist values (required when the field is generated)."""


class QueueMembers(SpecNode):
    """Who works a queue. Public groups and roles, not named users: users differ per org."""

    groups: list[ApiName] = []
    """Public group developer names (generated: tier groups PRM_Tier_<tier>, territory x tier groups
    PRM_Tier_<tier>_<territory>)."""
    roles: list[ApiName] = []
    """Role developer names."""
    users: list[NonEmptyStr] = []
    """Usernames; discouraged (warning PRM-V163), list them under org.users."""


class PushQueue(SpecNode):
    """A queue receiving pushed leads, usually one per tier x territory."""

    tier: NonEmptyStr
    """Tier whose partners work this queue (must have features.lead_distribution)."""
    territory: NonEmptyStr | None = None
    """Territory name or api_name; none = every territory."""
    products: list[NonEmptyStr] = []
    """Product interest values this queue takes; empty = any product."""
    api_name: ApiName | None = None
    """Queue developer name; default PRM_Leads_<tier>_<territory>."""
    label: NonEmptyStr | None = None
    """Queue label; default 'Partner Leads <tier> <territory>'."""
    members: QueueMembers | None = None
    """Default: the partners of the tier serving the territory (group PRM_Tier_<tier>_<territory>);
    the tier's group for a queue without a territory."""
    email: str | None = None
    """Queue email address: it gets an email for every new lead (members only with `push.email_members`)."""


class Criterion(SpecNode):
    field: ApiName
    """Lead field, e.g. LeadSource or Rating."""
    operation: Operation = "equals"
    """Salesforce filter operation, e.g. equals, notEqual, greaterThan, contains."""
    value: str = ""
    """Comma-separated values mean any of them (as in Salesforce's rule editor)."""


class RuleEntry(SpecNode):
    """One assignment-rule entry. Entries are evaluated in the order written."""

    queue: ApiName
    """Queue that receives matching leads: a push queue, the pool, or an org queue."""
    territory: NonEmptyStr | None = None
    """Territory name or api_name the lead must be in; none = every territory."""
    tier: NonEmptyStr | None = None
    """Distribution tier of the lead (the Lead tier field)."""
    products: list[NonEmptyStr] = []
    """Product interest values the lead must have (any of them); empty = any product."""
    criteria: list[Criterion] = []
    """Extra criteria ANDed with territory, tier and products."""
    formula: str | None = None
    """A formula instead of criteria (never both; formula entries count against a 300 limit)."""
    untiered: bool = False
    """Match only leads without a distribution tier (never together with `tier`). An entry to a
    push queue without `tier` or `untiered` takes the queue's tier: every entry respects the lead's tier."""


class AssignmentRuleSpec(SpecNode):
    """The Lead assignment rule. An org has one active Lead assignment rule: deploying
    this one active deactivates the one that was active before."""

    name: ApiName = "PRM_Lead_Distribution"
    """Developer name of the rule."""
    active: bool = True
    """Activate on deploy (it then replaces the org's active Lead rule)."""
    replaces: NonEmptyStr | None = None
    """Name of the org's currently active Lead assignment rule this one replaces; recorded so
    the deploy plan says which routing is switched off."""
    email_template: NonEmptyStr | None = None
    """Email template ('Folder/Name') sent to the new owner; must be listed in org.email_templates."""


class Push(SpecNode):
    """Push model: queues per tier x territory and the ordered assignment rule."""

    queues: list[PushQueue] | None = None
    """Default: one queue per distribution tier x territory."""
    entries: list[RuleEntry] | None = None
    """Explicit ordered entries; default: derived from the queues, most specific first."""
    fallback_queue: ApiName | None = None
    """Where unmatched leads go: the catch-all queue for leads no entry matched (a tier with no queue
    in their territory, no territory); default the pool (required without a pool)."""
    untiered: NonEmptyStr | None = None
    """Where leads without a distribution tier go: a tier name (its queue in the lead's territory), or
    'unmatched' (the catch-all). State it: without it untiered leads go to the catch-all (warning PRM-V174)."""
    email_members: bool = False
    """Email every queue member about each new lead (off: members work from the queue list view;
    a queue `email` address is still notified)."""
    distribution: Literal["queue"] = "queue"
    """How partners inside a queue share its leads. Only 'queue' (first to accept) today;
    'round_robin' / 'capacity' are reserved for Omni-Channel routing configurations."""


class Pool(SpecNode):
    """Pull model: one shared pool queue; each pool lead is visible to tiers at or above its
    minimum tier, and a partner claims it by ticking the claim box."""

    queue: ApiName = "PRM_Lead_Pool"
    """Developer name of the pool queue."""
    label: NonEmptyStr = "Partner Lead Pool"
    """Queue label (at most 40 characters)."""
    tiers: list[NonEmptyStr] | None = None
    """Tiers that may claim; default every tier with features.lead_pool."""
    default_minimum_tier: NonEmptyStr | None = None
    """Minimum tier stamped on leads that enter the pool without one; default the lowest pool tier."""
    minimum_tier_field: LeadField = LeadField(
        api_name="Pool_Minimum_Tier__c", label="Pool Minimum Tier",
        description="Lowest partner tier that may see and claim this lead while it is in the pool.")
    """Lead picklist: lowest tier that may see and claim a pool lead; default Pool_Minimum_Tier__c."""
    claim_field: LeadField = LeadField(
        api_name="Claim_Pool_Lead__c", label="Claim This Lead",
        description="Ticking it makes you the owner of this pool lead.")
    """Lead checkbox partners tick to claim a pool lead; default Claim_Pool_Lead__c."""
    members: QueueMembers = QueueMembers()
    """Internal members (channel operations); partners see pool leads through sharing, not membership."""


class Sla(SpecNode):
    """Acceptance SLA: a pushed lead still owned by its queue after `accept_within_hours`
    moves on and the channel managers are notified."""

    accept_within_hours: int = Field(ge=1, le=8760)
    """Hours a partner queue has to accept a lead (take ownership of it)."""
    on_expiry: Literal["pool", "next_queue"] = "pool"
    """'pool': back to the pool; 'next_queue': the next lower tier's queue in the territory
    (the pool, or the fallback queue, after the lowest)."""
    notify_group: ApiName | None = None
    """Public group of channel managers to notify (generated or listed in org.groups)."""


class LeadDistribution(SpecNode):
    """Lead distribution: territories, product interest, push and/or pull, SLA."""

    territories: list[Territory] = []
    """Where leads come from; push queues are made per tier x territory."""
    product_interest: ProductInterest | None = None
    """The Lead picklist of product lines, when routing depends on them."""
    tier_field: LeadField = LeadField(
        api_name="Distribution_Tier__c", label="Distribution Tier",
        description="Partner tier this lead is distributed to; set by lead scoring or marketing.")
    """Lead picklist (tier global value set) the assignment rule filters on. Set generate: false
    and the api_name of deal registration's Lead tier field to reuse that one."""
    push: Push | None = None
    """Push model: queues and the ordered Lead assignment rule."""
    pool: Pool | None = None
    """Pull model: the shared pool eligible tiers claim from."""
    sla: Sla | None = None
    """Acceptance SLA of pushed leads (needs push)."""
    assignment_rule: AssignmentRuleSpec = AssignmentRuleSpec()
    """The one active Lead assignment rule (push only)."""
