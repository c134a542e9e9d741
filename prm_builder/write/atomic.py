"""Write folders of generated files without ever leaving them half-written.

A build is one Transaction: every output (force-app/, the MDAPI package, specs/prm.lock.json)
is staged first — a sibling folder `.<name>.prm-new` holding the complete new tree, a
sibling `.<name>.prm-new` file — and only when everything is staged are they swapped in
with renames. Nothing is written when nothing changed. Files this tool generated before and
no longer generates are removed (the manifest says which ones are ours); files anyone else
put in force-app/ are carried over untouched.

The swap renames the old tree to `.<name>.prm-old` and the new one into place. A run killed
between those two renames leaves no folder under the target name; the next run finds the
leftovers and finishes the swap (the staged tree is complete before the first rename) or,
without a staged tree, rolls back — see `recover`.

Never followed: a symbolic link in a path prm writes or deletes (it could point anywhere),
an output folder that is itself a link or a file. Never replaced: an MDAPI folder prm did
not create (`--mdapi-out ~` must not empty a home folder), or a force-app/ built from
another program unless the caller forces it.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable

from prm_builder.errors import PrmUserError

MANIFEST = ".prm-manifest.json"
GENERATOR = "prm_builder"


@dataclass
class TreeChanges:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def clean(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass(frozen=True)
class Manifest:
    files: frozenset[str]
    program: str | None = None


def _checked(rel: str) -> str:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not rel:
        raise PrmUserError(f"refusing to touch '{rel}' listed in {MANIFEST}: not a relative path inside the folder")
    return rel


def _new(target: Path) -> Path:
    return target.with_name(f".{target.name}.prm-new")


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}.prm-old")


def owner_file(target: Path) -> Path:
    """Where a folder that must hold nothing but metadata (the MDAPI package) records that
    prm created it: beside the folder, so the package itself stays pure."""
    return target.with_name(f".{target.name}.prm-manifest.json")


def read_manifest(target: Path) -> set[str]:
    return set(_manifest(target).files)


def _manifest(target: Path, file: Path | None = None) -> Manifest:
    file = file or target / MANIFEST
    if file.is_symlink():
        raise PrmUserError(f"{file} is a symbolic link; prm only reads the manifest it wrote")
    if not file.is_file():
        return Manifest(frozenset())
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        program = data.get("program")
        return Manifest(frozenset(_checked(rel) for rel in data["files"]), program if isinstance(program, str) else None)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise PrmUserError(f"{file} is not a prm manifest ({exc}); delete it and build again") from exc


def manifest_bytes(files: Iterable[str], program: str | None = None) -> bytes:
    data: dict = {"generator": GENERATOR, "files": sorted(files)}
    if program is not None:
        data["program"] = program
    return (json.dumps(data, indent=2) + "\n").encode()


def check_output_folder(target: Path, option: str = "--out") -> None:
    """An output folder must be a folder (or not exist yet), and not a symbolic link."""
    if target.is_symlink():
        raise PrmUserError(f"{option} {target} is a symbolic link; prm replaces its output folders whole and "
                           "never follows a link out of them: pass the real folder")
    if target.exists() and not target.is_dir():
        raise PrmUserError(f"{option} {target} is a file, not a folder: pass a folder (it is created when missing)")


class _LinkGuard:
    """Refuses any path below the output folder that passes through a symbolic link.
    Plain string paths: this runs for every file of every build (13,000 at the largest)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._base = os.fspath(target)
        self.safe: set[str] = set()

    def check(self, rel: str) -> None:
        parts = rel.split("/")
        for end in range(1, len(parts) + 1):
            prefix = "/".join(parts[:end])
            if prefix in self.safe:
                continue
            if os.path.islink(f"{self._base}/{prefix}"):
                raise PrmUserError(f"{self.target / prefix} is a symbolic link: prm never writes or deletes "
                                   "through a link out of its output folder; remove the link")
            self.safe.add(prefix)


