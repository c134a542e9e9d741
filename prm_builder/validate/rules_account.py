"""Rules over the `partner_account` section (Account fields and the tier value set)."""

from __future__ import annotations

from typing import Iterator

from prm_builder.errors import Diagnostic
from prm_builder.validate.field_checks import field_spec_problems
from prm_builder.validate.names import api_name_problem
from prm_builder.validate.registry import ValidationContext, error, rule

PICKLIST_VALUE_MAX = 255


@rule("PRM-V026", "account-field-names", needs={"partner_account"})
def account_field_names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Generated Account fields need valid custom field names (ending '__c', at most 40
    characters before it) and labels of at most 40 characters; no two may share a name."""
    model = ctx.spec.partner_account
    problem = api_name_problem(model.tier_value_set)
    if problem:
        yield error("PRM-V026", f"tier_value_set '{model.tier_value_set}' {problem}",
                    model.ref("tier_value_set"), "use a developer name without the __c suffix")
    yield from field_spec_problems(model.all_fields(), code="PRM-V026", what="partner account",
                                   example="Partner_Tier__c")


@rule("PRM-V027", "account-picklist-values", needs={"partner_account"})
def account_picklist_values(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Picklist values must be unique (Salesforce compares them case-insensitively), at most
    255 characters, and the default must be one of them."""
    model = ctx.spec.partner_account
    for spec in (model.segment_field, model.status_field):
        lowered: set[str] = set()
        for i, value in enumerate(spec.values):
            if value.lower() in lowered:
                yield error("PRM-V027", f"picklist value '{value}' of {spec.api_name} is listed twice",
                            spec.ref("values", i), "list each value once")
            lowered.add(value.lower())
            if len(value) > PICKLIST_VALUE_MAX:
                yield error("PRM-V027", f"picklist value of {spec.api_name} is {len(value)} characters; "
                            f"the limit is {PICKLIST_VALUE_MAX}", spec.ref("values", i), "shorten the value")
        if not spec.values:
            yield error("PRM-V027", f"picklist {spec.api_name} has no values", spec.ref("values"),
                        "list at least one value")
        if spec.default is not None and spec.default not in spec.values:
            yield error("PRM-V027", f"default '{spec.default}' of {spec.api_name} is not one of its values",
                        spec.ref("default"), f"use one of: {', '.join(spec.values)}")
