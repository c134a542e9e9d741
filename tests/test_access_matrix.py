"""The docs' persona access matrix matches what was generated (issue 12: "a test compares
the matrix with the generated permission sets and sharing"). The generated side is read
back from the written XML (force-app of the example and the golden test programs), not from
the persona model, so a generator that drifts from the model fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from prm_builder import api
from prm_builder.model.personas import PERSONAS
from prm_builder.docs.access_matrix import NOT_MANAGED, WITH_OBJECT, build_matrix
from tests.conftest import GOLDEN, PROGRAMS, ROOT, TODAY

NS = {"m": "http://soap.sforce.com/2006/04/metadata"}
CASES = [(ROOT / "specs", ROOT / "force-app")] + [
    (PROGRAMS / p.name, GOLDEN / p.name / "force-app") for p in sorted(GOLDEN.iterdir()) if p.is_dir()]


def _text(node, tag: str) -> str:
    return node.findtext(f"m:{tag}", namespaces=NS) or ""


def _read_permission_sets(force_app: Path) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """permission set -> (object -> CREDVM letters, field -> 'edit' | 'read')."""
    out = {}
    for file in sorted((force_app / "main" / "default" / "permissionsets").glob("*.permissionset-meta.xml")):
        root = etree.parse(str(file)).getroot()
        objects = {}
        for op in root.findall("m:objectPermissions", NS):
            flags = [_text(op, t) == "true" for t in
                     ("allowCreate", "allowRead", "allowEdit", "allowDelete", "viewAllRecords", "modifyAllRecords")]
            objects[_text(op, "object")] = "".join(c for c, on in zip("CREDVM", flags) if on)
        fields = {_text(fp, "field"): "edit" if _text(fp, "editable") == "true" else "read"
                  for fp in root.findall("m:fieldPermissions", NS) if _text(fp, "readable") == "true"}
        out[file.name.split(".")[0]] = (objects, fields)
    return out


def _read_defaults(force_app: Path, obj: str) -> tuple[str, str]:
    file = force_app / "main" / "default" / "objects" / obj / f"{obj}.object-meta.xml"
    if not file.is_file():
        return NOT_MANAGED, NOT_MANAGED
    root = etree.parse(str(file)).getroot()
    return (_text(root, "sharingModel") or NOT_MANAGED, _text(root, "externalSharingModel") or NOT_MANAGED)


@pytest.mark.parametrize(("specs", "force_app"), CASES, ids=[c[0].name for c in CASES])
def test_docs_matrix_equals_generated_permission_sets_and_defaults(specs: Path, force_app: Path) -> None:
    result = api.validate(specs, TODAY)
    assert result.ok
    matrix = build_matrix(result.spec, result.components)
    persona_sets = {p.permission_set for p in PERSONAS}
    # the QBR integration user's and the partner scorecard's sets are no persona's (performance)
    written = {name: access for name, access in _read_permission_sets(force_app).items() if name in persona_sets}
    assert {p.permission_set for p in matrix.personas} == set(written)
    for p in matrix.personas:
        objects, fields = written[p.permission_set]
        assert {o: row[p.key] for o, row in matrix.objects.items() if row[p.key]} == objects, p.key
        expected_fields = {f: row[p.key] for f, row in matrix.fields.items() if row[p.key] in ("edit", "read")}
        assert expected_fields == fields, p.key
    for obj in matrix.objects:
        assert matrix.defaults[obj] == _read_defaults(force_app, obj), obj


def test_matrix_shows_required_fields_as_coming_with_the_object() -> None:
    result = api.validate(ROOT / "specs", TODAY)
    matrix = build_matrix(result.spec, result.components)
    assert matrix.fields["MDF_Request__c.Requested_Amount__c"]["partner_user"] == WITH_OBJECT
    assert matrix.visibility(matrix.personas[0], "Lead") == "Private"        # partner user: external default


def test_docs_package_has_the_persona_page(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    result = api.docs(ROOT / "specs", out, as_of=TODAY, checklist=None)
    assert "personas" in result.sections
    page = next(p for p in out.rglob("*personas*.md")).read_text()
    # fields by label, their API name beside in code
    assert "PRM_Partner_User" in page and "Lead: Deal Amount `Deal_Amount__c`" in page
