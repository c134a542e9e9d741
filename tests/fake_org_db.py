"""A stateful fake org for partner operations: an in-memory database served at the real
REST endpoints simple-salesforce calls (SOQL query, sObject Collections, Bulk API 2.0
ingest, /limits), so the real client code runs and a second apply sees the first one's
writes. It enforces the platform rules the roster apply depends on:

- a partner user needs a contact of an account with IsPartner = true (otherwise the
  platform answers "Cannot create a portal user without contact" style errors);
- users need a free licence seat, a unique Username and a ProfileId;
- Account needs Name, Contact needs LastName; GroupMember and PermissionSetAssignment are unique;
- every request spends one daily API request; at zero the org answers REQUEST_LIMIT_EXCEEDED.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, urlparse

import responses

from prm_builder import API_VERSION
from tests.fake_org import BASE, INSTANCE, TOKEN, connection  # noqa: F401 - re-exported for tests

_SELECT = re.compile(r"SELECT\s+(.*?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.*))?$", re.I | re.S)
_COND = re.compile(r"^([\w.]+)\s*(=|!=|IN)\s*(.+)$", re.I | re.S)
PREFIX = {"Account": "001", "Contact": "003", "User": "005", "PermissionSetAssignment": "0Pa",
          "GroupMember": "011", "MDF_Budget__c": "a01", "PermissionSet": "0PS", "Group": "00G", "Profile": "00e"}
RELATIONS = {("User", "Contact"): ("Contact", "ContactId"), ("PermissionSetAssignment", "PermissionSet"):
             ("PermissionSet", "PermissionSetId"), ("GroupMember", "Group"): ("Group", "GroupId")}
UNIQUE = {"User": [("Username",)], "PermissionSetAssignment": [("AssigneeId", "PermissionSetId")],
          "GroupMember": [("GroupId", "UserOrGroupId")], "Account": [("PRM_Partner_Id__c",)],
          "Contact": [("PRM_Roster_Key__c",)]}
#: records per page of a query answer (the REST API's default batch size)
QUERY_PAGE = 2000
REQUIRED = {"Account": ["Name"], "Contact": ["LastName"], "User": ["Username", "LastName", "ProfileId", "Alias"],
            "MDF_Budget__c": ["Partner_Account__c", "Period_Start__c", "Period_End__c"]}


@dataclass
class OrgDb:
    tables: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    seats: int = 100
    api_remaining: int = 1_000_000
    api_max: int = 1_000_000
    #: record -> error message, to make single rows fail ("partial failure")
    reject: Callable[[str, dict[str, Any]], str | None] = lambda sobject, record: None
    #: raise a connection error on the Nth write request (a run stopped half-way)
    break_on_write: int | None = None
    writes: int = 0
    requests: int = 0
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: (object, unique key fields) -> key values (lower case) -> record id: keeps big rosters linear
    _index: dict[tuple[str, tuple[str, ...]], dict[tuple[str, ...], str]] = field(default_factory=dict)
    _active_partner_users: int = 0
    _cursors: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def _keys(self, sobject: str, keys: tuple[str, ...], record: dict[str, Any]) -> tuple[str, ...] | None:
        values = tuple(str(record.get(k) or "").lower() for k in keys)
        return values if all(values) else None

    def _reindex(self, sobject: str, record: dict[str, Any], old: dict[str, Any] | None) -> None:
        if sobject == "User":
            self._active_partner_users += self._is_partner_user(record) - self._is_partner_user(old)
        for keys in UNIQUE.get(sobject, []):
            index = self._index.setdefault((sobject, keys), {})
            if old is not None and (k := self._keys(sobject, keys, old)) is not None:
                index.pop(k, None)
            if record and (k := self._keys(sobject, keys, record)) is not None:
                index[k] = record["Id"]

    # -- data ---------------------------------------------------------------------------------
    def add(self, sobject: str, **fields: Any) -> str:
        rid = fields.pop("Id", None) or f"{PREFIX.get(sobject, 'a99')}{next(self._ids):012d}"
        self.tables.setdefault(sobject, {})[rid] = {"Id": rid, **fields}
        self._reindex(sobject, self.tables[sobject][rid], None)
        return rid

    def rows(self, sobject: str) -> list[dict[str, Any]]:
        if sobject == "UserLicense":  # seats in use are the active partner users
            used = self._partner_users()
            return [{"Id": "100000000000001", "Name": "Partner Community", "TotalLicenses": self.seats,
                     "UsedLicenses": used, "LicenseDefinitionKey": "PID_Partner_Community"}]
        return list(self.tables.get(sobject, {}).values())

    def _partner_users(self) -> int:
        return self._active_partner_users

    @staticmethod
    def _is_partner_user(record: dict[str, Any] | None) -> bool:
        return bool(record) and bool(record.get("ContactId")) and record.get("IsActive", True) is not False

    def seed_program(self, permission_sets: list[str], groups: list[str], profile: str = "Partner Community User"):
        self.add("Profile", Name=profile)
        for name in permission_sets:
            self.add("PermissionSet", Name=name)
        for name in groups:
            self.add("Group", DeveloperName=name)

    # -- HTTP ---------------------------------------------------------------------------------
    def install(self, rsps: responses.RequestsMock) -> None:
        any_url = re.compile(re.escape(INSTANCE) + r"/.*")
        for method in (responses.GET, responses.POST, responses.PATCH, responses.PUT, responses.DELETE):
            rsps.add_callback(method, any_url, callback=self._dispatch)

    def _dispatch(self, request: Any) -> tuple[int, dict, str]:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        self.requests += 1
        if self.api_remaining <= 0:
            return 403, {}, json.dumps([{"errorCode": "REQUEST_LIMIT_EXCEEDED",
                                         "message": "TotalRequests Limit exceeded."}])
        self.api_remaining -= 1
        url = urlparse(request.url)
        path = url.path.removeprefix(f"/services/data/v{API_VERSION}/")
        # A write request: every non-GET, except a Bulk job's upload and close (its POST counts).
        if request.method == "POST" or (request.method != "GET" and not path.startswith("jobs/ingest/")):
            self.writes += 1
            if self.break_on_write is not None and self.writes >= self.break_on_write:
                self.break_on_write = None
                import requests
                raise requests.exceptions.ConnectionError("connection reset by peer")
        if path == "limits/":
            return 200, {}, json.dumps({"DailyApiRequests": {"Max": self.api_max, "Remaining": self.api_remaining}})
        if path == "query/":
            return self._query(parse_qs(url.query)["q"][0])
        if path.startswith("query/"):  # the next page of a query (nextRecordsUrl)
            return self._page(path.split("/", 1)[1])
        if path.startswith("composite/sobjects"):
            return self._collection(request, path, parse_qs(url.query))
        if path.startswith("jobs/ingest"):
            return self._bulk(request, path)
        return 404, {}, json.dumps([{"errorCode": "NOT_FOUND", "message": path}])

    # -- SOQL (the subset prm asks) -----------------------------------------------------------
    def _query(self, soql: str) -> tuple[int, dict, str]:
        m = _SELECT.match(soql.strip())
        assert m, soql
        columns = [c.strip() for c in m.group(1).split(",")]
        sobject = m.group(2)
        conditions = [c.strip() for c in re.split(r"\s+AND\s+", m.group(3) or "", flags=re.I) if c.strip()]
        out = []
        for row in self.rows(sobject):
            if all(self._holds(sobject, row, c) for c in conditions):
                out.append({"attributes": {"type": sobject}, **{c: row.get(c) for c in columns}})
        cursor = f"01g{len(self._cursors) + 1:015d}"
        self._cursors[cursor] = out
        return self._page(f"{cursor}-0")

    def _page(self, locator: str) -> tuple[int, dict, str]:
        """Pages of QUERY_PAGE records, as the REST query resource answers (nextRecordsUrl)."""
        cursor, _, start = locator.rpartition("-")
        rows = self._cursors[cursor]
        first = int(start)
        page = rows[first:first + QUERY_PAGE]
        body: dict[str, Any] = {"totalSize": len(rows), "done": first + QUERY_PAGE >= len(rows), "records": page}
        if not body["done"]:
            body["nextRecordsUrl"] = f"/services/data/v{API_VERSION}/query/{cursor}-{first + QUERY_PAGE}"
        return 200, {}, json.dumps(body)

    def _value(self, sobject: str, row: dict[str, Any], path: str) -> Any:
        if "." not in path:
            return row.get(path)
        relation, rest = path.split(".", 1)
        target, key = RELATIONS[(sobject, relation)]
        parent = self.tables.get(target, {}).get(row.get(key) or "")
        return parent.get(rest) if parent else None

    def _holds(self, sobject: str, row: dict[str, Any], condition: str) -> bool:
        m = _COND.match(condition)
        assert m, condition
        path, op, raw = m.group(1), m.group(2).upper(), m.group(3).strip()
        actual = self._value(sobject, row, path)
        if op == "IN":
            wanted = {_literal(v.strip()) for v in raw.strip("()").split(",")}
            return str(actual).lower() in {str(w).lower() for w in wanted} if path == "Email" else actual in wanted
        value = _literal(raw)
        return (actual == value) if op == "=" else (actual != value)

    # -- writes -------------------------------------------------------------------------------
    def _collection(self, request: Any, path: str, query: dict) -> tuple[int, dict, str]:
        if request.method == "DELETE":
            ids = query["ids"][0].split(",")
            return 200, {}, json.dumps([self._delete(i) for i in ids])
        body = json.loads(request.body)
        parts = path.split("/")
        results = []
        for record in body["records"]:
            record = dict(record)
            sobject = record.pop("attributes")["type"]
            if request.method == "POST":
                results.append(self._save(sobject, record, None))
            elif len(parts) == 4:  # upsert: composite/sobjects/{SObject}/{ExternalIdField}
                results.append(self._upsert(sobject, parts[3], record))
            else:
                results.append(self._save(sobject, record, record.pop("Id")))
        return 200, {}, json.dumps(results)

    def _upsert(self, sobject: str, key: str, record: dict[str, Any]) -> dict[str, Any]:
        match = self._index.get((sobject, (key,)), {}).get((str(record.get(key) or "").lower(),))
        result = self._save(sobject, record, match)
        result["created"] = match is None and result["success"]
        return result

    def _save(self, sobject: str, record: dict[str, Any], rid: str | None) -> dict[str, Any]:
        def fail(code: str, message: str) -> dict[str, Any]:
            return {"id": None, "success": False, "errors": [{"statusCode": code, "message": message, "fields": []}]}

        current = self.tables.get(sobject, {}).get(rid or "", {})
        merged = {**current, **record}
        problem = self.reject(sobject, merged)
        if problem:
            return fail("FIELD_CUSTOM_VALIDATION_EXCEPTION", problem)
        missing = [f for f in REQUIRED.get(sobject, []) if not merged.get(f)]
        if missing:
            return fail("REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]")
        for keys in UNIQUE.get(sobject, []):
            values = self._keys(sobject, keys, merged)
            clash = self._index.get((sobject, keys), {}).get(values) if values else None
            if clash and clash != rid:
                return fail("DUPLICATE_VALUE", f"duplicate value found: {keys[0]} duplicates value on record "
                            f"with id: {clash}")
        if sobject == "User" and rid is None and merged.get("ContactId"):
            contact = self.tables.get("Contact", {}).get(merged.get("ContactId") or "")
            account = self.tables.get("Account", {}).get((contact or {}).get("AccountId") or "")
            if not account or not account.get("IsPartner"):
                return fail("INVALID_CROSS_REFERENCE_KEY",
                            "Cannot create a portal user without contact of a partner account")
            if self._partner_users() >= self.seats:
                return fail("LICENSE_LIMIT_EXCEEDED", "License Limit Exceeded")
            merged.setdefault("IsActive", True)
        if rid is None:
            rid = self.add(sobject, **merged)
        else:
            self._reindex(sobject, merged, self.tables[sobject][rid])
            self.tables[sobject][rid] = merged
        return {"id": rid, "success": True, "errors": []}

    def _delete(self, rid: str) -> dict[str, Any]:
        for sobject, table in self.tables.items():
            if rid in table:
                self._reindex(sobject, {}, table.pop(rid))
                return {"id": rid, "success": True, "errors": []}
        return {"id": rid, "success": False, "errors": [{"statusCode": "ENTITY_IS_DELETED", "message": "gone"}]}

    # -- Bulk API 2.0 ingest ------------------------------------------------------------------
    def _bulk(self, request: Any, path: str) -> tuple[int, dict, str]:
        parts = path.split("/")
        if request.method == "POST" and len(parts) == 2:
            body = json.loads(request.body)
            job_id = f"750{len(self._jobs) + 1:012d}"
            self._jobs[job_id] = {"id": job_id, "object": body["object"], "operation": body["operation"],
                                  "externalIdFieldName": body.get("externalIdFieldName"), "state": "Open",
                                  "rows": [], "ok": [], "failed": []}
            return 200, {}, json.dumps(self._job_info(job_id))
        job = self._jobs[parts[2]]
        if request.method == "PUT":
            text = request.body.decode() if isinstance(request.body, bytes) else request.body
            job["rows"] += list(csv.DictReader(io.StringIO(text)))
            return 201, {}, ""
        if request.method == "PATCH":
            if json.loads(request.body)["state"] == "UploadComplete":
                self._run_job(job)
            return 200, {}, json.dumps(self._job_info(job["id"]))
        if request.method == "GET" and len(parts) == 3:
            return 200, {}, json.dumps(self._job_info(job["id"]))
        if parts[3] == "successfulResults":
            return 200, {"Content-Type": "text/csv"}, _csv(["sf__Id", "sf__Created"], job["ok"])
        if parts[3] == "failedResults":
            return 200, {"Content-Type": "text/csv"}, _csv(["sf__Id", "sf__Error"], job["failed"])
        return 200, {"Content-Type": "text/csv"}, ""

    def _run_job(self, job: dict[str, Any]) -> None:
        job["state"] = "JobComplete"
        for row in job["rows"]:
            record = {k: _from_csv(v) for k, v in row.items() if v != ""}
            op = job["operation"]
            if op == "insert":
                result = self._save(job["object"], record, None)
            elif op == "upsert":
                result = self._upsert(job["object"], job["externalIdFieldName"], record)
            elif op == "delete":
                result = self._delete(record["Id"])
            else:
                result = self._save(job["object"], {k: v for k, v in record.items() if k != "Id"}, record["Id"])
            if result["success"]:
                job["ok"].append({"sf__Id": result["id"], "sf__Created": "true", **row})
            else:
                errors = result["errors"][0]
                job["failed"].append({"sf__Id": "", "sf__Error": f"{errors['statusCode']}:{errors['message']}", **row})

    def _job_info(self, job_id: str) -> dict[str, Any]:
        job = self._jobs[job_id]
        return {"id": job_id, "state": job["state"], "object": job["object"], "operation": job["operation"],
                "numberRecordsProcessed": len(job["ok"]) + len(job["failed"]),
                "numberRecordsFailed": len(job["failed"])}


def _literal(raw: str) -> Any:
    raw = raw.strip()
    if raw.startswith("'"):
        return raw[1:-1].replace("\\'", "'").replace("\\\\", "\\")
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    if raw.lower() == "null":
        return None
    return raw


def _from_csv(value: str) -> Any:
    return {"true": True, "false": False}.get(value, value)


def _csv(first: list[str], rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ",".join(first) + "\n"
    columns = first + [k for k in rows[0] if k not in first]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
