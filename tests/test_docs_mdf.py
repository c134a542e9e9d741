"""The MDF and content entitlement pages of the example program's handoff package."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree, html

from prm_builder import api
from tests.conftest import ROOT, TODAY

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mdf") / "handoff"
    api.docs(ROOT / "specs", out, as_of=TODAY, checklist=None)
    return out


def _tables(package: Path, page: str) -> list[list[list[str]]]:
    root = html.fromstring((package / page).read_bytes())
    return [[[c.text_content() for c in tr] for tr in t.cssselect("tbody tr")] for t in root.cssselect("table")]


def test_mdf_page_has_model_allocations_process_and_routes(package: Path) -> None:
    spec = api.validate(ROOT / "specs", TODAY).spec
    assert spec is not None and spec.mdf is not None
    settings, allocation, requests, claims = _tables(package, "mdf.html")[:4]
    assert settings[0][1] == "custom: MDF_Budget__c → MDF_Request__c → MDF_Claim__c"
    assert allocation == [["Gold", "yes", "50,000 USD"], ["Silver", "yes", "15,000 USD"], ["Bronze", "no", "—"]]
    assert [r[:3] for r in requests] == [["MDF Request Gold", "Gold", "2,500 USD"],
                                         ["MDF Request Silver", "Silver", "1,000 USD"]]
    assert claims[0][:2] == ["MDF Claim", "Gold, Silver"]
    svg = etree.parse(str(package / "diagrams" / "mdf-process.svg")).getroot()
    labels = {g.get("data-label") for g in svg.iter(f"{SVG}g") if g.get("data-label")}
    assert {"Budget", "Partner requests funds", "Request approved", "Partner claims", "Paid", "Request rejected",
            "Claim rejected", "Claim window closed", "Request approval: MDF Request Gold"} <= labels


def test_content_page_and_matrix_show_entitlement_with_inheritance(package: Path) -> None:
    categories, by_tier = _tables(package, "content.html")[:2]
    assert [r[0] for r in categories] == ["Sales Templates", "Brand Assets", "Campaign Kits"]
    assert by_tier == [["Gold", "yes", "Sales Templates, Brand Assets, Campaign Kits"],
                       ["Silver", "yes", "Sales Templates, Brand Assets"], ["Bronze", "yes", "Sales Templates"]]
    matrix = {r[0]: r[1:] for r in _tables(package, "tiers.html")[0]}
    assert matrix["Content: Content categories"][2] == "Sales Templates"
    assert matrix["Approval route: MDF_Request__c"] == ["MDF Request Gold (2 steps)", "MDF Request Silver (2 steps)", "—"]


def test_data_model_page_draws_the_mdf_objects(package: Path) -> None:
    svg = etree.parse(str(package / "diagrams" / "data-model.svg")).getroot()
    edges = {(p.get("data-from"), p.get("data-to")) for p in svg.iter(f"{SVG}path") if p.get("data-from")}
    assert {("MDF_Budget__c", "MDF_Request__c"), ("MDF_Request__c", "MDF_Claim__c")} <= edges
