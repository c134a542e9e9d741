"""The partner health score: ONE pure function, shared by `prm score` (live data) and the
generated Apex test class (its expected values are computed here, so the daily job in the
org is tested against exactly this logic).

Arithmetic is Decimal with every division rounded half-up to 10 places, the way the
generated Apex divides (`Decimal.divide(x, 10, RoundingMode.HALF_UP)`), and the score is
rounded half-up to one decimal, so Python and Apex agree to the last digit.

Definitions (each component's ratio is 0..1; `cap` is where it earns full points):
- revenue: closed-won this quarter / quarterly target, at most `cap` (1.0 = 100 %). Not
  scored without a target, nor for a partner new this quarter (no full quarter to judge).
- pipeline: open pipeline value / quarterly target, at most `cap` (3.0 = 300 %). Not scored
  without a target; zero pipeline scores 0.
- engagement: activities (90 days) + training completions + events attended (12 months),
  at most `cap`.
- csat: average CSAT (1-5, 12 months) / `cap`. Not scored without responses.
- deal_velocity: full points when the average sales cycle of deals won in 12 months is at
  most `cap` days, else cap / days. Not scored without won deals.
The score is 100 x (sum of weight x ratio) / (sum of the weights of scored components): a
component that cannot be scored neither helps nor hurts. No scored component: no score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from prm_builder.model.performance import HealthScore

PLACES = Decimal("0.0000000001")
ONE = Decimal(1)
BANDS = ("Healthy", "Watch", "At Risk")


@dataclass(frozen=True)
class PartnerInputs:
    """What the score reads for one partner (None: no data, e.g. no target)."""

    target: Decimal | None = None
    closed_won_qtd: Decimal = Decimal(0)
    open_pipeline_value: Decimal = Decimal(0)
    engagement_count: int = 0
    csat_average: Decimal | None = None
    sales_cycle_days: Decimal | None = None
    start_date: dt.date | None = None
    contract_end: dt.date | None = None
    last_activity: dt.date | None = None


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal | None
    band: str | None
    #: component -> ratio 0..1, or None when not scored
    components: dict[str, Decimal | None] = field(default_factory=dict)
    flags: tuple[str, ...] = ()


def div(a: Decimal | int, b: Decimal | int) -> Decimal:
    return (Decimal(a) / Decimal(b)).quantize(PLACES, rounding=ROUND_HALF_UP)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """Like Apex Date.addMonths: the same day of month, or the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _capped(value: Decimal, cap: Decimal) -> Decimal:
    return div(min(value, cap), cap)


def component_ratios(inputs: PartnerInputs, settings: HealthScore, today: dt.date) -> dict[str, Decimal | None]:
    has_target = inputs.target is not None and inputs.target > 0
    new_this_quarter = inputs.start_date is not None and inputs.start_date >= quarter_start(today)
    out: dict[str, Decimal | None] = {}
    for name, comp in sorted(settings.components.items()):
        cap = Decimal(str(comp.cap))
        ratio: Decimal | None
        if name == "revenue":
            ratio = _capped(div(inputs.closed_won_qtd, inputs.target), cap) \
                if has_target and not new_this_quarter else None  # type: ignore[arg-type]
        elif name == "pipeline":
            ratio = _capped(div(inputs.open_pipeline_value, inputs.target), cap) if has_target else None  # type: ignore[arg-type]
        elif name == "engagement":
            ratio = _capped(Decimal(inputs.engagement_count), cap)
        elif name == "csat":
            ratio = _capped(inputs.csat_average, cap) if inputs.csat_average is not None else None
        else:  # deal_velocity
            days = inputs.sales_cycle_days
            ratio = None if days is None else ONE if days <= cap else div(cap, days)
        out[name] = ratio
    return out


def band(score: Decimal | None, settings: HealthScore) -> str | None:
    if score is None:
        return None
    if score >= Decimal(str(settings.bands.healthy)):
        return BANDS[0]
    if score >= Decimal(str(settings.bands.watch)):
        return BANDS[1]
    return BANDS[2]


def risk_flags(inputs: PartnerInputs, settings: HealthScore, today: dt.date, renewal_months: int | None,
               new_months: int | None) -> tuple[str, ...]:
    flags = []
    if renewal_months and inputs.contract_end is not None \
            and today <= inputs.contract_end <= add_months(today, renewal_months):
        flags.append("contract_ending")
    if inputs.last_activity is None or (today - inputs.last_activity).days >= settings.risk_flags.inactive_days:
        flags.append("no_recent_activity")
    if inputs.target is not None and inputs.target > 0 and \
            div(inputs.open_pipeline_value, inputs.target) < Decimal(str(settings.risk_flags.min_pipeline_coverage)):
        flags.append("low_pipeline_coverage")
    if new_months and inputs.start_date is not None and inputs.start_date > add_months(today, -new_months):
        flags.append("new_partner")
    return tuple(flags)


def score(inputs: PartnerInputs, settings: HealthScore, today: dt.date, *, renewal_months: int | None = 6,
          new_months: int | None = 6) -> ScoreResult:
    ratios = component_ratios(inputs, settings, today)
    total, weights = Decimal(0), 0
    for name, ratio in ratios.items():
        if ratio is not None:
            weight = settings.components[name].weight  # type: ignore[index]
            total += weight * ratio
            weights += weight
    value = div(total * 100, weights).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if weights else None
    return ScoreResult(value, band(value, settings), ratios,
                       risk_flags(inputs, settings, today, renewal_months, new_months))
