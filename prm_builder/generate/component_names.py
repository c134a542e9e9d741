"""Every generated component's full name becomes a developer name in the org and a file
name on disk. Rules check the names users write where they know the field (with the exact
position); this pass is the one check no name escapes, whichever spec key it came from,
so an unchecked name is a coded error (PRM-V039) instead of a crash in the file layer."""

from __future__ import annotations

from typing import Iterable

from prm_builder.errors import Diagnostic
from prm_builder.generate.component import Component
from prm_builder.validate.names import developer_name_problem


#: Types whose full names are labels, not developer names ("Account-Account Layout"): only
#: their use as a file name is checked.
LABEL_NAMED_TYPES = {"Layout", "QuickAction", "Report", "Dashboard", "ReportType", "Translations"}


def _file_name_problem(name: str) -> str | None:
    if not name or len(name) > 255:
        return "is empty or longer than 255 characters"
    if ".." in name or "\\" in name or any(ord(ch) < 32 for ch in name):
        return "cannot be a file name"
    return None


def check_component_names(components: Iterable[Component]) -> list[Diagnostic]:
    out = []
    for c in components:
        if c.type in LABEL_NAMED_TYPES:
            problem = _file_name_problem(c.full_name)
        else:
            problem = developer_name_problem(c.full_name)
        if problem:
            out.append(Diagnostic(
                "PRM-V039", f"generated {c.type} name '{c.full_name[:100]}' {problem}", c.source,
                "use letters, digits and single underscores, starting with a letter (at most 80 characters)"))
    return out
