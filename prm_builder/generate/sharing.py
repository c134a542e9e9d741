"""Sharing rules: features contribute single rules; this module merges them into one
SharingRules component per object.

The platform deploys sharing rules only as a whole file per object (a partial file
silently drops the rules it lacks), so every feature's Lead rules (pool visibility, ...)
and MDF / content rules must end up in the same file. Features yield `SharingCriteriaRule`
or `SharingOwnerRule` components; `merge_sharing_rules` folds them together after all
generators ran, checks the per-object limits, and marks the result for the `sharing`
deploy step (after org-wide defaults exist; one sharing deploy at a time).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Iterable, Sequence

from prm_builder.errors import Diagnostic, Severity, SourceRef
from prm_builder.generate.component import Component

if TYPE_CHECKING:  # the model imports nothing from generate; keep it that way at runtime too
    from prm_builder.model.root import ProgramSpec
    from prm_builder.model.tiers import Tier

CRITERIA_RULES_MAX = 50
ALL_RULES_MAX = 300
RULE_TYPES = {"SharingCriteriaRule": "sharingCriteriaRules", "SharingOwnerRule": "sharingOwnerRules"}
ACCESS_LEVELS = ("Read", "Edit")

#: A criterion: (field API name on the object, FilterOperation, value).
Criterion = tuple[str, str, str]


def criteria_rule(obj: str, name: str, *, label: str, group: str, criteria: Sequence[Criterion],
                  source: SourceRef | None, purpose: str, access_level: str = "Read",
                  description: str = "", boolean_filter: str | None = None) -> Component:
    """One criteria-based rule sharing `obj` records that match `criteria` with a public group."""
    if access_level not in ACCESS_LEVELS:
        raise ValueError(f"access level {access_level!r} is not one of {ACCESS_LEVELS}")
    body = {
        "fullName": name,
        "accessLevel": access_level,
        "description": description or None,
        "label": label,
        "sharedTo": {"group": group},
        "booleanFilter": boolean_filter,
        "criteriaItems": [{"field": f, "operation": op, "value": v} for f, op, v in criteria],
        "includeRecordsOwnedByAll": True,
    }
    references = {f"Group:{group}"} | {f"CustomField:{obj}.{f}" for f, _, _ in criteria}
    return Component("SharingCriteriaRule", f"{obj}.{name}", body, purpose=purpose, source=source,
                     references=tuple(sorted(references)), deploy_step="sharing")


def merge_sharing_rules(components: Iterable[Component]) -> tuple[list[Component], list[Diagnostic]]:
    """Replace rule fragments with one SharingRules component per object."""
    others: list[Component] = []
    by_object: dict[str, list[Component]] = defaultdict(list)
    for c in components:
        if c.type in RULE_TYPES:
            by_object[c.full_name.split(".", 1)[0]].append(c)
        else:
            others.append(c)
    diagnostics: list[Diagnostic] = []
    for obj, rules in sorted(by_object.items()):
        rules.sort(key=lambda c: c.full_name)
        diagnostics += _limits(obj, rules)
        body: dict[str, list] = defaultdict(list)
        for rule in rules:
            body[RULE_TYPES[rule.type]].append(dict(rule.body))
        references = sorted({r for rule in rules for r in rule.references})
        sources = {ref: src for rule in rules for ref in rule.references
                   for src in [rule.reference_sources.get(ref) or rule.source]}
        others.append(Component(
            "SharingRules", obj, dict(body),
            purpose=f"All sharing rules on {obj} ({len(rules)}), deployed together as one file.",
            source=rules[0].source, references=tuple(references), reference_sources=sources,
            deploy_step="sharing",
            notes=(f"{obj} sharing rules need the {obj} org-wide default to be Private or Public Read "
                   "Only; they deploy in the 'sharing' step, one sharing deploy at a time.",)
            if not obj.endswith("__c") else ()))
    return others, diagnostics


def _limits(obj: str, rules: list[Component]) -> list[Diagnostic]:
    out = []
    criteria = [r for r in rules if r.type == "SharingCriteriaRule"]
    if len(criteria) > CRITERIA_RULES_MAX:
        out.append(Diagnostic(
            "PRM-V040", f"{len(criteria)} criteria-based sharing rules on {obj}; the platform allows "
            f"{CRITERIA_RULES_MAX} per object", criteria[CRITERIA_RULES_MAX].source,
            "combine tiers into fewer rules (e.g. share with a group that includes higher tiers)",
            Severity.ERROR))
    if len(rules) > ALL_RULES_MAX:
        out.append(Diagnostic(
            "PRM-V041", f"{len(rules)} sharing rules on {obj}; the platform allows {ALL_RULES_MAX} "
            "(owner + criteria) per object", rules[ALL_RULES_MAX].source,
            "reduce the number of rules", Severity.ERROR))
    names: dict[str, Component] = {}
    for r in rules:
        if r.full_name.lower() in names:
            out.append(Diagnostic("PRM-V042", f"two sharing rules on {obj} are named "
                                  f"'{r.full_name.split('.', 1)[1]}'", r.source,
                                  "give each sharing rule its own name", Severity.ERROR,
                                  tuple(x for x in [names[r.full_name.lower()].source] if x)))
        names[r.full_name.lower()] = r
    return out


def tier_sees(spec: "ProgramSpec", viewer: "Tier", granted: Iterable[str]) -> bool:
    """Whether `viewer` sees what is granted to the named tiers. With sharing.tier_inheritance
    (the default) a higher tier sees everything a lower one sees ("Gold sees everything Silver
    sees"), so rules for the higher tier include the lower tier's grants; off, only grants
    naming the tier itself count. Unknown names are reported by validation and ignored here."""
    tiers = [t for t in (spec.tier(name) for name in granted) if t is not None]
    if spec.sharing.tier_inheritance:
        return any(viewer.rank >= t.rank for t in tiers)
    return any(t.developer_name == viewer.developer_name for t in tiers)
