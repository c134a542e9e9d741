"""Refresh the generated tables in README.md: `python -m tests.regen_readme`.

Each table sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers and is
produced by the code it documents, so the README cannot drift from the rules.
"""

from __future__ import annotations

import re
import sys
from typing import Callable

from tests.conftest import ROOT

README = ROOT / "README.md"
RUNBOOK = ROOT / "docs" / "RUNBOOK.md"


def _rules() -> str:
    from prm_builder.validate.codes import markdown_table

    return markdown_table()


def _checklist() -> str:
    from prm_builder.checklist.registry import markdown_table

    return markdown_table()


def _hints() -> str:
    from prm_builder.deploy.hints import markdown_table

    return markdown_table()


def _check_example() -> str:
    """`prm check` on the example specs, as of the test suite's fixed day."""
    from prm_builder import api
    from tests.conftest import TODAY

    report = api.check(ROOT / "specs", today=TODAY)
    report.specs_dir = "specs"
    return "```\n$ prm check\n" + report.format() + "\n```\n"


def _check_org_example() -> str:
    """The live items of `prm check --org-from-env` against the fake org of the tests."""
    import responses

    from prm_builder import api
    from prm_builder.checklist.report import ChecklistReport
    from tests import fake_org
    from tests.conftest import TODAY

    from prm_builder.org import from_env

    fake = fake_org.FakeOrg.from_data(fake_org.healthy_for(ROOT / "specs"))
    fake.query["Account"] = [{"Id": "0015e00000AbCdE", "Name": "Fabrikam Analytics", "Partner_Tier__c": "Silver",
                              "IsPartner": False}]
    conn = from_env({"SF_INSTANCE_URL": fake_org.INSTANCE, "SF_ACCESS_TOKEN": fake_org.TOKEN})
    with responses.RequestsMock() as rsps:
        fake.install(rsps)
        report = api.check(ROOT / "specs", org=conn, today=TODAY)
    live = ChecklistReport([i for i in report.items if i.live], "specs", report.org, report.today)
    return "```\n$ prm check --org-from-env    # static items as above, then:\n" + live.format() + "\n```\n"


#: marker name -> function producing the text between the markers
GENERATED: dict[str, Callable[[], str]] = {"prm-rules": _rules, "prm-checklist": _checklist,
                                           "prm-check-example": _check_example,
                                           "prm-check-org-example": _check_org_example}
#: the deploy runbook's generated tables
RUNBOOK_GENERATED: dict[str, Callable[[], str]] = {"prm-hints": _hints}


def render(text: str, generated: dict[str, Callable[[], str]] | None = None) -> str:
    for name, produce in (GENERATED if generated is None else generated).items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"no {name} markers")
        text = pattern.sub(lambda m: m.group(1) + produce() + m.group(2), text)
    return text


def main() -> int:
    README.write_text(render(README.read_text()))
    RUNBOOK.write_text(render(RUNBOOK.read_text(), RUNBOOK_GENERATED))
    print("README.md and docs/RUNBOOK.md tables refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
