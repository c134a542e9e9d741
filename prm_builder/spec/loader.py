"""Load YAML spec files with positions, safely, reporting every problem at once.

PyYAML's SafeLoader composes the node tree (so we see each node's position and every
duplicate key, which ``yaml.safe_load`` silently overwrites); scalars are then
constructed by the SafeLoader itself, so YAML typing rules stay PyYAML's, not ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from prm_builder.errors import Diagnostic, SourceRef
from prm_builder.spec.linemap import LineMap, Path

SPEC_SUFFIXES = (".yml", ".yaml")
_PLAIN_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_STR_TAG = "tag:yaml.org,2002:str"


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
    #: paths whose value was unreadable (reported by the loader): errors below them are follow-ons
    broken: set[Path] = field(default_factory=set)
    #: top-level keys written in files that could not be read (None: not even those are known)
    unreadable_sections: set[str] | None = field(default_factory=set)

    def sections_unknown(self, section: str) -> bool:
        """True when `section` may be written in a file that did not parse."""
        if not self.unreadable:
            return False
        return self.unreadable_sections is None or section in self.unreadable_sections


def discover(specs_dir: FsPath) -> list[FsPath]:
    """Spec files directly in specs_dir, sorted by name so every machine reads the same order."""
    return sorted(p for p in specs_dir.iterdir() if p.is_file() and p.suffix in SPEC_SUFFIXES)


def _ref(display: str, mark: yaml.Mark) -> SourceRef:
    return SourceRef(display, mark.line + 1, mark.column + 1)


#: Bounds that keep a hostile or broken file from exhausting time, memory or the stack.
#: A real program at the 3,000-entry limit is ~1 MB of YAML, 6 levels deep, alias-free.
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
#: values reached a second time through aliases (a "billion laughs" file needs millions)
MAX_ALIAS_VALUES = 10_000
#: libyaml's composer recurses in C without a depth check: it overflows the C stack from
#: ~30,000 levels. Texts that might nest deeper than this go to the pure-Python composer,
#: whose recursion Python bounds (RecursionError, reported as PRM-V011).
_C_SAFE_DEPTH = 5_000
_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LoadProblem(Exception):
    """A bound was exceeded or a scalar could not be built: one coded diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def loader_class(text: str, display: str = "") -> type:
    """libyaml's C loader (same marks, ~8x faster) when the text cannot nest deep enough to
    overflow its recursion; the pure-Python SafeLoader otherwise or without libyaml."""
    if _SafeLoader is yaml.SafeLoader:
        return yaml.SafeLoader
    # Sound upper bound of the nesting depth: every flow level needs an opening bracket,
    # and every block level one more column of indentation or an indicator (`- `, `? `)
    # before the line's content.
    flow = text.count("[") + text.count("{")
    block = max((len(line) - len(line.lstrip(" \t-?:")) for line in text.splitlines()), default=0)
    if flow + block + 1 < _C_SAFE_DEPTH:
        return _SafeLoader
    # Many brackets (a big program writes lists in flow style): measure the real depth with
    # libyaml's event parser, which does not recurse, before its composer does.
    depth = 0
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _LoadProblem(Diagnostic(
                    "PRM-V011", f"values nest more than {MAX_DEPTH} levels deep", _ref(display, event.start_mark),
                    "a spec is a few levels deep: check the brackets and indentation"))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return _SafeLoader


