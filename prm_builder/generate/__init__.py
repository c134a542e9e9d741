"""Generation: the validated model -> components (type, full name, body, source, references).

Each metadata family has its own module; GENERATORS lists them in pipeline order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from prm_builder.errors import Diagnostic, PrmInternalError
from prm_builder.generate import account, content, mdf, mdf_standard, tiers
from prm_builder.generate.component import Component
from prm_builder.generate.references import check_references
from prm_builder.generate.sharing import merge_sharing_rules
from prm_builder.model.root import ProgramSpec

Generator = Callable[[ProgramSpec], Iterable[Component]]

GENERATORS: list[Generator] = [tiers.generate, account.generate, mdf.generate, mdf_standard.generate,
                               content.generate]


@dataclass
class Generated:
    components: list[Component]
    diagnostics: list[Diagnostic] = field(default_factory=list)


def generate(spec: ProgramSpec) -> Generated:
    components: dict[str, Component] = {}
    for gen in GENERATORS:
        for component in gen(spec):
            if component.key in components:
                raise PrmInternalError(f"two generators produced {component.key}")
            components[component.key] = component
    merged, diagnostics = merge_sharing_rules(components.values())
    ordered = sorted(merged, key=lambda c: c.key)
    return Generated(ordered, diagnostics + check_references(spec, ordered))
