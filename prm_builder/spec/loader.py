"""Load YAML spec files with positions, safely, reporting every problem at once.

PyYAML's SafeLoader composes the node tree (so we see each node's position and every
duplicate key, which ``yaml.safe_load`` silently overwrites); scalars are then
constructed by the SafeLoader itself, so YAML typing rules stay PyYAML's, not ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from prm_builder.errors import Diagnostic, SourceRef
from prm_builder.spec.linemap import LineMap, Path

SPEC_SUFFIXES = (".yml", ".yaml")
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


@dataclass
class LoadedSpecs:
    """The merged top-level mapping of all spec files, plus positions and problems."""

    data: dict[str, Any] = field(default_factory=dict)
    lines: LineMap = field(default_factory=LineMap)
    files: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: which file each top-level section came from
    section_files: dict[str, str] = field(default_factory=dict)
    #: files that could not be read as YAML: the sections they hold are unknown
    unreadable: list[str] = field(default_factory=list)


def discover(specs_dir: FsPath) -> list[FsPath]:
    """Spec files directly in specs_dir, sorted by name so every machine reads the same order."""
    return sorted(p for p in specs_dir.iterdir() if p.is_file() and p.suffix in SPEC_SUFFIXES)


def _ref(display: str, mark: yaml.Mark) -> SourceRef:
    return SourceRef(display, mark.line + 1, mark.column + 1)


class _NodeReader:
    def __init__(self, loader: yaml.SafeLoader, display: str) -> None:
        self.loader = loader
        self.display = display
        self.lines = LineMap()
        self.diagnostics: list[Diagnostic] = []

    def read(self, node: yaml.Node, path: Path) -> Any:
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            # Collections are built here, not by the constructor, so refuse tags the way
            # SafeLoader would (e.g. !!python/object/apply) instead of ignoring them.
            raise yaml.constructor.ConstructorError(
                None, None, f"tag {node.tag} is not allowed in spec files", node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.lines.record(path + (i,), _ref(self.display, item.start_mark))
                items.append(self.read(item, path + (i,)))
            return items
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_ref = _ref(self.display, key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                self.diagnostics.append(
                    Diagnostic("PRM-V005", "a key must be a plain name, not a list or mapping",
                               key_ref, "write keys as `name: value`")
                )
                continue
            # Keys are names: take the text as written, so `yes:` or `1:` stay strings.
            key = key_node.value
            if key in out:
                first = self.lines.key(path + (key,))
                self.diagnostics.append(
                    Diagnostic(
                        "PRM-V002",
                        f"duplicate key '{key}' (first defined at {first})",
                        key_ref,
                        "remove one of the two; YAML would silently keep only the last",
                        related=(first,) if first else (),
                    )
                )
                continue
            self.lines.record(path + (key,), _ref(self.display, value_node.start_mark), key_ref)
            out[key] = self.read(value_node, path + (key,))
        return out


def load_file(file: FsPath, display: str) -> tuple[Any, LineMap, list[Diagnostic]]:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, LineMap(), [Diagnostic("PRM-V001", f"file is not UTF-8 text: {exc.reason}",
                                            SourceRef(display), "save the file as UTF-8")]
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, LineMap(), []
        reader = _NodeReader(loader, display)
        reader.lines.record((), _ref(display, node.start_mark))
        data = reader.read(node, ())
        return data, reader.lines, reader.diagnostics
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        ref = _ref(display, mark) if mark else SourceRef(display)
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        return None, LineMap(), [Diagnostic("PRM-V001", f"YAML syntax error: {problem}", ref,
                                            "check indentation and quoting around this position")]
    except yaml.YAMLError as exc:
        return None, LineMap(), [Diagnostic("PRM-V001", f"YAML error: {exc}", SourceRef(display),
                                            "check the file is valid YAML")]
    finally:
        loader.dispose()


def load_specs(specs_dir: FsPath, display_root: FsPath | None = None) -> LoadedSpecs:
    """Read every spec file of specs_dir and merge their top-level sections."""
    result = LoadedSpecs()
    if not specs_dir.is_dir():
        result.diagnostics.append(Diagnostic(
            "PRM-V008", f"spec folder '{specs_dir}' does not exist", None,
            "pass --specs DIR or run from the project root (default: specs/)"))
        return result
    files = discover(specs_dir)
    if not files:
        result.diagnostics.append(Diagnostic(
            "PRM-V008", f"no *.yml spec files in '{specs_dir}'", SourceRef(str(specs_dir)),
            "create specs/program.yml (see README, 'Spec reference')"))
    root = display_root or FsPath.cwd()
    for file in files:
        display = _display_name(file, root)
        result.files.append(display)
        data, lines, diags = load_file(file, display)
        result.diagnostics.extend(diags)
        if data is None:
            if any(d.code == "PRM-V001" for d in diags):
                result.unreadable.append(display)
            continue
        if not isinstance(data, dict):
            result.diagnostics.append(Diagnostic(
                "PRM-V005", "a spec file must be a mapping of sections (e.g. `program:`, `tiers:`)",
                SourceRef(display, 1, 1), "start the file with a section name followed by a colon"))
            continue
        for section, value in data.items():
            if section in result.data:
                first = result.lines.key((section,))
                result.diagnostics.append(Diagnostic(
                    "PRM-V007", f"section '{section}' is defined in two files (first at {first})",
                    lines.key((section,)), "keep each top-level section in exactly one spec file",
                    related=(first,) if first else ()))
                continue
            result.data[section] = value
            result.section_files[section] = display
        # Positions of sections kept above; skipped duplicates must not overwrite them.
        for path, ref in lines.values.items():
            if path and path[0] in result.section_files and result.section_files[path[0]] == display:
                result.lines.values[path] = ref
        for path, ref in lines.keys.items():
            if path and result.section_files.get(path[0]) == display:
                result.lines.keys[path] = ref
    return result


def _display_name(file: FsPath, root: FsPath) -> str:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.as_posix()
