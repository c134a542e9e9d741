"""External (partner) org-wide defaults of standard objects managed by the spec (issue 12,
item 12). Metadata API Developer Guide, "CustomObject": the type customizes standard objects
too, and externalSharingModel holds "the external organization-wide defaults for the
standard or custom object"."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from prm_builder import api
from tests.conftest import ROOT, TODAY, copy_program

NS = {"m": "http://soap.sforce.com/2006/04/metadata"}


def test_example_deploys_private_external_defaults_for_lead_account_opportunity() -> None:
    objects = ROOT / "force-app" / "main" / "default" / "objects"
    for obj, internal in (("Lead", "Read"), ("Account", "Read"), ("Opportunity", "Private")):
        tree = etree.parse(str(objects / obj / f"{obj}.object-meta.xml"))
        assert tree.findtext("m:externalSharingModel", namespaces=NS) == "Private", obj
        assert tree.findtext("m:sharingModel", namespaces=NS) == internal, obj


def test_unlisted_standard_objects_are_left_alone(tmp_path: Path) -> None:
    specs = copy_program("minimal", tmp_path)
    result = api.validate(specs, TODAY)
    assert result.ok and "CustomObject:Lead" not in {c.key for c in result.components}


def test_opportunity_wider_than_account_is_rejected(tmp_path: Path) -> None:
    specs = copy_program("minimal", tmp_path)
    (specs / "sharing.yml").write_text("sharing:\n  org_wide_defaults:\n"
                                       "    Account: {internal: Private, external: Private}\n"
                                       "    Opportunity: {internal: Private, external: Read}\n")
    result = api.validate(specs, TODAY)
    codes = [d.code for d in result.errors]
    assert "PRM-V300" in codes and "PRM-V221" in codes   # external Read over internal Private, too