class _NodeReader:
    def __init__(self, loader: yaml.SafeLoader, display: str) -> None:
        self.loader = loader
        self.display = display
        self.lines = LineMap()
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[int] = set()
        self._open: set[int] = set()
        self._alias_values = 0
        #: paths whose value could not be read (already reported)
        self.broken: set[Path] = set()

    def read(self, node: yaml.Node, path: Path) -> Any:
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            # Collections are built here, not by the constructor, so refuse tags the way
            # SafeLoader would (e.g. !!python/object/apply) instead of ignoring them.
            raise yaml.constructor.ConstructorError(
                None, None, f"tag {node.tag} is not allowed in spec files", node.start_mark)
        self._count(node, path)
        if isinstance(node, yaml.MappingNode):
            return self._nested(node, path, self._mapping)
        if isinstance(node, yaml.SequenceNode):
            return self._nested(node, path, self._sequence)
        try:
            return self._scalar(node)
        except _LoadProblem as exc:
            # One bad value: report it, keep reading the file, and let the parser skip
            # the follow-on errors of this path (LoadedSpecs.broken).
            self.diagnostics.append(exc.diagnostic)
            self.broken.add(path)
            return None

    def _count(self, node: yaml.Node, path: Path) -> None:
        if len(path) > MAX_DEPTH:
            raise _LoadProblem(Diagnostic(
                "PRM-V011", f"values nest more than {MAX_DEPTH} levels deep", _ref(self.display, node.start_mark),
                "a spec is a few levels deep: check the indentation and the brackets here"))
        if id(node) in self._open:
            raise _LoadProblem(Diagnostic(
                "PRM-V014", "an alias refers to the value that contains it (a recursive alias)",
                _ref(self.display, node.start_mark), "write the value out instead of using `*alias` inside it"))
        if id(node) in self._seen:
            self._alias_values += 1
            if self._alias_values > MAX_ALIAS_VALUES:
                raise _LoadProblem(Diagnostic(
                    "PRM-V014", f"aliases expand to more than {MAX_ALIAS_VALUES:,} values",
                    _ref(self.display, node.start_mark),
                    "write the values out; aliases of aliases multiply (a 'billion laughs' file)"))
        else:
            self._seen.add(id(node))

    def _nested(self, node: yaml.Node, path: Path, build: Any) -> Any:
        self._open.add(id(node))
        try:
            return build(node, path)
        finally:
            self._open.discard(id(node))

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            if node.tag == _STR_TAG:
                value = node.value  # what SafeConstructor.construct_yaml_str returns, without the dispatch
            else:
                value = self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except (ValueError, KeyError, AttributeError, TypeError, OverflowError) as exc:
            # e.g. 2027-02-30, an hour of 25, `!!int abc`, a 5,000-digit integer
            raise _LoadProblem(Diagnostic(
                "PRM-V017", f"'{node.value[:60]}' cannot be read as {_tag_word(node.tag)} ({_reason(exc)})",
                _ref(self.display, node.start_mark),
                "fix the value, or put it in quotes to keep it as text")) from None
        if isinstance(value, str) and _CONTROL.search(value):
            # The reader lets tabs/newlines through and escapes (`"\e"`, `"\0"`) make any
            # character: XML 1.0 cannot hold most control characters, so refuse them here.
            bad = _CONTROL.search(value).group()  # type: ignore[union-attr]
            raise _LoadProblem(Diagnostic(
                "PRM-V035", f"text contains the control character U+{ord(bad):04X}",
                _ref(self.display, node.start_mark), "remove it (metadata XML cannot hold control characters)"))
        return value

    def _sequence(self, node: yaml.SequenceNode, path: Path) -> list[Any]:
        items = []
        for i, item in enumerate(node.value):
            self.lines.record(path + (i,), _ref(self.display, item.start_mark))
            items.append(self.read(item, path + (i,)))
        return items

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


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_TAG_WORDS = {"int": "a whole number", "float": "a number", "bool": "true or false",
              "timestamp": "a date", "null": "nothing", "binary": "base64 data"}


def _tag_word(tag: str) -> str:
    return _TAG_WORDS.get(tag.rsplit(":", 1)[-1], f"a value of tag {tag}")


def _reason(exc: BaseException) -> str:
    if not isinstance(exc, ValueError):
        return "not a valid value"  # KeyError/AttributeError from PyYAML's constructor say nothing useful
    return str(exc).split("\n")[0][:120] or "not a valid value"


def _position(text: str, index: int, display: str) -> SourceRef:
    """file:line:col of a character index (reader errors give only the index)."""
    index = max(0, min(index, len(text)))
    line = text.count("\n", 0, index) + 1
    return SourceRef(display, line, index - (text.rfind("\n", 0, index) + 1) + 1)


def load_file(file: FsPath, display: str) -> tuple[Any, LineMap, list[Diagnostic]]:
    data, lines, _, diags = read_file(file, display)
    return data, lines, diags


#: data, positions, unreadable paths, diagnostics
Loaded = tuple[Any, LineMap, set[Path], list[Diagnostic]]


