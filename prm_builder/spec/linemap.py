"""Where each value of the loaded specs came from.

A path is the tuple of keys and list indexes from the top of the merged spec data,
e.g. ``("tiers", 0, "rank")``. Model nodes keep their path, so any later stage can
turn it back into ``file:line:col``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prm_builder.errors import SourceRef

Path = tuple[str | int, ...]


@dataclass
class LineMap:
    values: dict[Path, SourceRef] = field(default_factory=dict)
    keys: dict[Path, SourceRef] = field(default_factory=dict)

    def record(self, path: Path, value_ref: SourceRef, key_ref: SourceRef | None = None) -> None:
        self.values[path] = value_ref
        if key_ref is not None:
            self.keys[path] = key_ref

    def value(self, path: Path) -> SourceRef | None:
        """The value at path, or the closest enclosing node that has a position."""
        for end in range(len(path), -1, -1):
            ref = self.values.get(tuple(path[:end]))
            if ref is not None:
                return ref
        return None

    def key(self, path: Path) -> SourceRef | None:
        """The key that introduces path (falls back to the value's position)."""
        return self.keys.get(tuple(path)) or self.value(path)

    def merge(self, other: "LineMap") -> None:
        self.values.update(other.values)
        self.keys.update(other.keys)
