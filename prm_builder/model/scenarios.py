"""Scenarios: business rules written as data (issue 13), in `specs/scenarios/*.yml`.

A scenario names who acts (a persona), a starting record, a sequence of actions, and what
must hold afterwards (owner, approval path, fields, visibility, a rule blocking an action).
`prm test` runs them against the generated metadata (prm_builder/simulate)."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import ConfigDict, Field, model_validator

from prm_builder.model.base import NonEmptyStr, SpecNode

Role = Literal["partner_user", "partner_manager", "channel_manager", "channel_operations",
               "mdf_approver", "admin", "marketing"]
Access = Literal["none", "read", "edit"]


def _role_or_mapping(schema: dict[str, Any]) -> None:
    # `persona: admin` is accepted as well as the mapping: say so to editors.
    mapping = dict(schema)
    schema.clear()
    schema["description"] = mapping.pop("description", "")
    schema["title"] = mapping.get("title", "Persona")
    schema["anyOf"] = [{"type": "string", "enum": list(get_args(Role))}, mapping]


class Persona(SpecNode):
    """Who acts. Partner roles belong to an account of a tier; internal roles to groups."""

    model_config = ConfigDict(**SpecNode.model_config, json_schema_extra=_role_or_mapping)

    role: Role
    """partner_user, partner_manager (the partner account's manager), channel_manager,
    channel_operations, mdf_approver, admin, or marketing (an internal user with no PRM access)."""
    tier: str | None = None
    """Partner roles: the tier of their account (Partner_Tier__c)."""
    account: str | None = None
    """Partner roles: the partner account's name (defaults to '<tier> Partner')."""
    user: str | None = None
    """A username, for approval steps assigned to a named user."""
    groups: list[str] = []
    """Public groups the user belongs to, in addition to those of the role (tier group for
    partners; Channel_Managers, Channel_Operations for those roles)."""
    permission_sets: list[str] | None = None
    """Permission sets assigned; by default partner roles get the generated sets whose name
    contains 'Partner', internal roles the others, admin all."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # `persona: channel_manager` is short for `persona: {role: channel_manager}`.
        return {"role": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _partner_needs_tier(self) -> "Persona":
        if self.role in ("partner_user", "partner_manager") and not self.tier:
            raise ValueError(f"a {self.role} persona needs `tier`")
        return self

    @property
    def is_partner(self) -> bool:
        return self.role in ("partner_user", "partner_manager")

    @property
    def account_name(self) -> str | None:
        return (self.account or f"{self.tier} Partner") if self.is_partner else None


class StartRecord(SpecNode):
    """The record a scenario starts from."""

    object: NonEmptyStr
    """API name of the object (Lead, MDF_Request__c, Co_Marketing_Asset__c, ...)."""
    fields: dict[str, Any] = {}
    """Field values. `PartnerAccountId: "@account"` (or any lookup) names the acting
    persona's account; `"@account:Name"` another partner account."""
    owner: str | None = None
    """Starting owner: a queue's developer name, or `persona` (default: the creator)."""
    parent: dict[str, Any] | None = None
    """For detail objects: field values of the master record (object taken from the
    master-detail field named in `via`)."""
    via: str | None = None
    """The master-detail field that links to `parent`."""


class GivenRecord(SpecNode):
    """A record that already exists in the org when the scenario starts (loaded as data: no
    automation runs for it)."""

    key: NonEmptyStr
    """Name other values use to point at it: `"@given:<key>"` is its record id."""
    object: NonEmptyStr
    """API name of the object (Account, Opportunity, Partner_Attribution__c, ...)."""
    fields: dict[str, Any] = {}
    """Field values; lookups may name earlier given records (`"@given:<key>"`) or partner
    accounts (`"@account"`, `"@account:Gold"`)."""


class RecordsExpect(SpecNode):
    """Records of an object that must exist (e.g. the commission a closed deal created)."""

    object: NonEmptyStr
    """API name of the object."""
    where: dict[str, Any] = {}
    """Field values that pick the records (`"@given:<key>"` and `"@record"` name records)."""
    count: int | None = None
    """How many records match `where` (0: none may exist)."""
    fields: dict[str, Any] = {}
    """Values every matching record must have (formula fields computed)."""


class VisibilityExpect(SpecNode):
    """The access a persona has to the record."""

    persona: Persona
    """Whose access (a persona as under `persona`)."""
    access: Access
    """none, read or edit: the most the persona gets through OWD, ownership, queues,
    sharing rules and object permissions."""


class FieldAccessExpect(SpecNode):
    """The field-level access a persona has (through its permission sets)."""

    persona: Persona
    """Whose access."""
    field: NonEmptyStr
    """Object.Field, or Object.* for every custom field of the object that has field-level
    security (required and master-detail fields have none)."""
    access: Access
    """none, read or edit."""


class BlockedExpect(SpecNode):
    """The step is refused; by which component, with which message."""

    rule: str | None = None
    """The component that blocks: a validation rule's name, `field_security`, `record_lock`,
    `approval_submitters`, `no_approval_process`, `not_an_approver`, `no_access`,
    `duplicate_value` (a unique field), or a flow's Custom Error element."""
    message: str | None = None
    """Text the error message must contain."""


class ApprovalExpect(SpecNode):
    """Where the record is in its approval process."""

    process: str | None = None
    """The process that picked the record up (name without the _vN version suffix)."""
    steps: list[str] | None = None
    """The steps reached so far, in order."""
    approvers: list[str] | None = None
    """Approvers of the current pending step (queue or user names)."""
    status: Literal["Pending", "Approved", "Rejected", "Recalled", "None"] | None = None
    """Pending (at a step), Approved, Rejected, Recalled, or None (never submitted)."""


class Expect(SpecNode):
    """What must hold (after a step, or at the end of the scenario); every key is optional."""

    owner: str | None = None
    """A queue's developer name, `creator`, or `persona` (the acting persona)."""
    owner_not: list[str] = []
    """Queues (or `creator`) that must NOT own the record."""
    fields: dict[str, Any] = {}
    """Field values (formula fields are computed); dates may be relative: "@today+90"."""
    approval: ApprovalExpect | None = None
    """The approval path: process, steps reached, current approvers, status."""
    visible_to: list[VisibilityExpect] = []
    """Record access per persona (OWD, ownership, queues, sharing rules, object permissions)."""
    field_access: list[FieldAccessExpect] = []
    """Field-level access per persona."""
    blocked: BlockedExpect | None = None
    """The step was refused (and changed nothing)."""
    allowed: bool | None = None
    """true: the step went through (no rule blocked it)."""
    records: list[RecordsExpect] = []
    """Other records that must (or must not) exist, e.g. created by automation."""


Action = Literal["create", "edit", "submit", "approve", "reject", "recall", "claim", "convert", "wait"]


class Step(SpecNode):
    """One action on the record."""

    action: Action
    """create, edit, submit (for approval), approve, reject, recall, claim (from the pool),
    convert, or wait (time passes: `hours` / `days`)."""
    fields: dict[str, Any] = {}
    """create / edit: values to set."""
    assignment_rules: bool = False
    """create / edit: run the active assignment rule (the 'Assign using active assignment
    rule' checkbox, or the assignment rule header in Apex)."""
    as_: Persona | None = Field(default=None, alias="as")
    """Who performs this step (default: the scenario's persona)."""
    step: str | None = None
    """approve / reject: the step the record must be pending at."""
    on: str | None = Field(default=None, pattern=r"^@given:.+$")
    """edit: act on a given record (`"@given:<key>"`) instead of the scenario's record."""
    hours: float = 0
    """wait: hours that pass."""
    days: float = 0
    """wait: days that pass."""
    expect: Expect | None = None
    """What must hold after this step."""


class Scenario(SpecNode):
    """One business rule as a story: who, which record, what they do, what must happen."""

    name: NonEmptyStr
    """The rule in words; unique across scenario files (it names results and UAT rows)."""
    description: str = ""
    """Longer explanation for the UAT plan."""
    persona: Persona
    """Who acts (steps may act as someone else with `as`)."""
    given: list[GivenRecord] = []
    """Records that exist before the scenario starts (partner accounts with codes, customers
    with open opportunities, ...)."""
    record: StartRecord
    """The record the scenario starts from."""
    steps: list[Step] = []
    """Actions in order (default: one `create`)."""
    expect: Expect | None = None
    """What holds after the last step."""
    tags: list[str] = []
    """Free labels; `issue-12` marks scenarios of the runtime-correctness defects."""


class ScenarioFile(SpecNode):
    """One scenario file: `scenarios:` and nothing else."""

    scenarios: list[Scenario]
    """The scenarios of this file."""
