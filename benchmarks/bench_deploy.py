"""Scale benchmark of the deploy side (no org): hashing components for the record,
planning against an empty and a current record, cutting step packages, zipping them,
and one deploy through CumulusCI's Deploy task against a mocked SOAP endpoint.

    python benchmarks/bench_deploy.py [--tiers 3 30 99] [--repeat 3]

Not a test: no time is asserted anywhere; compare the figures across commits.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_build import TODAY, best, synthetic_program  # noqa: E402
from prm_builder import api  # noqa: E402
from prm_builder.deploy.package import step_packages  # noqa: E402
from prm_builder.deploy.plan import make_plan  # noqa: E402
from prm_builder.deploy.record import OrgRecord, entries  # noqa: E402


def zipped_size(files: dict[str, bytes]) -> int:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return len(buf.getvalue())


def mocked_cci_deploy(components: list, repeat: int) -> float:
    """Wall time of one whole deploy through CumulusCI's Deploy/ApiDeploy (SOAP mocked)."""
    import responses

    from prm_builder.deploy import cci
    from prm_builder.deploy.runner import DeployOptions, run_deploy
    from tests import mdapi_mock as mm
    from tests.deploy_fixtures import org_config, project_config

    cci.PrmApiDeploy.check_interval = 0

    def once() -> None:
        with responses.RequestsMock() as rsps, tempfile.TemporaryDirectory() as tmp:
            for body in (mm.deploy_started(), mm.status("Succeeded", done=True)):
                rsps.add(responses.POST, mm.ENDPOINT, body=body, content_type="text/xml")
            opts = DeployOptions("bench", record_dir=Path(tmp) / "r")
            assert run_deploy(components, opts, cci.CumulusCIDeployer(project_config(), org_config())).ok

    once()  # warm-up: CumulusCI's imports
    return best(once, repeat)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", type=int, nargs="+", default=[3, 30, 99])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'tiers':>5} {'components':>10} {'hash':>7} {'plan0':>7} {'plan1':>7} {'sent1':>5} "
          f"{'package':>8} {'zip kB':>7} {'cci deploy':>10}  (ms, best of {args.repeat})")
    for tiers in args.tiers:
        with tempfile.TemporaryDirectory() as tmp:
            specs = Path(tmp) / "specs"
            specs.mkdir()
            synthetic_program(specs, tiers)
            comps = api.compile_program(specs, TODAY).components
            t_hash, current = best(lambda: entries(comps), args.repeat)
            t_plan0, plan0 = best(lambda: make_plan(comps, OrgRecord("b")), args.repeat)
            group = next(c for c in comps if c.type == "Group")  # one file of its own
            one_changed = [dataclasses.replace(c, body={**c.body, "description": "x"}) if c is group else c
                           for c in comps]
            t_plan1, plan1 = best(lambda: make_plan(one_changed, OrgRecord("b", current)), args.repeat)
            t_pkg, pkgs = best(lambda: step_packages(plan0, allow_destructive=False), args.repeat)
            size = sum(zipped_size(p.files) for p in pkgs)
            t_cci = mocked_cci_deploy(comps, args.repeat)
            print(f"{tiers:>5} {len(comps):>10} {t_hash * 1e3:>7.1f} {t_plan0 * 1e3:>7.1f} {t_plan1 * 1e3:>7.1f} "
                  f"{len(plan1.send):>5} {t_pkg * 1e3:>8.1f} {size / 1024:>7.1f} {t_cci * 1e3:>10.1f}")


if __name__ == "__main__":
    main()
