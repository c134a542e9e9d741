"""Public groups and queues share one namespace in the org: both are rows of the Group
object, and Group.DeveloperName is unique across all of them. A generated queue named like
a generated group, a declared org group or a declared org queue makes the deploy fail (or,
for a declared one, overwrite a queue the org owns), so the build rejects it first."""

from __future__ import annotations

from typing import Iterable

from prm_builder.errors import Diagnostic, Severity
from prm_builder.generate.component import Component
from prm_builder.model.root import ProgramSpec

GROUP_TYPES = ("Group", "Queue")


def check_group_names(spec: ProgramSpec, components: Iterable[Component]) -> list[Diagnostic]:
    taken: dict[str, str] = {}
    for kind, names in (("public group in org.groups", spec.org.groups),
                        ("queue in org.queues", spec.org.queues)):
        for name in names:
            taken.setdefault(name.lower(), kind)
    out: list[Diagnostic] = []
    for c in sorted((c for c in components if c.type in GROUP_TYPES), key=lambda c: (c.type, c.full_name)):
        kind = "generated public group" if c.type == "Group" else "generated queue"
        other = taken.get(c.full_name.lower())
        if other is not None:
            out.append(Diagnostic(
                "PRM-V031", f"{kind} '{c.full_name}' has the developer name of a {other}: groups and queues "
                "share one namespace in the org (Group.DeveloperName is unique)", c.source,
                "rename the generated one (e.g. add a _Queue suffix to a queue) or the declared one",
                Severity.ERROR))
            continue
        taken[c.full_name.lower()] = kind
    return out
