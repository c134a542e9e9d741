from __future__ import annotations

import json
from pathlib import Path

import pytest

from prm_builder.errors import PrmInternalError, PrmUserError
from prm_builder.metadata.layout import mdapi_path, source_path
from prm_builder.write.atomic import MANIFEST, write_tree


def test_write_removes_only_files_it_generated(tmp_path: Path) -> None:
    out = tmp_path / "force-app"
    write_tree(out, {"a/one.xml": b"1", "a/two.xml": b"2"})
    (out / "a" / "mine.txt").write_text("keep me")
    changes = write_tree(out, {"a/one.xml": b"1!"})
    assert changes.changed == [MANIFEST, "a/one.xml"] and changes.removed == ["a/two.xml"]
    assert (out / "a" / "mine.txt").read_text() == "keep me"
    assert not (out / "a" / "two.xml").exists()
    assert json.loads((out / MANIFEST).read_text())["files"] == ["a/one.xml"]


def test_stale_folders_are_pruned(tmp_path: Path) -> None:
    out = tmp_path / "o"
    write_tree(out, {"x/y/z.xml": b"1"})
    write_tree(out, {"k.xml": b"1"})
    assert not (out / "x").exists()


def test_no_staging_folders_are_left_behind(tmp_path: Path) -> None:
    write_tree(tmp_path / "o", {"k.xml": b"1"})
    write_tree(tmp_path / "o", {"k.xml": b"2"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_failed_write_leaves_the_old_tree(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "o"
    write_tree(out, {"k.xml": b"1"})

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr("prm_builder.write.atomic._swap", boom)
    with pytest.raises(PrmUserError, match="disk full"):
        write_tree(out, {"k.xml": b"2"})
    assert (out / "k.xml").read_bytes() == b"1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_tampered_manifest_cannot_delete_outside(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / MANIFEST).write_text(json.dumps({"files": ["../../etc/passwd"]}))
    with pytest.raises(PrmUserError):
        write_tree(out, {})


@pytest.mark.parametrize("name", ["../evil", "a/b", "", ".hidden", "x\x00y"])
def test_spec_values_never_become_unsafe_paths(name: str) -> None:
    with pytest.raises(PrmInternalError):
        source_path("Group", name)
    with pytest.raises(PrmInternalError):
        mdapi_path("Group", name)


def test_layout_paths() -> None:
    assert source_path("CustomField", "Account.X__c").as_posix() == "objects/Account/fields/X__c.field-meta.xml"
    assert mdapi_path("CustomField", "Account.X__c").as_posix() == "objects/Account.object"
    assert source_path("Group", "G").as_posix() == "groups/G.group-meta.xml"
    assert mdapi_path("ApexClass", "C").as_posix() == "classes/C.cls"