def read_file(file: FsPath, display: str) -> Loaded:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, LineMap(), set(), [Diagnostic(
                "PRM-V009", f"file is {size:,} bytes; spec files are limited to {MAX_FILE_BYTES:,}",
                SourceRef(display, 1, 1), "split the specs into smaller files, or check this is a spec file")]
        raw = file.read_bytes()
    except OSError as exc:
        return None, LineMap(), set(), [Diagnostic("PRM-V001", f"cannot read the file: {exc.strerror or exc}",
                                            SourceRef(display, 1, 1), "check the file's permissions")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[:exc.start].decode("utf-8")
        return None, LineMap(), set(), [Diagnostic("PRM-V001", f"file is not UTF-8 text: {exc.reason}",
                                            _position(good, len(good), display), "save the file as UTF-8")]
    return load_text(text, display)


def load_text(text: str, display: str) -> Loaded:
    """Compose one YAML document and read it into plain data with a position per value."""
    loader = None
    try:
        # Created inside the handler: the reader checks the characters as it is built.
        loader = loader_class(text, display)(text)
        node = loader.get_single_node()
        if node is None:
            return None, LineMap(), set(), []
        reader = _NodeReader(loader, display)
        reader.lines.record((), _ref(display, node.start_mark))
        data = reader.read(node, ())
        return data, reader.lines, reader.broken, reader.diagnostics
    except _LoadProblem as exc:
        return None, LineMap(), set(), [exc.diagnostic]
    except RecursionError:
        mark = loader.get_mark() if isinstance(loader, yaml.reader.Reader) else None
        return None, LineMap(), set(), [Diagnostic(
            "PRM-V011", f"values nest more than {MAX_DEPTH} levels deep",
            _ref(display, mark) if mark else SourceRef(display, 1, 1),
            "a spec is a few levels deep: check the brackets and indentation")]
    except yaml.reader.ReaderError as exc:
        return None, LineMap(), set(), [Diagnostic(
            "PRM-V001", f"character #x{exc.character:04x} is not allowed in YAML ({exc.reason})"
            if isinstance(exc.character, int) else f"unreadable text: {exc.reason}",
            _position(text, exc.position, display),
            "remove the control character (or save the file as UTF-8 if it is UTF-16)")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        ref = _ref(display, mark) if mark else SourceRef(display, 1, 1)
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        if "nesting depth" in problem:  # libyaml's own bound (1,000 levels)
            return None, LineMap(), set(), [Diagnostic(
                "PRM-V011", f"values nest more than {MAX_DEPTH} levels deep", ref,
                "a spec is a few levels deep: check the brackets and indentation")]
        return None, LineMap(), set(), [Diagnostic("PRM-V001", f"YAML syntax error: {problem}", ref,
                                            "check indentation and quoting around this position")]
    except yaml.YAMLError as exc:
        return None, LineMap(), set(), [Diagnostic("PRM-V001", f"YAML error: {exc}", SourceRef(display, 1, 1),
                                            "check the file is valid YAML")]
    finally:
        if loader is not None:
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
        data, lines, broken, diags = read_file(file, display)
        result.diagnostics.extend(diags)
        if data is None:
            if any(d.is_error for d in diags):
                result.unreadable.append(display)
                _note_sections(result, file)
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
        result.broken |= {path for path in broken if path and result.section_files.get(path[0]) == display}
        # Positions of sections kept above; skipped duplicates must not overwrite them.
        for path, ref in lines.values.items():
            if path and path[0] in result.section_files and result.section_files[path[0]] == display:
                result.lines.values[path] = ref
        for path, ref in lines.keys.items():
            if path and result.section_files.get(path[0]) == display:
                result.lines.keys[path] = ref
    return result


_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ \t]*:", re.MULTILINE)


def _note_sections(result: LoadedSpecs, file: FsPath) -> None:
    """Which sections an unreadable file holds, from its unindented keys (no YAML needed)."""
    try:
        text = file.read_bytes()[:MAX_FILE_BYTES].decode("utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    found = set(_TOP_KEY.findall(text))
    if not found or result.unreadable_sections is None:
        result.unreadable_sections = None
    else:
        result.unreadable_sections |= found


def _display_name(file: FsPath, root: FsPath) -> str:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.as_posix()
