"""`prm build` notes are remarks on generated components (a design choice, a platform
caveat). Printing all of them on every build buries what changed, so the CLI shows a note
once: the notes shown last time are kept in .prm/build-notes.json (not committed; .prm/ is
git-ignored) and only notes not in it are printed again."""

from __future__ import annotations

import json
from pathlib import Path

NOTES_FILE = Path(".prm/build-notes.json")


def unseen_notes(notes: list[str], *, remember: bool = True, path: Path = NOTES_FILE) -> list[str]:
    """The notes not shown by an earlier build; with `remember` the current ones become the
    seen ones (a note that went away and comes back is shown again)."""
    try:
        seen = set(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        seen = set()
    if remember and set(notes) != seen:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(sorted(set(notes)), indent=1) + "\n", encoding="utf-8")
        except OSError:
            pass  # a read-only checkout: every note stays new, nothing breaks
    return [n for n in notes if n not in seen]
