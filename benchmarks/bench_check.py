"""Benchmark of `prm check`: the static checklist on programs of growing size, and the
live checklist against the test suite's fake org (HTTP mocked with `responses`, so the
figures are prm's and simple-salesforce's own cost, not network latency).

    python benchmarks/bench_check.py [--tiers 3 30 99] [--repeat 3]

Prints figures; asserts nothing. The number of HTTP requests per live run is the figure
that matters against a real org (each one is a round trip).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import responses

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_build import TODAY, best, synthetic_program  # noqa: E402
from prm_builder import api  # noqa: E402
from tests import fake_org  # noqa: E402


def live_run(specs: Path, org_data: dict) -> int:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake_org.FakeOrg.from_data(org_data).install(rsps)
        api.check(specs, org=fake_org.connection(), today=TODAY)
        return len(rsps.calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", type=int, nargs="+", default=[3, 30, 99])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'tiers':>5} {'static':>8} {'live':>8} {'requests':>8}  (ms, best of {args.repeat})")
    for tiers in args.tiers:
        with tempfile.TemporaryDirectory() as tmp:
            specs = Path(tmp) / "specs"
            specs.mkdir()
            synthetic_program(specs, tiers)
            t_static, _ = best(lambda: api.check(specs, today=TODAY), args.repeat)
            org_data = fake_org.healthy_for(specs)
            t_live, requests = best(lambda: live_run(specs, org_data), args.repeat)
            print(f"{tiers:>5} {t_static * 1000:>8.1f} {t_live * 1000:>8.1f} {requests:>8}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - start:.1f} s")