def _read(path: str | Path) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def _write_new(path: str, data: bytes) -> None:
    """Create a file that does not exist yet: one open, write and close, no Python file object."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _linked(existing: str, path: str) -> bool:
    try:
        os.link(existing, path)
        return True
    except OSError:  # another file system, a file system without links: write a copy
        return False


def diff_tree(target: Path, files: dict[str, bytes], manifest: bool = True, *,
              program: str | None = None, option: str = "--out") -> TreeChanges:
    """What writing `files` (plus the manifest) into target would change."""
    check_output_folder(target, option)
    changes = TreeChanges()
    if manifest:
        previous = _manifest(target)
        wanted = {**files, MANIFEST: manifest_bytes(files, program if program is not None else previous.program)}
        old_files: set[str] = set(previous.files)
    else:
        _check_owned(target, option)
        wanted = dict(files)
        old_files = _all_files(target)
    guard = _LinkGuard(target)
    exists = target.is_dir()  # a new folder: every file is added, nothing to read
    base = os.fspath(target)
    for rel, data in sorted(wanted.items()):
        if not exists:
            changes.added.append(rel)
            continue
        guard.check(rel)
        on_disk = _read(f"{base}/{rel}")
        if on_disk is None:
            changes.added.append(rel)
        elif on_disk != data:
            changes.changed.append(rel)
        else:
            changes.unchanged += 1
    for rel in sorted(old_files - set(wanted)):
        guard.check(rel)
        if (target / rel).exists():
            changes.removed.append(rel)
    return changes


def _check_owned(target: Path, option: str) -> None:
    """A folder wholly replaced by every build (the MDAPI package) may only be one prm
    created: its owner file says so. A folder from before owner files counts when it holds
    nothing but package.xml and metadata type folders."""
    if not target.is_dir() or not any(target.iterdir()) or owner_file(target).is_file():
        return
    from prm_builder.metadata.layout import LAYOUTS

    known = {lay.directory for lay in LAYOUTS.values()} | {"package.xml"}
    names = {p.name for p in target.iterdir()}
    if "package.xml" in names and names <= known:
        return
    raise PrmUserError(f"{option} {target} holds files prm did not write, and every build replaces this folder "
                       "whole: pass a new or empty folder (default build/mdapi)")


def _check_program(target: Path, program: str | None, force: bool, option: str) -> None:
    if program is None or force:
        return
    built_from = _manifest(target).program
    if built_from is not None and built_from != program:
        raise PrmUserError(f"{option} {target} holds the build of program '{built_from}', not '{program}'; "
                           "building would replace it: pass another folder, or --force to replace it")


def _all_files(target: Path) -> set[str]:
    if not target.is_dir():
        return set()
    out = set()
    for root, _dirs, names in os.walk(target):  # os.walk does not follow links into folders
        for name in names:
            out.add((Path(root) / name).relative_to(target).as_posix())
    return out


def _prune_empty(root: Path, folder: Path) -> None:
    while folder != root and folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _link_or_copy(src: str, dst: str) -> None:
    """Unchanged files enter the staged tree as hard links (no copy); changed files are
    written as new files, never through the link (see Transaction.tree)."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def recover(target: Path) -> None:
    """Finish or roll back a swap a killed run left half-done, and drop staging leftovers."""
    new, old = _new(target), _old(target)
    if old.is_dir() and not old.is_symlink():
        if not os.path.lexists(target):
            # The old tree was moved aside only after the new one was complete: finish.
            os.rename(new if new.is_dir() and not new.is_symlink() else old, target)
        if os.path.lexists(old):
            _remove(old)
    if os.path.lexists(new):
        _remove(new)


def _disk_error(option: str, target: Path, exc: OSError) -> PrmUserError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason += " (the disk is full)"
    elif exc.errno == errno.EROFS:
        reason += " (the file system is read-only)"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        reason += " (check the folder's permissions)"
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(target) else ""
    return PrmUserError(f"{option} {target}: cannot write{where}: {reason}; nothing was changed")


