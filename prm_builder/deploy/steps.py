"""The deploy order. Components name their step (`Component.deploy_step`); this table
says in which order the steps run and why. A step the table does not know is a bug in a
generator (exit 2), never guessed: a wrong order is exactly what breaks deploys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from prm_builder.errors import PrmInternalError
from prm_builder.generate.component import Component


@dataclass(frozen=True)
class DeployStep:
    name: str
    reason: str
    """Why this step comes where it does (printed by `prm plan`, listed in the runbook)."""
    activate_duplicate_rules: bool = False
    """After deploying, switch the step's DuplicateRules on (CumulusCI's set_duplicate_rule_status)."""
    serial_retry: bool = False
    """The org locks this step's types while it recalculates: 'retry-step' remedies apply."""


STEPS: tuple[DeployStep, ...] = (
    DeployStep(
        "metadata",
        "objects and their org-wide defaults, fields, global value sets, groups, queues, templates, "
        "matching rules and inactive duplicate rules: everything later steps point to must exist first",
    ),
    DeployStep(
        "sharing",
        "sharing rules need the org-wide default (Private/Read) committed and their target groups "
        "present; one SharingRules file per object, deployed alone because the org refuses two "
        "sharing operations at once",
        serial_retry=True,
    ),
    DeployStep(
        "activate-duplicate-rules",
        "a duplicate rule can only be activated once its matching rules are active, and matching-rule "
        "activation is asynchronous: deploy the rules inactive, then switch them on last",
        activate_duplicate_rules=True,
    ),
)

#: Not a deploy of its own: after the steps above, production orgs get their flows (sent
#: inactive by the runner) switched on by the prm_activate_flows task (flow_activation.py).
FLOW_ACTIVATION = DeployStep(
    "activate-flows",
    "production activates a deployed flow only with Apex flow test coverage, which scheduled flows and "
    "scheduled paths cannot have: flows go to production inactive and are activated afterwards "
    "through the Tooling API (other orgs receive them active)",
)

STEP_NAMES: tuple[str, ...] = tuple(s.name for s in STEPS)


def step(name: str) -> DeployStep:
    for s in STEPS:
        if s.name == name:
            return s
    raise PrmInternalError(f"unknown deploy step '{name}': add it to prm_builder/deploy/steps.py "
                           f"(known: {', '.join(STEP_NAMES)})")


def group_by_step(components: Iterable[Component]) -> list[tuple[DeployStep, list[Component]]]:
    """Components grouped by step, steps in deploy order, empty steps left out."""
    groups: dict[str, list[Component]] = {}
    for c in components:
        step(c.deploy_step)  # fail loudly on an unknown step
        groups.setdefault(c.deploy_step, []).append(c)
    return [(s, sorted(groups[s.name], key=lambda c: c.key)) for s in STEPS if s.name in groups]


def order_names(names: Sequence[str]) -> list[str]:
    """Step names in deploy order (unknown names raise)."""
    return sorted(set(names), key=lambda n: STEP_NAMES.index(step(n).name))


@dataclass(frozen=True)
class FlowTask:
    """One task of the `prm_deploy` CumulusCI flow (cumulusci.yml), which `prm deploy` runs."""

    task: str
    what: str
    runs_steps: bool = False
    """This task sends the deploy steps (STEPS) in order, after retrieving the snapshot."""


#: The `prm_deploy` flow in cumulusci.yml, task by task, in order: the runbook prints this and
#: tests/test_deploy_config.py holds cumulusci.yml to it, so the two cannot drift apart.
DEPLOY_FLOW: tuple[FlowTask, ...] = (
    FlowTask("prm_build", "validates the specs and writes force-app/ and the deploy package; stops on any error"),
    FlowTask("prm_deploy_steps", "retrieves the org's current versions of what the deploy replaces (the "
             "pre-deploy snapshot, for rollback), then deploys the changed components step by step",
             runs_steps=True),
    FlowTask("prm_activate_duplicate_rules", "switches on the duplicate rules the deploy sent inactive "
             "(their matching rules are active by now)"),
    FlowTask("prm_activate_flows", FLOW_ACTIVATION.reason),
    FlowTask("prm_schedule_tier_review", "(re)schedules the daily partner tier review as the deploying user "
             "(idempotent)"),
    FlowTask("prm_check", "runs the review checklist against the org (its live items): the deploy fails "
             "when an item fails"),
)
