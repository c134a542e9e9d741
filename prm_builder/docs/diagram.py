"""Diagrams: a small graph model, laid out by grandalf, drawn as SVG with lxml.

Layout is the library's job (grandalf's Sugiyama layered layout: ranks, crossing
reduction, routes for long edges); this module only measures labels, clips edges at
the boxes and writes the SVG. Styling is inline attributes so a diagram looks the same
inline in a page, as a standalone .svg file, and on paper.
"""

from __future__ import annotations

import functools
import itertools
import math
import textwrap
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from grandalf.graphs import Edge as GEdge
from grandalf.graphs import Graph as GGraph
from grandalf.graphs import Vertex
from grandalf.layouts import SugiyamaLayout
from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
FONT_SIZE = 12
CHAR_W = 7.0  # average glyph width at FONT_SIZE; labels are measured, not placed by hand
BOLD_W = 7.9  # bold label lines (DejaVu Sans Bold runs wider)
DETAIL_W = 6.6  # detail lines, one size smaller
LINE_H = 15.0
PAD_X, PAD_Y = 12.0, 9.0
WRAP = 26
MARGIN = 16.0
#: The smallest text in a diagram (edge labels, detail lines) is FONT_SIZE - 1 px. A diagram is
#: never drawn smaller than MIN_SCALE: 11 px x 0.86 x 0.75 pt/px = 7.1 pt on paper (and 9.5 px on
#: screen, where a wider diagram scrolls instead).
MIN_SCALE = 0.86
#: Print: the narrowest content box (A4 portrait, 15 mm margins = 180 mm = 680 px, a little
#: kept back) and the lowest (US Letter portrait less the margins, the caption and a tile's note).
PRINT_WIDTH_PX, PRINT_HEIGHT_PX = 670.0, 820.0

#: node kind -> (fill, stroke)
NODE_STYLES = {
    "start": ("#e8f0fe", "#1a73e8"),
    "step": ("#ffffff", "#5f6368"),
    "ok": ("#e6f4ea", "#188038"),
    "bad": ("#fce8e6", "#c5221f"),
    "wait": ("#fef7e0", "#b06000"),
    "data": ("#f1f3f4", "#3c4043"),
}
#: edge kind -> (stroke, dash)
EDGE_STYLES = {"flow": ("#3c4043", ""), "reject": ("#c5221f", "5,3"), "expire": ("#80868b", "2,3"),
               "link": ("#1a73e8", "")}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str = "step"
    #: extra lines under the label (e.g. fields of an object, criteria of a step)
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str = ""
    kind: str = "flow"


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def labels(self) -> tuple[str, ...]:
        return tuple(n.label for n in self.nodes)


class _Box:
    """grandalf's view of a vertex: it reads w and h and sets xy (the centre)."""

    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy = (0.0, 0.0)


class _Route:
    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []

    def setpath(self, points: Sequence[Sequence[float]]) -> None:
        self.points = [(float(x), float(y)) for x, y in points]


class _Vertex(Vertex):
    """A grandalf vertex hashed by its position in the graph, not by its memory address:
    grandalf collects edges in sets, and address hashes made the layout differ between runs."""

    def __init__(self, data: str, seq: int) -> None:
        super().__init__(data)
        self._seq = seq

    def __hash__(self) -> int:
        return self._seq


class _Edge(GEdge):
    def __init__(self, src: Vertex, dst: Vertex, seq: int) -> None:
        super().__init__(src, dst)
        self._seq = seq

    def __hash__(self) -> int:
        return self._seq


@functools.lru_cache(maxsize=4096)
def _label_lines(label: str) -> tuple[str, ...]:
    # API names are never cut in two: a box grows to its longest word
    return tuple(textwrap.wrap(label, WRAP, break_long_words=False) or [""])


@functools.lru_cache(maxsize=4096)
def _lines(node: Node) -> tuple[str, ...]:
    """Label lines, then detail lines (cached: measured for the layout, then drawn)."""
    lines = list(_label_lines(node.label))
    for detail in node.details:
        lines += textwrap.wrap(detail, WRAP + 14, subsequent_indent="  ", break_long_words=False) or [""]
    return tuple(lines)


def _size(node: Node) -> tuple[float, float]:
    """Box size from the text: label lines are bold (wider glyphs), details a size smaller."""
    lines = _lines(node)
    n_label = len(_label_lines(node.label))
    width = max([len(s) * BOLD_W for s in lines[:n_label]] + [len(s) * DETAIL_W for s in lines[n_label:]])
    return width + 2 * PAD_X, len(lines) * LINE_H + 2 * PAD_Y


