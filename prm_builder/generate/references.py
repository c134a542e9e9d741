"""References resolve: everything the metadata points to must be in the same output, be
standard, or be declared in the spec's `org` section (then `prm check --org` verifies it).

Two sources of references: what generators declare (`Component.references`), and the
field names found by reading every formula in the output, so a typo inside a formula
is caught here rather than by the org at deploy time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Iterable, Iterator

from prm_builder.errors import Diagnostic, Severity
from prm_builder.generate.component import Component
from prm_builder.model.root import ProgramSpec

#: Standard objects and the standard fields our generated metadata may name. A field in
#: neither the output nor this list must be declared under org.fields.
STANDARD_FIELDS: dict[str, set[str]] = {
    "Account": {"Id", "Name", "OwnerId", "IsPartner", "Type", "Industry", "BillingCountry",
                "BillingState", "AnnualRevenue", "CreatedDate", "RecordTypeId", "Website"},
    "Lead": {"Id", "Company", "Email", "FirstName", "LastName", "Name", "Status", "OwnerId",
             "Country", "State", "CountryCode", "StateCode", "City", "PostalCode", "LeadSource",
             "Industry", "Website", "Phone", "IsConverted", "ConvertedOpportunityId",
             "ConvertedAccountId", "CreatedDate", "CreatedById", "LastModifiedDate", "Rating",
             "AnnualRevenue", "NumberOfEmployees", "Title", "Description"},
    "Opportunity": {"Id", "Name", "Amount", "CloseDate", "StageName", "AccountId", "OwnerId", "IsWon", "IsClosed",
                    "CreatedDate", "Probability", "Type", "LeadSource", "ExpectedRevenue"},
    "Case": {"Id", "CaseNumber", "Subject", "Status", "Priority", "IsClosed", "AccountId", "CreatedDate",
             "ClosedDate", "OwnerId"},
    "User": {"Id", "Username", "Email", "ContactId", "AccountId", "IsActive", "ProfileId"},
    "Contact": {"Id", "AccountId", "Email", "FirstName", "LastName"},
}
#: Fields every custom object has (its Name field is described by the object's nameField).
CUSTOM_OBJECT_FIELDS = {"Id", "Name", "CreatedDate", "CreatedById", "LastModifiedDate", "OwnerId"}
#: Standard relationship names -> target object (for cross-object formula paths).
STANDARD_RELATIONSHIPS: dict[tuple[str, str], str] = {
    ("Lead", "Owner"): "User", ("Lead", "CreatedBy"): "User", ("Lead", "PartnerAccount"): "Account",
    ("Lead", "ConvertedOpportunity"): "Opportunity", ("Lead", "ConvertedAccount"): "Account",
    ("Opportunity", "Account"): "Account", ("Opportunity", "PartnerAccount"): "Account",
    ("Opportunity", "Owner"): "User", ("User", "Account"): "Account", ("User", "Contact"): "Contact",
    ("Contact", "Account"): "Account",
    # Standard MDF objects (PRM): their fields must be declared under org.fields.
    ("PartnerFundAllocation", "Budget"): "PartnerMarketingBudget",
    ("PartnerFundRequest", "Allocation"): "PartnerFundAllocation",
    ("PartnerFundRequest", "Budget"): "PartnerMarketingBudget",
    ("PartnerFundClaim", "Request"): "PartnerFundRequest",
    ("PartnerFundClaim", "Allocation"): "PartnerFundAllocation",
}
#: Objects that exist only when PRM is enabled (for the hint of PRM-V030).
PRM_OBJECTS = {"PartnerMarketingBudget", "PartnerFundAllocation", "PartnerFundRequest", "PartnerFundClaim"}
#: Standard fields that exist only when a feature is on: they must be declared in org.fields.
FEATURE_FIELDS = {"Lead.PartnerAccountId", "Opportunity.PartnerAccountId"}
FORMULA_KEYS = {"formula", "errorConditionFormula", "booleanFilter_formula"}

_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_TOKEN = re.compile(r"(?<![\w.$])([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)(?![\w.])(?!\s*\()")


_LITERALS = {"TRUE", "FALSE", "NULL"}


def formula_fields(obj: str, formula: str) -> set[str]:
    """Fields a formula names, as 'Object.Field' (cross-object paths resolved where known).

    Function names are skipped (a '(' follows them), as are string literals, comments and
    `$Global` merge fields. A path through an unknown relationship comes back unresolved
    ('Lead.Foo__r.Bar__c'), so the reference check reports it instead of missing it.
    """
    text = _COMMENT.sub(" ", _STRING.sub('""', formula))
    found: set[str] = set()
    for token in _TOKEN.findall(text):
        if token.upper() in _LITERALS:
            continue
        parts = token.split(".")
        current = obj
        for i, rel in enumerate(parts[:-1]):
            target = _relationship_target(current, rel)
            if target is None:
                found.add(f"{current}.{'.'.join(parts[i:])}")
                break
            current = target
        else:
            found.add(f"{current}.{parts[-1]}")
    return found


_CUSTOM_LOOKUPS: dict[tuple[str, str], str] = {}


def _relationship_target(obj: str, rel: str) -> str | None:
    if rel.endswith("__r"):
        return _CUSTOM_LOOKUPS.get((obj, rel))
    return STANDARD_RELATIONSHIPS.get((obj, rel))


def walk_formulas(body: Mapping[str, Any]) -> Iterator[str]:
    # Runs over every component body twice per build: exact types first, ABCs last.
    for key, value in body.items():
        items = value if isinstance(value, (list, tuple)) else (value,)
        for item in items:
            kind = type(item)
            if kind is dict:
                yield from walk_formulas(item)
            elif kind is str or isinstance(item, str):
                if key in FORMULA_KEYS:
                    yield item
            elif isinstance(item, Mapping):
                yield from walk_formulas(item)


def _formula_object(component: Component) -> str:
    return component.full_name.split(".")[0]


def check_references(spec: ProgramSpec, components: Iterable[Component],
                     folded: Iterable[str] = ()) -> list[Diagnostic]:
    """`folded`: keys of fragments merged into a bigger component (workflow actions)."""
    components = list(components)
    generated = {c.key for c in components} | set(folded)
    fields = {c.full_name for c in components if c.type == "CustomField"}
    _CUSTOM_LOOKUPS.clear()
    for c in components:
        if c.type == "CustomField" and c.body.get("referenceTo") and c.full_name.endswith("__c"):
            # A formula walks a custom lookup by the field's name with __r ('Budget__c' ->
            # 'Budget__r.X__c'); relationshipName is the parent's name for the child list.
            obj, _, field_name = c.full_name.partition(".")
            _CUSTOM_LOOKUPS[(obj, field_name.removesuffix("__c") + "__r")] = c.body["referenceTo"]
    org = spec.org
    declared = ({f"CustomField:{x}" for x in org.fields} | {f"Queue:{x}" for x in org.queues}
                | {f"Group:{x}" for x in org.groups} | {f"User:{x}" for x in org.users}
                | {f"User:{org.named_username(k)}" for k in org.named_users}
                | {f"Role:{x}" for x in org.roles} | {f"EmailTemplate:{x}" for x in org.email_templates})
    report_types = _report_type_columns(components)
    generated |= {f"ReportTypeColumn:{name}:{col}" for name, cols in report_types.items() for col in cols}
    out: list[Diagnostic] = []
    for c in components:
        wanted = set(c.references)
        if c.type in ("ReportType", "Report", "Dashboard"):
            wanted |= report_references(c)
        if c.type in ("CustomField", "ValidationRule", "ListView", "Workflow"):
            # Workflow: the field updates (approval actions) hold formulas too.
            obj = _formula_object(c)
            for formula in walk_formulas(c.body):
                wanted |= {f"CustomField:{ref}" for ref in formula_fields(obj, formula)}
        for ref in sorted(wanted):
            if ref in generated or ref in declared or _is_standard(ref):
                continue
            kind, _, name = ref.partition(":")
            hint = _hint(kind, name)
            if c.type == "ApprovalProcess" and c.body.get("active") is False:
                # A retired version (specs/prm.lock.json) is still deployed, inactive: what it
                # names must exist as long as the org keeps it.
                hint = (f"the inactive version {c.full_name} (kept from prm.lock.json) still names it: keep "
                        f"'{name}' generated or declared under org, or delete that version in the org and "
                        "remove it from prm.lock.json")
            out.append(Diagnostic("PRM-V030", f"{c.type} {c.full_name} refers to {kind} '{name}', which is "
                                  "neither generated nor declared as living in the org",
                                  c.reference_sources.get(ref) or c.source, hint, Severity.ERROR))
    return out


def column_field(obj: str, column: str) -> str:
    """The field a report column names: standard lookups appear without their 'Id'
    ('PartnerAccount' is Opportunity.PartnerAccountId); everything else as itself."""
    if not column.endswith("__c") and column not in STANDARD_FIELDS.get(obj, set()):
        candidate = f"{column}Id"
        if candidate in STANDARD_FIELDS.get(obj, set()) or f"{obj}.{candidate}" in FEATURE_FIELDS:
            return f"{obj}.{candidate}"
    return f"{obj}.{column}"


def _report_type_columns(components: list[Component]) -> dict[str, set[str]]:
    """Report type name -> the columns its reports may use, as 'Table$Field'."""
    out: dict[str, set[str]] = {}
    for c in components:
        if c.type == "ReportType":
            cols = out.setdefault(c.full_name, set())
            for section in c.body.get("sections", []):
                for col in section.get("columns", []):
                    cols.add(f"{col['table']}${col['field']}")
    return out


def _report_columns(body: Mapping[str, Any]) -> set[str]:
    cols = {col["field"] for col in body.get("columns", [])}
    cols |= {g["field"] for g in body.get("groupingsDown", []) + body.get("groupingsAcross", [])}
    cols |= {i["column"] for i in (body.get("filter") or {}).get("criteriaItems", [])}
    if body.get("sortColumn"):
        cols.add(body["sortColumn"])
    return cols


def report_references(c: Component) -> set[str]:
    """What a report type, report or dashboard names, read from its body: every column,
    grouping, filter and sort names a field that must exist and (reports) a column its
    report type offers; dashboards name their reports."""
    refs: set[str] = set()
    if c.type == "ReportType":
        for section in c.body.get("sections", []):
            for col in section.get("columns", []):
                refs.add(f"CustomField:{column_field(col['table'], col['field'])}")
        base = c.body.get("baseObject", "")
        if base.endswith("__c"):
            refs.add(f"CustomObject:{base}")
    elif c.type == "Report":
        report_type = str(c.body.get("reportType", "")).removesuffix("__c")
        refs.add(f"ReportType:{report_type}")
        for col in _report_columns(c.body):
            table, _, field_name = col.partition("$")
            refs.add(f"ReportTypeColumn:{report_type}:{col}")
            refs.add(f"CustomField:{column_field(table, field_name)}")
    elif c.type == "Dashboard":
        for grid in (c.body.get("dashboardGridLayout") or {}).get("dashboardGridComponents", []):
            refs.add(f"Report:{grid['dashboardComponent']['report']}")
    return refs


def _is_standard(ref: str) -> bool:
    kind, _, name = ref.partition(":")
    if kind != "CustomField" or name in FEATURE_FIELDS:
        return False
    obj, _, field = name.partition(".")
    if obj.endswith("__c") and field in CUSTOM_OBJECT_FIELDS:
        return True  # the object itself must still resolve (CustomObject reference)
    return field in STANDARD_FIELDS.get(obj, set())


def _hint(kind: str, name: str) -> str:
    section = {"CustomField": "fields", "Queue": "queues", "Group": "groups", "User": "users",
               "Role": "roles", "EmailTemplate": "email_templates"}.get(kind)
    if kind == "CustomField" and name.partition(".")[0] in PRM_OBJECTS:
        return (f"{name} exists only when PRM is enabled: list it under org.fields so "
                "`prm check --org` verifies it")
    if name in FEATURE_FIELDS:
        return (f"{name} exists only when partner features (PRM) are on: list it under org.fields "
                "so `prm check --org` verifies it")
    if section:
        return f"fix the name, or list '{name}' under org.{section} if it already exists in the org"
    return "fix the name"
