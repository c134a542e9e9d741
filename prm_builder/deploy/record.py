"""The per-org record of what was last deployed: one hash per component.

`prm plan` and incremental deploys compare the current build with it. It lives in
`.prm/deploys/<org>.json` (git-ignored: org aliases are personal); delete it, or pass
`--full`, to send everything again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from prm_builder.errors import PrmUserError
from prm_builder.generate.component import Component
from prm_builder.metadata.layout import mdapi_path
from prm_builder.write.render import source_files

DEFAULT_RECORD_DIR = Path(".prm/deploys")
_ORG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}$")
RECORD_VERSION = 1


def component_hash(c: Component) -> str:
    """Hash of exactly what the component deploys (its files in source format)."""
    digest = hashlib.sha256()
    for rel, data in source_files([c]).items():
        digest.update(rel.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Entry:
    hash: str
    step: str
    file: str
    """The MDAPI file it lives in: components sharing a file are deployed together."""


def entries(components: Iterable[Component]) -> dict[str, Entry]:
    return {c.key: Entry(component_hash(c), c.deploy_step, mdapi_path(c.type, c.full_name).as_posix())
            for c in components}


def build_hash(current: dict[str, Entry]) -> str:
    digest = hashlib.sha256(json.dumps({k: e.hash for k, e in sorted(current.items())}).encode())
    return digest.hexdigest()[:16]


@dataclass
class OrgRecord:
    org: str
    components: dict[str, Entry] = field(default_factory=dict)
    validated_build: str | None = None
    """Build hash of the last successful check-only RunLocalTests validation (production guard)."""

    def to_json(self) -> dict:
        return {
            "version": RECORD_VERSION,
            "org": self.org,
            "validated_build": self.validated_build,
            "components": {k: vars(e) for k, e in sorted(self.components.items())},
        }


def record_path(record_dir: Path, org: str) -> Path:
    # The org name becomes a file name: validate it like any other user value.
    if not _ORG_NAME.match(org) or ".." in org:
        raise PrmUserError(f"org name '{org}' cannot be used: letters, digits, '_', '.', '-' only")
    return record_dir / f"{org}.json"


def load_record(record_dir: Path, org: str) -> OrgRecord:
    path = record_path(record_dir, org)
    if not path.exists():
        return OrgRecord(org)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != RECORD_VERSION:
            raise ValueError(f"version {data.get('version')!r}, expected {RECORD_VERSION}")
        comps = {k: Entry(v["hash"], v["step"], v["file"]) for k, v in data["components"].items()}
        return OrgRecord(org, comps, data.get("validated_build"))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PrmUserError(f"{path}: unreadable deploy record ({exc}); delete it (or pass --full) "
                           f"to deploy everything again") from None


def write_file_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a crash never leaves half a record."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_record(record_dir: Path, record: OrgRecord) -> Path:
    path = record_path(record_dir, record.org)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file_atomic(path, (json.dumps(record.to_json(), indent=2, sort_keys=True) + "\n").encode())
    return path
