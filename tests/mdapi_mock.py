"""`responses` mocks of the Metadata API SOAP endpoint (deploy + checkDeployStatus), and
helpers to read back the zip a deploy sent. Shapes follow the Metadata API 63.0 WSDL
(DeployResult, DeployDetails, RunTestsResult)."""

from __future__ import annotations

import base64
import io
import zipfile

import requests
import responses
from lxml import etree

INSTANCE = "https://northwind.my.salesforce.com"
ORG_ID = "00D5e000000NwPnEAK"
ENDPOINT = f"{INSTANCE}/services/Soap/m/63.0/{ORG_ID}"
NS = "http://soap.sforce.com/2006/04/metadata"

_ENVELOPE = ('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope '
             'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="' + NS + '">'
             '<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>')


def deploy_started(process_id: str = "0Af5e00000ABCDE") -> str:
    return _ENVELOPE.format(body=f"<deployResponse><result><done>false</done><id>{process_id}</id>"
                                 f"<state>Queued</state></result></deployResponse>")


def status(state: str = "InProgress", *, done: bool = False, deployed: int = 0, total: int = 0,
           errors: int = 0, tests_done: int = 0, tests_total: int = 0, test_errors: int = 0,
           check_only: bool = False, details: str = "", detail: str = "") -> str:
    state_detail = f"<stateDetail>{detail}</stateDetail>" if detail else ""
    return _ENVELOPE.format(body=(
        "<checkDeployStatusResponse><result>"
        f"<checkOnly>{str(check_only).lower()}</checkOnly><completedDate>2026-12-02T15:00:00.000Z</completedDate>"
        f"<createdDate>2026-12-02T14:59:00.000Z</createdDate><details>{details}</details>"
        f"<done>{str(done).lower()}</done><id>0Af5e00000ABCDE</id><ignoreWarnings>true</ignoreWarnings>"
        f"<numberComponentErrors>{errors}</numberComponentErrors>"
        f"<numberComponentsDeployed>{deployed}</numberComponentsDeployed>"
        f"<numberComponentsTotal>{total}</numberComponentsTotal>"
        f"<numberTestErrors>{test_errors}</numberTestErrors><numberTestsCompleted>{tests_done}</numberTestsCompleted>"
        f"<numberTestsTotal>{tests_total}</numberTestsTotal><rollbackOnError>true</rollbackOnError>"
        f"{state_detail}<status>{state}</status><success>{str(state == 'Succeeded').lower()}</success>"
        "</result></checkDeployStatusResponse>"))


def component_failure(type_: str, full_name: str, file: str, problem: str, line: int = 0, col: int = 0) -> str:
    pos = f"<columnNumber>{col}</columnNumber><lineNumber>{line}</lineNumber>" if line else ""
    return (f"<componentFailures><changed>false</changed>{pos}<componentType>{type_}</componentType>"
            f"<created>false</created><deleted>false</deleted><fileName>{file}</fileName>"
            f"<fullName>{full_name}</fullName><problem>{problem}</problem><problemType>Error</problemType>"
            f"<success>false</success></componentFailures>")


def test_failure(cls: str, method: str, message: str, stack: str) -> str:
    return (f"<runTestResult><failures><id>01p5e000000AAAA</id><message>{message}</message>"
            f"<methodName>{method}</methodName><name>{cls}</name><namespace xsi:nil=\"true\" "
            f"xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/><stackTrace>{stack}</stackTrace>"
            f"<time>12.0</time></failures><numFailures>1</numFailures><numTestsRun>3</numTestsRun>"
            f"</runTestResult>")


def fault(code: str, message: str) -> str:
    return _ENVELOPE.format(body=f"<soapenv:Fault><faultcode>{code}</faultcode>"
                                 f"<faultstring>{message}</faultstring></soapenv:Fault>")


def add(body: str | Exception, status_code: int = 200) -> None:
    if isinstance(body, Exception):
        responses.add(responses.POST, ENDPOINT, body=body)
    else:
        responses.add(responses.POST, ENDPOINT, body=body, status=status_code, content_type="text/xml")


def success_sequence(total: int = 15, polls: int = 1) -> None:
    add(deploy_started())
    for i in range(polls):
        add(status("InProgress", deployed=i * total // max(polls, 1), total=total))
    add(status("Succeeded", done=True, deployed=total, total=total))


def deploy_calls() -> list[responses.Call]:
    return [c for c in responses.calls if c.request.headers.get("SOAPAction") == "deploy"]


def _body(call: responses.Call) -> bytes:
    body = call.request.body
    return body if isinstance(body, bytes) else body.encode()


def sent_zip(call: responses.Call) -> zipfile.ZipFile:
    root = etree.fromstring(_body(call))
    data = root.find(f".//{{{NS}}}ZipFile").text
    return zipfile.ZipFile(io.BytesIO(base64.b64decode(data)))


def deploy_option(call: responses.Call, name: str) -> str | None:
    el = etree.fromstring(_body(call)).find(f".//{{{NS}}}DeployOptions/{{{NS}}}{name}")
    return None if el is None else el.text


def package_members(zf: zipfile.ZipFile, name: str = "package.xml") -> dict[str, list[str]]:
    root = etree.fromstring(zf.read(name))
    return {t.findtext(f"{{{NS}}}name"): [m.text for m in t.findall(f"{{{NS}}}members")]
            for t in root.findall(f"{{{NS}}}types")}


NETWORK_ERROR = requests.ConnectionError("Connection reset by peer")


def retrieve_sequence(files: dict[str, bytes]) -> None:
    """retrieve -> checkStatus (done) -> checkRetrieveStatus with a zip under unpackaged/."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"unpackaged/{name}", data)
    encoded = base64.b64encode(buf.getvalue()).decode()
    add(_ENVELOPE.format(body="<retrieveResponse><result><done>false</done><id>09S5e00000XYZ</id>"
                              "<state>Queued</state></result></retrieveResponse>"))
    add(_ENVELOPE.format(body="<checkStatusResponse><result><done>true</done><id>09S5e00000XYZ</id>"
                              "<state>Completed</state></result></checkStatusResponse>"))
    add(_ENVELOPE.format(body=f"<checkRetrieveStatusResponse><result><done>true</done><id>09S5e00000XYZ</id>"
                              f"<status>Succeeded</status><success>true</success><zipFile>{encoded}</zipFile>"
                              f"</result></checkRetrieveStatusResponse>"))
