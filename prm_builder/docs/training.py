"""Training and quick references, one page per audience (partner users, channel managers,
the admin), written from the specs and the generated components: field labels, status
values, queues, thresholds and messages are the program's own. A task appears only when
the program has the feature it belongs to; a page with no task is left out."""

from __future__ import annotations

from typing import Any

from prm_builder.docs.content import Block, Bullets, Heading, Link, Para, Section, Table
from prm_builder.docs.context import DocContext, join, slug
from prm_builder.docs.sections.common import as_list

Task = tuple[str, list[Block]]


# ---- what the generated metadata says -------------------------------------------------------

def _field_label(ctx: DocContext, full_name: str, default: str = "") -> str:
    for c in ctx.of_type("CustomField"):
        if c.full_name == full_name:
            return str(c.body.get("label") or default or full_name)
    return default or full_name.split(".", 1)[-1]


def _required_fields(ctx: DocContext, obj: str) -> list[str]:
    return [str(c.body.get("label")) for c in ctx.of_type("CustomField")
            if c.full_name.startswith(f"{obj}.") and c.body.get("required")]


def _messages(ctx: DocContext, prefix: str) -> list[tuple[str, str]]:
    """(error message, when) of the active validation rules whose full name starts with prefix."""
    return [(str(c.body.get("errorMessage", "")), str(c.body.get("description") or c.purpose))
            for c in ctx.of_type("ValidationRule") if c.full_name.startswith(prefix) and c.body.get("active", True)]


def _list_views(ctx: DocContext, prefix: str) -> list[str]:
    return [str(c.body.get("label") or c.full_name) for c in ctx.of_type("ListView") if c.full_name.startswith(prefix)]


def _steps(ctx: DocContext, routing: Any) -> list[tuple[str, str, str]]:
    """(route, tiers, what happens) per approval route: auto-approval and the steps with thresholds."""
    rows = []
    for route in routing.routes if routing is not None else []:
        parts = []
        if route.auto_approve_below:
            parts.append(f"approved at once below {ctx.money(route.auto_approve_below)}")
        parts += [f"{n}. {s.display_label}" + (f" (from {ctx.money(s.min_amount)})" if s.min_amount else "")
                  for n, s in enumerate(route.steps, 1)]
        rows.append((route.display_label, join(route.tiers), "; ".join(parts) or "—"))
    return rows


def _numbered(items: list[str]) -> Table:
    """Steps in order (a table: the package's blocks have no numbered list)."""
    return Table(("step", "what to do"), tuple((str(n), text) for n, text in enumerate(items, 1)))


def _object_label(ctx: DocContext, api_name: str) -> str:
    for c in ctx.of_type("CustomObject"):
        if c.full_name == api_name and c.body.get("label"):
            return str(c.body["label"])
    return api_name


def page(section_id: str, title: str, summary: str, intro: str, tasks: list[Task]) -> Section | None:
    if not tasks:
        return None
    section = Section(section_id, title, summary)
    section.add(Para(intro))
    section.add(Bullets(tuple(Link(name, section_id, slug(section_id, name)) for name, _ in tasks)))
    for name, blocks in tasks:
        section.add(Heading(name, slug(section_id, name)), *blocks)
    return section


# ---- partner users --------------------------------------------------------------------------

