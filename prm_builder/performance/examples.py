"""Worked examples of the health score, including the edge cases (no target, zero
pipeline, no survey responses, a partner new this quarter).

The generated Apex test class asserts that the daily job scores each example exactly as
prm_builder.performance.score does; tests/test_performance_score.py checks the same
examples against values worked out by hand. One set of inputs, three consumers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from prm_builder.performance.score import PartnerInputs

#: the day the examples are judged on (Q4 2026 began on 1 October)
TODAY = dt.date(2026, 11, 15)

EXAMPLES: dict[str, PartnerInputs] = {
    "on_track": PartnerInputs(target=D(100000), closed_won_qtd=D(80000), open_pipeline_value=D(200000),
                              engagement_count=9, csat_average=D("4.5"), sales_cycle_days=D(60),
                              start_date=dt.date(2024, 1, 1), contract_end=dt.date(2027, 3, 1),
                              last_activity=dt.date(2026, 11, 10)),
    "no_target": PartnerInputs(target=None, closed_won_qtd=D(50000), open_pipeline_value=D(0), engagement_count=3,
                               csat_average=D(3), sales_cycle_days=D(120), start_date=dt.date(2023, 5, 1),
                               last_activity=dt.date(2026, 10, 1)),
    "zero_pipeline": PartnerInputs(target=D(50000), start_date=dt.date(2022, 1, 1)),
    "no_surveys": PartnerInputs(target=D(100000), closed_won_qtd=D(120000), open_pipeline_value=D(150000),
                                engagement_count=12, sales_cycle_days=D(45), start_date=dt.date(2021, 6, 1),
                                last_activity=dt.date(2026, 11, 14)),
    "new_this_quarter": PartnerInputs(target=D(60000), open_pipeline_value=D(90000), engagement_count=6,
                                      start_date=dt.date(2026, 10, 15), last_activity=dt.date(2026, 11, 1)),
}
