"""Where a package came from, without the clock: a digest of the spec files and, when
they are committed and unmodified, the last commit that changed them and its date."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from prm_builder.docs.context import Change, Origin

#: git tags marking a signed version of the specs (`git tag signed-v1 <commit>`)
SIGNED_TAGS = "signed-*"
#: at most this many commits in the change log (the rest are counted)
MAX_CHANGES = 200
from prm_builder.docs.package import spec_digest


def _git(specs_dir: Path, *args: str) -> str | None:
    """git's output, or None when git is missing or fails (then the digest alone names the specs)."""
    try:
        # --no-optional-locks: a read-only look must not take (or trip over) the index lock
        done = subprocess.run(["git", "--no-optional-locks", *args], cwd=specs_dir, capture_output=True, text=True,
                              timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def spec_commit(specs_dir: Path) -> tuple[str, str]:
    """(commit, YYYY-MM-DD) of the last commit touching specs_dir; ('', '') when the specs
    are not committed or have uncommitted changes (then no commit describes them)."""
    if _git(specs_dir, "status", "--porcelain", "--untracked-files=all", "--", ".") != "":
        return "", ""
    line = _git(specs_dir, "log", "-1", "--format=%H %cs", "--", ".") or ""
    commit, _, date = line.partition(" ")
    return (commit, date) if commit and date else ("", "")


def spec_history(specs_dir: Path, commit: str) -> tuple[str, str, tuple[Change, ...]]:
    """(history, signed tag, changes since it) for the sign-off page's change log."""
    if _git(specs_dir, "rev-parse", "--is-inside-work-tree") != "true":
        return "", "", ()
    if not commit:
        return "uncommitted", "", ()
    signed = _git(specs_dir, "describe", "--tags", "--abbrev=0", "--match", SIGNED_TAGS, commit) or ""
    span = f"{signed}..{commit}" if signed else commit
    log = _git(specs_dir, "log", f"--max-count={MAX_CHANGES}", "--format=%H%x09%cs%x09%an%x09%s", span, "--", ".")
    changes = []
    for line in (log or "").splitlines():
        parts = line.split("\t", 3)
        if len(parts) == 4:
            changes.append(Change(*parts))
    return "git", signed, tuple(changes)


def origin_of(specs_dir: Path, as_of: dt.date | None) -> Origin:
    # every file of the folder counts (the approval lock file shapes the output too)
    files = sorted(p for p in specs_dir.iterdir() if p.is_file() and not p.name.startswith(".")) \
        if specs_dir.is_dir() else []
    # The scenario files (specs/scenarios) make the UAT plan: they count too.
    scenarios = specs_dir / "scenarios"
    if scenarios.is_dir():
        files += sorted(p for p in scenarios.iterdir() if p.is_file() and not p.name.startswith("."))
    commit, _ = spec_commit(specs_dir)
    history, signed, changes = spec_history(specs_dir, commit)
    # Due dates are judged by the one rule `prm check` uses too: as of the given day, else
    # today (judging as of the spec commit let the docs certify "none overdue" on a day
    # `prm check` failed). Pass as_of to regenerate an identical package later.
    when = (as_of or dt.date.today()).isoformat()
    return Origin(specs_label=specs_dir.name or "specs", digest=spec_digest(files),
                  files=tuple(f.relative_to(specs_dir).as_posix() for f in files), commit=commit, as_of=when,
                  signed=signed, changes=changes, history=history)
