"""Turn loaded spec data into the model, translating pydantic's errors into diagnostics.

Each top-level section is validated on its own, so a mistake in one section does not
hide the mistakes of the others: semantic rules still run on every section that parsed.
"""

from __future__ import annotations

import copy
import difflib
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from prm_builder.errors import Diagnostic
from prm_builder.model.base import attach_positions
from prm_builder.model.root import ProgramSpec
from prm_builder.spec.linemap import LineMap
from prm_builder.spec.loader import LoadedSpecs

TYPE_WORDS = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "bool_type": "true or false", "bool_parsing": "true or false", "list_type": "a list",
    "dict_type": "a mapping", "model_type": "a mapping", "model_attributes_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)", "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
}
YAML_TYPE_NAMES = {bool: "true/false", int: "a number", float: "a number", str: "text",
                   list: "a list", dict: "a mapping", type(None): "nothing"}


@dataclass
class ParseResult:
    spec: ProgramSpec | None
    #: sections that parsed; rules needing a missing one are skipped
    sections: set[str] = field(default_factory=set)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: list sections of which some items failed to parse: rules see the items that parsed,
    #: generation never runs on them
    partial: set[str] = field(default_factory=set)
    #: names of list items that failed to parse (a rule saying "unknown tier 'Gold'" about
    #: one of them is a follow-on error, not a mistake of its own)
    failed_names: set[str] = field(default_factory=set)

    def drop_follow_ons(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        if not self.failed_names:
            return diagnostics
        quoted = [f"'{name}'" for name in self.failed_names]
        return [d for d in diagnostics if not any(q in d.message for q in quoted)]


def parse_program(loaded: LoadedSpecs) -> ParseResult:
    result = ParseResult(spec=None)
    values: dict[str, Any] = {}
    known = ProgramSpec.model_fields
    for section in loaded.data:
        if section not in known:
            result.diagnostics.append(_unknown_key((section,), list(known), loaded.lines))
    failed = False
    for name, info in known.items():
        if name not in loaded.data:
            if info.is_required() and (loaded.unreadable or not loaded.files):
                # in a file that did not parse, or there are no files (PRM-V008): already reported
                failed = True
            elif info.is_required():
                result.diagnostics.append(Diagnostic(
                    "PRM-V004", f"required section '{name}' is missing",
                    _first_file_ref(loaded), f"add a top-level `{name}:` section to one spec file"))
                failed = True
            elif loaded.sections_unknown(name):
                # Possibly in a file that did not parse: not defaulted, so no rule reads a
                # default where the user wrote something (e.g. mdf objects "not created").
                failed = True
            else:
                values[name] = info.get_default(call_default_factory=True)
                result.sections.add(name)
            continue
        adapter = TypeAdapter(info.annotation)
        try:
            value = adapter.validate_python(loaded.data[name])
        except ValidationError as exc:
            result.diagnostics.extend(_translate(exc, (name,), info.annotation, loaded.lines, loaded.broken))
            value = _without_unknown_keys(adapter, loaded.data[name], exc)
            if value is None:
                failed = True
                value = _good_items(info.annotation, loaded.data[name], name, loaded.lines, result)
                if value is None:
                    value = _without_bad_definitions(adapter, loaded.data[name], exc, name, loaded.lines, result)
                if value is None:
                    continue
                values[name] = value
                result.sections.add(name)
                continue
        attach_positions(value, (name,), loaded.lines)
        values[name] = value
        result.sections.add(name)
    if failed:
        # Build what parsed so rules over healthy sections can still run.
        spec = ProgramSpec.model_construct(**values)
    else:
        spec = ProgramSpec.model_validate(values)
    # Sections were copied into the root (and defaults created): attach positions to the
    # nodes the root actually holds.
    for name in values:
        if name not in result.partial:  # partial lists keep their items' own positions
            attach_positions(getattr(spec, name), (name,), loaded.lines)
    spec._lines = loaded.lines
    result.spec = spec
    return result


def _good_items(annotation: Any, raw: Any, name: str, lines: LineMap, result: ParseResult) -> list | None:
    """A list section with bad items (errors already reported): keep the items that parse on
    their own, so one bad tier does not hide the mistakes rules find in the others."""
    if typing.get_origin(annotation) is not list or not isinstance(raw, list):
        return None
    item_adapter = TypeAdapter(typing.get_args(annotation)[0])
    good = []
    for i, item in enumerate(raw):
        try:
            value = item_adapter.validate_python(item)
        except ValidationError:
            item_name = item.get("name") if isinstance(item, dict) else None
            if isinstance(item_name, str) and item_name.strip():
                result.failed_names.add(item_name.strip())
            continue
        attach_positions(value, (name, i), lines)
        good.append(value)
    if not good:
        return None  # nothing parsed: rules would only see an empty list ("no tiers")
    result.partial.add(name)
    return good


#: Lists inside a section whose items are definitions other parts refer to by name: a bad
#: one is dropped (its errors are reported) and rules still check the section's other items;
#: a rule's "unknown territory 'X'" about a dropped one is a follow-on (failed_names). Lists
#: whose items make requirements (approval routes: "tier has no route") are not pruned.
DEFINITION_LISTS = {("lead_distribution", "territories"), ("deal_registration", "queues"),
                    ("content", "categories")}


def _without_bad_definitions(adapter: TypeAdapter, raw: Any, exc: ValidationError, name: str, lines: LineMap,
                             result: ParseResult) -> Any:
    """A section whose only errors lie in items of its DEFINITION_LISTS (or are unknown keys):
    drop those items, parse the rest, and give the kept items their original positions."""
    if not isinstance(raw, dict):
        return None
    drop: dict[str, set[int]] = {}
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not _is_internal_loc(p))
        if err["type"] == "extra_forbidden" and not any(isinstance(p, int) for p in loc):
            continue  # an unknown key outside the lists: reported, pruned below
        if len(loc) < 2 or (name, loc[0]) not in DEFINITION_LISTS or not isinstance(loc[1], int):
            return None
        drop.setdefault(str(loc[0]), set()).add(loc[1])
    if not drop:
        return None
    pruned = copy.deepcopy(raw)
    kept: dict[str, list[int]] = {}
    for key, bad in drop.items():
        items = pruned.get(key)
        if not isinstance(items, list):
            return None
        kept[key] = [i for i in range(len(items)) if i not in bad]
        for i in bad:
            item = items[i] if i < len(items) else None
            for field_name in ("name", "api_name"):
                value = item.get(field_name) if isinstance(item, dict) else None
                if isinstance(value, str) and value.strip():
                    result.failed_names.add(value.strip())
        pruned[key] = [items[i] for i in kept[key]]
    try:
        value = adapter.validate_python(pruned)
    except ValidationError as again:
        value = _without_unknown_keys(adapter, pruned, again)
        if value is None:
            return None
    attach_positions(value, (name,), lines)
    for key, indexes in kept.items():
        for new_index, old_index in enumerate(indexes):
            attach_positions(getattr(value, key)[new_index], (name, key, old_index), lines)
    result.partial.add(name)
    return value