def partner_tasks(ctx: DocContext) -> list[Task]:
    spec = ctx.spec
    tasks: list[Task] = []
    deal = spec.deal_registration
    if deal is not None:
        f = deal.fields
        tiers = [t.name for t in ctx.tiers_high_first() if t.features.deal_registration]
        days = deal.protection_days()
        steps = [f"Open Leads and create a new Lead for the customer (company, contact, email, country).",
                 f"Fill in {f.amount.label} and {f.close_date.label}: both are needed to submit, and the amount "
                 "decides who approves.",
                 f"Save. The duplicate check runs: a deal another partner registered is "
                 + ("blocked" if all(r.action == "block" for r in deal.duplicates.duplicate_rules) else "flagged")
                 + " with the message: " + join(f"'{r.alert_text}'" for r in deal.duplicates.duplicate_rules) + ".",
                 f"Click Submit for Approval. {f.status.label} becomes '{deal.status_value('submitted')}'.",
                 f"You are emailed the outcome. Approved: {f.status.label} '{deal.status_value('approved')}'"
                 + (", and the registration is converted to an Opportunity that stays yours." if days is None else
                    f"; the deal is protected for {days} days ({f.expires_on.label}) until the channel team converts it.")
                 + f" Rejected: '{deal.status_value('rejected')}', with the reason in {f.rejection_reason.label}."]
        if deal.approval.allow_recall:
            steps.append("Changed your mind while it is pending? Recall it from the approval history, edit and submit again.")
        blocks: list[Block] = [Para(f"For partners of {join(tiers, 'no tier')}."), _numbered(steps)]
        rows = _steps(ctx, deal.approval)
        if rows:
            blocks.append(Table(("route", "your tier", "what happens"), tuple(rows),
                                caption="Who approves your registration"))
        messages = _messages(ctx, "Lead.Deal_Reg_")
        if messages:
            blocks.append(Table(("message you may see", "why"), tuple(messages), caption="Messages on save"))
        tasks.append(("Register a deal", blocks))
    ld = spec.lead_distribution
    if ld is not None and (ld.push is not None or ld.pool is not None):
        blocks = []
        if ld.push is not None:
            queues = _list_views(ctx, "Lead.PRM_Leads_")
            text = ("Leads for your tier and territory arrive in your queue's list view"
                    + (f" (one of: {join(queues)})" if queues else "") + ". Accept one by changing its owner to yourself.")
            if ld.sla is not None:
                text += (f" Accept within {ld.sla.accept_within_hours} hours: after that the lead moves "
                         + ("to the next tier's queue." if ld.sla.on_expiry == "next_queue" else "to the shared pool."))
            blocks.append(Para(text))
        if ld.pool is not None:
            pool_tiers = ld.pool.tiers or [t.name for t in ctx.tiers_high_first() if t.features.lead_pool]
            blocks.append(_numbered([
                f"Open the list view of the pool queue {ld.pool.label} (partners of {join(pool_tiers)}).",
                f"Open a lead you want; you see only leads whose {ld.pool.minimum_tier_field.label} is your tier or lower.",
                f"Tick {ld.pool.claim_field.label} and save: the lead is yours and leaves the pool."]))
        tasks.append(("Claim a lead", blocks))
    mdf = spec.mdf
    if mdf is not None:
        from prm_builder.docs.sections.mdf import OBJECTS

        budget, request, claim = OBJECTS.get(mdf.model, OBJECTS["custom"])
        budget, request_label, claim = _object_label(ctx, budget), _object_label(ctx, request), _object_label(ctx, claim)
        tiers = [t.name for t in ctx.tiers_high_first() if t.features.mdf]
        required = _required_fields(ctx, request)
        steps = [f"Open your {budget} record for this year and create a {request_label} from it.",
                 "Fill in " + join(required, "the activity, dates and amount") + f"; activity types: {join(mdf.activity_types)}.",
                 "Submit it for approval before the activity starts."]
        if mdf.claim_window_days:
            steps.append(f"After the activity, file an {claim} with proof of performance within "
                         f"{mdf.claim_window_days} days of its end.")
        else:
            steps.append(f"After the activity, file an {claim} with proof of performance.")
        blocks = [Para(f"For partners of {join(tiers, 'no tier')}."), _numbered(steps)]
        rows = _steps(ctx, mdf.request_approval)
        if rows:
            blocks.append(Table(("route", "your tier", "what happens"), tuple(rows), caption="Who approves requests"))
        tasks.append(("Request MDF", blocks))
    content = spec.content
    if content is not None:
        from prm_builder.docs.sections.content import _visible

        rows = tuple((t.name, join(c.name for c in _visible(ctx, t)) if t.features.co_marketing else "—")
                     for t in ctx.tiers_high_first())
        tasks.append(("Find content", [
            Para(f"Open the {_object_label(ctx, 'Co_Marketing_Asset__c')} tab; filter by category. You see the categories your tier is "
                 "entitled to:"),
            Table(("your tier", "categories you see"), rows)]))
    return tasks


# ---- channel managers -----------------------------------------------------------------------

