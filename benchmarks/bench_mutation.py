"""Mutation score of `prm test`: corrupt the example's generated metadata in many distinct ways
and report which corruptions the scenarios (the specs' own and the generated ones) catch.

    python benchmarks/bench_mutation.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from prm_builder.simulate.mutate import EXAMPLE_MUTATIONS, run_mutations  # noqa: E402


def main() -> int:
    start = time.perf_counter()
    results = run_mutations(ROOT / "specs", ROOT / "force-app", EXAMPLE_MUTATIONS)
    applied = [r for r in results if r.applied]
    caught = [r for r in applied if r.caught]
    for r in results:
        status = "CAUGHT " if r.caught else ("NOT APPLIED" if not r.applied else "SURVIVED")
        print(f"{status:<11} {r.name}: {r.reason}")
    score = len(caught) / len(applied) if applied else 0.0
    print(f"\nmutation score: {len(caught)}/{len(applied)} = {score:.0%} "
          f"({len(results) - len(applied)} not applied) in {time.perf_counter() - start:.1f} s")
    survivors = [r.name for r in applied if not r.caught]
    if survivors:
        print("survivors: " + "; ".join(survivors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
