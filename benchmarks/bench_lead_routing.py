"""Scale benchmark of lead routing: planning, the reachability check and generation of the
Lead assignment rule as queues grow toward the platform's 3,000 entries.

    python benchmarks/bench_lead_routing.py [--territories 10 30 58] [--tiers 50] [--repeat 3]

Prints one row per size (best-of-N ms). Not a test: no time is asserted anywhere.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_build import best  # noqa: E402  (benchmarks/ is on sys.path when run as a script)
from prm_builder import api  # noqa: E402
from prm_builder.generate import lead_distribution, lead_routing  # noqa: E402
from prm_builder.model.parse import parse_program  # noqa: E402
from prm_builder.spec.loader import load_specs  # noqa: E402

TODAY = dt.date(2026, 11, 22)


def synthetic(folder: Path, tiers: int, territories: int) -> None:
    (folder / "program.yml").write_text("program: {name: Bench, license: Partner Community}\n")
    tier_list = [{"name": f"T{r:02d}", "rank": r, "features": {"lead_distribution": True}}
                 for r in range(1, tiers + 1)]
    lead = {"territories": [{"name": f"R{i:03d}", "values": [f"Country {i}", f"Other {i}"]}
                            for i in range(territories)],
            "push": {"fallback_queue": "Channel_Ops"}}
    (folder / "specs.yml").write_text(yaml.safe_dump(
        {"tiers": tier_list, "lead_distribution": lead, "org": {"queues": ["Channel_Ops"]}}, sort_keys=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=int, nargs="+", default=[10, 30, 58])
    parser.add_argument("--tiers", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'queues':>6} {'entries':>7} {'plan':>8} {'reach':>8} {'generate':>9} {'validate':>9}  "
          f"(ms, best of {args.repeat})")
    for territories in args.territories:
        with tempfile.TemporaryDirectory() as tmp:
            specs = Path(tmp)
            synthetic(specs, args.tiers, territories)
            spec = parse_program(load_specs(specs)).spec
            t_plan, plan = best(lambda: lead_routing._plan(spec), args.repeat)
            t_reach, _ = best(lambda: list(lead_routing.unreachable(plan.entries)), args.repeat)
            t_gen, _ = best(lambda: list(lead_distribution.generate(spec)), args.repeat)
            t_val, result = best(lambda: api.validate(specs, TODAY), args.repeat)
            assert not result.errors, [d.format() for d in result.errors]
            print(f"{len(plan.queues):>6} {len(plan.entries):>7} {t_plan * 1e3:>8.1f} {t_reach * 1e3:>8.1f} "
                  f"{t_gen * 1e3:>9.1f} {t_val * 1e3:>9.1f}")


if __name__ == "__main__":
    main()
