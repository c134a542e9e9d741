"""UAT plan: the program's scenarios as a test team runs them in the Salesforce UI (also
uat-plan.csv and uat-plan.xlsx beside the pages, to fill in)."""

from __future__ import annotations

from prm_builder.docs.content import Para, Section, Table
from prm_builder.docs.context import DocContext
from prm_builder.simulate.uat import COLUMNS, uat_rows

ID = "uat"
TITLE = "UAT plan"


def build(ctx: DocContext) -> Section:
    rows = uat_rows(ctx.scenarios)
    section = Section(ID, TITLE, "User acceptance tests: one per business rule of specs/scenarios; `prm test` "
                      "proves the same scenarios against the metadata before a deploy.")
    if not rows:
        # still a deliverable: the empty form, and how to fill the plan from the specs
        section.add(Para(f"The program has no scenarios yet ({ctx.origin.specs_label}/scenarios/*.yml): write one "
                         "per business rule the client signs off (persona, steps, expected result), run them with "
                         "`prm test`, and regenerate this package to turn them into test scripts. uat-plan.csv and "
                         "uat-plan.xlsx beside these pages hold the empty form with the same columns."))
        section.add(Table(COLUMNS, (), caption="UAT plan (no scenarios yet)"))
        return section
    section.add(Para(f"{len(rows)} test(s). The same plan is in uat-plan.xlsx (pass/fail drop-down) and "
                     "uat-plan.csv beside these pages, for the test team to fill in."))
    section.add(Table(COLUMNS, tuple(r.cells() for r in rows)))
    return section