def layout(graph: Graph) -> tuple[dict[str, tuple[float, float, float, float]], list[list[tuple[float, float]]]]:
    """Node boxes (centre x, centre y, w, h) and one polyline per edge, from grandalf."""
    vertices = {n.id: _Vertex(n.id, i) for i, n in enumerate(graph.nodes)}
    for n in graph.nodes:
        vertices[n.id].view = _Box(*_size(n))
    edges = []
    for i, e in enumerate(graph.edges):
        edge = _Edge(vertices[e.src], vertices[e.dst], i)
        edge.view = _Route()
        edges.append(edge)
    g = GGraph(list(vertices.values()), edges)
    offset = 0.0
    for component in g.C:  # disconnected parts side by side, in the order of their first node
        sug = SugiyamaLayout(component)
        sug.xspace, sug.yspace = 36, 56  # room for an edge label between ranks
        sug.init_all()
        sug.draw()
        xs = [v.view.xy[0] - v.view.w / 2 for v in component.sV]
        xe = [v.view.xy[0] + v.view.w / 2 for v in component.sV]
        shift = offset - min(xs)
        for v in component.sV:
            v.view.xy = (v.view.xy[0] + shift, v.view.xy[1])
        for e in component.sE:
            e.view.points = [(x + shift, y) for x, y in e.view.points]
        offset += max(xe) - min(xs) + 48
    boxes = {nid: (v.view.xy[0], v.view.xy[1], v.view.w, v.view.h) for nid, v in vertices.items()}
    routes = []
    for e, edge in zip(graph.edges, edges):
        pts = edge.view.points or [boxes[e.src][:2], boxes[e.dst][:2]]
        if _dist(pts[0], boxes[e.src][:2]) > _dist(pts[0], boxes[e.dst][:2]):
            pts = list(reversed(pts))  # grandalf routes a feedback edge backwards
        pts = [boxes[e.src][:2], *pts[1:-1], boxes[e.dst][:2]]
        pts[0] = _clip(pts[1], boxes[e.src])
        pts[-1] = _clip(pts[-2], boxes[e.dst])
        routes.append(pts)
    return boxes, _separate_opposites(graph, boxes, routes)


#: how far apart the two edges of a pair running both ways (a -> b and b -> a) are drawn
OPPOSITE_GAP = 22.0


def _separate_opposites(graph: Graph, boxes: dict[str, tuple[float, float, float, float]],
                        routes: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """a -> b and b -> a (promotion and demotion) would be one line with two arrow heads: draw
    each straight pair as two parallel lines, each half a gap to its own side."""
    index = {(e.src, e.dst): i for i, e in enumerate(graph.edges)}
    out = list(routes)
    for (src, dst), i in index.items():
        j = index.get((dst, src))
        if j is None or len(routes[i]) != 2 or len(routes[j]) != 2:
            continue
        (x1, y1), (x2, y2) = boxes[src][:2], boxes[dst][:2]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        # the normal to the right of src -> dst: the reverse edge gets the other side
        nx, ny = -(y2 - y1) / length * OPPOSITE_GAP / 2, (x2 - x1) / length * OPPOSITE_GAP / 2
        a, b = (x1 + nx, y1 + ny), (x2 + nx, y2 + ny)
        out[i] = [_exit(a, b, boxes[src]), _exit(b, a, boxes[dst])]
    return out


def _exit(start: tuple[float, float], toward: tuple[float, float],
          box: tuple[float, float, float, float]) -> tuple[float, float]:
    """Where the ray from `start` (inside the box, not necessarily its centre) towards
    `toward` leaves the box."""
    (sx, sy), (cx, cy, w, h) = start, box
    dx, dy = toward[0] - sx, toward[1] - sy
    ts = [((cx + w / 2 if dx > 0 else cx - w / 2) - sx) / dx if dx else float("inf"),
          ((cy + h / 2 if dy > 0 else cy - h / 2) - sy) / dy if dy else float("inf")]
    t = max(0.0, min(ts))
    return sx + dx * t, sy + dy * t


def _dist(a: tuple[float, float], b: tuple[float, float]) -> float:
    return abs(a[0] - b[0]) + abs(a[1] - b[1])


def _clip(outside: tuple[float, float], box: tuple[float, float, float, float]) -> tuple[float, float]:
    """Where the segment from the box centre towards `outside` leaves the box."""
    cx, cy, w, h = box
    dx, dy = outside[0] - cx, outside[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min((w / 2) / abs(dx) if dx else float("inf"), (h / 2) / abs(dy) if dy else float("inf"))
    return cx + dx * scale, cy + dy * scale


def _n(value: float) -> str:
    text = "%.1f" % value
    return text[:-2] if text.endswith(".0") else text


TSPAN, TEXT, RECT, PATH, G = (f"{{{SVG_NS}}}{t}" for t in ("tspan", "text", "rect", "path", "g"))
LINE_DY = _n(LINE_H)
BOLD, DETAIL = {"font-weight": "bold"}, {"font-size": str(FONT_SIZE - 1)}


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{SVG_NS}}}{tag}", {k.replace("_", "-"): v for k, v in attrs.items()})


