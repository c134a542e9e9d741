"""Partner account model -> Account fields, including the qualified-tier formulas."""

from __future__ import annotations

from typing import Iterator

from prm_builder.generate import fields as f
from prm_builder.generate.component import Component
from prm_builder.model.account import MetricSpec
from prm_builder.model.root import ProgramSpec
from prm_builder.performance.catalogue import replaced_metric

METRIC_TYPES = {"currency": f.currency, "number": f.number, "percent": f.percent}


def generate(spec: ProgramSpec) -> Iterator[Component]:
    model = spec.partner_account
    tier = model.tier_field

    def simple(field, body, purpose, references=(), reference_sources=None):
        return f.field_component("Account", field.api_name, field.label, body, purpose=purpose,
                                 source=field.ref(), description=field.description,
                                 help_text=field.help_text, references=references,
                                 reference_sources=reference_sources)

    yield simple(tier, f.global_picklist(model.tier_value_set),
                 "Stores the partner's current tier; sharing, routing and MDF read it.",
                 [f"GlobalValueSet:{model.tier_value_set}"])
    yield simple(model.segment_field, f.picklist(model.segment_field.values, model.segment_field.default),
                 "Partner segment the channel team reports on.")
    yield simple(model.status_field, f.picklist(model.status_field.values, model.status_field.default),
                 "Partner lifecycle status.")
    yield simple(model.start_date_field, f.date(), "When the partnership started.")
    yield simple(model.contract_end_field, f.date(), "When the partner agreement ends (renewal tracking).")
    yield simple(model.revenue_target_field, f.currency(), "The partner's committed revenue target.")
    replaced = replaced_metric(spec)  # computed by the performance section instead (a roll-up)
    for name, metric in sorted(model.metrics.items()):
        if metric.generate and name != replaced:
            yield simple(metric, METRIC_TYPES[metric.type](), "A measure tiers qualify on.")

    qualified_formula, refs = qualified_tier_formula(spec)
    yield simple(model.qualified_tier_field, f.text_formula(qualified_formula),
                 "Computes the highest tier the partner qualifies for (promotion / demotion).", refs,
                 {f"CustomField:Account.{m.api_name}": m.ref("api_name") for m in model.metrics.values()})
    yield simple(model.tier_review_field, f.text_formula(tier_review_formula(spec), blanks_as_zero=False),
                 "Says whether the partner should be promoted, demoted or kept at its tier.",
                 [f"CustomField:Account.{tier.api_name}", f"CustomField:Account.{model.qualified_tier_field.api_name}"])


def _metric(spec: ProgramSpec, name: str) -> MetricSpec | None:
    return spec.partner_account.metrics.get(name)


def qualified_tier_formula(spec: ProgramSpec) -> tuple[str, list[str]]:
    """Nested IF from the highest tier down: the first tier whose minimums all hold wins.

    Blank metrics count as zero (formulaTreatBlanksAs BlankAsZero), so a new partner
    qualifies only for tiers without criteria.
    """
    refs: set[str] = set()
    formula = '""'
    for tier in spec.tiers_by_rank():  # built inside-out: lowest tier is the innermost IF
        conditions = []
        for name, minimum in sorted(tier.qualification.items()):
            metric = _metric(spec, name)
            if metric is None:
                continue  # reported by PRM-V019
            refs.add(f"CustomField:Account.{metric.api_name}")
            conditions.append(f"{metric.api_name} >= {f.formula_number(minimum)}")
        value = f.formula_string(tier.developer_name)
        if not conditions:
            formula = value
        else:
            test = conditions[0] if len(conditions) == 1 else f"AND({', '.join(conditions)})"
            formula = f"IF({test}, {value}, {formula})"
    return formula, sorted(refs)


def tier_review_formula(spec: ProgramSpec) -> str:
    model = spec.partner_account
    ranks = ", ".join(f"{f.formula_string(t.developer_name)}, {t.rank}" for t in spec.tiers_by_rank())
    current = f"CASE(TEXT({model.tier_field.api_name}), {ranks}, 0)"
    qualified = f"CASE({model.qualified_tier_field.api_name}, {ranks}, 0)"
    return (f"IF(ISBLANK(TEXT({model.tier_field.api_name})), \"\",\n"
            f"IF({qualified} > {current}, \"Promote\",\n"
            f"IF({qualified} < {current}, \"Demote\", \"Hold\")))")
