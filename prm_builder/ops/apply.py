"""`prm partners apply`: carry out the plan, step by step, in the platform's order.

Each step re-reads the org before it writes (so the ids created by the step before are
known, and a run stopped half-way simply continues next time: the plan of a finished step
is empty). Rows fail on their own: a failed account leaves its contacts and users failed
with the reason, every other partner goes on. Every row's outcome goes to the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from prm_builder.errors import PrmUserError
from prm_builder.model.root import ProgramSpec
from prm_builder.ops.plan import STEP_TITLES, STEPS, Change, Plan, ProgramAccess, make_plan, period_of
from prm_builder.ops.roster import Roster
from prm_builder.ops.state import ACCOUNT_KEY, CONTACT_KEY, OrgState, read_state
from prm_builder.org.errors import OrgQueryError
from prm_builder.org.writer import ApiLimitReached, OrgWriter, calls_for

#: share of the org's daily API requests an apply always leaves to the org's other integrations
API_RESERVE_SHARE = 0.10
API_RESERVE_MIN = 1000
#: queries one read of the org's state costs (at most; more pages for big rosters)
STATE_QUERIES = 12
#: (step, action) -> (write operation, external id field)
OPERATIONS = {
    ("accounts", "create"): ("upsert", ACCOUNT_KEY), ("accounts", "update"): ("upsert", ACCOUNT_KEY),
    ("enable_partner", "update"): ("update", None),
    ("contacts", "create"): ("upsert", CONTACT_KEY), ("contacts", "update"): ("upsert", CONTACT_KEY),
    ("users", "create"): ("create", None), ("users", "update"): ("update", None),
    ("users", "deactivate"): ("update", None),
    ("permission_sets", "assign"): ("create", None), ("permission_sets", "unassign"): ("delete", None),
    ("groups", "add"): ("create", None), ("groups", "remove"): ("delete", None),
    ("budgets", "create"): ("create", None),
}

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RowOutcome:
    change: Change
    #: done / failed / skipped
    outcome: str
    id: str | None = None
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        return {**self.change.to_json(), "outcome": self.outcome, "id": self.id, "error": self.error}


@dataclass
class ApplyResult:
    outcomes: list[RowOutcome] = field(default_factory=list)
    #: API calls this run made (reads and writes)
    calls: int = 0
    #: why the run stopped before the end (API limit), or ""
    stopped: str = ""

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    @property
    def ok(self) -> bool:
        return not self.stopped and self.count("failed") == 0


class StateReader:
    def __init__(self, client: Any, spec: ProgramSpec, roster: Roster, access: ProgramAccess, today: dt.date):
        self.client, self.spec, self.roster, self.access, self.today = client, spec, roster, access, today

    def read(self) -> OrgState:
        return read_state(
            self.client, self.spec, profile=self.roster.settings.partner_profile,
            permission_sets=self.access.all_permission_sets, groups=self.access.tier_groups.values(),
            manager_emails=[p.channel_manager for p in self.roster.partners if p.channel_manager],
            period_start=period_of(self.today)[0], budget_object=self.access.budget_object)


def estimated_calls(plan: Plan, rows: int) -> int:
    writes = 0
    for step in STEPS:
        by_op: dict[tuple[str, str], int] = {}
        for c in plan.step(step):
            key = (OPERATIONS[(c.step, c.action)][0], c.sobject)
            by_op[key] = by_op.get(key, 0) + 1
        writes += sum(calls_for(n) for n in by_op.values())
    pages = -(-max(rows, 1) // 2000)
    return writes + len(STEPS) * (STATE_QUERIES + 3 * pages)


def apply_plan(spec: ProgramSpec, roster: Roster, access: ProgramAccess, reader: StateReader, writer: OrgWriter,
               *, today: dt.date, username_suffix: str | None = None,
               progress: Progress | None = None) -> ApplyResult:
    result = ApplyResult()
    state = writer.retry("read the org", reader.read)
    plan = make_plan(spec, roster, state, access, today=today, username_suffix=username_suffix)
    if plan.blockers:
        raise PrmUserError("cannot apply the roster: " + "; ".join(plan.blockers))
    rows = len(roster.partners) + sum(len(p.users) for p in roster.partners)
    needed = estimated_calls(plan, rows)
    limits = writer.remaining_calls()
    if limits is not None:
        remaining, maximum = limits
        reserve = max(API_RESERVE_MIN, int(maximum * API_RESERVE_SHARE))
        if remaining - needed < reserve:
            raise PrmUserError(
                f"the org has {remaining:,} API requests left today; this apply needs about {needed:,} and "
                f"leaves at least {reserve:,} for the org's other integrations: run it later (the daily "
                "limit is a rolling 24 hours) or apply a smaller roster")
    wrote_before = False
    for index, step in enumerate(STEPS):
        try:
            if index and wrote_before:
                # Fresh ids (and the truth after failures) for the steps that depend on this one.
                state = writer.retry("read the org", reader.read)
                plan = make_plan(spec, roster, state, access, today=today, username_suffix=username_suffix)
            changes = plan.step(step)
            wrote_before = bool(changes)
            result.outcomes += _run_step(step, changes, state, writer, progress)
        except ApiLimitReached as exc:
            result.stopped = str(exc)
            done = {id(o.change) for o in result.outcomes}
            result.outcomes += [RowOutcome(c, "skipped", error="not reached: the run stopped (API limit)")
                                for s in STEPS[index:] for c in plan.step(s) if id(c) not in done]
            break
    result.calls = writer.calls
    return result


def _run_step(step: str, changes: list[Change], state: OrgState, writer: OrgWriter,
              progress: Progress | None) -> list[RowOutcome]:
    out: list[RowOutcome] = []
    groups: dict[tuple[str, str, str | None], list[Change]] = {}
    for c in changes:
        operation, external_id = OPERATIONS[(c.step, c.action)]
        groups.setdefault((operation, c.sobject, external_id), []).append(c)
    total = len(changes)
    for (operation, sobject, external_id), batch in groups.items():
        ready: list[tuple[Change, dict[str, Any]]] = []
        for c in batch:
            record, missing = resolve(c.record, state)
            if missing:
                out.append(RowOutcome(c, "failed", error=missing))
            else:
                ready.append((c, record))
        try:
            results = writer.write(operation, sobject, [r for _, r in ready], external_id)
        except ApiLimitReached:
            raise
        except OrgQueryError as exc:
            out += [RowOutcome(c, "failed", error=str(exc)) for c, _ in ready]
            continue
        for (c, _), r in zip(ready, results):
            out.append(RowOutcome(c, "done" if r.ok else "failed", r.id, r.error))
        if progress:
            progress(STEP_TITLES[step], len(out), total)
    return out


def resolve(record: dict[str, Any], state: OrgState) -> tuple[dict[str, Any], str]:
    """Replace roster references by the org's ids; say what is missing when a record the
    change depends on does not exist (its own row failed earlier)."""
    out = dict(record)
    account_ref = out.pop("Account", None) or out.pop("Partner_Account__r", None)
    if account_ref is not None:
        account = state.accounts.get(str(account_ref[ACCOUNT_KEY]).lower())
        if account is None:
            return out, f"partner account {account_ref[ACCOUNT_KEY]} is not in the org (its row failed)"
        out["Partner_Account__c" if "Partner_Account__r" in record else "AccountId"] = account["Id"]
    contact_ref = out.pop("Contact", None)
    if contact_ref is not None:
        contact = state.contacts.get(str(contact_ref[CONTACT_KEY]).lower())
        if contact is None:
            return out, f"contact {contact_ref[CONTACT_KEY]} is not in the org (its row failed)"
        out["ContactId"] = contact["Id"]
    if "IsPartner" in out and ACCOUNT_KEY in out:
        account = state.accounts.get(str(out.pop(ACCOUNT_KEY)).lower())
        if account is None:
            return out, "the partner account is not in the org (its row failed)"
        out["Id"] = account["Id"]
    return out, ""
