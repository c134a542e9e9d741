"""Default folders and project-root discovery. Light on purpose: the CLI imports it before
parsing arguments, so nothing here may import the pipeline."""

from __future__ import annotations

from pathlib import Path

DEFAULT_SPECS = Path("specs")
DEFAULT_OUT = Path("force-app")
DEFAULT_MDAPI = Path("build/mdapi")
DEFAULT_DOCS_OUT = Path("build/docs")
DEFAULT_RECORD_DIR = Path(".prm/deploys")

#: What marks a project root, as `sf` (sfdx-project.json) and `cci` (cumulusci.yml) look for
#: it, plus the specs folder of a project that uses neither.
ROOT_MARKERS = ("sfdx-project.json", "cumulusci.yml")


def is_project_root(folder: Path) -> bool:
    return any((folder / m).is_file() for m in ROOT_MARKERS) or (folder / DEFAULT_SPECS).is_dir()


def find_project_root(start: Path) -> Path | None:
    """The nearest folder from `start` upwards that holds sfdx-project.json, cumulusci.yml or
    specs/ (like sf and cci, which walk up to their project file); None outside a project."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if is_project_root(folder):
            return folder
    return None
