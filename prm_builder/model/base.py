"""Base class of every spec node and the shared value types."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints

from prm_builder.errors import SourceRef
from prm_builder.spec.linemap import LineMap, Path

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: Salesforce API names are checked by a validation rule (PRM-V010), not here, so the
#: message can say exactly which naming rule failed.
ApiName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Money = Annotated[float, Field(ge=0)]


class SpecNode(BaseModel):
    """A node of the spec tree: unknown keys are errors, nodes never change after parsing."""

    # allow_inf_nan=False: `.inf`, `.nan` and `1e400` (a float overflowing to inf) are no
    # amount, rank or threshold; they would reach formulas as `inf` (PRM-V006 instead).
    # The docstring under each field is its description in the JSON Schema: added by
    # describe_fields() when a schema is made, not by pydantic's use_attribute_docstrings,
    # which reads every model's source at import (0.1 s of every command).
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    _path: Path = PrivateAttr(default=())
    _lines: LineMap | None = PrivateAttr(default=None)

    def ref(self, *parts: str | int) -> SourceRef | None:
        """Position of this node's value, or of a value below it (`ref("users", 2)`)."""
        if self._lines is None:
            return None
        return self._lines.value(self._path + parts)

    def key_ref(self, field: str) -> SourceRef | None:
        """Position of one of this node's keys (where 'unknown'/'duplicate' errors point)."""
        if self._lines is None:
            return None
        return self._lines.key(self._path + (field,))

    def key_ref_at(self, *parts: str | int) -> SourceRef | None:
        """Position of the key at the end of a path below this node."""
        if self._lines is None:
            return None
        return self._lines.key(self._path + parts)

    def has_key(self, field: str) -> bool:
        """True when the spec wrote this field (False when it was defaulted or derived)."""
        return self._lines is not None and (self._path + (field,)) in self._lines.keys

    @property
    def path(self) -> Path:
        return self._path


def attach_positions(node: Any, path: Path, lines: LineMap) -> None:
    """Give every SpecNode below `node` its path and the line map, after validation."""
    if isinstance(node, SpecNode):
        node._path = path
        node._lines = lines
        for name, info in type(node).model_fields.items():
            key = info.alias or name
            attach_positions(getattr(node, name), path + (key,), lines)
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            attach_positions(item, path + (i,), lines)
    elif isinstance(node, dict):
        for key, item in node.items():
            attach_positions(item, path + (key,), lines)


def derive_api_name(label: str) -> str:
    """'Gold Plus (EMEA)' -> 'Gold_Plus_EMEA': the developer name Salesforce's UI would suggest."""
    name = re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_")
    name = re.sub(r"_+", "_", name)
    if name and not name[0].isalpha():
        name = "X" + name
    return name


def describe_fields(schema: dict[str, Any], root: type[SpecNode]) -> dict[str, Any]:
    """`schema` (root.model_json_schema()) with each property described by the docstring
    written under its field, as pydantic's use_attribute_docstrings would describe it."""
    from pydantic._internal._docs_extraction import extract_docstrings_from_cls

    models: dict[str, type[SpecNode]] = {}
    todo: list[type[SpecNode]] = [root, *SpecNode.__subclasses__()]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        models.setdefault(cls.__name__, cls)
        models[f"{cls.__module__.replace('.', '__')}__{cls.__name__}"] = cls  # pydantic's name for a clash
    docs: dict[type, dict[str, str]] = {}

    def describe(node: dict[str, Any], cls: type[SpecNode]) -> None:
        # a model's json_schema_extra may move its properties into an alternative (Persona)
        properties = next((n["properties"] for n in [node, *node.get("anyOf", [])] if "properties" in n), {})
        for name, info in cls.model_fields.items():
            owner = next((c for c in cls.__mro__ if name in c.__dict__.get("__annotations__", {})), cls)
            if owner not in docs:
                docs[owner] = extract_docstrings_from_cls(owner, use_inspect=True)
            prop = properties.get(info.alias or name)
            if prop is not None and info.description is None and name in docs[owner]:
                prop.setdefault("description", docs[owner][name])

    describe(schema, root)
    for name, node in schema.get("$defs", {}).items():
        if name in models:
            describe(node, models[name])
    return schema
