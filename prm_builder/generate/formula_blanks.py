"""Blank handling of generated formulas (PRM-V033).

A formula field's "Blank Field Handling" (`formulaTreatBlanksAs`) decides what the formula
sees for a blank number, currency or percent field: with BlankAsZero the platform
substitutes 0 *before* evaluating, so `BLANKVALUE(x, y)` always returns x, `ISBLANK(x)` and
`ISNULL(x)` are always false and `NULLVALUE(x, y)` never substitutes. Salesforce Help,
"NULLVALUE" / "BLANKVALUE" tips: "When using this function with a numeric field, select
Treat blank fields as blanks ... Choosing Treat blank fields as zeroes gives blank fields
the value of zero so none of them will be null" (help.salesforce.com,
platform.customize_functions_nullvalue.htm). That is how `Allocated_Amount__c` and
`Approved_Amount__c` came out 0 (issue 12, item 3).

Audit of every kind of generated formula (issue 12 asks for it):
- custom formula fields: the only metadata with `formulaTreatBlanksAs`; checked here when
  the field returns a number, currency or percent (the types the setting is offered for);
  text formulas that test blanks set BlankAsBlank themselves (Partner_Tier_Review__c).
- validation rules (`errorConditionFormula`), workflow field updates (`formula`) and flow
  formula resources (`expression`) have no blank-handling setting: a blank field is blank
  (null) to them, so ISBLANK works there (Metadata API: ValidationRule, WorkflowFieldUpdate
  and FlowFormula define no such element). Nothing to check.
Run on the generated components, where the final formula text is known.
"""

from __future__ import annotations

import re
from typing import Iterable

from prm_builder.errors import Diagnostic, Severity
from prm_builder.generate.component import Component
from prm_builder.model.root import ProgramSpec

#: return types the blank-handling setting applies to
NUMERIC_TYPES = frozenset({"Number", "Currency", "Percent"})
BLANK_TESTS = re.compile(r"\b(BLANKVALUE|ISBLANK|NULLVALUE|ISNULL)\s*\(", re.IGNORECASE)


def blank_tests_hidden(body: dict) -> list[str]:
    """The blank tests a formula field can never see true: it returns a number, currency or
    percent and treats blanks as zero (an absent setting is BlankAsZero, the platform's
    default for the element)."""
    formula = body.get("formula")
    if not isinstance(formula, str) or body.get("type") not in NUMERIC_TYPES:
        return []
    if (body.get("formulaTreatBlanksAs") or "BlankAsZero") != "BlankAsZero":
        return []
    return sorted({m.upper() for m in BLANK_TESTS.findall(formula)})


def check_blank_handling(spec: ProgramSpec, components: Iterable[Component]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for c in components:
        if c.type != "CustomField":
            continue
        hidden = blank_tests_hidden(dict(c.body))
        if hidden:
            out.append(Diagnostic(
                "PRM-V033", f"{c.type} {c.full_name} uses {', '.join(hidden)} but treats blank fields as zero "
                "(formulaTreatBlanksAs BlankAsZero): the test never sees a blank, so the formula's blank branch "
                "is dead", c.source or spec.key_ref("program"),
                "this is a generator bug: generate the field with blanks_as_zero=False (BlankAsBlank)",
                Severity.ERROR))
    return out
