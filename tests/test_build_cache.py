"""The build cache (prm_builder/write/cache.py): a rebuild with nothing changed is answered
without compiling, and anything that changed — a spec, prm itself, a hand-edited, deleted or
added output file, a failed build in between — makes the build compile again.

Each test tells a cache hit from a full build by `result.compiled` (None only when the cache
answered) and checks the outputs afterwards, so a cache that short-circuits wrongly fails."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.errors import PrmUserError
from prm_builder.write import cache
from tests.conftest import ROOT, TODAY, edit_spec, run_prm

GROUP = Path("force-app/main/default/groups/PRM_Tier_Premier.group-meta.xml")
MDAPI_GROUP = Path("build/mdapi/groups/PRM_Tier_Premier.group")


@pytest.fixture
def built(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal program, given a warning (PRM-V024) so there are diagnostics to report,
    built once with the cache."""
    monkeypatch.chdir(project)
    edit_spec(project / "specs" / "tiers.yml", "      deal_registration: true\n  - name: Registered",
              "      deal_registration: true\n    mdf:\n      annual_allocation: 5000\n  - name: Registered")
    first = build()
    assert first.compiled is not None and (project / ".prm" / "build-cache.json").is_file()
    assert [d.code for d in first.summary.diagnostics] == ["PRM-V024"]
    return project


def build(**options) -> api.BuildResult:
    return api.build(Path("specs"), today=TODAY, cache=True, **options)


def test_nothing_changed_is_answered_by_the_cache_and_writes_nothing(built: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in built.rglob("*") if p.is_file() and ".prm" not in p.parts}
    again = build()
    assert again.compiled is None, "a rebuild with nothing changed compiled everything"
    assert again.source_changes.clean and again.mdapi_changes.clean and not again.stale
    full = api.build(Path("specs"), today=TODAY)  # the same build without the cache
    assert again.summary.diagnostics == full.summary.diagnostics != []
    assert again.summary.notes == full.summary.notes
    assert again.summary.components == full.summary.components
    assert again.source_changes.unchanged == full.source_changes.unchanged
    assert again.mdapi_changes.unchanged == full.mdapi_changes.unchanged
    after = {p: p.stat().st_mtime_ns for p in built.rglob("*") if p.is_file() and ".prm" not in p.parts}
    assert after == before


def test_a_changed_spec_compiles(built: Path) -> None:
    edit_spec(built / "specs" / "tiers.yml", "name: Registered", "name: Member")
    result = build()
    assert result.compiled is not None
    assert (built / "force-app/main/default/groups/PRM_Tier_Member.group-meta.xml").is_file()
    assert not (built / "force-app/main/default/groups/PRM_Tier_Registered.group-meta.xml").exists()


def test_a_hand_edited_output_file_compiles_and_is_restored(built: Path) -> None:
    path = built / GROUP
    original, st = path.read_bytes(), path.stat()
    edited = original.replace(b"Premier", b"Premxer")
    assert len(edited) == len(original) and edited != original
    path.write_bytes(edited)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only ctime and bytes differ
    result = build()
    assert result.compiled is not None and result.source_changes.changed == [GROUP.relative_to("force-app").as_posix()]
    assert path.read_bytes() == original


def test_a_hand_edited_mdapi_file_compiles_and_is_restored(built: Path) -> None:
    path = built / MDAPI_GROUP
    original = path.read_bytes()
    path.write_bytes(original + b"<!-- edited -->\n")
    result = build()
    assert result.compiled is not None
    assert path.read_bytes() == original


@pytest.mark.parametrize("where", ["force-app", "mdapi", "force-app manifest"])
def test_a_deleted_output_file_compiles_and_is_restored(built: Path, where: str) -> None:
    path = built / {"force-app": GROUP, "mdapi": MDAPI_GROUP,
                    "force-app manifest": Path("force-app/.prm-manifest.json")}[where]
    original = path.read_bytes()
    path.unlink()
    assert build().compiled is not None
    assert path.read_bytes() == original


def test_a_file_added_to_the_mdapi_package_compiles(built: Path) -> None:
    """The MDAPI folder is wholly prm's: a full build replaces it, so the cache must not keep it."""
    extra = built / "build/mdapi/groups/Extra.group"
    extra.write_text("<Group/>\n")
    assert build().compiled is not None
    assert not extra.exists()


def test_a_file_added_to_force_app_is_left_alone(built: Path) -> None:
    """Files others put in force-app/ are carried over by every build: no reason to compile."""
    (built / "force-app/main/default/groups/Theirs.group-meta.xml").write_text("<Group/>\n")
    assert build().compiled is None


def test_a_touched_file_compiles_even_with_the_same_bytes(built: Path) -> None:
    """Only the exact stat the build recorded vouches for a file: no content hash is trusted
    (see the next test)."""
    path = built / GROUP
    path.write_bytes(path.read_bytes())  # e.g. a checkout: new mtime and ctime, same bytes
    assert build().compiled is not None
    assert build().compiled is None  # recorded again by the full build


