"""Benchmark of `prm docs`: time to build the handoff package as programs grow, and the
cost of laying out one diagram as it grows.

    python benchmarks/bench_docs.py [--tiers 3 30 99] [--chain 10 50 150] [--repeat 3]

Not a test: no time is asserted anywhere; compare the figures across commits.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_build import TODAY, best, synthetic_program  # noqa: E402
from prm_builder import api  # noqa: E402
from prm_builder.docs.diagram import Edge, Graph, Node, render_svg  # noqa: E402


def chain_graph(n: int) -> Graph:
    """The shape of a Lead routing diagram: a chain of n tests, each with a target box."""
    nodes = [Node("start", "New lead", "start")]
    edges = []
    previous = "start"
    for i in range(n):
        nodes += [Node(f"e{i}", f"Entry {i}", "step", (f"Lead.Country = C{i}",)), Node(f"q{i}", f"Queue {i}", "ok")]
        edges += [Edge(previous, f"e{i}", "no match"), Edge(f"e{i}", f"q{i}", "match")]
        previous = f"e{i}"
    return Graph(tuple(nodes), tuple(edges))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", type=int, nargs="+", default=[3, 30, 99])
    parser.add_argument("--chain", type=int, nargs="+", default=[10, 50, 150])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    print(f"{'tiers':>5} {'files':>5} {'KiB':>6} {'docs ms':>8}  (best of {args.repeat}, no checklist)")
    for tiers in args.tiers:
        with tempfile.TemporaryDirectory() as tmp:
            specs = Path(tmp) / "specs"
            specs.mkdir()
            synthetic_program(specs, tiers)
            t, result = best(lambda: api.docs(specs, Path(tmp) / "out", as_of=TODAY, checklist=None), args.repeat)
            size = sum(len(b) for b in result.files.values()) / 1024
            print(f"{tiers:>5} {len(result.files):>5} {size:>6.0f} {t * 1000:>8.0f}")
    print(f"{'nodes':>5} {'edges':>5} {'layout+svg ms':>14}")
    for n in args.chain:
        graph = chain_graph(n)
        start = time.perf_counter()
        render_svg("bench", "bench", graph)
        print(f"{len(graph.nodes):>5} {len(graph.edges):>5} {(time.perf_counter() - start) * 1000:>14.0f}")


if __name__ == "__main__":
    main()
