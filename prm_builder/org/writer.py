"""Writing records to an org: sObject Collections for small batches, Bulk API 2.0 for volume.

Both through simple-salesforce. Every call is counted (`calls`), so a benchmark can show
that calls grow with batches, not rows. Each record gets its own result, in request order,
and a failed record never undoes the others (allOrNone=false; Bulk jobs are never
all-or-nothing). REQUEST_LIMIT_EXCEEDED is retried with exponential back-off, then stops
the run with a message (the next apply continues where this one stopped).

Salesforce references: REST API Developer Guide, "sObject Collections" (create, update,
upsert, delete: at most 200 records per request, allOrNone) and "Bulk API 2.0 Ingest"
(jobs/ingest: create, upload CSV, UploadComplete, poll, successfulResults/failedResults).
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence
from urllib.parse import quote

from prm_builder.org.client import TIMEOUT, OrgClient
from prm_builder.org.errors import OrgQueryError, OrgUnavailable

#: records per sObject Collections request (the platform's maximum)
COLLECTION_SIZE = 200
#: from this many rows on, one Bulk API 2.0 job replaces COLLECTION_SIZE-row requests
BULK_MIN_ROWS = 2000
#: calls one Bulk job costs: create, upload, close, poll (at least once), two result downloads
BULK_JOB_CALLS = 6


class ApiLimitReached(OrgUnavailable):
    """The org refused more API calls (REQUEST_LIMIT_EXCEEDED) after every retry."""


@dataclass(frozen=True)
class RowResult:
    ok: bool
    id: str | None = None
    error: str = ""


def calls_for(rows: int) -> int:
    """API calls writing `rows` records costs (what `write` will spend)."""
    if rows <= 0:
        return 0
    if rows >= BULK_MIN_ROWS:
        return BULK_JOB_CALLS
    return -(-rows // COLLECTION_SIZE)


class OrgWriter:
    def __init__(self, client: OrgClient, *, sleep: Callable[[float], None] = time.sleep, retries: int = 4,
                 bulk_wait: float = 2.0) -> None:
        self.client = client
        self.sleep = sleep
        self.retries = retries
        self.bulk_wait = bulk_wait
        self.calls = 0
        client.sf.session.hooks["response"].append(self._count)

    def _count(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self.calls += 1

    def remaining_calls(self) -> tuple[int, int] | None:
        """(remaining, max) daily API requests, from /limits; None when not readable."""
        try:
            limits = self.retry("read the org's API limits", lambda: self.client.sf.limits(timeout=TIMEOUT))
        except OrgQueryError:
            return None
        daily = (limits or {}).get("DailyApiRequests") or {}
        if "Remaining" not in daily:
            return None
        return int(daily["Remaining"]), int(daily.get("Max", 0))

    def write(self, operation: str, sobject: str, records: Sequence[dict[str, Any]],
              external_id: str | None = None) -> list[RowResult]:
        """operation: create / update / upsert / delete. One result per record, in order."""
        if not records:
            return []
        if len(records) >= BULK_MIN_ROWS:
            return self._bulk(operation, sobject, records, external_id)
        out: list[RowResult] = []
        for i in range(0, len(records), COLLECTION_SIZE):
            chunk = records[i:i + COLLECTION_SIZE]
            out += self._collection(operation, sobject, chunk, external_id)
        return out

    def _collection(self, operation: str, sobject: str, records: Sequence[dict[str, Any]],
                    external_id: str | None) -> list[RowResult]:
        sf = self.client.sf
        if operation == "delete":
            ids = ",".join(r["Id"] for r in records)
            answer = self.retry(f"delete {sobject} records", lambda: sf.restful(
                f"composite/sobjects?ids={quote(ids, safe=',')}&allOrNone=false", method="DELETE",
                timeout=TIMEOUT))
        else:
            body = {"allOrNone": False,
                    "records": [{"attributes": {"type": sobject}, **r} for r in records]}
            path = "composite/sobjects"
            method = {"create": "POST", "update": "PATCH", "upsert": "PATCH"}[operation]
            if operation == "upsert":
                path += f"/{sobject}/{external_id}"
            answer = self.retry(f"{operation} {sobject} records", lambda: sf.restful(
                path, method=method, json=body, timeout=TIMEOUT))
        results = list(answer or [])
        if len(results) != len(records):
            raise OrgQueryError(f"{operation} {sobject}: the org answered {len(results)} results for "
                                f"{len(records)} records")
        return [RowResult(bool(r.get("success")), r.get("id"), _errors(r.get("errors"))) for r in results]

    def _bulk(self, operation: str, sobject: str, records: Sequence[dict[str, Any]],
              external_id: str | None) -> list[RowResult]:
        columns = sorted({k for r in records for k in r})
        rows = [{c: _csv_value(r.get(c)) for c in columns} for r in records]
        handler = getattr(self.client.sf.bulk2, sobject)
        run = {"create": handler.insert, "update": handler.update, "delete": handler.delete,
               "upsert": lambda **kw: handler.upsert(external_id_field=external_id, **kw)}[operation]
        jobs = self.retry(f"Bulk API 2.0 {operation} of {sobject}",
                           lambda: run(records=rows, wait=self.bulk_wait))
        by_key: dict[tuple, RowResult] = {}
        for job in jobs:
            job_id = job["job_id"]
            for row in csv.DictReader(io.StringIO(handler.get_successful_records(job_id))):
                by_key[tuple(row.get(c, "") for c in columns)] = RowResult(True, row.get("sf__Id") or None)
            for row in csv.DictReader(io.StringIO(handler.get_failed_records(job_id))):
                by_key[tuple(row.get(c, "") for c in columns)] = RowResult(False, None, row.get("sf__Error", ""))
        missing = RowResult(False, None, "not processed by the Bulk API job (run apply again)")
        return [by_key.get(tuple(r[c] for c in columns), missing) for r in rows]

    def retry(self, what: str, fn: Callable[[], Any]) -> Any:
        """Run one org call; back off and retry while the org answers REQUEST_LIMIT_EXCEEDED."""
        for attempt in range(self.retries + 1):
            try:
                return self.client.call(what, fn)
            except OrgQueryError as exc:
                if "REQUEST_LIMIT_EXCEEDED" not in str(exc):
                    raise
                if attempt == self.retries:
                    raise ApiLimitReached(
                        f"the org refused to {what}: REQUEST_LIMIT_EXCEEDED (its API request limit is used "
                        f"up) after {self.retries} retries; run `prm partners apply` again later: it "
                        "continues where this run stopped") from None
                self.sleep(2.0 ** attempt)
        raise AssertionError("unreachable")


def _errors(errors: Any) -> str:
    return "; ".join(f"{e.get('statusCode', 'ERROR')}: {e.get('message', '')}" for e in errors or [])


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