class Transaction:
    """Stage every output, then swap them all in (see module doc). Use as a context manager:
    leaving the block normally commits, an exception removes everything staged."""

    def __init__(self) -> None:
        self._trees: list[tuple[Path, Path, str]] = []
        self._files: list[tuple[Path | None, Path, str]] = []
        self._made: list[Path] = []
        #: bytes -> a file holding them in a tree staged (or found up to date) earlier
        self._copies: dict[bytes, str] = {}

    def __enter__(self) -> "Transaction":
        return self

    def __exit__(self, kind, exc, tb) -> None:  # type: ignore[no-untyped-def]
        if kind is None:
            self.commit()
        else:
            self.abort()

    def tree(self, target: Path, files: dict[str, bytes], *, keep_foreign: bool = True,
             program: str | None = None, force: bool = False, option: str = "--out",
             link_copies: bool = False) -> TreeChanges:
        """Stage target holding exactly `files` among the files we generate.

        keep_foreign=False is for folders that are wholly ours (the MDAPI package): the new
        tree replaces the old one and carries no manifest, so the deploy zip holds only metadata.
        link_copies: a file byte-identical to one of a tree staged before in this transaction
        (most of the MDAPI package repeats force-app/) becomes a hard link to it. Creating a
        file is what writing costs (0.1-0.3 ms each on a busy disk, a link 0.01 ms), and prm
        never writes through a link: every build writes a changed file as a new file.
        """
        check_output_folder(target, option)
        try:
            recover(target)
            if keep_foreign:
                _check_program(target, program, force, option)
            changes = diff_tree(target, files, manifest=keep_foreign, program=program, option=option)
            owner = owner_file(target)
            if changes.clean and (keep_foreign or owner.is_file()):
                if keep_foreign:
                    self._remember(os.fspath(target), files)
                return changes  # nothing changed: write nothing
            missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made += missing  # removed again (when empty) if the transaction fails
            staging = _new(target)
            os.mkdir(staging)  # honours the umask, unlike a mkdtemp folder (always 0700)
            self._trees.append((staging, target, option))
            wanted = {**files, MANIFEST: manifest_bytes(files, program)} if keep_foreign else files
            if keep_foreign and target.is_dir():
                shutil.copytree(target, staging, symlinks=True, dirs_exist_ok=True, copy_function=_link_or_copy)
                for rel in changes.removed:
                    (staging / rel).unlink(missing_ok=True)
                    _prune_empty(staging, (staging / rel).parent)
                rewrite, linked = set(changes.added) | set(changes.changed), set(changes.changed)
            else:
                rewrite, linked = set(wanted), set()
            base = os.fspath(staging)
            for folder in sorted({rel.rpartition("/")[0] for rel in rewrite} - {""}):
                os.makedirs(f"{base}/{folder}", exist_ok=True)
            copies = self._copies if link_copies else {}
            for rel in sorted(rewrite):
                path = f"{base}/{rel}"
                if rel in linked:
                    os.unlink(path)  # a hard link to the current file: never write through it
                if not (wanted[rel] in copies and _linked(copies[wanted[rel]], path)):
                    _write_new(path, wanted[rel])
            if keep_foreign:
                self._remember(base, files)
            else:
                self.file(owner, manifest_bytes(files).decode(), option)
            return changes
        except OSError as exc:
            self.abort()
            raise _disk_error(option, target, exc) from None
        except BaseException:
            self.abort()
            raise

    def _remember(self, folder: str, files: dict[str, bytes]) -> None:
        for rel, data in files.items():
            self._copies.setdefault(data, f"{folder}/{rel}")

    def file(self, path: Path, text: str, option: str = "") -> None:
        """Stage replacing one file (an empty text deletes it on commit)."""
        if not text:
            self._files.append((None, path, option))
            return
        tmp = path.with_name(f".{path.name}.prm-new")
        try:
            if path.is_symlink():
                raise PrmUserError(f"{path} is a symbolic link; prm replaces it only as a regular file")
            tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            if tmp.is_file():
                tmp.unlink()
            self.abort()
            raise _disk_error(option or "writing", path, exc) from None
        self._files.append((tmp, path, option))

    def commit(self) -> None:
        try:
            for staging, target, _ in self._trees:
                _swap(staging, target)
            for tmp, path, _ in self._files:
                if tmp is None:
                    path.unlink(missing_ok=True)
                else:
                    os.replace(tmp, path)
        except OSError as exc:
            self.abort()
            raise PrmUserError(f"cannot finish writing the outputs: {exc.strerror or exc}; the next build "
                               "finishes or rolls back what was interrupted") from None
        self._trees.clear()
        self._files.clear()
        self._made.clear()

    def abort(self) -> None:
        for staging, _, _ in self._trees:
            shutil.rmtree(staging, ignore_errors=True)
        for tmp, _, _ in self._files:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
        for folder in self._made:  # deepest first
            try:
                folder.rmdir()
            except OSError:
                pass
        self._trees.clear()
        self._files.clear()
        self._made.clear()


def write_tree(target: Path, files: dict[str, bytes], *, keep_foreign: bool = True, program: str | None = None,
               force: bool = False, option: str = "--out") -> TreeChanges:
    """One folder, staged and swapped in on its own (see Transaction.tree)."""
    with Transaction() as tx:
        return tx.tree(target, files, keep_foreign=keep_foreign, program=program, force=force, option=option)


def _swap(staging: Path, target: Path) -> None:
    if not os.path.lexists(target):
        os.rename(staging, target)
        return
    old = _old(target)
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
