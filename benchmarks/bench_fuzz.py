"""Robustness benchmark: validate + build N mutated programs in-process and count outcomes.

    nice -n 19 .venv/bin/python benchmarks/bench_fuzz.py [N] [SEED]

Prints the count of each outcome (built / rejected / internal), the most frequent
diagnostic codes, and every distinct internal error. The figure that matters is
`internal` (an exit 2 in the CLI): it must be 0. Exit code 1 when it is not.
"""

from __future__ import annotations

import collections
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fuzzing import mutated_program, run_program  # noqa: E402


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 14
    rnd = random.Random(seed)
    kinds: collections.Counter[str] = collections.Counter()
    codes: collections.Counter[str] = collections.Counter()
    internal: dict[str, int] = collections.Counter()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="prm-fuzz-") as tmp:
        for i in range(count):
            _, files = mutated_program(rnd)
            outcome = run_program(files, Path(tmp) / "work")
            kinds[outcome.kind] += 1
            if outcome.kind == "rejected":
                codes[outcome.detail] += 1
            elif outcome.kind == "internal":
                internal[outcome.detail] += 1
            if (i + 1) % 1000 == 0:
                print(f"  {i + 1:,} programs, {dict(kinds)}", flush=True)
    elapsed = time.perf_counter() - start
    print(f"{count:,} mutated programs (seed {seed}) in {elapsed:.0f} s")
    for kind in ("built", "rejected", "internal"):
        print(f"  {kind:<9} {kinds[kind]:>6,}")
    print("  most frequent first diagnostic: " + ", ".join(f"{c} {n}" for c, n in codes.most_common(12)))
    for detail, n in sorted(internal.items(), key=lambda kv: -kv[1]):
        print(f"  INTERNAL x{n}: {detail}")
    return 1 if kinds["internal"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
