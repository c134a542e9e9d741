"""Checks every section that generates custom fields shares: names, labels, uniqueness."""

from __future__ import annotations

from typing import Iterable, Iterator, Protocol, TypeVar

from prm_builder.errors import Diagnostic, SourceRef
from prm_builder.validate.names import api_name_problem
from prm_builder.validate.registry import error

FIELD_LABEL_MAX = 40


class FieldLike(Protocol):
    """What every section's field spec has (account FieldSpec, lead distribution LeadField, ...)."""

    @property
    def api_name(self) -> str: ...
    @property
    def label(self) -> str: ...
    def ref(self, *parts: str | int) -> SourceRef | None: ...


F = TypeVar("F", bound=FieldLike)


def field_spec_problems(fields: Iterable[F], *, code: str, what: str, example: str,
                        skip_existing: bool = False) -> Iterator[Diagnostic]:
    """Custom field names ('__c', 40 characters before it), labels of at most 40
    characters, no two fields with one name. `what` names the fields in messages.
    skip_existing: a field with `generate: false` already lives in the org (it may be a
    standard field), so its name is not checked against custom-field rules."""
    seen: dict[str, F] = {}
    for spec in fields:
        judged = not (skip_existing and not getattr(spec, "generate", True))
        problem = api_name_problem(spec.api_name, custom_suffix="__c") if judged else None
        if problem:
            yield error(code, f"field name '{spec.api_name}' {problem}", spec.ref("api_name"),
                        f"use a custom field name such as {example}")
        if len(spec.label) > FIELD_LABEL_MAX:
            yield error(code, f"field label '{spec.label}' is {len(spec.label)} characters; the "
                        f"limit is {FIELD_LABEL_MAX}", spec.ref("label"), "shorten the label")
        key = spec.api_name.lower()
        if key in seen:
            yield error(code, f"two {what} fields are named '{spec.api_name}'",
                        spec.ref("api_name"), "give each field its own api_name",
                        related=[seen[key].ref("api_name")])
        seen[key] = spec
