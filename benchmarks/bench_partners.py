"""Apply a synthetic roster of 10,000 partners and 30,000 users to the mocked org (the
stateful fake of tests/fake_org_db.py behind `responses`, so the real simple-salesforce
client code runs) and print the time and the API calls per step.

Target (issue 16): API calls grow with batches, not rows. Run: python benchmarks/bench_partners.py [partners]
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import responses

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from prm_builder import api  # noqa: E402
from tests.fake_org_db import OrgDb, connection  # noqa: E402


def roster_text(partners: int, users_each: int) -> str:
    tiers = ["Gold", "Silver", "Bronze"]
    lines = ["partners:"]
    for i in range(partners):
        lines += [f"  - id: P-{i:05d}", f"    name: Partner {i:05d}", f"    tier: {tiers[i % 3]}", "    users:"]
        lines += [f"      - {{first_name: U{j}, last_name: P{i:05d}, email: u{j}.p{i:05d}@partners.example"
                  + (", persona: partner_manager}" if j == 0 else "}") for j in range(users_each)]
    return "\n".join(lines) + "\n"


def main() -> None:
    partners = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "partners.yml"
        roster.write_text(roster_text(partners, 3), encoding="utf-8")
        db = OrgDb(seats=10 * partners * 3)
        db.seed_program(["PRM_Partner_Manager", "PRM_Partner_Scorecard", "PRM_Partner_User"], ["PRM_Tier_Gold", "PRM_Tier_Silver",
                                                                     "PRM_Tier_Bronze"])
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            db.install(rsps)
            started = time.perf_counter()
            run = api.partners(ROOT / "specs", roster, connection(), apply=True, today=dt.date(2027, 2, 1),
                               writer_options={"bulk_wait": 0})
            first = time.perf_counter() - started
            requests_first = db.requests
            started = time.perf_counter()
            again = api.partners(ROOT / "specs", roster, connection(), apply=True, today=dt.date(2027, 2, 1),
                                 writer_options={"bulk_wait": 0})
            second = time.perf_counter() - started
    applied = run.applied
    rows = partners + partners * 3
    print(f"roster: {partners:,} partners, {partners * 3:,} users ({rows:,} roster rows)")
    print(f"first apply:  {first:6.1f} s  {applied.count('done'):,} changes done, {applied.count('failed')} failed, "
          f"{requests_first:,} API calls ({requests_first / rows:.4f} per roster row)")
    print(f"second apply: {second:6.1f} s  {len(again.applied.outcomes)} changes, "
          f"{db.requests - requests_first:,} API calls (reads only)")
    print("target: calls grow with batches (Bulk API 2.0 jobs of up to 10,000 rows), not rows -> "
          + ("met" if requests_first < rows / 100 else "NOT met"))


if __name__ == "__main__":
    main()
