"""`prm score --org`: live data through the real simple-salesforce code, mocked with
`responses` at the REST query endpoint. The org holds the worked examples' data, so the
scores must be the hand-worked ones, which are also what the generated Apex test class
asserts for the daily job: org fields and `prm score` agree on the same data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import responses

from prm_builder import api
from prm_builder.org import OrgUnavailable
from prm_builder.performance.examples import TODAY
from prm_builder.performance.live import to_csv, to_json
from tests import fake_org
from tests.conftest import ROOT, run_prm
from tests.test_performance_score import HAND_WORKED

SPECS = ROOT / "specs"
A, B, C = "001A00000000001AAA", "001A00000000002AAA", "001A00000000003AAA"


def _agg(**row):
    return {"attributes": {"type": "AggregateResult"}, **row}


#: fingerprint of each query the score asks -> the org's answer (on_track = A, no_target = B,
#: new_this_quarter = C, as in prm_builder/performance/examples.py)
ANSWERS = [
    ("FROM Account WHERE IsPartner = true", [
        {"Id": A, "Name": "Contoso", "Quarterly_Revenue_Target__c": 100000.0, "Partnership_Start_Date__c": "2024-01-01",
         "Partner_Contract_End_Date__c": "2027-03-01"},
        {"Id": B, "Name": "Fabrikam", "Quarterly_Revenue_Target__c": None, "Partnership_Start_Date__c": "2023-05-01",
         "Partner_Contract_End_Date__c": None},
        {"Id": C, "Name": "Litware", "Quarterly_Revenue_Target__c": 60000.0, "Partnership_Start_Date__c": "2026-10-15",
         "Partner_Contract_End_Date__c": None}]),
    ("CloseDate >= 2026-10-01 AND CloseDate < 2027-01-01 GROUP BY PartnerAccountId",
     [_agg(partner=A, amount=80000.0), _agg(partner=B, amount=50000.0)]),
    ("IsClosed = false GROUP BY PartnerAccountId",
     [_agg(partner=A, amount=200000.0), _agg(partner=B, amount=None), _agg(partner=C, amount=90000.0)]),
    ("SELECT PartnerAccountId, CreatedDate, CloseDate FROM Opportunity", [
        {"PartnerAccountId": A, "CreatedDate": "2026-01-01T09:00:00.000+0000", "CloseDate": "2026-02-20"},  # 50 days
        {"PartnerAccountId": A, "CreatedDate": "2026-03-01T23:30:00.000+0000", "CloseDate": "2026-05-10"},  # 70 days
        {"PartnerAccountId": B, "CreatedDate": "2026-01-10T10:00:00.000+0000", "CloseDate": "2026-05-10"}]),  # 120
    ("FROM Partner_Training__c", [_agg(partner=A, records=2)]),
    ("COUNT(Id) records FROM Partner_Activity__c",
     [_agg(partner=A, records=5), _agg(partner=B, records=3), _agg(partner=C, records=6)]),
    ("FROM Partner_Event_Attendance__c", [_agg(partner=A, records=2)]),
    ("AVG(CSAT__c)", [_agg(partner=A, csat=4.5), _agg(partner=B, csat=3.0)]),
    ("MAX(Activity_Date__c)", [_agg(partner=A, latest="2026-11-10"), _agg(partner=B, latest="2026-10-01"),
                               _agg(partner=C, latest="2026-11-01")]),
]


def _install(asked: list[str]) -> None:
    def answer(request):
        assert request.headers["Authorization"] == f"Bearer {fake_org.TOKEN}"
        soql = parse_qs(urlparse(request.url).query)["q"][0]
        asked.append(soql)
        for fingerprint, records in ANSWERS:
            if fingerprint in soql:
                return 200, {}, json.dumps({"totalSize": len(records), "done": True, "records": records})
        return 400, {}, fake_org.error_body("MALFORMED_QUERY", f"unexpected query {soql}")

    responses.add_callback(responses.GET, fake_org.QUERY_URL, callback=answer)


@responses.activate
def test_live_scores_are_the_hand_worked_ones() -> None:
    asked: list[str] = []
    _install(asked)
    scores = api.score(SPECS, org=fake_org.connection(), today=TODAY)
    by_name = {p.name: (p.result.score, p.result.band, p.result.flags) for p in scores}
    assert by_name == {"Contoso": HAND_WORKED["on_track"], "Fabrikam": HAND_WORKED["no_target"],
                       "Litware": HAND_WORKED["new_this_quarter"]}
    # inputs are aggregates, one query per input, none unanswered
    assert sum("GROUP BY" in q for q in asked) == len(asked) - 2  # the Account list and the won-deal rows are not
    assert all("SUM(" in q or "COUNT(" in q or "AVG(" in q or "MAX(" in q for q in asked if "GROUP BY" in q)


@responses.activate
def test_csv_and_json_output(tmp_path: Path) -> None:
    _install([])
    scores = api.score(SPECS, org=fake_org.connection(), today=TODAY)
    rows = list(csv.DictReader(io.StringIO(to_csv(scores).decode())))
    assert [r["account_name"] for r in rows] == ["Contoso", "Fabrikam", "Litware"]
    assert rows[0]["score"] == "79.2" and rows[0]["band"] == "Healthy" and rows[0]["revenue"] == "0.8"
    assert rows[1]["revenue"] == "" and rows[1]["flags"] == "no_recent_activity"
    data = to_json(scores, TODAY)
    assert data["as_of"] == "2026-11-15" and data["partners"][2]["flags"] == ["new_partner"]


@responses.activate
def test_expired_session_is_a_clear_error_without_the_token() -> None:
    responses.add(responses.GET, fake_org.QUERY_URL, status=401,
                  body=fake_org.error_body("INVALID_SESSION_ID", "Session expired or invalid"))
    with pytest.raises(OrgUnavailable) as info:
        api.score(SPECS, org=fake_org.connection(), today=TODAY)
    assert "session has expired" in str(info.value) and fake_org.TOKEN not in str(info.value)


def test_cli_needs_an_org_and_a_known_format(tmp_path: Path) -> None:
    result = run_prm("score", "--specs", str(SPECS), cwd=tmp_path)
    assert result.returncode == 1 and "--org NAME or --org-from-env" in result.stderr
    result = run_prm("score", "--specs", str(SPECS), "--org-from-env", "--format", "xlsx", cwd=tmp_path,
                     env={"SF_INSTANCE_URL": fake_org.INSTANCE, "SF_ACCESS_TOKEN": fake_org.TOKEN})
    assert result.returncode == 1 and "not csv or json" in result.stderr
    assert "Traceback" not in result.stderr


def test_specs_without_a_health_score_are_refused(project: Path) -> None:
    with pytest.raises(Exception) as info:
        api.score(project / "specs", org=fake_org.connection(), today=TODAY)
    assert "no performance.health_score" in str(info.value)
