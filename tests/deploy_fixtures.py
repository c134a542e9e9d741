"""Components and a CumulusCI org for deploy tests."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

from prm_builder import api
from prm_builder.generate.component import Component
from prm_builder.generate.sharing import criteria_rule, merge_sharing_rules
from tests.conftest import ROOT, TODAY
from tests.mdapi_mock import INSTANCE, ORG_ID


def example_components() -> list[Component]:
    return api.compile_program(ROOT / "specs", TODAY).components


def metadata_components() -> list[Component]:
    """The example's components of the first step only: one deploy call."""
    return [c for c in example_components() if c.deploy_step == "metadata"]


def duplicate_rule(name: str = "Lead.Partner_Lead_Duplicate") -> Component:
    body = {"actionOnInsert": "Allow", "actionOnUpdate": "Allow", "alertText": "Possible duplicate partner lead", "description": "Warn on duplicate partner leads",
            "duplicateRuleFilter": {"booleanFilter": "1", "duplicateRuleFilterItems": [
                {"field": "LeadSource", "operation": "equals", "value": "Partner", "sortOrder": 1, "table": "Lead"}]},
            "isActive": False, "masterLabel": "Partner Lead Duplicate", "securityOption": "EnforceSharingRules",
            "sortOrder": 1}
    return Component("DuplicateRule", name, body, purpose="test", source=None,
                     deploy_step="activate-duplicate-rules")


def sharing_rules() -> list[Component]:
    rule = criteria_rule("Account", "Gold_Partners", label="Gold Partners", group="PRM_Tier_Gold",
                         criteria=[("Partner_Tier__c", "equals", "Gold")], source=None, purpose="test")
    merged, diags = merge_sharing_rules([rule])
    assert not diags
    return merged


def all_steps_components() -> list[Component]:
    return sorted(example_components() + sharing_rules() + [duplicate_rule()], key=lambda c: c.key)


def mdapi_names(components: list[Component]) -> list[str]:
    """The files an MDAPI package of these components holds (what the sent zip must list)."""
    from prm_builder.write.render import mdapi_files

    return sorted(mdapi_files(components))


def org_config(name: str = "dev", **extra: object):  # -> OrgConfig (heavy import kept local)
    from cumulusci.core.config.org_config import OrgConfig
    from cumulusci.tests.util import DummyKeychain

    config = {"instance_url": INSTANCE, "access_token": "00D!SESSION", "org_id": ORG_ID,
              "id": f"https://login.salesforce.com/id/{ORG_ID}/0055e000001AbCdEAK",
              "username": "admin@northwind.example", "org_type": "Developer Edition", "is_sandbox": False,
              "refresh_token": "REFRESH", **extra}
    org = OrgConfig(config, name, keychain=DummyKeychain())
    org.refresh_oauth_token = mock.Mock()
    return org


def project_config():
    from cumulusci.tests.util import create_project_config

    pc = create_project_config()
    pc.config["project"]["package"]["api_version"] = "63.0"
    return pc


def record_dir(tmp_path: Path) -> Path:
    return tmp_path / "records"
