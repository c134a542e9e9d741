"""Write a folder of generated files without ever leaving it half-written.

Everything is staged in a temporary sibling folder, then swapped in with two renames.
Files this tool generated before and no longer generates are removed (the manifest says
which ones are ours); files anyone else put there are carried over untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from prm_builder.errors import PrmUserError

MANIFEST = ".prm-manifest.json"


@dataclass
class TreeChanges:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def clean(self) -> bool:
        return not (self.added or self.changed or self.removed)


def _checked(rel: str) -> str:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not rel:
        raise PrmUserError(f"refusing to touch '{rel}' listed in {MANIFEST}: not a relative path inside the folder")
    return rel


def read_manifest(target: Path) -> set[str]:
    file = target / MANIFEST
    if not file.is_file():
        return set()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return {_checked(rel) for rel in data["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise PrmUserError(f"{file} is not a prm manifest ({exc}); delete it and build again") from exc


def manifest_bytes(files: dict[str, bytes]) -> bytes:
    return (json.dumps({"generator": "prm_builder", "files": sorted(files)}, indent=2) + "\n").encode()


def diff_tree(target: Path, files: dict[str, bytes], manifest: bool = True) -> TreeChanges:
    """What writing `files` (plus the manifest) into target would change."""
    changes = TreeChanges()
    wanted = {**files, MANIFEST: manifest_bytes(files)} if manifest else dict(files)
    for rel, data in sorted(wanted.items()):
        path = target / rel
        if not path.is_file():
            changes.added.append(rel)
        elif path.read_bytes() != data:
            changes.changed.append(rel)
        else:
            changes.unchanged += 1
    previous = read_manifest(target) if manifest else _all_files(target)
    for rel in sorted(previous - set(wanted)):
        if (target / rel).exists():
            changes.removed.append(rel)
    return changes


def write_tree(target: Path, files: dict[str, bytes], *, keep_foreign: bool = True) -> TreeChanges:
    """Make target hold exactly `files` among the files we generate (see module doc).

    keep_foreign=False is for folders that are wholly ours (the MDAPI package): the new
    tree replaces the old one and carries no manifest, so the deploy zip holds only metadata.
    """
    changes = diff_tree(target, files, manifest=keep_foreign)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    try:
        if keep_foreign and target.is_dir():
            shutil.copytree(target, staging, symlinks=True, dirs_exist_ok=True)
            for rel in changes.removed:
                (staging / rel).unlink(missing_ok=True)
                _prune_empty(staging, (staging / rel).parent)
        for rel, data in ({**files, MANIFEST: manifest_bytes(files)} if keep_foreign else files).items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return changes


def _all_files(target: Path) -> set[str]:
    if not target.is_dir():
        return set()
    return {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}


def _prune_empty(root: Path, folder: Path) -> None:
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    backup.rmdir()
    os.rename(target, backup)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(backup, target)
        raise
    shutil.rmtree(backup, ignore_errors=True)
