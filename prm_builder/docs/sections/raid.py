"""RAID log: risks, assumptions, issues and decisions, each with an owner and a date.

Derived, never typed: issues are the checklist items that fail, risks the ones that warn
and the open decisions (a decision not taken is a risk to its date); assumptions are what
the program takes for granted of the org and its people (the manual steps around a
deploy, what lives in the org already, what the UAT simulation does not run).
"""

from __future__ import annotations

from typing import Any

from prm_builder.docs.content import Heading, Link, Para, Section, Table
from prm_builder.docs.context import DocContext, join, slug
from prm_builder.docs.sections.checklist import _field

ID = "raid"
TITLE = "RAID log"

DELIVERY = "Delivery lead"
ADMIN = "Client Salesforce admin"


def _items(ctx: DocContext, status: str) -> list[Any]:
    return [i for i in (ctx.checklist.items if ctx.checklist is not None else []) if _field(i, "status") == status]


def risks(ctx: DocContext) -> list[tuple[str, ...]]:
    as_of = ctx.origin.as_of
    rows: list[tuple[str, ...]] = []
    for i in _items(ctx, "warn"):
        rows.append((f"checklist {_field(i, 'id')}", f"{_field(i, 'title')}: {_field(i, 'detail')}",
                     _field(i, "fix") or "—", DELIVERY, as_of or "—", "before sign-off"))
    for i in _items(ctx, "manual"):
        rows.append((f"checklist {_field(i, 'id')}", f"Not checked automatically — {_field(i, 'title')}: "
                     f"{_field(i, 'detail')}", _field(i, "fix") or "verify by hand before sign-off", DELIVERY,
                     as_of or "—", "before sign-off"))
    for d in sorted(ctx.spec.open_decisions, key=lambda d: (d.due, d.id)):
        if d.status != "open":
            continue
        late = as_of and d.due.isoformat() < as_of
        rows.append((f"decision {d.id}", f"Not yet decided: {d.title}" + (" (past due)" if late else ""),
                     f"decide by {d.due.isoformat()}; affects {join(d.affects)}", d.owner, as_of or "—",
                     d.due.isoformat()))
    return [(f"R-{n:02d}", *r) for n, r in enumerate(rows, 1)]


def issues(ctx: DocContext) -> list[tuple[str, ...]]:
    return [(f"I-{n:02d}", f"checklist {_field(i, 'id')}", f"{_field(i, 'title')}: {_field(i, 'detail')}",
             _field(i, "fix") or "—", DELIVERY, ctx.origin.as_of or "—", "before deploy")
            for n, i in enumerate(_items(ctx, "fail"), 1)]


def assumptions(ctx: DocContext) -> list[tuple[str, ...]]:
    spec = ctx.spec
    rows: list[tuple[str, str, str]] = [
        ("The org has partner features (PRM / Experience Cloud partner site) enabled with "
         f"{spec.program.license.value} licences; partner users log in through the partner site.", "runbook", ADMIN),
        ("People's access is data the deploy cannot set: an admin assigns the PRM_* persona permission sets and adds "
         "members to the program's public groups after each deploy.", "runbook: Give people their access", ADMIN),
        ("Partners and their users are onboarded from roster/partners.yml with `prm partners apply`, not by hand.",
         "runbook: Onboard a partner", ADMIN),
    ]
    if ctx.of_type("Flow"):
        rows.append(("Production receives the flows inactive; `prm deploy` activates them afterwards (a failed "
                     "activation is rerun by hand, see the runbook).", "prm deploy", DELIVERY))
    if ctx.of_type("DuplicateRule"):
        rows.append(("Duplicate rules are deployed inactive and activated in a later step, once their matching "
                     "rules are active.", "prm deploy", DELIVERY))
    org = spec.org
    declared = [("fields", org.fields), ("queues", org.queues), ("groups", org.groups), ("users", org.users),
                ("roles", org.roles), ("email templates", org.email_templates)]
    named = list(getattr(org, "named_users", {}) or {})
    for kind, names in declared:
        if names:
            rows.append((f"These {kind} already exist in every target org: {join(sorted(names))}.",
                         f"org ({ctx.where(org.ref())})", ADMIN))
    if named:
        rows.append((f"Each target org names a user for: {join(sorted(named))} (org.named_users).",
                     f"org ({ctx.where(org.ref())})", ADMIN))
    ld = spec.lead_distribution
    if ld is not None and ld.sla is not None:
        rows.append((f"The acceptance SLA ({ld.sla.accept_within_hours} h) runs as the Default Workflow User "
                     "(Process Automation Settings), who must be able to edit leads.", "lead_distribution.sla", ADMIN))
    if ld is not None and ld.push is not None and ld.assignment_rule.active:
        rows.append((f"The assignment rule {ld.assignment_rule.name} replaces the org's active Lead assignment rule"
                     + (f" ({ld.assignment_rule.replaces})" if getattr(ld.assignment_rule, "replaces", "") else "")
                     + ".", "lead_distribution.assignment_rule", DELIVERY))
    from prm_builder.simulate.report import NOT_MODELLED

    rows.append(("UAT by simulation (`prm test`) does not run: " + "; ".join(NOT_MODELLED)
                 + ". These are tested by hand in the org (UAT plan).", "prm test", DELIVERY))
    return [(f"A-{n:02d}", *r, ctx.origin.as_of or "—") for n, r in enumerate(rows, 1)]


def build(ctx: DocContext) -> Section:
    section = Section(ID, TITLE, "Risks, assumptions, issues and decisions, with owners and dates.")
    checked = ctx.checklist is not None
    section.add(Para("Derived from the specs and the review checklist as of "
                     f"{ctx.origin.as_of or 'the generation date'}: issues are failing checklist items, risks are "
                     "warnings, items checked by hand and open decisions, assumptions are what the program takes for granted of the org."
                     + ("" if checked else " The checklist was not run, so no issues or warnings are included.")))
    section.add(Heading("Risks", slug(ID, "risks")))
    rows = risks(ctx)
    section.add(Table(("id", "source", "risk", "mitigation", "owner", "raised", "due"), tuple(rows)) if rows
                else Para("No risks: no checklist warnings and no open decisions."))
    section.add(Heading("Assumptions", slug(ID, "assumptions")))
    section.add(Table(("id", "assumption", "source", "owner", "recorded"), tuple(assumptions(ctx))))
    section.add(Heading("Issues", slug(ID, "issues")))
    rows = issues(ctx)
    section.add(Table(("id", "source", "issue", "fix", "owner", "raised", "due"), tuple(rows)) if rows
                else Para("No issues: no checklist item fails."))
    section.add(Heading("Decisions", slug(ID, "decisions")))
    decisions = sorted(ctx.spec.open_decisions, key=lambda d: (d.status != "open", d.due, d.id))
    if decisions:
        section.add(Table(("id", "decision", "owner", "due", "status", "outcome"), tuple(
            (d.id, d.title, d.owner, d.due.isoformat(), d.status, d.decision or "—") for d in decisions)))
        section.add(Para("Details and the spec lines are on the decisions page:"))
        from prm_builder.docs.content import Bullets

        section.add(Bullets((Link("Open decisions", "decisions"),)))
    else:
        section.add(Para("No decisions are recorded in the specs."))
    return section
