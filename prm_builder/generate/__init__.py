"""Generation: the validated model -> components (type, full name, body, source, references).

Each metadata family has its own module; GENERATORS lists them in pipeline order. After
all generators ran, three passes fold fragments that the platform deploys as one file
(sharing rules and workflow actions per object) and give approval processes their
version names (see generate/approvals.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from prm_builder.errors import Diagnostic, PrmInternalError
from prm_builder.generate import (account, approval_guards, attribution, content, deal_registration, groups,
                                   lead_distribution, mdf, mdf_approvals, mdf_standard, performance,
                                   performance_access, performance_apex, performance_reports, personas,
                                   roster_keys, standard_defaults, tier_groups, tier_lifecycle, tiers)
from prm_builder.generate.approvals import ApprovalLock, apply_versions, check_process_count
from prm_builder.generate.component import Component
from prm_builder.generate.formula_blanks import check_blank_handling
from prm_builder.generate.component_names import check_component_names
from prm_builder.generate.formula_limits import check_formula_lengths
from prm_builder.generate.references import check_references
from prm_builder.generate.group_names import check_group_names
from prm_builder.generate.sharing import merge_sharing_rules
from prm_builder.generate.workflow import merge_workflows
from prm_builder.model.root import ProgramSpec

Generator = Callable[[ProgramSpec], Iterable[Component]]

GENERATORS: list[Generator] = [tiers.generate, tier_groups.generate, groups.generate, account.generate, deal_registration.generate,
                               lead_distribution.generate, mdf.generate, mdf_standard.generate,
                               mdf_approvals.generate, approval_guards.generate, content.generate,
                               performance.generate, performance_apex.generate,
                               performance_reports.generate, performance_access.generate,
                               roster_keys.generate, tier_lifecycle.generate, attribution.generate,
                               standard_defaults.generate]


@dataclass
class Generated:
    components: list[Component]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: the approval-process versions after this build (written to specs/prm.lock.json)
    lock: ApprovalLock = field(default_factory=ApprovalLock)


def _merge_queues(first: Component, second: Component) -> Component | None:
    """One queue may serve several objects: deal registration's Channel_Managers queue can
    also approve MDF requests. A feature adds its object either with an identical queue
    (group-approver queues) or with a body holding only `queueSobject` (see
    generate.approvals.queue_for_object); the result serves every object."""
    if first.type != "Queue" or second.type != "Queue":
        return None
    a, b = dict(first.body), dict(second.body)
    objects = {o["sobjectType"] for o in a.get("queueSobject", []) + b.get("queueSobject", [])}
    a.pop("queueSobject", None), b.pop("queueSobject", None)
    if a and b and a != b:
        return None
    full = first if a or not b else second
    body = {**full.body, "queueSobject": [{"sobjectType": o} for o in sorted(objects)]}
    return Component(first.type, first.full_name, body, purpose=full.purpose, source=full.source,
                     references=tuple(sorted(set(first.references) | set(second.references))),
                     reference_sources={**second.reference_sources, **first.reference_sources},
                     deploy_step=full.deploy_step, notes=full.notes)


def generate(spec: ProgramSpec, lock: ApprovalLock | None = None) -> Generated:
    components: dict[str, Component] = {}
    for gen in GENERATORS:
        for component in gen(spec):
            if component.key in components:
                merged_queue = _merge_queues(components[component.key], component)
                if merged_queue is None:
                    raise PrmInternalError(f"two generators produced {component.key}")
                component = merged_queue
            components[component.key] = component
    for component in personas.generate(spec, list(components.values())):
        components[component.key] = component
    for c in components.values():
        if c.type == "Queue" and "name" not in c.body:
            raise PrmInternalError(f"queue {c.full_name} was extended to another object but is not generated; "
                                   "queues living in the org must already serve the object")
    bad_names = check_component_names(components.values())
    if bad_names:
        return Generated(sorted(components.values(), key=lambda c: c.key), bad_names, lock or ApprovalLock())
    versioned, new_lock = apply_versions(components.values(), lock or ApprovalLock())
    merged, diagnostics = merge_sharing_rules(versioned)
    merged, folded = merge_workflows(merged)
    ordered = sorted(merged, key=lambda c: c.key)
    diagnostics += check_group_names(spec, ordered) + check_references(spec, ordered, folded)
    diagnostics += check_formula_lengths(spec, ordered) + check_process_count(ordered, new_lock)
    diagnostics += check_blank_handling(spec, ordered)
    return Generated(ordered, diagnostics, new_lock)
