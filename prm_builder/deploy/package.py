"""One MDAPI package per deploy step: the step's components (package.xml) and, only with
--allow-destructive, its removals (destructiveChanges.xml)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from prm_builder.deploy.plan import Plan
from prm_builder.deploy.steps import DeployStep, step
from prm_builder.generate.component import Component
from prm_builder.write.atomic import write_tree
from prm_builder.write.render import Files, mdapi_files, package_xml


@dataclass
class StepPackage:
    step: DeployStep
    components: list[Component]
    removals: list[str] = field(default_factory=list)
    """'Type:FullName' keys deleted by this step (destructiveChanges.xml)."""
    files: Files = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.components]


def destructive_xml(keys: list[str]) -> bytes:
    members: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        type_name, _, full_name = key.partition(":")
        members[type_name].add(full_name)
    return package_xml(members)


def step_packages(plan: Plan, *, allow_destructive: bool) -> list[StepPackage]:
    """The plan cut into steps, in deploy order."""
    packages = []
    for name in plan.steps():
        comps = [c for c in plan.send if c.deploy_step == name]
        removals = [k for k, e in plan.removed_entries.items() if e.step == name] if allow_destructive else []
        if not comps and not removals:
            continue
        files = mdapi_files(comps)
        if removals:
            files["destructiveChanges.xml"] = destructive_xml(removals)
        packages.append(StepPackage(step(name), comps, removals, dict(sorted(files.items()))))
    return packages


def write_step_package(root: Path, index: int, package: StepPackage) -> Path:
    """Write the step's files to root/NN-<step>/ (replacing what was there)."""
    folder = root / f"{index:02d}-{package.step.name}"
    write_tree(folder, package.files, keep_foreign=False)
    return folder
