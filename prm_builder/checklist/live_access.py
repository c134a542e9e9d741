"""Live items about who can see and run what (issue 12): external defaults, the user that
runs scheduled automation, duplicate-rule order among the org's own rules, and persona
permission sets that someone actually holds.
"""

from __future__ import annotations

from prm_builder.checklist.live_items import sharing_models, soql_list
from prm_builder.checklist.registry import CheckContext, item
from prm_builder.checklist.report import Outcome, failed, manual, passed, warned
from prm_builder.model.personas import PERSONAS
from prm_builder.model.sharing import STANDARD_OBJECTS
from prm_builder.org.client import OrgClient

#: EntityDefinition sharing-model values narrower than or equal to Private
PRIVATE = {"Private", "None"}
#: objects whose external default must be Private for partner isolation (Case: warned only,
#: prm generates nothing on Case)
ISOLATED = ("Account", "Lead", "Opportunity")
SETUP_PATH = "Setup > Sharing Settings > Organization-Wide Defaults > Edit"


def _org(ctx: CheckContext) -> OrgClient:
    assert ctx.org is not None, "live items run only with an org"
    return ctx.org


@item("L07", "org-external-defaults", "External (partner) org-wide defaults are Private",
      fix=f"{SETUP_PATH}: set Default External Access of each listed object to Private, or let the specs "
          "manage it (sharing.org_wide_defaults: {Lead: {internal: Read, external: Private}})", live=True)
def org_external_defaults(ctx: CheckContext) -> Outcome:
    """Partner users see other partners' Leads, Accounts and Opportunities only through what
    a sharing rule, queue or role opens: the external default of each is Private (Case too
    when the org uses it); objects the specs manage have the default the specs set."""
    models = sharing_models(_org(ctx), STANDARD_OBJECTS)
    evidence = [f"{o}: internal {r.get('InternalSharingModel')}, external {r.get('ExternalSharingModel')}"
                for o, r in sorted(models.items())]
    wanted = ctx.spec.sharing.org_wide_defaults
    wide = [f"{o} (external {models[o].get('ExternalSharingModel')})" for o in ISOLATED
            if o in models and models[o].get("ExternalSharingModel") not in PRIVATE]
    drift = [f"{o} (specs: external {wanted[o].external}, org: {models[o].get('ExternalSharingModel')})"
             for o in STANDARD_OBJECTS if o in wanted and o in models
             and models[o].get("ExternalSharingModel") != wanted[o].external]
    if wide:
        return failed(f"external default wider than Private: {', '.join(wide)}; every partner user sees "
                      "these records of every other partner", evidence)
    if drift:
        return failed(f"org differs from the specs (deploy the metadata step): {', '.join(drift)}", evidence)
    case = models.get("Case", {}).get("ExternalSharingModel")
    if case is not None and case not in PRIVATE:
        return warned(f"Case external default is {case}: partners with case access see every case", evidence)
    return passed("Lead, Account and Opportunity are Private for partner users", evidence)


def _scheduled_automation(ctx: CheckContext) -> list[str]:
    """Generated flows that run as the Default Workflow User: scheduled paths of
    record-triggered flows and schedule-triggered flows."""
    names = []
    for c in ctx.components:
        if c.type != "Flow":
            continue
        start = c.body.get("start") or {}
        if start.get("scheduledPaths") or start.get("schedule"):
            names.append(c.full_name)
    return sorted(names)


@item("L08", "org-default-workflow-user", "Scheduled automation has a Default Workflow User",
      fix="Setup > Process Automation Settings: set Default Workflow User to an active admin-level user "
          "that can read and edit the program's records", live=True)
def org_default_workflow_user(ctx: CheckContext) -> Outcome:
    """Scheduled paths and schedule-triggered flows run as the Default Workflow User (the
    Automated Process user when none is set); without one that can edit leads, the SLA and
    expiry flows fail silently. The setting is not exposed to SOQL, the Tooling API or the
    API 63.0 Metadata API schema (no settings field names it), so the item lists which
    generated flows depend on it and asks for a confirmation in Setup."""
    flows = _scheduled_automation(ctx)
    if not flows:
        return passed("no generated flow runs as the Default Workflow User")
    return manual(f"{len(flows)} generated flow(s) run as the Default Workflow User; confirm it is set "
                  "(Setup > Process Automation Settings) and can edit their records", flows)


@item("L09", "org-duplicate-rule-order", "Generated duplicate rules come after the org's own",
      fix="number the specs' Lead duplicate rules after the org's existing ones (sortOrder must run 1..n "
          "per object without gaps), or deactivate and delete the org's rule the generated one replaces",
      live=True)
