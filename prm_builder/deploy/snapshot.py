"""Org snapshots and drift: what the org holds of the components prm deploys, retrieved
through CumulusCI's RetrieveUnpackaged task (Metadata API retrieve).

- Before `prm deploy` overwrites components that replace the org's own version as a whole
  (assignment rules, sharing rules, duplicate and matching rules, global value sets, ...),
  their current versions are retrieved into `.prm/snapshots/<org>/<UTC time>/`: an MDAPI
  folder with its package.xml, so a bad deploy is rolled back by deploying that folder
  (`cci task run deploy --path <snapshot> --org NAME`) and the team can see what it replaced.
- `prm diff --org NAME` retrieves every component the specs build and compares it with
  the build (drift.py), so a change made by hand in Setup is visible.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

from prm_builder.generate.component import Component
from prm_builder.metadata.layout import layout
from prm_builder.write.render import package_xml

DEFAULT_SNAPSHOT_DIR = Path(".prm/snapshots")
#: types whose deploy replaces what the org has as a whole (a rule the org had and the
#: build lacks is gone after the deploy): the ones worth a snapshot before each deploy
REPLACED_TYPES = ("AssignmentRules", "SharingRules", "DuplicateRule", "MatchingRules", "GlobalValueSet",
                  "ApprovalProcess", "Workflow", "Queue", "Group", "PermissionSet", "Flow")

#: (package.xml text, target folder) -> None: retrieves the package into the folder
Retriever = Callable[[str, Path], None]


def package_for(components: Iterable[Component], types: Iterable[str] | None = None) -> str:
    wanted = set(types) if types is not None else None
    members: dict[str, set[str]] = {}
    for c in components:
        if wanted is not None and c.type not in wanted:
            continue
        members.setdefault(layout(c.type).folder_of or c.type, set()).add(c.full_name)
    return package_xml(members).decode("utf-8") if members else ""


def take_snapshot(components: list[Component], retrieve: Retriever, org: str, *,
                  root: Path = DEFAULT_SNAPSHOT_DIR, now: dt.datetime | None = None) -> Path | None:
    """Retrieve the org's versions of the replaced components; the folder, or None when the
    deploy replaces nothing."""
    xml = package_for(components, REPLACED_TYPES)
    if not xml:
        return None
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    target = root / _safe(org) / stamp
    target.mkdir(parents=True, exist_ok=False)
    retrieve(xml, target)
    return target


def retrieve_all(components: list[Component], retrieve: Retriever) -> dict[str, bytes]:
    """Every component the build deploys, as the org has it now (MDAPI file -> bytes)."""
    with tempfile.TemporaryDirectory(prefix="prm-retrieve-") as tmp:
        folder = Path(tmp)
        retrieve(package_for(components), folder)
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cumulusci_retriever(project_config: Any, org_config: Any, logger: Any = None) -> Retriever:
    """A Retriever running CumulusCI's RetrieveUnpackaged task (SOAP retrieve, polling)."""
    from cumulusci.core.config import TaskConfig
    from cumulusci.tasks.salesforce import RetrieveUnpackaged

    from prm_builder import API_VERSION

    def retrieve(xml: str, target: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="prm-package-") as tmp:
            package = Path(tmp) / "package.xml"
            package.write_text(xml, encoding="utf-8")
            options = {"package_xml": str(package), "path": str(target), "api_version": API_VERSION}
            task = RetrieveUnpackaged(project_config, TaskConfig({"options": options}), org_config,
                                      **({"logger": logger} if logger else {}))
            task()

    return retrieve


def _safe(org: str) -> str:
    """An org name as one path segment (org names come from the command line)."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in org).strip(".")
    return cleaned or "org"
