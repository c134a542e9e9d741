"""The handoff package of the example program and of every test program, generated once per
test session (the diagram checks of several test modules read them), and the geometry of
their diagrams read back from the SVG files."""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from prm_builder import api
from tests.conftest import PROGRAMS, ROOT, TODAY

SVG = "{http://www.w3.org/2000/svg}"
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


@functools.lru_cache(maxsize=1)
def packages() -> dict[str, Path]:
    """program name ('example' for specs/) -> its generated handoff package."""
    base = Path(tempfile.mkdtemp(prefix="prm-docs-programs-"))
    atexit.register(shutil.rmtree, base, ignore_errors=True)
    folders = {"example": ROOT / "specs", **{p.name: p for p in sorted(PROGRAMS.iterdir()) if p.is_dir()}}
    return {name: api.docs(specs, base / name, as_of=TODAY, checklist=None) and base / name
            for name, specs in folders.items()}


def diagram_files() -> list[tuple[str, Path]]:
    return [(name, svg) for name, out in packages().items() for svg in sorted((out / "diagrams").glob("*.svg"))]


@dataclass
class Drawing:
    width: float
    nodes: dict[str, Rect]
    node_labels: dict[str, str]
    #: (from, to, polyline)
    edges: list[tuple[str, str, list[tuple[float, float]]]]
    #: (from, to, box) of each edge label
    labels: list[tuple[str, str, Rect]]
    font_sizes: list[float]
    tiles: list[Rect]


def _f(element: etree._Element, name: str) -> float:
    return float(element.get(name))


def read(svg_file: Path) -> Drawing:
    root = etree.parse(str(svg_file)).getroot()
    nodes, node_labels = {}, {}
    for g in root.iter(f"{SVG}g"):
        if g.get("data-id") is not None:
            r = g.find(f"{SVG}rect")
            x, y = _f(r, "x"), _f(r, "y")
            nodes[g.get("data-id")] = (x, y, x + _f(r, "width"), y + _f(r, "height"))
            node_labels[g.get("data-id")] = g.get("data-label")
    edges = []
    for p in root.iter(f"{SVG}path"):
        if p.get("data-from") is not None:
            points = [tuple(map(float, pair.split(","))) for pair in re.findall(r"-?[\d.]+,-?[\d.]+", p.get("d"))]
            edges.append((p.get("data-from"), p.get("data-to"), points))
    labels = []
    for r in root.iter(f"{SVG}rect"):
        if r.get("class") == "edge-label-box":
            x, y = _f(r, "x"), _f(r, "y")
            labels.append((r.get("data-from"), r.get("data-to"), (x, y, x + _f(r, "width"), y + _f(r, "height"))))
    sizes = [float(e.get("font-size")) for e in root.iter() if e.get("font-size")]
    tiles = []
    for part in filter(None, (root.get("data-print-tiles") or "").split(";")):
        x, y, w, h = map(float, part.split())
        tiles.append((x, y, x + w, y + h))
    return Drawing(float(root.get("width")), nodes, node_labels, edges, labels, sizes, tiles)


def overlap(a: Rect, b: Rect, tolerance: float = 0.5) -> bool:
    return a[0] + tolerance < b[2] and b[0] + tolerance < a[2] and a[1] + tolerance < b[3] and b[1] + tolerance < a[3]


def line_hits(points: list[tuple[float, float]], box: Rect, tolerance: float = 0.5) -> bool:
    """Whether a polyline passes through the box (sampled every half unit: independent of the
    clipping arithmetic the layout uses)."""
    x0, y0, x1, y1 = box[0] + tolerance, box[1] + tolerance, box[2] - tolerance, box[3] - tolerance
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        steps = max(1, int(max(abs(bx - ax), abs(by - ay)) * 2))
        for k in range(steps + 1):
            x, y = ax + (bx - ax) * k / steps, ay + (by - ay) * k / steps
            if x0 < x < x1 and y0 < y < y1:
                return True
    return False