def test_a_record_from_another_checkout_never_vouches(built: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A record committed to a repository (or copied with a project) must not make prm skip
    compiling: its files' inodes and ctimes are not those of the files here, even when the
    record was made for this very folder and these very bytes."""
    def key_for(project: Path) -> str:
        options = {"out": str((project / "force-app").resolve()), "mdapi": str((project / "build/mdapi").resolve()),
                   "today": TODAY.isoformat(), "org": "", "user": ""}
        return cache.build_key(project / "specs", options)

    assert key_for(built) == json.loads((built / ".prm/build-cache.json").read_text())["key"]  # the recipe is right
    other = tmp_path / "clone"
    shutil.copytree(built, other, symlinks=True)  # same bytes, new inodes and ctimes
    monkeypatch.chdir(other)
    record = json.loads((other / ".prm/build-cache.json").read_text())
    record["key"] = key_for(other)  # as an attacker predicting the path would
    (other / ".prm/build-cache.json").write_text(json.dumps(record))
    assert build().compiled is not None


def test_a_changed_prm_compiles(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_package = tmp_path / "fake_prm"
    fake_package.mkdir()
    (fake_package / "serializer.py").write_text("VERSION = 1\n")
    monkeypatch.setattr(cache, "_PACKAGE_DIRS", (fake_package,))
    assert build().compiled is not None  # prm's code is not what the record was made with
    assert build().compiled is None
    (fake_package / "serializer.py").write_text("VERSION = 2\n")
    assert build().compiled is not None


@pytest.mark.parametrize("option", [{"today": TODAY.replace(day=23)}, {"org_alias": "qa"}])
def test_other_build_options_compile(built: Path, option: dict) -> None:
    assert api.build(Path("specs"), cache=True, **{"today": TODAY, **option}).compiled is not None


def test_a_failed_build_leaves_no_record(built: Path) -> None:
    tiers = built / "specs" / "tiers.yml"
    good = tiers.read_text()
    tiers.write_text(good.replace("rank: 3", "rank: many"))
    with pytest.raises(PrmUserError):
        build()
    assert not (built / ".prm" / "build-cache.json").exists()
    tiers.write_text(good)  # back to the specs of the recorded build
    assert build().compiled is not None


def test_an_interrupted_build_compiles(built: Path) -> None:
    (built / ".force-app.prm-new").mkdir()
    assert build().compiled is not None
    assert not (built / ".force-app.prm-new").exists()


def test_an_unreadable_record_compiles(built: Path) -> None:
    (built / ".prm" / "build-cache.json").write_text("{not json")
    assert build().compiled is not None
    assert build().compiled is None


def test_check_sees_a_hand_edit_the_cache_recorded_as_clean(built: Path) -> None:
    """`prm build --check` consults the cache too, so it must not trust it blindly."""
    assert run_prm("build", "--check", cwd=built).returncode == 0
    path = built / GROUP
    st = path.stat()
    path.write_bytes(path.read_bytes().replace(b"Premier", b"Premxer"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    proc = run_prm("build", "--check", cwd=built)
    assert proc.returncode == 1 and "stale" in proc.stdout, proc.stdout + proc.stderr


def test_cli_cached_build_reports_the_warnings(built: Path) -> None:
    first = json.loads(run_prm("build", "--json", "--no-cache", cwd=built).stdout)
    again = json.loads(run_prm("build", "--json", cwd=built).stdout)
    assert (first["result"]["cached"], again["result"]["cached"]) == (False, True)
    assert again["ok"] and again["diagnostics"] == first["diagnostics"] != []
    assert {k: v for k, v in again["result"].items() if k != "cached"} == \
        {k: v for k, v in first["result"].items() if k != "cached"}
    text = run_prm("build", cwd=built)
    assert "PRM-V024" in text.stdout and "0 added, 0 changed, 0 removed" in text.stdout


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_compiled_templates_are_kept_and_a_broken_one_is_compiled_again(project: Path) -> None:
    """The CLI keeps compiled Jinja templates (Apex, email, docs) in prm's own package (never
    in the project); what they render is the same from a fresh compile, a kept one, or a
    damaged cache file."""
    from prm_builder.paths import PACKAGE_TEMPLATE_CACHE

    writes_bytecode = {"PYTHONDONTWRITEBYTECODE": ""}  # an empty value: bytecode (and templates) kept
    shutil.rmtree(PACKAGE_TEMPLATE_CACHE, ignore_errors=True)
    assert run_prm("build", cwd=project, env=writes_bytecode).returncode == 0
    first = _tree(project / "force-app")
    assert not (project / ".prm" / "templates").exists()
    kept = list(PACKAGE_TEMPLATE_CACHE.iterdir())
    assert kept, "no compiled template was kept"
    for file in kept:
        file.write_bytes(b"not a jinja bytecode file")
    shutil.rmtree(project / "force-app")
    assert run_prm("build", cwd=project, env=writes_bytecode).returncode == 0
    assert _tree(project / "force-app") == first
    shutil.rmtree(project / "force-app")
    assert run_prm("build", cwd=project, env=writes_bytecode).returncode == 0  # from the re-written files
    assert _tree(project / "force-app") == first


def test_a_build_that_writes_the_lock_file_is_cached_with_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build rewrites specs/prm.lock.json when it is stale: the record's key is that of
    the specs as the build left them, so the next build is answered from the cache."""
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    lock = tmp_path / "specs" / "prm.lock.json"
    assert lock.is_file()
    lock.unlink()
    first = build()
    assert first.compiled is not None and first.summary.lock_stale and lock.is_file()
    again = build()
    assert again.compiled is None and not again.summary.lock_stale and not again.stale
    lock.write_text(lock.read_text().replace('"version": 1', '"version": 7', 1))
    assert build().compiled is not None  # the lock file is part of the specs
