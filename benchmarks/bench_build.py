"""Scale benchmark: how long each pipeline stage takes for programs of growing size.

    python benchmarks/bench_build.py [--tiers 3 30 99] [--repeat 3]

Prints one row per program size with the best-of-N time of each stage. Not a test: no
time is asserted anywhere; compare the figures across commits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from prm_builder import api  # noqa: E402
from prm_builder.generate import generate  # noqa: E402
from prm_builder.metadata.schema import load_schema  # noqa: E402
from prm_builder.model.parse import parse_program  # noqa: E402
from prm_builder.spec.loader import load_specs  # noqa: E402
from prm_builder.write.render import mdapi_files, source_files  # noqa: E402

TODAY = dt.date(2026, 11, 22)


def synthetic_program(folder: Path, tiers: int) -> None:
    """The example program's files with `tiers` tiers instead of three."""
    for file in (ROOT / "specs").glob("*.yml"):
        (folder / file.name).write_text(file.read_text())
    tier_list = []
    for rank in range(1, tiers + 1):
        tier_list.append({
            "name": f"Tier {rank:02d}", "rank": rank, "description": f"Synthetic tier {rank}",
            "qualification": {"annual_revenue": rank * 10000, "certifications": rank},
            # co-marketing on the top 50 tiers only: one content sharing rule per tier, and the
            # platform allows 50 criteria-based rules per object (PRM-V040)
            "features": {"deal_registration": True, "lead_pool": True, "mdf": True,
                         "co_marketing": rank > tiers - 50, "lead_distribution": True},
            "mdf": {"annual_allocation": rank * 1000},
        })
    (folder / "tiers.yml").write_text(yaml.safe_dump({"tiers": tier_list}, sort_keys=False))
    # One deal registration route (= one approval process) per tier, two steps each.
    deal_reg = yaml.safe_load((ROOT / "specs" / "deal_registration.yml").read_text())
    template = deal_reg["deal_registration"]["approval"]["routes"][0]
    deal_reg["deal_registration"]["approval"]["routes"] = [
        {**template, "name": f"Deal_Reg_Tier_{t['rank']:02d}", "label": f"Deal Registration {t['name']}",
         "tiers": [t["name"]]} for t in tier_list]
    (folder / "deal_registration.yml").write_text(yaml.safe_dump(deal_reg, sort_keys=False))
    # The example's lead distribution names Gold/Silver: route to the synthetic tiers instead
    # (five territories: one push queue per tier x territory, the pool, the SLA while its flow
    # formulas fit the platform's 3,900 characters).
    lead = {"territories": [{"name": f"Region {i}", "values": [f"Country {i}"]} for i in range(1, 6)],
            "push": {},
            # Lead allows 50 criteria sharing rules (one per pool tier): the top 40 tiers share the pool.
            "pool": {"tiers": [t["name"] for t in tier_list[-40:]]}}
    if tiers * 5 <= 40:
        lead["sla"] = {"accept_within_hours": 48, "on_expiry": "next_queue"}
    (folder / "lead_distribution.yml").write_text(yaml.safe_dump({"lead_distribution": lead}, sort_keys=False))
    _retarget_tier_names(folder, [t["name"] for t in tier_list],
                         [t["name"] for t in tier_list if t["features"]["co_marketing"]])


def _retarget_tier_names(folder: Path, names: list[str], content_names: list[str]) -> None:
    """Sections that name tiers (MDF approval routes, content categories) point at the
    synthetic tiers: one route serving every tier; categories spread over the ranks."""
    mdf_file, content_file = folder / "mdf.yml", folder / "content.yml"
    if mdf_file.exists():
        data = yaml.safe_load(mdf_file.read_text())
        for key in ("request_approval", "claim_approval"):
            routing = data["mdf"].get(key)
            if routing:
                routing["routes"] = [{**routing["routes"][0], "name": f"{key.split('_')[0].title()}_All",
                                      "tiers": names}]
        mdf_file.write_text(yaml.safe_dump(data, sort_keys=False))
    if content_file.exists():
        data = yaml.safe_load(content_file.read_text())
        categories = data["content"]["categories"]
        for i, category in enumerate(categories):
            category["tiers"] = [content_names[i * len(content_names) // len(categories)]]
        content_file.write_text(yaml.safe_dump(data, sort_keys=False))
    attribution_file = folder / "attribution.yml"
    if attribution_file.exists():  # commission schedules name tiers: the top synthetic tier
        data = yaml.safe_load(attribution_file.read_text())
        for schedule in (data["attribution"].get("commissions") or {}).get("schedules", []):
            if schedule.get("tiers"):
                schedule["tiers"] = [names[-1]]
        attribution_file.write_text(yaml.safe_dump(data, sort_keys=False))


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", type=int, nargs="+", default=[3, 30, 99])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t_schema, schema = best(load_schema.__wrapped__, 1)
    t_xsd, _ = best(schema.xmlschema, 1)
    print(f"schema: parse WSDL {t_schema * 1000:.0f} ms, compile XSD {t_xsd * 1000:.0f} ms (once per process)")
    print(f"{'tiers':>5} {'components':>10} {'files':>5} {'load':>8} {'parse':>8} {'validate':>9} "
          f"{'generate':>9} {'render':>8} {'schema':>8} {'build':>8}  (ms, best of {args.repeat})")
    for tiers in args.tiers:
        with tempfile.TemporaryDirectory() as tmp:
            specs = Path(tmp) / "specs"
            specs.mkdir()
            synthetic_program(specs, tiers)
            t_load, loaded = best(lambda: load_specs(specs), args.repeat)
            t_parse, parsed = best(lambda: parse_program(loaded), args.repeat)
            t_validate, _ = best(lambda: api.validate(specs, TODAY), args.repeat)
            t_gen, generated = best(lambda: generate(parsed.spec), args.repeat)
            t_render, files = best(lambda: (source_files(generated.components),
                                            mdapi_files(generated.components)), args.repeat)
            t_check, _ = best(lambda: api.check_schema_conformance(*files), args.repeat)
            out = Path(tmp) / "out"
            t_build, _ = best(lambda: api.build(specs, out / "force-app", out / "mdapi", today=TODAY), args.repeat)
            n_files = len(files[0])
            print(f"{tiers:>5} {len(generated.components):>10} {n_files:>5} {t_load * 1e3:>8.1f} "
                  f"{t_parse * 1e3:>8.1f} {t_validate * 1e3:>9.1f} {t_gen * 1e3:>9.1f} {t_render * 1e3:>8.1f} "
                  f"{t_check * 1e3:>8.1f} {t_build * 1e3:>8.1f}")


if __name__ == "__main__":
    main()