def org_duplicate_rule_order(ctx: CheckContext) -> Outcome:
    """Duplicate rule order (sortOrder) is unique per object and must run 1..n without gaps;
    the org's own Lead duplicate rules (e.g. the standard one) already hold the first
    positions, so generated rules must be numbered after them. DuplicateRule's SOQL
    fields do not include the order, so the check counts the org's other Lead rules."""
    generated = {c.full_name.split(".", 1)[1]: int(c.body.get("sortOrder") or 0) for c in ctx.components
                 if c.type == "DuplicateRule" and c.full_name.startswith("Lead.")}
    if not generated:
        return passed("the specs generate no Lead duplicate rule")
    rows = _org(ctx).query("SELECT DeveloperName, IsActive FROM DuplicateRule WHERE SobjectType = 'Lead' "
                           "ORDER BY DeveloperName")
    others = sorted(r["DeveloperName"] for r in rows if r["DeveloperName"] not in generated)
    evidence = [f"org rule {n}" for n in others] + [f"generated {n}: sortOrder {o}" for n, o in sorted(generated.items())]
    first = min(generated.values())
    if first <= len(others):
        return failed(f"generated Lead duplicate rules start at sortOrder {first}, but the org already has "
                      f"{len(others)} Lead duplicate rule(s) ({', '.join(others)}): start at {len(others) + 1}",
                      evidence)
    return passed(f"generated rules start at {first}, after the org's {len(others)} rule(s)", evidence)


@item("L10", "org-persona-permission-sets", "Persona permission sets are deployed and assigned",
      fix="assign each persona's permission set (e.g. PRM_Partner_User to every partner user; "
          "Setup > Permission Sets > Manage Assignments, or CumulusCI's assign_permission_sets)", live=True)
def org_persona_permission_sets(ctx: CheckContext) -> Outcome:
    """Every persona permission set the specs generate exists in the org and at least one
    active user holds it: without it that persona sees none of the program's fields. Partner
    persona sets unassigned in an org without any active partner user yet (a fresh sandbox or
    scratch org) only warn."""
    names = {p.permission_set: p.label for p in PERSONAS}
    generated = sorted(c.full_name for c in ctx.components if c.type == "PermissionSet" and c.full_name in names)
    if not generated:
        return passed("the specs generate no persona permission set")
    org = _org(ctx)
    present = {r["Name"] for r in org.query(f"SELECT Name FROM PermissionSet WHERE Name IN {soql_list(generated)}")}
    rows = org.query("SELECT PermissionSet.Name, AssigneeId FROM PermissionSetAssignment "
                     f"WHERE Assignee.IsActive = true AND PermissionSet.Name IN {soql_list(generated)}")
    holders: dict[str, set[str]] = {}
    for r in rows:
        holders.setdefault((r.get("PermissionSet") or {}).get("Name", ""), set()).add(r["AssigneeId"])
    evidence = [f"{n}: {len(holders.get(n, ()))} active user(s)" for n in generated]
    missing = [n for n in generated if n not in present]
    if missing:
        return failed(f"not deployed: {', '.join(missing)}", evidence)
    unassigned = [n for n in generated if not holders.get(n)]
    partner_sets = {p.permission_set for p in PERSONAS if p.external}
    if unassigned and set(unassigned) <= partner_sets:
        partners = org.query("SELECT Id FROM User WHERE UserType = 'PowerPartner' AND IsActive = true LIMIT 1")
        if not partners:
            return warned(f"no active partner user yet, so nobody holds {', '.join(unassigned)}: assign them "
                          "to every partner user you enable", evidence)
    if unassigned:
        return failed(f"assigned to no active user: {', '.join(unassigned)}", evidence)
    return passed(f"all {len(generated)} persona permission set(s) assigned", evidence)


@item("L11", "org-program-groups-have-members", "Program-owned public groups have members",
      fix="add the channel team to each listed group (Setup > Public Groups), or run the prm_seed_groups "
          "task in a scratch org", needs={"groups"}, live=True)
def org_program_groups_have_members(ctx: CheckContext) -> Outcome:
    """Every public group the `groups` section generates has at least one member: queues and
    approval steps routed to an empty group reach nobody, so registrations wait forever."""
    names = [g.name for g in ctx.spec.groups]
    if not names:
        return passed("the specs own no public groups")
    rows = _org(ctx).query("SELECT Group.DeveloperName, UserOrGroupId FROM GroupMember "
                           f"WHERE Group.DeveloperName IN {soql_list(names)}")
    counts: dict[str, int] = {}
    for r in rows:
        key = (r.get("Group") or {}).get("DeveloperName", "")
        counts[key] = counts.get(key, 0) + 1
    evidence = [f"{n}: {counts.get(n, 0)} member(s)" for n in names]
    empty = [n for n in names if not counts.get(n)]
    if empty:
        return failed(f"no members: {', '.join(empty)}", evidence)
    return passed(f"all {len(names)} program group(s) have members", evidence)
