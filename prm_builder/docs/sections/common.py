"""Reading generated metadata bodies: criteria and lists as the serializer takes them."""

from __future__ import annotations

from typing import Any

from prm_builder.docs.naming import current

OPERATIONS = {"equals": "=", "notEqual": "≠", "lessThan": "<", "greaterThan": ">", "lessOrEqual": "≤",
              "greaterOrEqual": "≥", "contains": "contains", "notContain": "does not contain",
              "startsWith": "starts with", "includes": "includes", "excludes": "excludes", "within": "within"}


def as_list(value: Any) -> list[Any]:
    """A repeated element: the body may hold one dict, a list of them, or nothing."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def item_text(item: dict[str, Any]) -> str:
    """One criteria item: 'Lead.Country = United States,Canada' (no value: 'is not blank').
    While a package is built (docs.naming.current()), by label and with amounts in the
    program's money format: 'Country = United States or Canada', 'Deal Amount ≥ 50,000 USD'."""
    field = str(item.get("field", ""))
    op = str(item.get("operation", ""))
    value = item.get("value", item.get("valueField"))
    naming = current()
    name = naming.field(field) if naming is not None and field else field
    if value in (None, ""):
        return f"{name} {'is blank' if op == 'equals' else 'is not blank' if op == 'notEqual' else op}".strip()
    if naming is not None and "value" in item:
        value = naming.value(field, str(value), op)
    elif naming is not None:
        value = naming.field(str(value))  # valueField: another field
    return f"{name} {OPERATIONS.get(op, op)} {value}"


def criteria_text(block: Any, items_key: str = "criteriaItems") -> str:
    """criteriaItems (ANDed, or combined by booleanFilter) or a formula, as one line."""
    if not block:
        return "all records"
    if block.get("formula"):
        return f"formula: {block['formula']}"
    items = [item_text(i) for i in as_list(block.get(items_key))]
    if block.get("booleanFilter"):
        return f"{block['booleanFilter']} where " + "; ".join(f"{n}: {t}" for n, t in enumerate(items, 1))
    return " AND ".join(items) or "all records"
