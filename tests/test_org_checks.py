"""`prm check` against an org: the real simple-salesforce code talks to `responses` mocks
of the real REST endpoints; failures come back as clear messages, never a traceback, and
the access token never appears in any output."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import requests
import responses
from lxml import etree

from prm_builder import api, cli
from prm_builder.org import OrgConnection, OrgUnavailable, from_cumulusci, from_env
from tests import fake_org
from tests.conftest import ROOT, TODAY

SPECS = ROOT / "specs"


def _fake(**changes) -> fake_org.FakeOrg:
    """An org where every live item passes for the example specs, with `changes` applied."""
    fake = fake_org.FakeOrg.from_data(fake_org.healthy_for(SPECS))
    for name, value in changes.items():
        setattr(fake, name, value)
    return fake


@responses.activate
def test_example_specs_against_a_healthy_org_pass_every_live_item() -> None:
    fake = _fake()
    fake.install(responses.mock)
    report = api.check(SPECS, org=fake_org.connection(), today=TODAY)
    live = [i for i in report.items if i.live]
    assert [i.id for i in live] == ["L01", "L02", "L03", "L04", "L05", "L06", "L07", "L08", "L09", "L10",
                                    "L11", "L13", "L14"]
    # L08 (Default Workflow User) cannot be read through any API: a human confirms it.
    assert all(i.status.value == "pass" for i in live if i.id != "L08"), report.format()
    assert report.item("L08").status.value == "manual"
    assert report.org == {"label": "test org", "instance_url": fake_org.INSTANCE}
    # The questions went to the REST query endpoint, MatchingRule to the Tooling API.
    assert any("FROM UserLicense" in q for q in fake.asked)
    tooling = [c.request.url for c in responses.calls if "/tooling/query/" in c.request.url]
    assert tooling and "MatchingRule" in tooling[0]


@responses.activate
def test_expired_session_stops_the_run_with_a_clear_message() -> None:
    _fake(errors={"UserLicense": (401, "INVALID_SESSION_ID", "Session expired or invalid")}).install(responses.mock)
    with pytest.raises(OrgUnavailable) as info:
        api.check(SPECS, org=fake_org.connection(), today=TODAY)
    message = str(info.value)
    assert "session has expired" in message and "INVALID_SESSION_ID" in message
    assert fake_org.TOKEN not in message


@responses.activate
def test_missing_permission_fails_only_that_item() -> None:
    _fake(errors={"UserLicense": (403, "INSUFFICIENT_ACCESS", "insufficient access rights on object")}
          ).install(responses.mock)
    report = api.check(SPECS, org=fake_org.connection(), today=TODAY)
    l01 = report.item("L01")
    assert l01.status.value == "fail" and l01.detail.startswith("could not verify: permission denied")
    assert "INSUFFICIENT_ACCESS" in l01.detail
    assert report.item("L02").status.value == "pass"
    assert not report.ok


@responses.activate
def test_field_not_found_fails_the_item_with_salesforces_message() -> None:
    _fake(errors={"Account": (400, "INVALID_FIELD", "No such column 'Partner_Tier__c' on entity 'Account'.")}
          ).install(responses.mock)
    l02 = api.check(SPECS, org=fake_org.connection(), today=TODAY).item("L02")
    assert l02.status.value == "fail"
    assert "was rejected: INVALID_FIELD: No such column 'Partner_Tier__c'" in l02.detail


@responses.activate
def test_network_failure_stops_the_run() -> None:
    responses.add(responses.GET, fake_org.QUERY_URL, body=requests.ConnectionError("connection refused"))
    with pytest.raises(OrgUnavailable, match="cannot reach northwind.my.salesforce.com"):
        api.check(SPECS, org=fake_org.connection(), today=TODAY)


@responses.activate
def test_server_error_fails_the_item() -> None:
    responses.add(responses.GET, fake_org.TOOLING_QUERY_URL, status=503, body="Service Unavailable")
    _fake().install(responses.mock)
    l03 = api.check(SPECS, org=fake_org.connection(), today=TODAY).item("L03")
    assert l03.status.value == "fail" and "HTTP 503" in l03.detail


def test_connection_hides_the_token_and_wants_https() -> None:
    conn = fake_org.connection()
    assert fake_org.TOKEN not in repr(conn) and fake_org.TOKEN not in json.dumps(conn.to_json())
    with pytest.raises(OrgUnavailable, match="not an https:// URL"):
        OrgConnection("http://example.com", "t")


def test_from_env_reads_instance_url_and_token() -> None:
    conn = from_env({"SF_INSTANCE_URL": fake_org.INSTANCE + "/", "SF_ACCESS_TOKEN": fake_org.TOKEN})
    assert (conn.instance_url, conn.access_token) == (fake_org.INSTANCE, fake_org.TOKEN)
    with pytest.raises(OrgUnavailable, match="needs SF_ACCESS_TOKEN"):
        from_env({"SF_INSTANCE_URL": fake_org.INSTANCE})


# --- the CLI, in process (so responses can intercept its HTTP) ---------------------------

def _run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["prm", *args])
    with pytest.raises(SystemExit) as info:
        cli.main()
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


@pytest.fixture
def env_org(monkeypatch) -> None:
    monkeypatch.setenv("SF_INSTANCE_URL", fake_org.INSTANCE)
    monkeypatch.setenv("SF_ACCESS_TOKEN", fake_org.TOKEN)
    monkeypatch.chdir(ROOT)


@responses.activate
def test_cli_check_org_from_env_prints_table_json_and_junit(env_org, monkeypatch, capsys, tmp_path: Path) -> None:
    _fake().install(responses.mock)
    code, out, err = _run_cli(monkeypatch, capsys, "check", "--org-from-env", "--today", TODAY.isoformat())
    assert code == 0, out + err
    assert "L01  PASS    Partner licenses present with seats available" in out
    assert "org SF_INSTANCE_URL (https://northwind.my.salesforce.com)" in out

    junit = tmp_path / "reports" / "prm-check.xml"
    code, out, err = _run_cli(monkeypatch, capsys, "check", "--org-from-env", "--json", "--junit", str(junit),
                              "--today", TODAY.isoformat())
    payload = json.loads(out)
    assert code == 0 and payload["ok"] and {i["id"] for i in payload["result"]["items"] if i["live"]} >= {"L01", "L05"}
    assert junit.read_bytes().startswith(b"<?xml") and b'name="L03 ' in junit.read_bytes()
    for text in (out, err, junit.read_text()):
        assert fake_org.TOKEN not in text


@responses.activate
def test_cli_exits_1_when_an_org_item_fails(env_org, monkeypatch, capsys) -> None:
    fake = _fake()
    fake.query["Account"] = [{"Id": "001B", "Name": "Fabrikam", "Partner_Tier__c": "Gold", "IsPartner": False}]
    fake.install(responses.mock)
    code, out, _ = _run_cli(monkeypatch, capsys, "check", "--org-from-env", "--today", TODAY.isoformat())
    assert code == 1
    assert "L02  FAIL" in out and "Fabrikam (001B, tier Gold)" in out and "NOT READY" in out


@responses.activate
def test_cli_expired_session_is_a_message_not_a_traceback(env_org, monkeypatch, capsys) -> None:
    _fake(errors={"UserLicense": (401, "INVALID_SESSION_ID", "Session expired or invalid")}).install(responses.mock)
    code, out, err = _run_cli(monkeypatch, capsys, "check", "--org-from-env", "--today", TODAY.isoformat())
    assert code == 1
    assert err.startswith("error: SF_INSTANCE_URL: the session has expired")
    assert "Traceback" not in err and fake_org.TOKEN not in out + err


@responses.activate
def test_cli_expired_session_still_gives_ci_a_failing_junit_and_json(env_org, monkeypatch, capsys,
                                                                     tmp_path: Path) -> None:
    _fake(errors={"UserLicense": (401, "INVALID_SESSION_ID", "Session expired or invalid")}).install(responses.mock)
    junit = tmp_path / "reports" / "prm-check.xml"
    code, out, err = _run_cli(monkeypatch, capsys, "check", "--org-from-env", "--json", "--junit", str(junit),
                              "--today", TODAY.isoformat())
    assert code == 1
    payload = json.loads(out)
    assert payload["ok"] is False and "session has expired" in payload["error"]["message"]
    root = etree.fromstring(junit.read_bytes())
    assert root.get("errors") == "1"
    assert "session has expired" in root.find("testsuite/testcase/error").get("message")
    for text in (out, err, junit.read_text()):
        assert fake_org.TOKEN not in text


def test_cli_rejects_two_org_sources(env_org, monkeypatch, capsys) -> None:
    code, _, err = _run_cli(monkeypatch, capsys, "check", "--org", "dev", "--org-from-env")
    assert code == 1 and "either --org NAME or --org-from-env" in err


# --- CumulusCI's keychain -------------------------------------------------------------

class _ConnectedApp:
    client_id = "3MVG9-test-client"
    client_secret = "test-client-secret"


class _Keychain:
    """Stands in for CumulusCI's encrypted keychain; the OrgConfig it returns is CumulusCI's own."""

    def __init__(self, orgs: dict) -> None:
        self.orgs = orgs

    def get_org(self, name: str):
        from cumulusci.core.exceptions import OrgNotFound

        if name not in self.orgs:
            raise OrgNotFound(f"Org named {name} was not found in keychain")
        return self.orgs[name]

    def get_service(self, service_type: str, alias=None):
        return _ConnectedApp()


class _Runtime:
    def __init__(self, keychain: _Keychain) -> None:
        self.keychain = keychain


def _cci_runtime() -> _Runtime:
    from cumulusci.core.config import OrgConfig

    org_config = OrgConfig({"instance_url": fake_org.INSTANCE, "access_token": "expired-token",
                            "refresh_token": "REFRESH-secret", "username": "admin@northwind.example",
                            "id": "https://login.salesforce.com/id/00D000000000001EAA/005000000000001AAA"},
                           "dev")
    return _Runtime(_Keychain({"dev": org_config}))


@responses.activate
def test_org_from_the_cumulusci_keychain_gets_a_fresh_token() -> None:
    # CumulusCI's refresh: OAuth token endpoint, userinfo, API versions, Organization record.
    responses.add(responses.POST, f"{fake_org.INSTANCE}/services/oauth2/token",
                  json={"access_token": fake_org.TOKEN, "instance_url": fake_org.INSTANCE,
                        "id": "https://login.salesforce.com/id/00D000000000001EAA/005000000000001AAA"})
    responses.add(responses.GET, f"{fake_org.INSTANCE}/services/oauth2/userinfo",
                  json={"preferred_username": "admin@northwind.example"})
    responses.add(responses.GET, f"{fake_org.INSTANCE}/services/data", json=[{"version": "63.0"}])
    responses.add(responses.GET, f"{fake_org.INSTANCE}/services/data/v63.0/sobjects/Organization/00D000000000001EAA",
                  json={"OrganizationType": "Developer Edition", "IsSandbox": False, "InstanceName": "NA1",
                        "NamespacePrefix": None})
    conn = from_cumulusci("dev", runtime=_cci_runtime())
    assert (conn.instance_url, conn.access_token, conn.label) == (fake_org.INSTANCE, fake_org.TOKEN,
                                                                  "CumulusCI org 'dev'")
    token_call = responses.calls[0].request
    assert "grant_type=refresh_token" in token_call.body and "REFRESH-secret" in token_call.body


def test_unknown_cumulusci_org_says_how_to_add_it() -> None:
    with pytest.raises(OrgUnavailable, match="no org named 'prod'.*cci org connect prod"):
        from_cumulusci("prod", runtime=_cci_runtime())


@responses.activate
def test_cumulusci_refresh_failure_is_clear_and_hides_secrets() -> None:
    responses.add(responses.POST, f"{fake_org.INSTANCE}/services/oauth2/token", status=400,
                  json={"error": "invalid_grant", "error_description": "expired access/refresh token REFRESH-secret"})
    with pytest.raises(OrgUnavailable) as info:
        from_cumulusci("dev", runtime=_cci_runtime())
    message = str(info.value)
    assert message.startswith("CumulusCI could not connect to org 'dev'") and "cci org info dev" in message
    assert "REFRESH-secret" not in message
