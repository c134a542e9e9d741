"""Field bodies for relationships, roll-ups and the remaining simple types (the shapes in
fields.py cover the Account fields; these are what object-building features add)."""

from __future__ import annotations

from typing import Any, Iterable

from prm_builder.generate.sharing import Criterion


def master_detail(parent: str, relationship_name: str, relationship_label: str, order: int = 0) -> dict[str, Any]:
    """Master-detail: the detail's access follows the parent and roll-ups on the parent work.
    `writeRequiresMasterRead`: read access to the parent is enough to create details (a partner
    who can read its budget can request funds from it)."""
    return {"type": "MasterDetail", "referenceTo": parent, "relationshipName": relationship_name,
            "relationshipLabel": relationship_label, "relationshipOrder": order,
            "reparentableMasterDetail": False, "writeRequiresMasterRead": True}


def lookup(parent: str, relationship_name: str, relationship_label: str, required: bool = True) -> dict[str, Any]:
    # Restrict: a parent with children cannot be deleted (SetNull is not allowed when required).
    return {"type": "Lookup", "referenceTo": parent, "relationshipName": relationship_name,
            "relationshipLabel": relationship_label, "required": required, "deleteConstraint": "Restrict"}


def roll_up(operation: str, foreign_key: str, summarized: str | None = None,
            filters: Iterable[Criterion] = ()) -> dict[str, Any]:
    """A roll-up summary: `foreign_key` is 'Detail__c.Master_Field__c'; filters are on the detail."""
    return {"type": "Summary", "summaryForeignKey": foreign_key, "summaryOperation": operation,
            "summarizedField": summarized,
            "summaryFilterItems": [{"field": f, "operation": op, "value": v} for f, op, v in filters]}


def blank_handling(blanks_as_zero: bool) -> str:
    """`formulaTreatBlanksAs`: with BlankAsZero the platform replaces blank number, currency
    and percent fields by 0 before evaluating, so BLANKVALUE/ISBLANK never see a blank; a
    formula that tests for blanks needs BlankAsBlank (PRM-V033 checks every generated one)."""
    return "BlankAsZero" if blanks_as_zero else "BlankAsBlank"


def currency_formula(formula: str, blanks_as_zero: bool = True) -> dict[str, Any]:
    return {"type": "Currency", "precision": 18, "scale": 2, "formula": formula,
            "formulaTreatBlanksAs": blank_handling(blanks_as_zero)}


def percent_formula(formula: str, blanks_as_zero: bool = True) -> dict[str, Any]:
    return {"type": "Percent", "precision": 5, "scale": 1, "formula": formula,
            "formulaTreatBlanksAs": blank_handling(blanks_as_zero)}


def text(length: int = 255, required: bool = False) -> dict[str, Any]:
    return {"type": "Text", "length": length, "required": required}


def long_text(visible_lines: int = 5, length: int = 32768) -> dict[str, Any]:
    return {"type": "LongTextArea", "length": length, "visibleLines": visible_lines}


def text_area() -> dict[str, Any]:
    return {"type": "TextArea"}


def url(required: bool = False) -> dict[str, Any]:
    return {"type": "Url", "required": required}


def checkbox(default: bool) -> dict[str, Any]:
    return {"type": "Checkbox", "defaultValue": "true" if default else "false"}


def required(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "required": True}
