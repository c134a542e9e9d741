"""Matching rules and duplicate rules (channel conflict).

Matching rules are one file per object (`Lead.matchingRule` holds them all); each
duplicate rule is its own file. The platform activates matching rules asynchronously
and refuses to activate a duplicate rule whose matching rules are not active yet, so
duplicate rules are generated inactive, with deploy_step 'activate-duplicate-rules':
deployed (inactive) with the rest of the metadata, then switched on by that later step
(CumulusCI's set_duplicate_rule_status) once the matching rules are active.
"""

from __future__ import annotations

from typing import Sequence

from prm_builder.errors import SourceRef
from prm_builder.generate.component import Component
from prm_builder.metadata.serializer import NIL

METHODS = {"exact": "Exact", "company_name": "CompanyName", "first_name": "FirstName",
           "last_name": "LastName", "phone": "Phone", "city": "City", "street": "Street",
           "zip": "Zip", "title": "Title"}
ACTIVATION_STEP = "activate-duplicate-rules"
#: user types of partner users (User.UserType): the filter "partner users only" uses it
PARTNER_USER_TYPE = "PowerPartner"


def matching_rules(obj: str, rules: Sequence[dict], *, source: SourceRef | None, purpose: str) -> Component:
    """All matching rules of `obj` in one component. Each rule dict: name, label,
    description, items [(field, method, blank_matches)]."""
    body_rules = []
    refs: set[str] = set()
    for r in rules:
        items = []
        for field, method, blank_matches in r["items"]:
            items.append({"blankValueBehavior": "MatchBlanks" if blank_matches else "NullNotAllowed",
                          "fieldName": field, "matchingMethod": METHODS[method]})
            refs.add(f"CustomField:{obj}.{field}")
        body_rules.append({"fullName": r["name"], "description": r.get("description") or None,
                           "label": r["label"], "matchingRuleItems": items, "ruleStatus": "Active"})
    return Component("MatchingRules", obj, {"matchingRules": body_rules}, purpose=purpose, source=source,
                     references=tuple(sorted(refs)),
                     notes=(f"matching rules on {obj} activate asynchronously after deploy; the duplicate "
                            f"rules that use them are switched on in the '{ACTIVATION_STEP}' step.",))


def duplicate_rule(obj: str, name: str, *, label: str, description: str, block: bool, alert_text: str,
                   matching: Sequence[str], sort_order: int,
                   source: SourceRef | None, purpose: str,
                   record_filter: tuple[str, Sequence[str]] | None = None) -> Component:
    """`record_filter` (field, values): the rule runs only when the saved record's field holds
    one of the values (a duplicate rule condition on the object itself, table = obj)."""
    action = "Block" if block else "Allow"
    filters = [{"field": "UserType", "operation": "equals", "value": PARTNER_USER_TYPE, "sortOrder": 1,
                "table": "User"}]
    if record_filter is not None:
        # Rule conditions may name the record's own fields (DuplicateRuleFilterItem.table is the
        # object); several values are comma-separated like every FilterItem value. Metadata API
        # Developer Guide, DuplicateRule > DuplicateRuleFilterItem:
        # https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_duplicaterule.htm
        field, values = record_filter
        filters.append({"field": field, "operation": "equals", "value": ",".join(values), "sortOrder": 2,
                        "table": obj})
    body = {
        "fullName": name,
        "actionOnInsert": action,
        # Also on update: a registration usually becomes active by an edit (Draft -> Submitted),
        # which is exactly when a conflict must be caught. `record_filter` (and a match key
        # present only on the records the rule is for) keeps updates of anything else out.
        "actionOnUpdate": action,
        "alertText": alert_text,
        "description": description[:255],
        # Channel conflict is about partners registering what is already registered: the
        # rule applies when a partner user saves; internal users may still merge or create.
        "duplicateRuleFilter": {"booleanFilter": NIL, "duplicateRuleFilterItems": filters},
        "duplicateRuleMatchRules": [{"matchRuleSObjectType": obj, "matchingRule": m, "objectMapping": NIL}
                                    for m in matching],
        # Inactive on deploy: activated after its matching rules are (see module docstring).
        "isActive": False,
        "masterLabel": label,
        "operationsOnInsert": ["Alert", "Report"] if not block else [],
        "operationsOnUpdate": ["Alert"] if not block else [],
        "securityOption": "BypassSharingRules",
        "sortOrder": sort_order,
    }
    refs = [f"MatchingRules:{obj}"] + ([f"CustomField:{obj}.{record_filter[0]}"] if record_filter else [])
    return Component("DuplicateRule", f"{obj}.{name}", body, purpose=purpose, source=source,
                     references=tuple(refs),
                     deploy_step=ACTIVATION_STEP,
                     notes=(f"deployed inactive; activate it in the '{ACTIVATION_STEP}' step once the "
                            f"matching rules on {obj} are active (their activation is asynchronous).",))