def channel_tasks(ctx: DocContext) -> list[Task]:
    spec = ctx.spec
    tasks: list[Task] = []
    deal = spec.deal_registration
    if deal is not None:
        f = deal.fields
        views = _list_views(ctx, "Lead.Deal_Reg_")
        days = deal.protection_days()
        steps = [f"Open the list view {join(v for v in views if 'Pending' in v) or 'of pending registrations'} "
                 "(or the approval request in your notifications).",
                 "Check the customer, the partner account and the duplicate alert, if any.",
                 f"Approve, or reject with the reason in {f.rejection_reason.label} (the partner is emailed it).",
                 ("On approval the registration converts to an Opportunity by itself; failures show in "
                  f"'{join(v for v in views if 'Not Converted' in v)}' with the reason in {f.conversion_error.label}."
                  if days is None else
                  f"Approved registrations are protected for {days} days: convert them from "
                  f"'{join(v for v in views if 'Approved' in v)}' and watch "
                  f"'{join(v for v in views if 'Expiring' in v)}' ({deal.list_views.expiring_within_days} days ahead).")]
        blocks: list[Block] = [_numbered(steps)]
        rows = _steps(ctx, deal.approval)
        if rows:
            blocks.append(Table(("route", "tiers", "steps"), tuple(rows)))
        if views:
            blocks.append(Para("Your list views: " + join(views) + "."))
        tasks.append(("Review deal registrations", blocks))
    ld = spec.lead_distribution
    if ld is not None and ld.sla is not None:
        from prm_builder.docs.sections.lead_distribution import sla_routes

        blocks = [Para(f"A pushed lead no partner accepts within {ld.sla.accept_within_hours} hours moves on"
                       + (f" and the group {ld.sla.notify_group} is notified" if ld.sla.notify_group else "")
                       + ". When notified: check why the partner did not accept it, and reassign it by hand when the "
                       "next queue is not the right one.")]
        routes = sla_routes(ctx)
        if routes:
            blocks.append(Table(("queue", "after the SLA, moves to"), tuple((r[1], r[2]) for r in routes)))
        tasks.append(("Work the lead SLA", blocks))
    mdf = spec.mdf
    if mdf is not None:
        blocks = [_numbered(["Open the request from your approval notifications or the MDF Requests tab.",
                             "Check the activity, dates and amount against the partner's remaining budget.",
                             "Approve, or reject with a comment. Claims: check the proof of performance before approving."])]
        for label, routing in (("requests", mdf.request_approval), ("claims", mdf.claim_approval)):
            rows = _steps(ctx, routing)
            blocks.append(Table(("route", "tiers", "steps"), tuple(rows), caption=f"Approval of {label}") if rows
                          else Para(f"MDF {label} have no approval process: set their status by hand."))
        tasks.append(("Approve MDF", blocks))
    return tasks


# ---- the admin ------------------------------------------------------------------------------

def admin_tasks(ctx: DocContext) -> list[Task]:
    spec = ctx.spec
    tasks: list[Task] = []
    pa = spec.partner_account
    tier_label = pa.tier_field.label
    override = _field_label(ctx, "Account.Tier_Override__c", "")
    reason = _field_label(ctx, "Account.Tier_Override_Reason__c", "")
    steps = [f"Tiers ({join(t.name for t in ctx.tiers_high_first())}) are reviewed {ctx.review_cadence()}; a partner "
             f"below its tier's criteria keeps it for {spec.program.tier_review.demotion_grace_days} days before demotion."]
    if any(c.full_name == "Account.Tier_Override__c" for c in ctx.of_type("CustomField")):
        steps.append(f"To change one partner's tier by hand: set {tier_label} on the account, tick {override} and give "
                     f"{reason}, so the next review keeps it.")
    else:
        steps.append(f"To change one partner's tier by hand: set {tier_label} on the account.")
    steps.append("To change what a tier means (criteria, features, allocations): edit specs/tiers.yml in a pull "
                 "request, then `prm validate`, `prm build` and deploy. Renaming a tier renames the picklist value; it "
                 "does not move existing records.")
    tasks.append(("Change a tier", [_numbered(steps)]))
    ld = spec.lead_distribution
    if ld is not None and ld.territories:
        current = join(f"{t.name} ({t.field} in {join(t.values)})" for t in ld.territories)
        tasks.append(("Add a territory", [Para(f"Territories today: {current}."), _numbered([
            "Add it under lead_distribution.territories in specs/lead_distribution.yml: name, the Lead field and its values.",
            "Push queues are made per tier and territory unless push.queues lists them: add the new territory's queues there if it does.",
            "`prm validate`, then `prm build`; review the new queues, assignment-rule entries and sharing in the diff.",
            "Deploy (below), then add partner members to the new queues' groups."])]))
    tasks.append(("Run a deploy", [_numbered([
        "`prm validate` and `prm check`: no errors, and the checklist result you expect.",
        "`prm build` and commit force-app/ with the specs change.",
        "`prm deploy --org NAME --check-only` to validate in the target org first.",
        "`prm deploy --org NAME` (production validates with RunLocalTests unless told otherwise).",
        "After it: assign permission sets and group members, then `prm check --org NAME` for the live items.",
        "Regenerate this package with `prm docs`."]),
        Bullets((Link("Runbook", "runbook"),))]))  # the runbook page is always in the package
    return tasks


def partner_page(ctx: DocContext) -> Section | None:
    return page("training-partners", "Quick reference: partner users",
                "How partner users register deals, claim leads, request MDF and find content.",
                f"For partner users of {ctx.spec.program.name}. Field names and statuses are those in the org.",
                partner_tasks(ctx))


def channel_page(ctx: DocContext) -> Section | None:
    return page("training-channel-managers", "Quick reference: channel managers",
                "How channel managers review registrations, work the lead SLA and approve MDF.",
                f"For the channel team of {ctx.spec.program.name}.", channel_tasks(ctx))


def admin_page(ctx: DocContext) -> Section | None:
    return page("training-admin", "Quick reference: the admin",
                "How the admin changes a tier, adds a territory and runs a deploy.",
                f"For the Salesforce admin who owns {ctx.spec.program.name}. Every change starts in the specs.",
                admin_tasks(ctx))
