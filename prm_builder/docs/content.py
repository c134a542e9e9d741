"""The content of the handoff package as plain data: sections made of blocks.

Sections build blocks; two renderers (HTML and Markdown) turn the same blocks into
pages, so both formats always carry the same content and a feature section never
writes markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Link:
    """An internal link: to a section page, optionally to an anchor on it."""

    text: str
    section: str
    anchor: str = ""


Cell = Union[str, Link]


@dataclass(frozen=True)
class Heading:
    text: str
    anchor: str = ""


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    #: first column holds row headers (a matrix), not data
    row_headers: bool = False


@dataclass(frozen=True)
class Diagram:
    """An SVG diagram; `name` is unique in the package and names its file."""

    name: str
    title: str
    svg: str
    #: node labels drawn in it (the browser test looks for them)
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Code:
    text: str
    lang: str = ""


Block = Union[Heading, Para, Bullets, Table, Diagram, Code]


@dataclass
class Section:
    """One page of the package."""

    id: str
    """Page name (file name without extension); also the link target."""
    title: str
    summary: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> "Section":
        self.blocks.extend(blocks)
        return self

    @property
    def diagrams(self) -> list[Diagram]:
        return [b for b in self.blocks if isinstance(b, Diagram)]

    @property
    def anchors(self) -> set[str]:
        return {b.anchor for b in self.blocks if isinstance(b, Heading) and b.anchor}
