"""Formula size: the platform rejects a formula (field, validation rule, workflow field
update) longer than 3,900 characters at deploy time. Several generated formulas grow with
the spec (a CASE branch per tier in the tier-review field, deal registration's tier check,
the MDF allocation and eligibility rules), so the limit is checked on the output, where
the final text is known, and reported before anything is written.
"""

from __future__ import annotations

from typing import Iterable

from prm_builder.errors import Diagnostic, Severity
from prm_builder.generate.component import Component
from prm_builder.generate.references import walk_formulas
from prm_builder.model.root import ProgramSpec

#: PLATFORM-NOTES: formula 3,900 characters (the 5,000-byte compiled size is checked by the org).
FORMULA_MAX = 3900


def check_formula_lengths(spec: ProgramSpec, components: Iterable[Component]) -> list[Diagnostic]:
    """Components without a spec position (defaulted fields) point at `tiers:`, whose size
    is what makes such formulas grow."""
    out: list[Diagnostic] = []
    for c in components:
        longest = max((len(x) for x in walk_formulas(c.body)), default=0)
        if longest > FORMULA_MAX:
            out.append(Diagnostic(
                "PRM-V032", f"{c.type} {c.full_name} gets a formula of {longest} characters; the platform allows "
                f"{FORMULA_MAX}", c.source or spec.key_ref("tiers"),
                "the formula has a branch per tier (or per value) named here: use fewer tiers or shorter tier "
                "api_names", Severity.ERROR))
    return out