def merge_parallel(graph: Graph) -> Graph:
    """One edge per (from, to) pair, labels joined: parallel edges would be drawn on top of
    each other and hide all labels but one."""
    merged: dict[tuple[str, str], Edge] = {}
    for e in graph.edges:
        seen = merged.get((e.src, e.dst))
        label = " / ".join(x for x in (seen.label if seen else "", e.label) if x)
        merged[(e.src, e.dst)] = Edge(e.src, e.dst, label, seen.kind if seen else e.kind)
    return Graph(graph.nodes, tuple(merged.values()))


#: two-column layout: the gap between the columns, between boxes, and between the lanes of the
#: edges that leave and re-enter the right column on its right-hand side
COLUMN_GAP, ROW_GAP, LANE_GAP = 100.0, 40.0, 14.0
#: room between the right column and its first lane for the labels of the lane edges
LANE_LABEL_ROOM = 50.0


def column_layout(graph: Graph, left: Sequence[str], right: Sequence[str]) -> tuple[
        dict[str, tuple[float, float, float, float]], list[list[tuple[float, float]]], dict[int, tuple[float, float]]]:
    """A chain of tests top to bottom on the left (`left`, in order), their targets on the
    right (`right`, each level with its first test or lower), computed directly in linear
    time. Edges between right-column boxes (a lead moving from queue to queue) run in lanes
    on the right of that column, one lane each, so they cross no box and no other such edge;
    their labels sit where they leave their box, before the lanes (the third value: edge
    index -> preferred label centre)."""
    sizes = {n.id: _size(n) for n in graph.nodes}
    left_w = max(sizes[i][0] for i in left)
    right_w = max((sizes[i][0] for i in right), default=0.0)
    left_x, right_x = left_w / 2, left_w + COLUMN_GAP + right_w / 2
    boxes: dict[str, tuple[float, float, float, float]] = {}
    y = 0.0
    for i in left:
        boxes[i] = (left_x, y + sizes[i][1] / 2, *sizes[i])
        y += sizes[i][1] + ROW_GAP
    first_source = {}
    for e in graph.edges:
        if e.src in boxes and e.dst not in boxes:
            first_source.setdefault(e.dst, boxes[e.src][1])
    y = 0.0
    for i in right:
        h = sizes[i][1]
        top = max(y, first_source.get(i, y + h / 2) - h / 2)
        boxes[i] = (right_x, top + h / 2, *sizes[i])
        y = top + h + ROW_GAP
    right_set, lane = set(right), 0
    edge_x = left_w + COLUMN_GAP + right_w + LANE_LABEL_ROOM
    routes = []
    preferred: dict[int, tuple[float, float]] = {}
    arrived: dict[str, int] = {}
    for e in graph.edges:
        a, b = boxes[e.src], boxes[e.dst]
        if e.src in right_set and e.dst in right_set:
            lane += 1
            x = edge_x + lane * LANE_GAP
            preferred[len(routes)] = (left_w + COLUMN_GAP + right_w + LANE_LABEL_ROOM / 2 + 4, a[1] + 6)
            # out below the middle, in above it: a box's lines in and out never share a point
            k = arrived[e.dst] = arrived.get(e.dst, -1) + 1
            ya, yb = a[1] + 6, max(b[1] - 6 - 8 * k, b[1] - b[3] / 2 + 4)
            routes.append([(a[0] + a[2] / 2, ya), (x, ya), (x, yb), (b[0] + b[2] / 2, yb)])
        elif a[0] == b[0]:
            routes.append([_clip(b[:2], a), _clip(a[:2], b)])
        else:  # left to right: from the test's right side to the target's left side
            routes.append([(a[0] + a[2] / 2, a[1]), (b[0] - b[2] / 2, b[1])])
    return boxes, routes, preferred


