"""Salesforce naming rules for developer (API) names, shared by every rule that checks one."""

from __future__ import annotations

import re

CUSTOM_SUFFIXES = ("__c", "__r", "__mdt", "__e")
_VALID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_NAME = 40


def api_name_problem(name: str, *, custom_suffix: str | None = None, max_length: int = MAX_NAME) -> str | None:
    """Why `name` is not a valid developer name, or None.

    With custom_suffix (e.g. '__c') the name must end in it, and the length limit
    applies to the part before it, as Salesforce counts it.
    """
    base = name
    if custom_suffix:
        if not name.endswith(custom_suffix):
            return f"must end with '{custom_suffix}'"
        base = name[: -len(custom_suffix)]
    if not base:
        return "is empty"
    if not base[0].isalpha():
        return "must start with a letter"
    if not _VALID.match(base):
        bad = sorted({c for c in base if not (c.isalnum() or c == "_") or not c.isascii()})
        return f"may contain only letters, digits and underscores (found {' '.join(repr(c) for c in bad)})"
    if "__" in base:
        return "must not contain two underscores in a row"
    if base.endswith("_"):
        return "must not end with an underscore"
    if len(base) > max_length:
        return f"is {len(base)} characters long; the limit is {max_length}"
    return None


#: Developer names of most metadata (DeveloperName, fullName) are limited to 80 characters;
#: the stricter per-type limits (40 for objects and fields, 20 for a picklist value's API
#: name...) are checked by the rules that know the type.
DEVELOPER_NAME_MAX = 80
_SUFFIX = re.compile(r"__(c|r|mdt|e|x|b|kav|Share|History|Feed)$")


def developer_name_problem(name: str, max_length: int = DEVELOPER_NAME_MAX) -> str | None:
    """The one check every generated name (a developer name and a file name) goes through:
    each part of a full name ('Lead.Deal_Reg', 'Folder/Template', 'Partner_Tier__c') must be
    a Salesforce developer name. Returns why not, or None."""
    for part in re.split(r"[./]", name):
        match = _SUFFIX.search(part)
        base = part[: match.start()] if match else part
        problem = api_name_problem(base, max_length=max_length)
        if problem:
            return problem if part == name else f"(part '{part}') {problem}"
    return None
