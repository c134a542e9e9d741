"""`prm score --org`: every partner's health score from live data.

The org is asked through the org adapter (simple-salesforce) with SOQL aggregate queries
(SUM / COUNT / AVG / MAX ... GROUP BY the partner), one per input, over the same windows
the daily Apex job uses (calendar quarter, 12 months, 90 days: date literals computed here
from `today`, so the answer does not depend on the org's fiscal-year settings). The sales
cycle needs a date difference per deal, which SOQL cannot aggregate, so won deals of the
last 12 months are read as rows. Then prm_builder.performance.score scores each partner:
the same function whose results the generated Apex test class asserts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from prm_builder.model.root import ProgramSpec
from prm_builder.performance import catalogue as cat
from prm_builder.performance.score import PartnerInputs, ScoreResult, add_months, div, quarter_start, score


class QueryClient(Protocol):
    def query(self, soql: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class PartnerScore:
    account_id: str
    name: str
    inputs: PartnerInputs
    result: ScoreResult


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def _by_partner(client: QueryClient, soql: str, column: str) -> dict[str, Any]:
    return {r["partner"]: r.get(column) for r in client.query(soql) if r.get("partner")}


def collect(client: QueryClient, spec: ProgramSpec, today: dt.date) -> list[PartnerScore]:
    perf = spec.performance
    if perf is None or perf.health_score is None:
        return []
    hs = perf.health_score
    model = spec.partner_account
    target = perf.account.quarterly_target.api_name if perf.account.quarterly_target else None
    opp = cat.opportunity_partner_field(spec)
    q_start = quarter_start(today)
    q_end = add_months(q_start, 3)
    year_ago = add_months(today, -12)
    fields = ["Id", "Name", model.start_date_field.api_name, model.contract_end_field.api_name] + ([target] if target else [])
    accounts = client.query(f"SELECT {', '.join(fields)} FROM Account WHERE IsPartner = true ORDER BY Name, Id")
    won = _by_partner(client, f"SELECT {opp} partner, SUM(Amount) amount FROM Opportunity WHERE {opp} != null "
                              f"AND IsWon = true AND CloseDate >= {q_start} AND CloseDate < {q_end} GROUP BY {opp}",
                      "amount")
    pipeline = _by_partner(client, f"SELECT {opp} partner, SUM(Amount) amount FROM Opportunity WHERE {opp} != null "
                                   f"AND IsClosed = false GROUP BY {opp}", "amount")
    cycles: dict[str, list[int]] = {}
    for r in client.query(f"SELECT {opp}, CreatedDate, CloseDate FROM Opportunity WHERE {opp} != null AND IsWon = true "
                          f"AND CloseDate >= {year_ago} AND CloseDate <= {today}"):
        created, closed = _date(r.get("CreatedDate")), _date(r.get("CloseDate"))
        if r.get(opp) and created and closed:  # CreatedDate is UTC: like the job's dateGmt()
            cycles.setdefault(r[opp], []).append((closed - created).days)
    engagement: dict[str, int] = {}
    windows = {"training": ("Completed_On__c", year_ago), "activity": ("Activity_Date__c", today - dt.timedelta(days=90)),
               "events": ("Event_Date__c", year_ago)}
    if "engagement" in hs.components:
        for key, (date_field, since) in windows.items():
            if cat.engagement_enabled(perf, key):
                counts = _by_partner(client, f"SELECT Partner_Account__c partner, COUNT(Id) records FROM "
                                             f"{cat.object_name(perf, key)} WHERE {date_field} >= {since} AND "
                                             f"{date_field} <= {today} GROUP BY Partner_Account__c", "records")
                for partner, n in counts.items():
                    engagement[partner] = engagement.get(partner, 0) + int(n or 0)
    csat: dict[str, Any] = {}
    if cat.engagement_enabled(perf, "surveys"):
        csat = _by_partner(client, f"SELECT Partner_Account__c partner, AVG(CSAT__c) csat FROM "
                                   f"{cat.object_name(perf, 'surveys')} WHERE Response_Date__c >= {year_ago} AND "
                                   f"Response_Date__c <= {today} GROUP BY Partner_Account__c", "csat")
    last: dict[str, Any] = {}
    if cat.engagement_enabled(perf, "activity"):
        last = _by_partner(client, f"SELECT Partner_Account__c partner, MAX(Activity_Date__c) latest FROM "
                                   f"{cat.object_name(perf, 'activity')} GROUP BY Partner_Account__c", "latest")
    out = []
    for a in accounts:
        pid = a["Id"]
        days = cycles.get(pid)
        inputs = PartnerInputs(
            target=_dec(a.get(target)) if target else None, closed_won_qtd=_dec(won.get(pid)) or Decimal(0),
            open_pipeline_value=_dec(pipeline.get(pid)) or Decimal(0), engagement_count=engagement.get(pid, 0),
            csat_average=div(_dec(csat[pid]), 1) if csat.get(pid) is not None else None,  # type: ignore[arg-type]
            sales_cycle_days=div(sum(days), len(days)) if days else None,
            start_date=_date(a.get(model.start_date_field.api_name)),
            contract_end=_date(a.get(model.contract_end_field.api_name)), last_activity=_date(last.get(pid)))
        result = score(inputs, hs, today,
                       renewal_months=perf.account.renewal_risk.months if perf.account.renewal_risk else None,
                       new_months=perf.account.new_partner.months if perf.account.new_partner else None)
        out.append(PartnerScore(pid, a.get("Name") or "", inputs, result))
    return out


COMPONENTS = ("revenue", "pipeline", "engagement", "csat", "deal_velocity")


def _row(p: PartnerScore) -> dict[str, Any]:
    def text(value: Decimal | None) -> str:
        return "" if value is None else str(value)

    row = {"account_id": p.account_id, "account_name": p.name, "score": text(p.result.score),
           "band": p.result.band or ""}
    for name in COMPONENTS:
        ratio = p.result.components.get(name)
        row[name] = "" if ratio is None else str(ratio.normalize())
    row["flags"] = ";".join(p.result.flags)
    return row


def to_csv(scores: list[PartnerScore]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["account_id", "account_name", "score", "band", *COMPONENTS, "flags"],
                            lineterminator="\n")
    writer.writeheader()
    for p in scores:
        writer.writerow(_row(p))
    return buffer.getvalue().encode("utf-8")


def to_json(scores: list[PartnerScore], today: dt.date) -> dict[str, Any]:
    partners = []
    for p in scores:
        row = _row(p)
        partners.append({**row, "flags": list(p.result.flags)})
    return {"as_of": today.isoformat(), "partners": partners}


def to_json_bytes(scores: list[PartnerScore], today: dt.date) -> bytes:
    return (json.dumps(to_json(scores, today), indent=2, sort_keys=True) + "\n").encode("utf-8")
