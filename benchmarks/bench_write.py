"""Write-stage and loader benchmark (issue 15): fresh build vs a rebuild with no change, and
libyaml's C composer vs the pure-Python one on the same spec text.

    nice -n 19 python benchmarks/bench_write.py [--tiers 30] [--repeat 3]

A rebuild with no change must write nothing and take less time than a fresh build.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_build import TODAY, synthetic_program  # noqa: E402
from prm_builder import api  # noqa: E402
from prm_builder.spec import loader  # noqa: E402


def _best(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiers", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prm-bench-write-") as tmp:
        root = Path(tmp)
        specs = root / "specs"
        specs.mkdir()
        synthetic_program(specs, args.tiers)
        out, mdapi = root / "force-app", root / "mdapi"

        def fresh() -> None:
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(mdapi, ignore_errors=True)
            (root / ".mdapi.prm-manifest.json").unlink(missing_ok=True)
            api.build(specs, out, mdapi, today=TODAY)

        t_fresh = _best(fresh, args.repeat)
        files = sum(1 for p in out.rglob("*") if p.is_file()) + sum(1 for p in mdapi.rglob("*") if p.is_file())
        t_same = _best(lambda: api.build(specs, out, mdapi, today=TODAY), args.repeat)
        result = api.build(specs, out, mdapi, today=TODAY)
        assert result.source_changes.clean and result.mdapi_changes.clean
        texts = [p.read_text() for p in sorted(specs.glob("*.yml"))]

        def load_with(cls: type) -> None:
            loader._SafeLoader = cls
            for i, text in enumerate(texts):
                loader.load_text(text, f"{i}.yml")

        t_c = _best(lambda: load_with(getattr(yaml, "CSafeLoader", yaml.SafeLoader)), args.repeat)
        t_py = _best(lambda: load_with(yaml.SafeLoader), args.repeat)
        print(f"{args.tiers} tiers, {files:,} output files, {sum(map(len, texts)):,} bytes of spec")
        print(f"  build, fresh          {t_fresh:6.2f} s")
        print(f"  build, no change      {t_same:6.2f} s  (writes nothing; {t_same / t_fresh:.0%} of fresh)")
        print(f"  YAML load, libyaml    {t_c:6.3f} s")
        print(f"  YAML load, Python     {t_py:6.3f} s  ({t_py / t_c:.1f}x slower)")


if __name__ == "__main__":
    main()
