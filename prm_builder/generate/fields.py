"""Field bodies shared by every generator that adds custom fields (one place for the shapes)."""

from __future__ import annotations

from typing import Any, Iterable

from prm_builder.generate.component import Component
from prm_builder.errors import SourceRef


def field_component(obj: str, api_name: str, label: str, body: dict[str, Any], *, purpose: str,
                    source: SourceRef | None, description: str = "", help_text: str = "",
                    references: Iterable[str] = (),
                    reference_sources: dict[str, SourceRef | None] | None = None) -> Component:
    full = {"fullName": api_name, "label": label, "description": description or None,
            "inlineHelpText": help_text or None, **body}
    return Component("CustomField", f"{obj}.{api_name}", full, purpose=purpose, source=source,
                     references=tuple(sorted(set(references))), reference_sources=reference_sources or {})


def picklist(values: Iterable[str], default: str | None = None, restricted: bool = True) -> dict[str, Any]:
    return {"type": "Picklist", "valueSet": {"restricted": restricted, "valueSetDefinition": {
        "sorted": False,
        "value": [{"fullName": v, "default": v == default, "label": v} for v in values]}}}


def global_picklist(value_set: str) -> dict[str, Any]:
    return {"type": "Picklist", "valueSet": {"restricted": True, "valueSetName": value_set}}


def currency(precision: int = 18, scale: int = 2) -> dict[str, Any]:
    return {"type": "Currency", "precision": precision, "scale": scale}


def number(precision: int = 18, scale: int = 0) -> dict[str, Any]:
    return {"type": "Number", "precision": precision, "scale": scale}


def percent(precision: int = 5, scale: int = 2) -> dict[str, Any]:
    return {"type": "Percent", "precision": precision, "scale": scale}


def date() -> dict[str, Any]:
    return {"type": "Date"}


def text_formula(formula: str, blanks_as_zero: bool = True) -> dict[str, Any]:
    return {"type": "Text", "formula": formula,
            "formulaTreatBlanksAs": "BlankAsZero" if blanks_as_zero else "BlankAsBlank"}


def formula_string(text: str) -> str:
    """A string literal for a formula (Salesforce formulas escape with backslashes)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def formula_number(value: float) -> str:
    """A number literal for a formula: plain digits, never exponent notation (1e+06)."""
    if float(value).is_integer():
        return str(int(value))
    return format(value, "f").rstrip("0").rstrip(".")
