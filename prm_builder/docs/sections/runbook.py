"""Runbook: deploy, validate, roll forward, troubleshoot, who owns what."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from typing import Any

import yaml

from prm_builder.deploy.steps import DEPLOY_FLOW, STEPS
from prm_builder.docs.content import Bullets, Code, Heading, Link, Para, Section, Table
from prm_builder.docs.context import DocContext, join

ID = "runbook"
#: remedy codes of the deploy hints (prm_builder/deploy/hints.yaml) in words
REMEDIES = {"retry-step": "waits, then deploys the step again", "retry": "retries with backoff"}
TITLE = "Runbook"


def load_runbook() -> dict[str, Any]:
    text = resources.files("prm_builder.docs").joinpath("runbook.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def build(ctx: DocContext) -> Section:
    book = load_runbook()
    section = Section(ID, TITLE, "How to deploy, validate, roll forward and troubleshoot, and who owns what.")
    section.add(Heading("Before the first deploy", "runbook-before"))
    section.add(Para("Manual steps in the target org (the deploy cannot make them), once per org:"))
    section.add(Numbered(tuple(book["before_deploy"])))
    section.add(Heading("Deploy and validate", "runbook-deploy"))
    section.add(Table(("step", "command", "why"), tuple(
        (s["name"], f"`{s['command']}`", s["why"]) for s in book["steps"])))
    section.add(Code("\n".join(s["command"] for s in book["steps"]), "sh"))
    _deploy_order(ctx, section)
    section.add(Heading("After the deploy", "runbook-after"))
    section.add(Para("Manual steps after each deploy to a new org (and after any deploy that adds personas, "
                     "groups or flows):"))
    section.add(Numbered(tuple(book["after_deploy"]) + tuple(_component_follow_ups(ctx))))
    section.add(Heading("Smoke test", "runbook-smoke-test"))
    section.add(Para("Right after the deploy, before partners are told:"))
    section.add(Numbered(tuple(book["smoke_test"]) + tuple(smoke_tests(ctx))))
    section.add(Heading("Roll forward", "runbook-roll-forward"), Bullets(tuple(book["roll_forward"])))
    for operation in book.get("operations", []):
        anchor = "runbook-" + "-".join(operation["name"].lower().split())
        section.add(Heading(operation["name"], anchor), Bullets(tuple(operation["steps"])))
    section.add(Heading("Troubleshooting deploy errors", "runbook-troubleshooting"))
    section.add(Para("Platform pitfalls that show up as deploy errors or as missing behaviour after a deploy:"))
    section.add(Table(("symptom", "cause", "fix"), tuple(
        (t["symptom"], t["cause"], t["fix"]) for t in book["troubleshooting"])))
    if ctx.deploy_hints:
        section.add(Para("Errors `prm deploy` recognises, with the hint it prints and what it does by itself:"))
        section.add(Table(("code", "error", "for example", "automatic remedy", "what to do"), tuple(
            (str(h.get("id", "")), str(h.get("name", "")), str((h.get("examples") or ("—",))[0]),
             REMEDIES.get(str(h.get("remedy") or ""), "none"), str(h.get("hint", "")))
            for h in ctx.deploy_hints)))
    section.add(Heading("Who owns what", "runbook-owners"))
    owners = [(o["what"], o["who"]) for o in book["owners"]]
    owners += [(f"Decision {d.id}: {d.title}", f"{d.owner} (due {d.due.isoformat()})")
               for d in ctx.spec.open_decisions if d.status == "open"]
    section.add(Table(("what", "who"), tuple(owners)))
    declared = ctx.spec.org
    inventory = [("fields", declared.fields), ("users", declared.users), ("queues", declared.queues),
                 ("groups", declared.groups), ("roles", declared.roles), ("email templates", declared.email_templates)]
    section.add(Para("The metadata relies on these items already existing in the org:"),
                Table(("kind", "items"), tuple((k, join(v)) for k, v in inventory)),
                Bullets((Link("Open decisions", "decisions"), Link("Review checklist", "checklist"))))
    return section


def Numbered(items: tuple[str, ...]) -> Table:
    """Steps a person follows in order: a numbered table (Bullets has no order)."""
    return Table(("#", "step"), tuple((str(n), text) for n, text in enumerate(items, 1)))


def deploy_order(ctx: DocContext) -> list[tuple[str, str, str]]:
    """(task or step, what it does, components) in the order `prm deploy --org NAME` runs them:
    the prm_deploy flow's tasks (prm_builder.deploy.steps.DEPLOY_FLOW), with the deploy steps
    (STEPS, the order the deploy runner sends them) inside prm_deploy_steps."""
    counts = Counter(c.deploy_step for c in ctx.components)
    rows: list[tuple[str, str, str]] = []
    for task in DEPLOY_FLOW:
        rows.append((f"`{task.task}`", task.what, "—"))
        if task.runs_steps:
            rows += [(f"deploy step `{s.name}`", s.reason, str(counts[s.name])) for s in STEPS if counts[s.name]]
    return rows


def _deploy_order(ctx: DocContext, section: Section) -> None:
    section.add(Heading("What prm deploy runs, in order", "runbook-deploy-order"))
    section.add(Para("`prm deploy --org NAME` runs the CumulusCI flow prm_deploy (cumulusci.yml; "
                     "`cci flow run prm_deploy --org NAME` does the same). Its tasks, and inside prm_deploy_steps "
                     "the deploy steps, run in this order; a failure stops the run:"))
    section.add(Table(("#", "task or deploy step", "what it does and why here", "components"), tuple(
        (str(n), name, what, count) for n, (name, what, count) in enumerate(deploy_order(ctx), 1))))


def _component_follow_ups(ctx: DocContext) -> list[str]:
    """What the generated components themselves say must be done after the deploy."""
    return [f"{c.type} {c.full_name}: {note}" for c in ctx.components for note in c.notes
            if "once after deploy" in note.lower()]  # an action, not a remark about timing


def smoke_tests(ctx: DocContext) -> list[str]:
    """One check per feature the program has, as the people who use it."""
    spec, tests = ctx.spec, []
    if spec.deal_registration is not None:
        tests.append("As a partner user: register a deal (a Lead with a deal amount) and submit it; check that "
                     "it reaches the channel managers' Pending Approval list view; approve it as a channel manager "
                     "and check the partner got the approval email.")
    if spec.lead_distribution is not None:
        tests.append("Create a test lead with assignment rules on (Lead: Assign using active assignment rule) in "
                     "one of the program's territories; check it lands in the expected partner queue.")
    if spec.mdf is not None:
        tests.append("As a partner user: open the MDF request tab, create and submit a small request; check it "
                     "reaches its first approver.")
    if spec.content is not None:
        tests.append("As a partner user of the lowest tier: open the co-marketing content tab; check only the "
                     "categories that tier is entitled to are listed.")
    tests.append("Delete the smoke-test records afterwards (they count in the partner's metrics).")
    return tests
