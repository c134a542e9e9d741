"""Files prm must never touch, lose or leave half-done (issue 14): symlinks in output
folders, outputs that are files, disk errors, foreign MDAPI folders, the lock file staged
with the outputs, an interrupted swap, another program's force-app/, the umask, docs
independent of the working directory, Ctrl-C — and a rebuild with no change writes nothing."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prm_builder import api
from prm_builder.errors import PrmUserError
from prm_builder.write import atomic
from prm_builder.write.atomic import MANIFEST, Transaction, recover, write_tree
from tests.conftest import ROOT, TODAY, copy_program, run_prm


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _build(project: Path, **kw) -> api.BuildResult:
    return api.build(project / "specs", project / "force-app", project / "build" / "mdapi", today=TODAY, **kw)


def _change_a_spec(project: Path) -> None:
    tiers = project / "specs" / "tiers.yml"
    tiers.write_text(tiers.read_text().replace("annual_revenue: 500000", "annual_revenue: 600000"))


@pytest.fixture
def built(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    copy_program("minimal", tmp_path)
    _build(tmp_path)
    return tmp_path


# --- symbolic links ---------------------------------------------------------------------

def test_a_manifest_entry_behind_a_symlink_never_deletes_outside(built: Path) -> None:
    outside = built / "outside"
    (outside / "groups").mkdir(parents=True)
    victim = outside / "groups" / "Victim.group-meta.xml"
    victim.write_text("not prm's")
    default = built / "force-app" / "main" / "default"
    shutil.rmtree(default / "groups")
    (default / "groups").symlink_to(outside / "groups")
    manifest = (built / "force-app" / MANIFEST).read_text()
    (built / "force-app" / MANIFEST).write_text(manifest.replace('"files": [', '"files": [\n    "main/default/groups/Victim.group-meta.xml",'))
    with pytest.raises(PrmUserError, match="symbolic link"):
        _build(built)
    assert victim.read_text() == "not prm's"


def test_a_symlinked_subfolder_never_receives_output(built: Path) -> None:
    outside = built / "outside"
    outside.mkdir()
    default = built / "force-app" / "main" / "default"
    shutil.rmtree(default / "objects")
    (default / "objects").symlink_to(outside)
    with pytest.raises(PrmUserError, match="symbolic link"):
        _build(built)
    assert list(outside.iterdir()) == []


def test_an_output_folder_that_is_a_symlink_is_refused(built: Path) -> None:
    real = built / "real-force-app"
    (built / "force-app").rename(real)
    (built / "force-app").symlink_to(real)
    before = _snapshot(real)
    with pytest.raises(PrmUserError, match="symbolic link"):
        _build(built)
    assert _snapshot(real) == before and (built / "force-app").is_symlink()


# --- outputs that are files, disk errors ------------------------------------------------------

@pytest.mark.parametrize("option", ["--out", "--mdapi-out"])
def test_an_output_naming_a_file_exits_1_and_keeps_the_file(project: Path, option: str) -> None:
    (project / "notes.txt").write_text("mine")
    result = run_prm("build", option, "notes.txt", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "is a file, not a folder" in result.stderr
    assert (project / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in project.iterdir()) == ["notes.txt", "specs"]


@pytest.mark.parametrize(("code", "words"), [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only"),
                                              (errno.EACCES, "permissions")])
def test_disk_errors_exit_1_with_the_reason_and_change_nothing(built: Path, monkeypatch, code: int,
                                                               words: str) -> None:
    _change_a_spec(built)  # so there is something to write
    before = _snapshot(built)

    def fail(path: str, data: bytes) -> None:
        raise OSError(code, os.strerror(code), path)

    monkeypatch.setattr(atomic, "_write_new", fail)  # where every output file is written
    with pytest.raises(PrmUserError, match=words):
        _build(built)
    monkeypatch.undo()
    assert _snapshot(built) == before
    assert not [p for p in built.rglob(".*prm-new*")]


def test_cli_disk_error_is_exit_1_not_2(project: Path) -> None:
    # A read-only place for the output: /proc cannot hold folders (even for root).
    result = run_prm("build", "--mdapi-out", "/proc/prm-mdapi", cwd=project)
    assert result.returncode == 1, result.stderr
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


# --- folders prm did not create ----------------------------------------------------------------

@pytest.mark.parametrize("check", [False, True])
def test_mdapi_out_never_replaces_a_folder_prm_did_not_create(built: Path, check: bool) -> None:
    home = built / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents" / "thesis.txt").write_text("years of work")
    (home / ".bashrc").write_text("alias x=y")
    before = _snapshot(home)
    with pytest.raises(PrmUserError, match="did not write"):
        api.build(built / "specs", built / "force-app", home, today=TODAY, check=check)
    assert _snapshot(home) == before


def test_mdapi_out_replaces_its_own_folder_and_an_empty_one(built: Path) -> None:
    (built / "empty").mkdir()
    _build(built)  # build/mdapi: created by prm (owner file beside it)
    api.build(built / "specs", built / "force-app", built / "empty", today=TODAY)
    assert (built / "empty" / "package.xml").is_file()
    assert not (built / "empty" / MANIFEST).exists(), "the MDAPI package holds only metadata"


def test_another_programs_force_app_is_replaced_only_with_force(built: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    copy_program("mdf_standard", other)
    (other / "specs" / "program.yml").write_text(
        (other / "specs" / "program.yml").read_text().replace("name: ", "name: Other ", 1))
    before = _snapshot(built / "force-app")
    with pytest.raises(PrmUserError, match="--force"):
        api.build(other / "specs", built / "force-app", built / "build" / "mdapi", today=TODAY)
    assert _snapshot(built / "force-app") == before
    api.build(other / "specs", built / "force-app", built / "build" / "mdapi", today=TODAY, force=True)
    assert _snapshot(built / "force-app") != before


# --- the lock file is staged with the outputs ------------------------------------------------

def test_an_unwritable_lock_file_leaves_every_output_as_it_was(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    specs = shutil.copytree(ROOT / "specs", tmp_path / "specs")
    (specs / "prm.lock.json").unlink()  # the build must write a new one
    (specs / ".prm.lock.json.prm-new").mkdir()  # ...and cannot: its temp path is a folder
    with pytest.raises(PrmUserError, match="prm.lock.json"):
        _build(tmp_path)
    assert not (tmp_path / "force-app").exists() and not (tmp_path / "build" / "mdapi").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["specs"]


# --- interrupted swap -----------------------------------------------------------------------

def _interrupt_between_the_renames(project: Path, monkeypatch) -> None:
    """Run a build that dies (like a kill: no clean-up) right after force-app/ was moved aside."""
    real_rename = os.rename

    class Killed(BaseException):
        pass

    def rename(src, dst):  # noqa: ANN001
        real_rename(src, dst)
        if str(dst).endswith(".force-app.prm-old"):
            raise Killed()

    monkeypatch.setattr(atomic.os, "rename", rename)
    monkeypatch.setattr(atomic.shutil, "rmtree", lambda *a, **k: None)  # a killed process cleans nothing
    monkeypatch.setattr(Transaction, "abort", lambda self: None)
    monkeypatch.setattr(atomic, "_swap", _swap_without_rollback)
    with pytest.raises(Killed):
        _build(project)
    monkeypatch.undo()


def _swap_without_rollback(staging: Path, target: Path) -> None:
    old = atomic._old(target)
    os.rename(target, old)
    os.rename(staging, target)


def test_the_next_build_finishes_an_interrupted_swap(built: Path, monkeypatch) -> None:
    _change_a_spec(built)
    _interrupt_between_the_renames(built, monkeypatch)
    assert not (built / "force-app").exists()  # the state a kill leaves
    assert (built / ".force-app.prm-old").is_dir() and (built / ".force-app.prm-new").is_dir()
    result = _build(built)
    assert (built / "force-app" / MANIFEST).is_file() and result.source_changes.clean
    assert sorted(p.name for p in built.iterdir()) == ["build", "force-app", "specs"]


def test_recover_rolls_back_when_no_complete_new_tree_exists(tmp_path: Path) -> None:
    write_tree(tmp_path / "out", {"a.xml": b"1"})
    os.rename(tmp_path / "out", tmp_path / ".out.prm-old")
    recover(tmp_path / "out")
    assert (tmp_path / "out" / "a.xml").read_bytes() == b"1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_recover_drops_a_half_staged_tree(tmp_path: Path) -> None:
    write_tree(tmp_path / "out", {"a.xml": b"1"})
    (tmp_path / ".out.prm-new").mkdir()
    (tmp_path / ".out.prm-new" / "half.xml").write_text("x")
    write_tree(tmp_path / "out", {"a.xml": b"2"})
    assert (tmp_path / "out" / "a.xml").read_bytes() == b"2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# --- umask, no-change builds, docs ---------------------------------------------------------

def test_output_folders_honour_the_umask(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    copy_program("minimal", tmp_path)
    old = os.umask(0o027)
    try:
        _build(tmp_path)
    finally:
        os.umask(old)
    for folder in (tmp_path / "force-app", tmp_path / "build" / "mdapi", tmp_path / "force-app" / "main"):
        assert folder.stat().st_mode & 0o777 == 0o750, folder


def test_a_rebuild_with_no_change_writes_nothing(built: Path, monkeypatch) -> None:
    folders = [built / "force-app", built / "build" / "mdapi"]
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for f in folders for p in [f, *f.rglob("*")]}
    writes: list[str] = []
    real_mkdir = os.mkdir
    monkeypatch.setattr(atomic.os, "mkdir", lambda p, *a: (writes.append(str(p)), real_mkdir(p, *a)))
    result = _build(built)
    assert result.source_changes.clean and result.mdapi_changes.clean
    assert writes == []
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for f in folders for p in [f, *f.rglob("*")]}
    assert after == before


def test_a_rebuild_with_one_change_rewrites_only_that_file(built: Path) -> None:
    default = built / "force-app" / "main" / "default"
    inodes = {p: p.stat().st_ino for p in default.rglob("*") if p.is_file()}
    _change_a_spec(built)
    result = _build(built)
    changed = {f"main/default/{p.relative_to(default).as_posix()}" for p in inodes
               if p.exists() and p.stat().st_ino != inodes[p]}
    assert changed == set(result.source_changes.changed) - {MANIFEST} and changed


def test_docs_do_not_depend_on_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    copy_program("minimal", tmp_path / "project")
    outputs = []
    for cwd in (tmp_path / "project", tmp_path):
        monkeypatch.chdir(cwd)
        out = tmp_path / f"docs-{len(outputs)}"
        result = api.docs(tmp_path / "project" / "specs", out, as_of=TODAY)
        outputs.append({k: v for k, v in result.files.items()})
    assert outputs[0] == outputs[1]
    assert any(b"specs/tiers.yml" in data for data in outputs[0].values())


# --- Ctrl-C ----------------------------------------------------------------------------------

def test_ctrl_c_is_one_line_and_exit_130_at_any_moment(tmp_path: Path) -> None:
    # From while modules import to while the command runs (docs of the example: ~1 s).
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    interrupted = 0
    for delay in (0.1, 0.25, 0.4, 0.55, 0.7):
        proc = subprocess.Popen([sys.executable, "-m", "prm_builder", "docs", "--as-of", TODAY.isoformat()],
                                cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        if proc.returncode == 0 or (proc.returncode == -signal.SIGINT and not err):
            continue  # finished before the signal arrived, or it arrived before Python started
        assert (proc.returncode, err) == (130, "interrupted\n"), f"after {delay} s"
        interrupted += 1
    assert interrupted >= 3


# --- the one developer-name check every generated name goes through ------------------------------

def test_every_generated_name_goes_through_the_developer_name_check() -> None:
    from prm_builder.generate.component import Component
    from prm_builder.generate.component_names import check_component_names

    def codes(type_name: str, name: str) -> list[str]:
        return [d.code for d in check_component_names([Component(type_name, name, {}, "", None)])]

    assert codes("DuplicateRule", "Lead.Deal_Reg_Channel_Conflict") == []
    assert codes("EmailTemplate", "PRM_Deal_Registration/Deal_Reg_Approved") == []
    assert codes("CustomField", "Lead.Partner_Tier__c") == []
    for bad in ("Lead.Deal Reg Conflict", "Lead.1Deal-Reg__Conflict_", "Lead." + "D" * 81, "../x", "a b/T"):
        assert codes("DuplicateRule" if bad.startswith("Lead") else "EmailTemplate", bad) == ["PRM-V039"], bad
    assert codes("Layout", "Account-Account Layout") == []  # layouts are named by their label


def test_mdapi_copies_of_force_app_files_are_links_and_an_edit_in_place_is_healed(project: Path) -> None:
    """Most MDAPI files repeat a force-app file byte for byte: they are hard links to it (a
    file creation is most of what writing costs). An editor saving a force-app file in place
    changes both names until the next build, which writes both anew."""
    assert run_prm("build", cwd=project).returncode == 0
    source = project / "force-app/main/default/groups/PRM_Tier_Premier.group-meta.xml"
    package = project / "build/mdapi/groups/PRM_Tier_Premier.group"
    assert source.stat().st_ino == package.stat().st_ino
    original = source.read_bytes()
    with open(source, "r+b") as file:  # in place, as VS Code saves
        file.write(original.replace(b"Premier", b"Premxer"))
    assert package.read_bytes() != original
    assert run_prm("build", cwd=project).returncode == 0
    assert source.read_bytes() == original and package.read_bytes() == original