def render_svg(name: str, title: str, graph: Graph,
               columns: tuple[Sequence[str], Sequence[str]] | None = None) -> str:
    """The diagram as an SVG document string (no XML declaration: it is embedded inline too).
    With `columns` (left ids, right ids), the nodes are placed by column_layout instead of grandalf."""
    graph = merge_parallel(graph)
    preferred: dict[int, tuple[float, float]] = {}
    if columns is not None:
        boxes, routes, preferred = column_layout(graph, *columns)
    else:
        boxes, routes = layout(graph)
    min_x = min(x - w / 2 for x, _, w, _ in boxes.values()) - MARGIN
    min_y = min(y - h / 2 for _, y, _, h in boxes.values()) - MARGIN
    max_x = max(x + w / 2 for x, _, w, _ in boxes.values()) + MARGIN
    max_y = max(y + h / 2 for _, y, _, h in boxes.values()) + MARGIN
    labels = place_labels(graph, boxes, routes, COLUMN_SPOTS if columns is not None else LABEL_SPOTS, preferred)
    for rect in labels:  # edge labels may stick out of the node area
        if rect is not None:
            min_x, max_x = min(min_x, rect[0] - 4), max(max_x, rect[2] + 4)
            min_y, max_y = min(min_y, rect[1] - 4), max(max_y, rect[3] + 4)
    width, height = max_x - min_x, max_y - min_y
    svg = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS})
    tiles = print_tiles(boxes, (min_x, min_y, max_x, max_y))
    for key, value in {"viewBox": f"{_n(min_x)} {_n(min_y)} {_n(width)} {_n(height)}", "width": _n(width),
                       "height": _n(height), "role": "img", "aria-labelledby": f"{name}-title",
                       "class": "prm-diagram", "data-diagram": name,
                       # never scaled below a readable size: a wider diagram scrolls on screen
                       "style": f"min-width: {_n(width * MIN_SCALE)}px",
                       "data-print-tiles": ";".join(" ".join(_n(v) for v in t) for t in tiles),
                       "font-family": FONT, "font-size": str(FONT_SIZE)}.items():
        svg.set(key, value)
    _el(svg, "title", id=f"{name}-title").text = title
    defs = _el(svg, "defs")
    for kind in sorted({e.kind for e in graph.edges}):  # the arrow heads the diagram uses
        stroke, _ = EDGE_STYLES[kind]
        marker = _el(defs, "marker", id=f"{name}-arrow-{kind}", viewBox="0 0 10 10", refX="10", refY="5",
                     markerWidth="8", markerHeight="8", orient="auto-start-reverse")
        _el(marker, "path", d="M0,0 L10,5 L0,10 z", fill=stroke)
    # the drawing in one group: print.html shows a diagram too large for a page in parts,
    # each an <svg> window onto this group (<use>), cut between boxes where it can be.
    # Shared presentation attributes sit on the groups (inherited): a large program draws
    # tens of thousands of elements, and each attribute written once per group is work saved.
    drawing = _el(svg, "g", id=f"{name}-drawing")
    edges_g = _el(drawing, "g", fill="none", stroke_width="1.4", **{"class": "edges"})
    sub = etree.SubElement
    for route, edge in zip(routes, graph.edges):
        stroke, dash = EDGE_STYLES[edge.kind]
        attrs = {"class": f"edge edge-{edge.kind}", "d": "M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in route),
                 "stroke": stroke, "marker-end": f"url(#{name}-arrow-{edge.kind})"}
        if dash:
            attrs["stroke-dasharray"] = dash
        attrs["data-from"], attrs["data-to"] = edge.src, edge.dst
        sub(edges_g, PATH, attrs)
    # labels over every line, so no line crosses one
    label_h = _n(LABEL_H)
    labels_g = _el(edges_g, "g", font_size=str(FONT_SIZE - 1), text_anchor="middle", **{"class": "edge-labels"})
    for edge, rect in zip(graph.edges, labels):
        if rect is not None:
            lx, ly = (rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2
            # data-from/to: which edge the label belongs to (tests check it is clear of the others)
            sub(labels_g, RECT, {"class": "edge-label-box", "x": _n(rect[0]), "y": _n(rect[1]),
                                 "width": _n(rect[2] - rect[0]), "height": label_h, "fill": "#ffffff",
                                 "opacity": "0.9", "data-from": edge.src, "data-to": edge.dst})
            sub(labels_g, TEXT, {"class": "edge-label", "x": _n(lx), "y": _n(ly + 4),
                                 "fill": EDGE_STYLES[edge.kind][0]}).text = edge.label
    nodes_g = _el(drawing, "g", stroke_width="1.4", text_anchor="middle", **{"class": "nodes"})
    for node in graph.nodes:
        cx, cy, w, h = boxes[node.id]
        fill, stroke = NODE_STYLES[node.kind]
        # the whole label in one attribute: wrapping splits it over tspans
        group = sub(nodes_g, G, {"class": f"node node-{node.kind}", "data-id": node.id, "data-label": node.label})
        sub(group, RECT, {"x": _n(cx - w / 2), "y": _n(cy - h / 2), "width": _n(w), "height": _n(h),
                          "rx": "10" if node.kind in ("start", "ok", "bad") else "3", "fill": fill, "stroke": stroke})
        text = sub(group, TEXT, {"x": _n(cx), "y": _n(cy - h / 2 + PAD_Y + FONT_SIZE - 1), "fill": "#202124"})
        label_lines = len(_label_lines(node.label))
        x = _n(cx)
        for i, line in enumerate(_lines(node)):
            span = sub(text, TSPAN, {"x": x, "dy": "0" if i == 0 else LINE_DY, **(
                BOLD if i < label_lines else DETAIL)})
            span.text = line
    return etree.tostring(svg, encoding="unicode")


def _cuts(spans: list[tuple[float, float]], lo: float, hi: float, most: float) -> list[tuple[float, float]]:
    """Cut [lo, hi] into parts (start, end) no longer than `most`: at gaps between the spans
    (boxes) where there is one; else straight through, and the next part starts again at the
    left of the boxes cut, so that each box is whole in one part."""
    merged: list[list[float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    gaps = [(x[1] + y[0]) / 2 for x, y in zip(merged, merged[1:])]
    parts, pos = [], lo
    while hi - pos > most:
        # as few parts as can be: the furthest gap the page reaches, else cut through
        fits = [g for g in gaps if pos + most * 0.25 < g <= pos + most]
        if fits:
            cut = max(fits)
            parts.append((pos, cut))
            pos = cut
            continue
        cut = pos + most  # as far as the page goes: the boxes it crosses start the next part
        parts.append((pos, cut))
        restart = min([a for a, b in spans if a < cut < b and a > pos + most * 0.25], default=cut)
        pos = restart - PAD_X if restart < cut else cut
    return parts + [(pos, hi)]


def print_tiles(boxes: dict[str, tuple[float, float, float, float]],
                bounds: tuple[float, float, float, float]) -> list[tuple[float, float, float, float]]:
    """The parts (x, y, w, h in diagram units) a diagram prints in so that none is scaled below
    MIN_SCALE: one part when it fits the page, else a grid cut between boxes, row by row."""
    min_x, min_y, max_x, max_y = bounds
    xs = _cuts([(x - w / 2, x + w / 2) for x, _, w, _ in boxes.values()], min_x, max_x, PRINT_WIDTH_PX / MIN_SCALE)
    ys = _cuts([(y - h / 2, y + h / 2) for _, y, _, h in boxes.values()], min_y, max_y, PRINT_HEIGHT_PX / MIN_SCALE)
    tiles = []
    for y0, y1 in ys:
        for x0, x1 in xs:
            if len(xs) == 1 and len(ys) == 1 or any(
                    x - w / 2 < x1 and x + w / 2 > x0 and y - h / 2 < y1 and y + h / 2 > y0
                    for x, y, w, h in boxes.values()):
                tiles.append((x0, y0, x1 - x0, y1 - y0))
    return tiles


#: edge labels: height of the label's background, and where along its edge a label may sit
#: (fractions of the edge's length, the middle first)
LABEL_H = 16.0
LABEL_CLEAR = 5.0
ARROW = 9.0  # an arrow head's reach back along its edge
LABEL_SPOTS = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85)
FINE_SPOTS = tuple(k / 40 for k in range(2, 39))
#: column_layout: a test's edge to its target is labelled near the test, before it meets other edges
COLUMN_SPOTS = (0.2, 0.3, 0.12, 0.4, 0.5, 0.6, 0.7, 0.78, 0.85)
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


def label_width(label: str) -> float:
    return len(label) * CHAR_W * 0.9 + 8


def place_labels(graph: Graph, boxes: dict[str, tuple[float, float, float, float]],
                 routes: list[list[tuple[float, float]]], spots: Sequence[float] = LABEL_SPOTS,
                 preferred: dict[int, tuple[float, float]] | None = None) -> list[Rect | None]:
    """A box per labelled edge, on its own edge (or just beside it), that overlaps no node,
    no other label and no other edge: a label never sits on a crossing, where it could be
    read as the other edge's. The first free spot from the middle outwards wins; with none
    free, the spot with the fewest conflicts."""
    nodes = [(x - w / 2 - 2, y - h / 2 - 2, x + w / 2 + 2, y + h / 2 + 2) for x, y, w, h in boxes.values()]
    # arrow heads (every edge's, the label's own included) stay visible
    nodes += [(x - ARROW, y - ARROW, x + ARROW, y + ARROW) for x, y in (r[-1] for r in routes if r)]
    placed: list[Rect | None] = []
    taken: list[Rect] = []
    # each route's bounding box first: most candidate spots are nowhere near most edges
    spans = [(min(x for x, _ in r), min(y for _, y in r), max(x for x, _ in r), max(y for _, y in r)) if r
             else (0.0, 0.0, 0.0, 0.0) for r in routes]
    for i, (edge, route) in enumerate(zip(graph.edges, routes)):
        if not edge.label:
            placed.append(None)
            continue
        w = label_width(edge.label)
        best: tuple[int, Rect] | None = None
        first = [preferred[i]] if preferred and i in preferred else []
        vertical = len(route) == 2 and abs(route[0][0] - route[1][0]) < 1  # a chain edge: its middle first
        # the usual spots, then (only when none was free: a crowded diagram) a finer search
        fine = _spots(route, w, FINE_SPOTS, above=True)
        for x, y in itertools.chain(first, _spots(route, w, LABEL_SPOTS if vertical else spots), fine):
            rect = (x - w / 2, y - LABEL_H / 2, x + w / 2, y + LABEL_H / 2)
            # kept a few units clear of other lines too: a label touching a crossing reads as either edge's
            near = (rect[0] - LABEL_CLEAR, rect[1] - LABEL_CLEAR, rect[2] + LABEL_CLEAR, rect[3] + LABEL_CLEAR)
            # the overlap tests inline: this loop runs for every label of every diagram
            x0, y0, x1, y1 = rect
            conflicts = 3 * sum(1 for n in nodes if x0 < n[2] and n[0] < x1 and y0 < n[3] and n[1] < y1)
            x0, y0, x1, y1 = near
            conflicts += 3 * sum(1 for t in taken if x0 < t[2] and t[0] < x1 and y0 < t[3] and t[1] < y1)
            if best is None or conflicts < best[0]:
                conflicts += sum(1 for j, s in enumerate(spans) if x0 < s[2] and s[0] < x1 and y0 < s[3]
                                 and s[1] < y1 and j != i and _crosses(near, routes[j]))
            if best is None or conflicts < best[0]:
                best = (conflicts, rect)
            if conflicts == 0:
                break
        assert best is not None
        placed.append(best[1])
        taken.append(best[1])
    return placed


def _spots(route: list[tuple[float, float]], width: float, spots: Sequence[float],
           above: bool = False) -> Iterator[tuple[float, float]]:
    """Candidate label centres: points along the route, then the same points beside it
    (lazily: the first free one usually ends the search)."""
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(route, route[1:])]
    total = sum(lengths) or 1.0
    on: list[tuple[float, float]] = []
    for f in spots:
        at = f * total
        for (a, b), n in zip(zip(route, route[1:]), lengths):
            if at <= n or n == lengths[-1]:
                t = at / n if n else 0.0
                on.append((a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t))
                yield on[-1]
                break
            at -= n
    for x, y in on:
        yield x + width / 2 + 6, y
        yield x - width / 2 - 6, y
        if above:
            yield x, y - LABEL_H - 4
            yield x, y + LABEL_H + 4


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crosses(rect: Rect, route: list[tuple[float, float]]) -> bool:
    return any(segment_hits_rect(a, b, rect) for a, b in zip(route, route[1:]))


def segment_hits_rect(a: tuple[float, float], b: tuple[float, float], rect: Rect) -> bool:
    """Whether the segment a-b passes through the rectangle (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = rect
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def chain(ids: Iterable[str]) -> list[tuple[str, str]]:
    """Consecutive pairs: the edges of a straight path through ids."""
    items = list(ids)
    return list(zip(items, items[1:]))
