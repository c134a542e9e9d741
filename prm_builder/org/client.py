"""Read-only access to an org through simple-salesforce: SOQL, Tooling API SOQL, describe.

Every simple-salesforce or network failure becomes an OrgUnavailable (the run cannot go
on) or an OrgQueryError (this one question cannot be answered) with a message an admin
can act on. Salesforce's error bodies are JSON lists of {"errorCode", "message"}.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar
from urllib.parse import quote

from prm_builder import API_VERSION
from prm_builder.org.connection import OrgConnection
from prm_builder.org.errors import OrgQueryError, OrgUnavailable, scrub

#: seconds per HTTP request; an org that does not answer in this time is unreachable
TIMEOUT = 60
T = TypeVar("T")


class OrgClient:
    def __init__(self, conn: OrgConnection, *, sf: Any = None) -> None:
        self.conn = conn
        self._sf = sf
        self._describes: dict[str, set[str] | None] = {}

    @property
    def sf(self) -> Any:
        if self._sf is None:
            from simple_salesforce import Salesforce

            self._sf = Salesforce(instance=self.conn.host, session_id=self.conn.access_token,
                                  version=API_VERSION)
        return self._sf

    def query(self, soql: str) -> list[dict[str, Any]]:
        """Records of a SOQL query (all pages), via /services/data/vNN/query."""
        return self._call(f"query '{soql}'", lambda: self.sf.query_all(soql, timeout=TIMEOUT)["records"])

    def tooling_query(self, soql: str) -> list[dict[str, Any]]:
        """Records of a Tooling API query (setup objects such as MatchingRule)."""
        def run() -> list[dict[str, Any]]:
            result = self.sf.toolingexecute("query/?q=" + quote(soql, safe=""), timeout=TIMEOUT)
            records = list(result.get("records", []))
            while not result.get("done", True) and result.get("nextRecordsUrl"):
                next_path = result["nextRecordsUrl"].split("/tooling/", 1)[-1]
                result = self.sf.toolingexecute(next_path, timeout=TIMEOUT)
                records += result.get("records", [])
            return records

        return self._call(f"Tooling API query '{soql}'", run)

    def field_names(self, sobject: str) -> set[str] | None:
        """Field API names of an object, or None when the object does not exist (or is not
        visible to this user)."""
        if sobject not in self._describes:
            from simple_salesforce.exceptions import SalesforceResourceNotFound

            def describe() -> set[str] | None:
                try:
                    result = self.sf.restful(f"sobjects/{quote(sobject, safe='')}/describe", timeout=TIMEOUT)
                except SalesforceResourceNotFound:
                    return None
                return {f["name"] for f in (result or {}).get("fields", [])}

            self._describes[sobject] = self._call(f"describe {sobject}", describe)
        return self._describes[sobject]

    def call(self, what: str, fn: Callable[[], T]) -> T:
        """Run one org call, turning simple-salesforce and network failures into our errors."""
        return self._call(what, fn)

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        import requests
        from simple_salesforce import exceptions as sfx

        token = self.conn.access_token
        try:
            return fn()
        except sfx.SalesforceExpiredSession as exc:
            raise OrgUnavailable(scrub(
                f"{self.conn.label or self.conn.host}: the session has expired or the access token is "
                f"invalid ({_sf_message(exc)}); get a fresh token (`cci org info NAME` refreshes a "
                "CumulusCI org; `sf org display` prints a new access token)", token)) from None
        except sfx.SalesforceRefusedRequest as exc:
            if "REQUEST_LIMIT_EXCEEDED" in _sf_message(exc):
                raise OrgQueryError(scrub(
                    f"the org refused to {what}: REQUEST_LIMIT_EXCEEDED (its daily API request limit is used "
                    "up; it is a rolling 24 hours)", token)) from None
            raise OrgQueryError(scrub(
                f"permission denied for {what}: {_sf_message(exc)}; the user needs 'View Setup and "
                "Configuration' and API access (or run the check as an admin)", token)) from None
        except sfx.SalesforceMalformedRequest as exc:
            raise OrgQueryError(scrub(f"{what} was rejected: {_sf_message(exc)}", token)) from None
        except sfx.SalesforceError as exc:
            raise OrgQueryError(scrub(f"{what} failed (HTTP {exc.status}): {_sf_message(exc)}", token)) from None
        except requests.exceptions.RequestException as exc:
            raise OrgUnavailable(scrub(
                f"cannot reach {self.conn.host} ({type(exc).__name__}); check the instance URL and "
                "the network (proxy, VPN)", token)) from None


def _sf_message(exc: Any) -> str:
    """'ERROR_CODE: message' from a Salesforce error body (a list of error objects)."""
    content = getattr(exc, "content", None)
    if isinstance(content, list) and content and isinstance(content[0], dict):
        parts = [f"{e.get('errorCode', 'ERROR')}: {' '.join(str(e.get('message', '')).split())}" for e in content]
        return "; ".join(parts)
    if isinstance(content, dict):
        return f"{content.get('error', 'ERROR')}: {content.get('error_description', content.get('message', ''))}"
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content or "")
    text = " ".join(text.split())
    return text[:200] or f"HTTP {getattr(exc, 'status', '?')}"
