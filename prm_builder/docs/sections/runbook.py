"""Runbook: deploy, validate, roll forward, troubleshoot, who owns what."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from typing import Any

import yaml

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
    section.add(Heading("Deploy and validate", "runbook-deploy"))
    section.add(Table(("step", "command", "why"), tuple(
        (s["name"], s["command"], s["why"]) for s in book["steps"])))
    section.add(Code("\n".join(s["command"] for s in book["steps"]), "sh"))
    steps = Counter(c.deploy_step for c in ctx.components)
    if steps:
        section.add(Para("Components by deploy step, in the order the deploy sends them:"))
        order = ["metadata", *sorted(s for s in steps if s != "metadata")]
        section.add(Table(("deploy step", "components"), tuple((s, str(steps[s])) for s in order if steps[s])))
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
