"""A fake Salesforce org for `responses`: canned records served at the real REST endpoints
simple-salesforce calls (query, Tooling API query, sObject describe), so the real
simple-salesforce code runs in tests.

The query endpoints answer by the object after FROM; a test that wants an error registers
its own response for that URL first (responses matches in registration order).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import responses

from prm_builder import API_VERSION
from prm_builder.org.connection import OrgConnection

INSTANCE = "https://northwind.my.salesforce.com"
TOKEN = "00D000000000001!AQ4AQSECRET-TOKEN-never-printed"
BASE = f"{INSTANCE}/services/data/v{API_VERSION}"
QUERY_URL = f"{BASE}/query/"
TOOLING_QUERY_URL = f"{BASE}/tooling/query/"
_FROM = re.compile(r"\bFROM\s+(\w+)", re.I)
#: simple equalities in a WHERE clause (`Type = 'Queue'`, `IsPartner = false`) the fake honours
_EQUALS = re.compile(r"\b(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|true|false)", re.I)


PERSONA_SETS = ("PRM_Channel_Manager", "PRM_Channel_Marketing", "PRM_Channel_Operations", "PRM_MDF_Finance",
                "PRM_Partner_Manager", "PRM_Partner_User", "PRM_Program_Admin")


def connection() -> OrgConnection:
    return OrgConnection(INSTANCE, TOKEN, label="test org")


@dataclass
class FakeOrg:
    #: object -> records returned by SOQL queries on it
    query: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: object -> records returned by Tooling API queries on it
    tooling: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: object -> field names its describe lists (objects not here answer 404)
    describe: dict[str, list[str]] = field(default_factory=dict)
    #: object -> (HTTP status, errorCode, message) its queries fail with
    errors: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    #: every SOQL text the org was asked, in order
    asked: list[str] = field(default_factory=list)

    def install(self, rsps: responses.RequestsMock) -> None:
        rsps.add_callback(responses.GET, QUERY_URL, callback=lambda r: self._query(r, self.query))
        rsps.add_callback(responses.GET, TOOLING_QUERY_URL, callback=lambda r: self._query(r, self.tooling))
        rsps.add_callback(responses.GET, re.compile(re.escape(BASE) + r"/sobjects/(\w+)/describe"),
                          callback=self._describe)

    def _query(self, request: Any, data: dict[str, list[dict[str, Any]]]) -> tuple[int, dict, str]:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        soql = parse_qs(urlparse(request.url).query)["q"][0]
        self.asked.append(soql)
        obj = _FROM.search(soql).group(1)  # type: ignore[union-attr]
        if obj in self.errors:
            return _error(*self.errors[obj])
        if obj not in data:
            return _error(400, "INVALID_TYPE", f"sObject type '{obj}' is not supported.")
        records = [{"attributes": {"type": obj}, **r} for r in data[obj] if _matches(soql, r)]
        return 200, {}, json.dumps({"totalSize": len(records), "done": True, "records": records})

    def _describe(self, request: Any) -> tuple[int, dict, str]:
        obj = urlparse(request.url).path.split("/")[-2]
        if obj not in self.describe:
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        fields = [{"name": f} for f in self.describe[obj]]
        return 200, {}, json.dumps({"name": obj, "fields": fields})

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "FakeOrg":
        return cls(query=data.get("query", {}), tooling=data.get("tooling", {}),
                   describe=data.get("describe", {}))


def _matches(soql: str, record: dict[str, Any]) -> bool:
    where = soql.split(" WHERE ", 1)[1] if " WHERE " in soql else ""
    for name, literal in _EQUALS.findall(where):
        if name not in record:
            continue
        value: Any = literal.lower() == "true" if literal.lower() in ("true", "false") else literal[1:-1]
        if record[name] != value:
            return False
    return True


def _error(status: int, code: str, message: str) -> tuple[int, dict, str]:
    return status, {}, json.dumps([{"errorCode": code, "message": message}])


def error_body(code: str, message: str) -> str:
    return json.dumps([{"errorCode": code, "message": message}])


#: A healthy org for the example specs (every live item passes against it).
HEALTHY: dict[str, Any] = {
    "query": {
        "UserLicense": [
            {"Name": "Partner Community", "LicenseDefinitionKey": "PID_Partner_Community", "Status": "Active",
             "TotalLicenses": 50, "UsedLicenses": 12},
            {"Name": "Salesforce", "LicenseDefinitionKey": "SFDC", "Status": "Active",
             "TotalLicenses": 20, "UsedLicenses": 18},
        ],
        "Account": [],
        "DuplicateRule": [{"DeveloperName": "Partner_Lead_Duplicates", "MasterLabel": "Partner Lead Duplicates",
                           "IsActive": True}],
        "User": [], "Group": [], "UserRole": [], "EmailTemplate": [], "GroupMember": [],
        "CronTrigger": [{"CronExpression": "0 0 2 * * ?", "State": "WAITING",
                         "NextFireTime": "2026-11-23T02:00:00.000+0000"}],
        # every persona permission set deployed and held by one active user (L10)
        "PermissionSet": [{"Name": n} for n in PERSONA_SETS],
        "PermissionSetAssignment": [{"PermissionSet": {"Name": n}, "AssigneeId": f"005{i:015d}"}
                                    for i, n in enumerate(PERSONA_SETS)],
        "Organization": [{"DefaultLeadAccess": "None", "DefaultAccountAccess": "None",
                          "DefaultOpportunityAccess": "None", "DefaultContactAccess": "ControlledByParent",
                          "DefaultCaseAccess": "None"}],
    },
    "tooling": {
        "MatchingRule": [{"DeveloperName": "Partner_Lead_Match", "MasterLabel": "Partner Lead Match",
                          "RuleStatus": "Active"}],
        # org-wide defaults as the Tooling API reports them (partner isolation: external Private)
        "EntityDefinition": [
            {"QualifiedApiName": "Account", "InternalSharingModel": "Read", "ExternalSharingModel": "Private"},
            {"QualifiedApiName": "Lead", "InternalSharingModel": "Read", "ExternalSharingModel": "Private"},
            {"QualifiedApiName": "Opportunity", "InternalSharingModel": "Private", "ExternalSharingModel": "Private"},
            {"QualifiedApiName": "Case", "InternalSharingModel": "Private", "ExternalSharingModel": "Private"},
        ],
    },
    "describe": {
        "Account": ["Id", "Name", "IsPartner", "Partner_Tier__c"],
        "Lead": ["Id", "Company", "PartnerAccountId"],
        "Opportunity": ["Id", "Name", "PartnerAccountId"],
    },
}


def healthy_for(specs_dir: Any) -> dict[str, Any]:
    """HEALTHY plus everything a program's specs rely on (org section, generated duplicate
    and matching rules, standard MDF objects): an org where every live item passes. Derived
    from the specs, so the example program can grow without this file following by hand."""
    import copy

    from prm_builder import api
    from prm_builder.checklist.live_items import _generated
    from prm_builder.checklist.registry import CheckContext
    from prm_builder.generate.mdf_standard import PRM_OBJECTS
    from tests.conftest import TODAY

    data = copy.deepcopy(HEALTHY)
    result = api.validate(specs_dir, TODAY)
    assert result.spec is not None, "healthy_for needs specs that parse"
    spec, query = result.spec, data["query"]
    inv = spec.org
    query["User"] = [{"Username": u, "IsActive": True} for u in inv.users]
    query["Group"] = [{"DeveloperName": q, "Type": "Queue"} for q in inv.queues] + \
        [{"DeveloperName": g, "Type": "Regular"} for g in inv.groups]
    query["UserRole"] = [{"DeveloperName": r} for r in inv.roles]
    query["EmailTemplate"] = [{"DeveloperName": t.split("/")[-1], "Folder": {"DeveloperName": t.split("/")[0]}}
                              for t in inv.email_templates]
    for entry in inv.fields:
        obj, _, fld = entry.partition(".")
        data["describe"].setdefault(obj, ["Id"]).append(fld)
    mdf = getattr(spec, "mdf", None)
    if mdf is not None and mdf.model == "standard":
        for obj in PRM_OBJECTS:
            data["describe"].setdefault(obj, ["Id"])
    data["describe"]["Account"].append(spec.partner_account.tier_field.api_name)
    if getattr(spec, "performance", None) is not None:
        from prm_builder.performance.catalogue import api_name

        data["describe"]["Account"].append(api_name(spec, "health_score_date"))
    ctx = CheckContext(spec, result, TODAY)
    query["DuplicateRule"] += [{"DeveloperName": n, "MasterLabel": n, "IsActive": True}
                               for n in _generated(ctx, "DuplicateRule")]
    data["tooling"]["MatchingRule"] += [{"DeveloperName": n, "MasterLabel": n, "RuleStatus": "Active"}
                                        for n in _generated(ctx, "MatchingRule")]
    # An org whose only Lead duplicate rules are the generated ones (so their sortOrder 1..n
    # is free, L09); the org's defaults are what the specs set.
    if _generated(ctx, "DuplicateRule"):
        query["DuplicateRule"] = [r for r in query["DuplicateRule"] if r["DeveloperName"] != "Partner_Lead_Duplicates"]
    for row in data["tooling"]["EntityDefinition"]:
        wanted = spec.sharing.org_wide_defaults.get(row["QualifiedApiName"])
        if wanted is not None:
            row.update(InternalSharingModel=wanted.internal, ExternalSharingModel=wanted.external)
    query["GroupMember"] = [{"Group": {"DeveloperName": g.name}, "UserOrGroupId": "005000000000000001"}
                            for g in spec.groups]
    permission_sets = sorted(c.full_name for c in result.components if c.type == "PermissionSet")
    query["PermissionSet"] = [{"Name": n} for n in permission_sets]
    query["PermissionSetAssignment"] = [{"PermissionSet": {"Name": n}, "AssigneeId": f"005{i:015d}"}
                                        for i, n in enumerate(permission_sets)]
    return data
