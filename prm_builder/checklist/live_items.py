"""Live checklist items (L01..): ask the org, through org/client.py, whether what the
specs rely on is really there. They run only with `prm check --org NAME` / `--org-from-env`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from prm_builder.checklist.registry import CheckContext, item
from prm_builder.checklist.report import Outcome, failed, manual, passed, warned
from prm_builder.org.client import OrgClient

PARTNER_KEYS = ("PID_Partner_Community", "PID_Partner_Community_Login")
#: offenders listed in full up to this many; the rest are counted
MAX_LISTED = 50


def soql_list(values: Iterable[str]) -> str:
    """A SOQL IN-list of string literals (quotes and backslashes escaped)."""
    return "(" + ", ".join("'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" for v in values) + ")"


def _org(ctx: CheckContext) -> OrgClient:
    assert ctx.org is not None, "live items run only with an org"
    return ctx.org


@item("L01", "org-partner-licenses", "Partner licenses present with seats available",
      fix="buy or assign Partner Community (Plus) licenses; Customer Community licenses cannot run PRM",
      needs={"program"}, live=True)
def org_partner_licenses(ctx: CheckContext) -> Outcome:
    """The org has active Partner Community licenses (UserLicense) with unused seats; an org
    with Customer Community licenses only cannot run a partner program."""
    rows = _org(ctx).query("SELECT Name, LicenseDefinitionKey, Status, TotalLicenses, UsedLicenses "
                           "FROM UserLicense ORDER BY Name")
    wanted = ctx.spec.program.license.license_definition_keys
    evidence = [f"{r['Name']} ({r['LicenseDefinitionKey']}, {r['Status']}): "
                f"{r['UsedLicenses']}/{r['TotalLicenses']} used" for r in rows
                if "Community" in str(r.get("LicenseDefinitionKey")) or "Partner" in str(r.get("Name"))]
    partner = [r for r in rows if r.get("LicenseDefinitionKey") in PARTNER_KEYS and r.get("Status") == "Active"]
    if not partner:
        customer = [r["Name"] for r in rows if "Customer_Community" in str(r.get("LicenseDefinitionKey"))]
        why = f"only Customer Community licenses ({', '.join(customer)})" if customer else "no partner licenses"
        return failed(f"{why}: partner users cannot be created", evidence)
    matching = [r for r in partner if r["LicenseDefinitionKey"] in wanted]
    free = sum(int(r.get("TotalLicenses") or 0) - int(r.get("UsedLicenses") or 0) for r in matching)
    if not matching:
        return failed(f"no active license with key {' or '.join(wanted)} for the specs' license "
                      f"'{ctx.spec.program.license.value}'", evidence)
    if free <= 0:
        return failed(f"all {sum(int(r['TotalLicenses'] or 0) for r in matching)} "
                      f"'{ctx.spec.program.license.value}' seats are in use", evidence)
    return passed(f"{free} '{ctx.spec.program.license.value}' seat(s) available", evidence)


@item("L02", "org-partner-accounts", "Accounts in the program have IsPartner = true",
      fix="enable each listed account as a partner (Account > Enable As Partner) before creating its users",
      needs={"partner_account"}, live=True)
def org_partner_accounts(ctx: CheckContext) -> Outcome:
    """Every Account with a partner tier is a partner account (IsPartner = true): partner
    users cannot be created for contacts of any other account."""
    org = _org(ctx)
    tier_field = ctx.spec.partner_account.tier_field.api_name
    fields = org.field_names("Account")
    if fields is None or "IsPartner" not in fields:
        return failed("Account.IsPartner does not exist: partner features (PRM) are not enabled in the org")
    if tier_field not in fields:
        return manual(f"Account.{tier_field} is not in the org yet: deploy the metadata, tier the "
                      "partner accounts, then run the check again")
    rows = org.query(f"SELECT Id, Name, {tier_field} FROM Account WHERE {tier_field} != null "
                     f"AND IsPartner = false ORDER BY Name LIMIT {MAX_LISTED + 1}")
    if rows:
        listed = [f"{r['Name']} ({r['Id']}, tier {r.get(tier_field)})" for r in rows[:MAX_LISTED]]
        more = " (showing the first 50)" if len(rows) > MAX_LISTED else ""
        return failed(f"{len(rows) if not more else 'more than 50'} tiered account(s) are not partner "
                      f"accounts{more}", listed)
    return passed(f"every account with {tier_field} set is a partner account")


@item("L03", "org-lead-duplicate-rules", "Lead duplicate rules exist and are active, with active matching rules",
      fix="deploy, then activate the Lead matching rules and afterwards the duplicate rules "
          "(matching-rule activation is asynchronous)", live=True)
def org_lead_duplicate_rules(ctx: CheckContext) -> Outcome:
    """Lead duplicate rules exist and are active, and the Lead matching rules they use are
    active, so a lead cannot be registered twice."""
    org = _org(ctx)
    dup_rows = org.query("SELECT DeveloperName, MasterLabel, IsActive FROM DuplicateRule "
                         "WHERE SobjectType = 'Lead' ORDER BY DeveloperName")
    match_rows = org.tooling_query("SELECT DeveloperName, MasterLabel, RuleStatus FROM MatchingRule "
                                   "WHERE SobjectType = 'Lead' ORDER BY DeveloperName")
    dups = {r["DeveloperName"]: bool(r.get("IsActive")) for r in dup_rows}
    matches = {r["DeveloperName"]: str(r.get("RuleStatus")) for r in match_rows}
    evidence = [f"duplicate rule {n}: {'active' if a else 'inactive'}" for n, a in dups.items()]
    evidence += [f"matching rule {n}: {s}" for n, s in matches.items()]
    # What the specs generate must be there by name; otherwise any active Lead rule will do.
    want_dups = _generated(ctx, "DuplicateRule")
    want_matches = _generated(ctx, "MatchingRule")
    problems = [f"duplicate rule {n} is {'inactive' if n in dups else 'missing'}"
                for n in want_dups if not dups.get(n)]
    problems += [f"matching rule {n} is {matches.get(n, 'missing')}" for n in want_matches
                 if matches.get(n) != "Active"]
    if problems:
        return failed("; ".join(problems), evidence)
    if not any(dups.values()):
        return failed("no active Lead duplicate rule: partners can register the same lead twice", evidence)
    if not any(s == "Active" for s in matches.values()):
        return failed("no active Lead matching rule: duplicate rules cannot match anything", evidence)
    inactive = [n for n, s in matches.items() if s != "Active"]
    if inactive:
        return warned(f"{len(inactive)} Lead matching rule(s) not active: {', '.join(inactive)}", evidence)
    return passed(f"{sum(dups.values())} active Lead duplicate rule(s), "
                  f"{len(matches)} active matching rule(s)", evidence)


def _generated(ctx: CheckContext, metadata_type: str) -> list[str]:
    """Developer names of the Lead rules of a type the specs generate: 'Lead.Name' components,
    or the entries of the per-object file (MatchingRules 'Lead' holds every matching rule)."""
    names = {c.full_name.split(".", 1)[1] for c in ctx.components
             if c.type == metadata_type and c.full_name.startswith("Lead.")}
    plural = metadata_type[0].lower() + metadata_type[1:] + "s"  # MatchingRule -> matchingRules
    for c in ctx.components:
        if c.type == metadata_type + "s" and c.full_name == "Lead":
            names |= {str(entry["fullName"]).split(".")[-1] for entry in c.body.get(plural) or []}
    return sorted(names)


@item("L04", "org-named-items", "Users, queues, groups, roles and templates the specs name exist",
      fix="create the missing items in the org, or correct the names in the `org` section",
      needs={"org"}, live=True)
def org_named_items(ctx: CheckContext) -> Outcome:
    """Every user, queue, public group, role and email template the `org` section declares
    (approvers, members, assignees) exists in the org; users are active."""
    org, inv = _org(ctx), ctx.spec.org
    missing: list[str] = []
    evidence: list[str] = []
    if inv.users:
        rows = org.query(f"SELECT Username, IsActive FROM User WHERE Username IN {soql_list(inv.users)}")
        found = {r["Username"].lower(): bool(r.get("IsActive")) for r in rows}
        missing += [f"user {u}" for u in inv.users if u.lower() not in found]
        missing += [f"user {u} (inactive)" for u in inv.users if found.get(u.lower()) is False]
    for kind, names, soql in (
        ("queue", inv.queues, "SELECT DeveloperName FROM Group WHERE Type = 'Queue' AND DeveloperName IN "),
        ("group", inv.groups, "SELECT DeveloperName FROM Group WHERE Type = 'Regular' AND DeveloperName IN "),
        ("role", inv.roles, "SELECT DeveloperName FROM UserRole WHERE DeveloperName IN "),
    ):
        if names:
            found_names = {r["DeveloperName"] for r in org.query(soql + soql_list(names))}
            missing += [f"{kind} {n}" for n in names if n not in found_names]
    if inv.email_templates:
        rows = org.query("SELECT DeveloperName, Folder.DeveloperName FROM EmailTemplate WHERE DeveloperName IN "
                         + soql_list(t.split("/")[-1] for t in inv.email_templates))
        found_templates = {f"{(r.get('Folder') or {}).get('DeveloperName')}/{r['DeveloperName']}" for r in rows}
        missing += [f"email template {t}" for t in inv.email_templates if t not in found_templates]
    checked = len(inv.users) + len(inv.queues) + len(inv.groups) + len(inv.roles) + len(inv.email_templates)
    if missing:
        return failed(f"{len(missing)} of {checked} named item(s) missing in the org", missing + evidence)
    if not checked:
        return passed("the specs name no users, queues, groups, roles or templates in the org")
    return passed(f"all {checked} named item(s) exist")


@item("L05", "org-fields", "Fields and objects the specs rely on exist",
      fix="enable the feature that adds the field (e.g. partner lookups and the standard MDF objects "
          "come with PRM), create it, or correct org.fields", needs={"org"}, live=True)
def org_fields(ctx: CheckContext) -> Outcome:
    """Every field declared in `org.fields` (e.g. Lead.PartnerAccountId when the standard
    partner lookup is chosen) and every object it belongs to exists in the org, and so do
    the standard MDF objects (PartnerMarketingBudget, PartnerFundAllocation, -Request,
    -Claim) when the specs choose them: they exist only when PRM is enabled."""
    from prm_builder.generate.mdf_standard import PRM_OBJECTS

    org = _org(ctx)
    by_object: dict[str, list[str]] = defaultdict(list)
    for entry in ctx.spec.org.fields:
        obj, _, fld = entry.partition(".")
        by_object[obj].append(fld)
    mdf = getattr(ctx.spec, "mdf", None)
    standard_mdf = mdf is not None and mdf.model == "standard"
    if standard_mdf:
        for obj in PRM_OBJECTS:
            by_object.setdefault(obj, [])
    missing: list[str] = []
    missing_prm: list[str] = []
    for obj, wanted in sorted(by_object.items()):
        fields = org.field_names(obj)
        if fields is None:
            missing.append(f"object {obj}" + (f" (with {', '.join(wanted)})" if wanted else ""))
            if standard_mdf and obj in PRM_OBJECTS:
                missing_prm.append(obj)
            continue
        missing += [f"{obj}.{f}" for f in wanted if f not in fields]
    total = len(ctx.spec.org.fields)
    if missing:
        # Why the standard MDF objects are absent is nearly always the same: PRM is off.
        prm = (f"PRM is not enabled (standard MDF object(s) {', '.join(missing_prm)} missing; "
               "enable PRM or use `mdf: model: custom`); " if missing_prm else "")
        return failed(f"{prm}{len(missing)} missing: {', '.join(missing)}", missing)
    evidence = [f"{o}: {', '.join(f) or 'object exists'}" for o, f in sorted(by_object.items())]
    if standard_mdf:
        evidence.append(f"standard MDF objects present (PRM enabled): {', '.join(PRM_OBJECTS)}")
    return passed(f"all {total} declared field(s) exist" if total else "the specs declare no org fields",
                  evidence)


#: sharing-model values (EntityDefinition) that let sharing rules open records
OPENABLE = {"Private", "Read"}


def sharing_models(org: OrgClient, objects: Iterable[str]) -> dict[str, dict]:
    """Internal and external defaults per object. Organization.Default*Access holds only the
    internal ones; the Tooling API's EntityDefinition has both (InternalSharingModel,
    ExternalSharingModel: Private, Read, ReadWrite, ReadWriteTransfer, ControlledByParent ...)."""
    rows = org.tooling_query("SELECT QualifiedApiName, InternalSharingModel, ExternalSharingModel "
                             f"FROM EntityDefinition WHERE QualifiedApiName IN {soql_list(objects)}")
    return {r["QualifiedApiName"]: r for r in rows}


@item("L06", "org-wide-defaults", "Org-wide defaults let the generated sharing rules work",
      fix="Setup > Sharing Settings: set the object's internal default to Private or Public Read Only and its "
          "external default to Private before deploying its sharing rules (or manage them in "
          "sharing.org_wide_defaults)", live=True)
def org_wide_defaults(ctx: CheckContext) -> Outcome:
    """Standard objects that get tier sharing rules (e.g. Lead for the lead pool) have an
    internal default of Private or Public Read Only (sharing rules can only open access, so on
    a Public Read/Write object they are rejected or change nothing) and an external default of
    Private: the rules target partner groups, and an external Public Read Only default would
    show every partner every record, whatever the rules say."""
    objects = sorted(c.full_name for c in ctx.components if c.type == "SharingRules" and "__" not in c.full_name)
    if not objects:
        return passed("the specs generate no sharing rules on standard objects")
    models = sharing_models(_org(ctx), objects)
    evidence = [f"{o}: internal {models.get(o, {}).get('InternalSharingModel')}, "
                f"external {models.get(o, {}).get('ExternalSharingModel')}" for o in objects]
    problems = [f"{o} internal {models.get(o, {}).get('InternalSharingModel')}" for o in objects
                if models.get(o, {}).get("InternalSharingModel") not in OPENABLE]
    problems += [f"{o} external {models.get(o, {}).get('ExternalSharingModel')}" for o in objects
                 if models.get(o, {}).get("ExternalSharingModel") != "Private"]
    if problems:
        return failed(f"org-wide default too open for partner sharing rules: {', '.join(problems)}", evidence)
    return passed(f"{', '.join(objects)}: internal Private or Public Read Only, external Private", evidence)
