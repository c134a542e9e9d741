"""Which generated components read a field: its "used by" list in the data dictionary.

Computed from the components themselves, the same way the reference check reads them:
each component's declared references, the columns, groupings and filters of report
types, reports and dashboards, and the fields named in every formula of its body
(validation rules, formula fields, list-view filters, approval field updates).
"""

from __future__ import annotations

from prm_builder.generate.component import Component
from prm_builder.generate.references import formula_fields, report_references, walk_formulas

#: component types as the data dictionary names them
KIND = {"ValidationRule": "validation rule", "Flow": "flow", "ApprovalProcess": "approval process",
        "Report": "report", "ReportType": "report type", "Dashboard": "dashboard", "ListView": "list view",
        "CustomField": "formula", "Workflow": "field updates of", "ApexClass": "Apex class",
        "ApexTrigger": "Apex trigger", "DuplicateRule": "duplicate rule", "MatchingRules": "matching rule",
        "SharingRules": "sharing rule", "AssignmentRules": "assignment rule", "PermissionSet": None,
        "CustomMetadata": "custom metadata", "CustomObject": None, "Layout": "page layout"}


def _fields_read(c: Component) -> set[str]:
    refs = {r.partition(":")[2] for r in c.references if r.startswith("CustomField:")}
    if c.type in ("ReportType", "Report", "Dashboard"):
        refs |= {r.partition(":")[2] for r in report_references(c) if r.startswith("CustomField:")}
    obj = c.full_name.split(".")[0]
    for formula in walk_formulas(c.body):
        refs |= formula_fields(obj, formula)
    return refs


def used_by(components: list[Component]) -> dict[str, list[str]]:
    """Field full name ('Lead.X__c') -> sorted 'kind FullName' of the components that read it.
    Permission sets (every field is in one) and a field's own object are left out."""
    out: dict[str, set[str]] = {}
    for c in components:
        kind = KIND.get(c.type, c.type)
        if kind is None or (c.type == "ApexClass" and c.full_name.endswith("Test")):
            continue  # a test class reads what it tests: not a use
        for name in _fields_read(c):
            if c.type == "CustomField" and name == c.full_name:
                continue
            out.setdefault(name, set()).add(f"{kind} {c.full_name}")
    return {k: sorted(v) for k, v in out.items()}
