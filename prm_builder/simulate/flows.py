"""The few flow behaviours the simulator takes from the generated flows' own XML."""

from __future__ import annotations

from pathlib import Path

from .orgmodel import NS, OrgModel, _parse, _t


def claim_condition(model: OrgModel) -> str:
    """The pool-claim flow's condition formula (the formula naming a claim checkbox and the
    owner queue), or '' when the metadata has no such flow."""
    for flow in sorted(Path(model.root).rglob("*.flow-meta.xml")):
        el = _parse(flow)
        for f in el.findall(NS + "formulas"):
            expr = _t(f, "expression")
            if "Claim" in expr and "Owner:Group.DeveloperName" in expr:
                return expr
    return ""