def _without_unknown_keys(adapter: TypeAdapter, raw: Any, exc: ValidationError) -> Any:
    """Second chance for a section whose only problems are unknown keys (typos, already
    reported): drop them and parse again, so rules still check the rest of the section."""
    errors = exc.errors()
    if any(e["type"] != "extra_forbidden" for e in errors):
        return None
    pruned = copy.deepcopy(raw)
    for err in errors:
        parent = pruned
        loc = [p for p in err["loc"] if not _is_internal_loc(p)]
        try:
            for part in loc[:-1]:
                parent = parent[part]
            if not isinstance(parent, dict):
                return None  # e.g. a key pydantic found on a value it read as a model from a list
            parent.pop(loc[-1], None)
        except (KeyError, IndexError, TypeError):
            return None
    try:
        return adapter.validate_python(pruned)
    except ValidationError:
        return None


def _first_file_ref(loaded: LoadedSpecs):
    from prm_builder.errors import SourceRef

    return SourceRef(loaded.files[0], 1, 1) if loaded.files else None


def _translate(exc: ValidationError, prefix: tuple, annotation: Any, lines: LineMap,
               broken: set[tuple] = frozenset()) -> list[Diagnostic]:  # type: ignore[assignment]
    out = []
    for err in exc.errors():
        loc = prefix + tuple(p for p in err["loc"] if not _is_internal_loc(p))
        if any(loc[:end] in broken for end in range(1, len(loc) + 1)):
            continue  # the loader could not read this value and said so: no follow-on error
        kind = err["type"]
        if kind == "extra_forbidden":
            allowed = _allowed_keys(annotation, loc[len(prefix):])
            out.append(_unknown_key(loc, allowed, lines))
        elif kind == "missing":
            parent = loc[:-1]
            out.append(Diagnostic(
                "PRM-V004", f"required key '{loc[-1]}' is missing in {_where(parent)}",
                lines.value(parent), f"add `{loc[-1]}:` here"))
        elif kind in TYPE_WORDS:
            got = YAML_TYPE_NAMES.get(type(err["input"]), type(err["input"]).__name__)
            hint = f"write {TYPE_WORDS[kind]} here"
            if isinstance(err["input"], bool) and kind == "string_type":
                hint = "YAML reads yes/no/on/off/true/false as booleans: put the text in quotes"
            out.append(Diagnostic(
                "PRM-V005", f"'{_where(loc)}' must be {TYPE_WORDS[kind]}, got {got} ({err['input']!r})",
                lines.value(loc), hint))
        else:
            message = err["msg"].removeprefix("Value error, ")
            hint = "see the spec reference in the README for allowed values"
            expected = (err.get("ctx") or {}).get("expected")
            if expected:
                hint = f"allowed: {expected}"
            out.append(Diagnostic(
                "PRM-V006", f"'{_where(loc)}': {message} (got {err['input']!r})", lines.value(loc), hint))
    return out


def _is_internal_loc(part: Any) -> bool:
    # pydantic adds union-member / function names to locations; they are not spec keys.
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _where(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the file"


def _unknown_key(loc: tuple, allowed: list[str], lines: LineMap) -> Diagnostic:
    key = str(loc[-1])
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else (
        f"allowed keys here: {', '.join(sorted(allowed))}" if allowed else "remove this key")
    return Diagnostic("PRM-V003", f"unknown key '{key}' in {_where(loc[:-1])}", lines.key(loc), hint)


def _allowed_keys(annotation: Any, loc: tuple) -> list[str]:
    """Field names of the model that holds the last element of loc (for 'did you mean')."""
    current = annotation
    for part in loc[:-1]:
        current = _step(current, part)
        if current is None:
            return []
    model = _unwrap_model(current)
    return list(model.model_fields) if model else []


def _step(annotation: Any, part: Any) -> Any:
    model = _unwrap_model(annotation)
    if model is not None and isinstance(part, str):
        info = model.model_fields.get(part)
        return info.annotation if info else None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            step = _step(arg, part)
            if step is not None:
                return step
    if origin is typing.Annotated:
        return _step(args[0], part)
    return None


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            model = _unwrap_model(arg)
            if model is not None:
                return model
    return None
