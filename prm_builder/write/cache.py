"""The build cache: a rebuild with nothing changed verifies the outputs and writes nothing.

After a successful `prm build` the project's `.prm/build-cache.json` (prm's own folder,
git-ignored) records the build's key and what was written. The key hashes everything the
output depends on: every file under the specs folder (the lock file and scenarios too), prm's
own code and templates, the versions of Python and the libraries that shape the output, and
the build options (output folders, the day, the org). The record lists every written file
with its size, inode, mtime and ctime.

A later build with the same key answers from the record, without loading the pipeline,
when every recorded file is still exactly as written: same size, inode, mtime and ctime.
Any edit changes the ctime (no tool can set it back), and a record copied from elsewhere (a
record committed to a repository, say) never matches the inodes and ctimes of a checkout,
so the cache can only ever vouch for files this machine's last build wrote. No content
hash is trusted instead: a touched file with the same bytes just costs a full build. The
MDAPI folder (wholly prm's) must hold no other file. Any difference, a leftover of an
interrupted build, or an unreadable record is a miss: the full build runs, and the record is
dropped before it starts, so a failed build leaves none.

Deliberately light (no pipeline imports): the CLI consults it before importing anything else.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from prm_builder import __version__
from prm_builder.errors import Diagnostic, Severity, SourceRef

CACHE_FILE = Path(".prm") / "build-cache.json"
FORMAT = 1
#: the libraries whose versions can change the bytes prm writes (serializer, schema, templates)
_LIBRARIES = ("lxml", "pydantic", "PyYAML", "Jinja2", "simple-salesforce")
_PACKAGE_DIRS = (Path(__file__).resolve().parents[1], Path(__file__).resolve().parents[2] / "metadata_templates")


def cache_path(specs_dir: Path) -> Path:
    """The project is the specs folder's parent (as for the docs)."""
    return specs_dir.parent / CACHE_FILE


def _walk_files(root: Path) -> list[tuple[str, Path]]:
    """(posix path relative to root, path) of every file below root, sorted; no link followed."""
    out = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if not name.endswith((".pyc", ".pyo")):
                path = Path(folder, name)
                out.append((path.relative_to(root).as_posix(), path))
    return sorted(out)


def _hash_tree(h: "hashlib._Hash", root: Path, replace: dict[str, bytes | None] | None = None) -> None:
    files = {rel: path for rel, path in _walk_files(root)}
    contents: dict[str, bytes | None] = {rel: None for rel in files}
    contents.update(replace or {})
    for rel in sorted(contents):
        data = contents[rel] if rel in (replace or {}) else _read(files[rel])
        if data is None:
            continue
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"\0unreadable"  # a file that cannot be read never matches a cached build


def prm_fingerprint() -> str:
    """A hash of prm itself: its version, code and templates, Python's and the libraries' versions."""
    from importlib.metadata import PackageNotFoundError, version

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}\0{sys.version}\0".encode())
    for name in _LIBRARIES:
        try:
            h.update(f"{name}={version(name)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    for folder in _PACKAGE_DIRS:
        if folder.is_dir():
            _hash_tree(h, folder)
    return h.hexdigest()


def build_key(specs_dir: Path, options: dict[str, str], specs_after: dict[str, bytes | None] | None = None,
              fingerprint: str | None = None) -> str:
    """The key of a build of `specs_dir` with `options`. `specs_after` replaces spec files by
    the bytes the build itself wrote (None: deleted), i.e. the key the next build will compute.
    `fingerprint`: prm_fingerprint(), when the caller computed it already."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"prm build cache {FORMAT}\0{fingerprint or prm_fingerprint()}\0".encode())
    h.update(json.dumps(options, sort_keys=True).encode())
    _hash_tree(h, specs_dir, specs_after)
    return h.hexdigest()


@dataclass
class BuildSummary:
    """What the CLI reports of a build: the compiled program's diagnostics and notes."""

    components: int
    notes: list[str]
    diagnostics: list[Diagnostic]
    lock_stale: bool
    source_files: int
    mdapi_files: int


def _signature(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns]


def _record_tree(folder: Path, files: dict[str, bytes]) -> dict[str, list[int]]:
    """rel -> [size, inode, mtime, ctime] of the files just written to folder."""
    base = os.fspath(folder)
    return {rel: _signature(os.lstat(f"{base}/{rel}")) for rel in files}


def _tree_matches(folder: Path, record: dict[str, list[int]], *, exact: bool) -> bool:
    """Every recorded file is there, untouched since it was recorded; `exact`: the folder
    holds no other file. Plain string paths: pathlib costs 0.3 s per 13,000 files."""
    if os.path.lexists(folder.with_name(f".{folder.name}.prm-new")) or \
            os.path.lexists(folder.with_name(f".{folder.name}.prm-old")):
        return False  # an interrupted build: let the full build recover it
    base = os.fspath(folder)
    folders = {base} | {f"{base}/{os.path.dirname(rel)}".rstrip("/") for rel in record}
    try:
        # prm never writes through a link (atomic._LinkGuard): nor may the cache vouch for one
        if not all(stat.S_ISDIR(os.lstat(each).st_mode) for each in folders):
            return False
        for rel, signature in record.items():
            st = os.lstat(f"{base}/{rel}")
            if not stat.S_ISREG(st.st_mode) or _signature(st) != signature:
                return False
    except OSError:
        return False
    return not exact or sum(len(names) for _, _, names in os.walk(base)) == len(record)


def _diagnostic_json(d: Diagnostic) -> dict:
    ref = [d.ref.file, d.ref.line, d.ref.col] if d.ref else None
    return {"code": d.code, "message": d.message, "ref": ref, "hint": d.hint, "severity": d.severity.value,
            "related": [[r.file, r.line, r.col] for r in d.related]}


def _diagnostic(data: dict) -> Diagnostic:
    return Diagnostic(data["code"], data["message"], SourceRef(*data["ref"]) if data["ref"] else None,
                      data["hint"], Severity(data["severity"]), tuple(SourceRef(*r) for r in data["related"]))


def lookup(specs_dir: Path, key: str, out_dir: Path, mdapi_dir: Path, owner_file: Path) -> BuildSummary | None:
    """The cached build when `key` matches and the outputs are as that build wrote them."""
    try:
        data = json.loads(cache_path(specs_dir).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        if not (_tree_matches(out_dir, data["source"], exact=False) and _tree_matches(mdapi_dir, data["mdapi"], exact=True)
                and _tree_matches(owner_file.parent, data["owner"], exact=False)):
            return None
        return BuildSummary(data["components"], data["notes"], [_diagnostic(d) for d in data["diagnostics"]],
                            data["lock_stale"], len(data["source"]), len(data["mdapi"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def forget(specs_dir: Path) -> None:
    """Drop the record before a full build: a build that fails must not leave one behind."""
    try:
        cache_path(specs_dir).unlink(missing_ok=True)
    except OSError:
        pass


def store(specs_dir: Path, key: str, build: BuildSummary, trees: list[tuple[str, Path, dict[str, bytes]]]) -> None:
    """Record a successful build; `trees`: (name, folder, files written there)."""
    data = {"format": FORMAT, "key": key, "components": build.components, "notes": build.notes,
            "diagnostics": [_diagnostic_json(d) for d in build.diagnostics], "lock_stale": build.lock_stale}
    try:
        for name, folder, files in trees:
            data[name] = _record_tree(folder, files)
    except OSError:
        return  # an output changed under us: no record, the next build compiles
    _save(cache_path(specs_dir), data)


def _save(path: Path, data: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only project: every build compiles, nothing breaks
