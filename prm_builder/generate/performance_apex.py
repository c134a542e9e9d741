"""The daily recalculation: a Schedulable + Batchable Apex class (from a jinja template in
metadata_templates/apex) that sets every `scheduled` metric of the catalogue and the health
score, and its test class.

Apex rather than a schedule-triggered flow: Flow has no aggregate query (SUM / COUNT /
AVG GROUP BY), and looping over every opportunity of every partner in a flow runs into
element and DML limits; a batch of 200 partners with one aggregate query per metric does not.

Spec values reach the Apex source only as developer names checked by validation
(PRM-V602, PRM-V606) or through the `apex_string` / `apex_comment` filters.
"""

from __future__ import annotations

from typing import Any, Iterator

from metadata_templates import render
from prm_builder import API_VERSION
from prm_builder.generate.component import Component
from prm_builder.generate.performance import target_history_fields
from prm_builder.model.root import ProgramSpec
from prm_builder.performance import catalogue as cat
from prm_builder.performance.examples import EXAMPLES, TODAY
from prm_builder.performance.score import score

#: scheduled metrics that are blank (not 0) without data: averages and rates
BLANK_WITHOUT_DATA = {"average_deal_size", "sales_cycle_days", "win_rate", "csat_average_12m"}
#: engagement counts: (metric, object key, date field, window variable, counts toward engagement)
ENGAGEMENT_COUNTS = [("training_completions_12m", "training", "Completed_On__c", "yearAgo", True),
                     ("activities_90d", "activity", "Activity_Date__c", "days90", True),
                     ("events_attended_12m", "events", "Event_Date__c", "yearAgo", True)]


def _decimal(value: float) -> str:
    """An Apex Decimal literal (always with a decimal point: 12 -> 12.0)."""
    text = repr(float(value))
    return text if "." in text else text + ".0"


def context(spec: ProgramSpec) -> dict[str, Any]:
    perf = spec.performance
    assert perf is not None
    present = {m.key: m for m in cat.metrics(spec)}
    m = {k: v.api_name for k, v in present.items()}
    target = perf.account.quarterly_target.api_name if perf.account.quarterly_target else None
    history = target_history_fields(perf)
    resets = [(v.api_name, "today" if k == "health_score_date" else "null" if k in BLANK_WITHOUT_DATA else "0")
              for k, v in present.items() if v.kind == "scheduled"]
    reads = [spec.partner_account.start_date_field.api_name] + ([target] + history if target else [])
    hs = perf.health_score
    dealreg = None
    if spec.deal_registration is not None:
        partner = spec.deal_registration.partner_lookup.lead_api_name()
        dealreg = {"partner": partner, "counts": [
            ("Registration_Submitted_On__c >= :yearAgo", m["registrations_submitted_12m"]),
            ("Registration_Approved_On__c >= :yearAgo", m["registrations_approved_12m"]),
            ("ConvertedOpportunity.IsWon = true AND ConvertedOpportunity.CloseDate >= :yearAgo",
             m["registrations_won_12m"])]}
    engagement = [{"metric": m[metric], "object": cat.object_name(perf, key), "date": date, "since": since,
                   "engagement": counts and hs is not None and "engagement" in hs.components}
                  for metric, key, date, since, counts in ENGAGEMENT_COUNTS if metric in m]
    return {
        "cls": hs.job_class if hs else "PartnerHealthScoreJob", "program": spec.program.name,
        "cron": hs.schedule_cron if hs else "0 0 2 * * ?",
        "opp_partner": cat.opportunity_partner_field(spec), "m": m, "target": target,
        "target_quarter": history[-1] if history else None,
        "history_shift": [(history[i], history[i - 1]) for i in range(len(history) - 2, 0, -1)]
        + ([(history[0], target)] if len(history) > 1 else []),
        "account_reads": reads, "start_date": spec.partner_account.start_date_field.api_name, "resets": resets,
        "dealreg": dealreg, "mdf": "mdf_requests_12m" in m, "engagement_counts": engagement,
        "surveys": cat.object_name(perf, "surveys") if "csat_average_12m" in m else None,
        "cases": perf.engagement.support_cases.partner_field if "open_support_cases" in m else None,
        "certifications": cat.object_name(perf, "certifications") if "active_certifications" in m else None,
        "score_field": hs.score_field if hs else None, "band_field": hs.band_field if hs else None,
        "components": [{"name": n, "weight": c.weight, "cap": _decimal(c.cap)}
                       for n, c in sorted(hs.components.items())] if hs else [],
        "healthy": _decimal(hs.bands.healthy) if hs else "0.0", "watch": _decimal(hs.bands.watch) if hs else "0.0",
    }


def _apex_date(day: Any) -> str:
    return "null" if day is None else f"Date.newInstance({day.year}, {day.month}, {day.day})"


def _apex_number(value: Any) -> str:
    return "null" if value is None else str(value)


def test_examples(spec: ProgramSpec) -> list[dict[str, str]]:
    """The worked examples with the score prm computes for them (what the Apex test asserts)."""
    hs = spec.performance.health_score if spec.performance else None
    if hs is None:
        return []
    out = []
    for name, inputs in EXAMPLES.items():
        result = score(inputs, hs, TODAY)
        out.append({"name": name, "method": "".join(w.title() for w in name.split("_")), "target": _apex_number(inputs.target),
                    "closed": _apex_number(inputs.closed_won_qtd), "pipeline": _apex_number(inputs.open_pipeline_value),
                    "engagement": str(inputs.engagement_count), "csat": _apex_number(inputs.csat_average),
                    "cycle": _apex_number(inputs.sales_cycle_days), "start": _apex_date(inputs.start_date),
                    "score": _apex_number(result.score), "band": result.band or ""})
    return out


def generate(spec: ProgramSpec) -> Iterator[Component]:
    perf = spec.performance
    if perf is None:
        return
    ctx = context(spec)
    ctx["examples"] = test_examples(spec)
    ctx["today"] = _apex_date(TODAY)
    ctx["target_field"] = ctx["target"]
    fields = [v for v in ctx["m"].values()] + [f for f in ctx["account_reads"]]
    refs = sorted({f"CustomField:Account.{f}" for f in fields}
                  | {f"CustomField:Opportunity.{ctx['opp_partner']}"}
                  | ({f"CustomField:Account.{ctx['score_field']}", f"CustomField:Account.{ctx['band_field']}"}
                     if ctx["score_field"] else set()))
    source = perf.health_score.ref() if perf.health_score else perf.ref()
    for name, template, purpose in (
            (ctx["cls"], "PartnerHealthScoreJob.cls.j2",
             "Recalculates every partner's QBR metrics and health score daily (scheduled Apex)."),
            (f"{ctx['cls']}Test", "PartnerHealthScoreJobTest.cls.j2",
             "Apex tests of the daily job: the score matches prm's for the worked examples.")):
        yield Component("ApexClass", name, {"apiVersion": API_VERSION, "status": "Active"}, purpose=purpose,
                        source=source, references=tuple(refs), content=render(f"apex/{template}", **ctx),
                        notes=(f"schedule it once after deploy: {ctx['cls']}.schedule();",)
                        if name == ctx["cls"] else ())
