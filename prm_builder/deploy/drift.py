"""Drift: the org's retrieved components compared with what the specs build.

Compared as XML, not bytes: the org writes defaults and ordering of its own, so a
component counts as changed when an element the build sets is missing or different in
the org, or when the org holds a different number of entries of a repeated element the
build sets (an assignment-rule entry or a sharing rule added or removed by hand).
Elements the build never sets (platform defaults) are not drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)


@dataclass
class Drift:
    #: MDAPI paths that differ, with the first difference found
    changed: dict[str, str] = field(default_factory=dict)
    #: built but not in the org (never deployed, or deleted by hand)
    missing: list[str] = field(default_factory=list)
    same: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.changed and not self.missing

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.clean, "changed": self.changed, "missing": self.missing, "same": len(self.same)}

    def format(self) -> str:
        if self.clean:
            return f"No drift: the org matches the specs ({len(self.same)} files compared)."
        lines = [f"changed in the org  {path}: {why}" for path, why in sorted(self.changed.items())]
        lines += [f"missing in the org  {path}" for path in self.missing]
        lines.append(f"{len(self.changed)} changed, {len(self.missing)} missing, {len(self.same)} the same")
        return "\n".join(lines)


def compare(built: dict[str, bytes], org: dict[str, bytes]) -> Drift:
    drift = Drift()
    for path, ours in sorted(built.items()):
        if path == "package.xml":
            continue
        theirs = org.get(path)
        if theirs is None:
            drift.missing.append(path)
            continue
        if not _is_xml(ours):  # Apex source, email bodies: text
            if ours.strip() == theirs.strip():
                drift.same.append(path)
            else:
                drift.changed[path] = "content differs"
            continue
        why = _difference(etree.fromstring(ours, _PARSER), etree.fromstring(theirs, _PARSER), "")
        if why:
            drift.changed[path] = why
        else:
            drift.same.append(path)
    return drift


def _is_xml(data: bytes) -> bool:
    return data.lstrip().startswith(b"<")


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _difference(ours: etree._Element, theirs: etree._Element, where: str) -> str:
    """The first way `theirs` departs from `ours` ("" when it holds everything ours sets)."""
    here = f"{where}/{_local(ours)}"
    our_children = [c for c in ours if isinstance(c.tag, str)]
    if not our_children:
        mine, other = (ours.text or "").strip(), (theirs.text or "").strip()
        return "" if mine == other else f"{here} is '{other}' in the org, '{mine}' in the build"
    their_children: dict[str, list[etree._Element]] = {}
    for c in theirs:
        if isinstance(c.tag, str):
            their_children.setdefault(_local(c), []).append(c)
    by_tag: dict[str, list[etree._Element]] = {}
    for c in our_children:
        by_tag.setdefault(_local(c), []).append(c)
    for tag, mine in by_tag.items():
        other = their_children.get(tag, [])
        if len(mine) != len(other):
            return f"{here}/{tag}: {len(other)} in the org, {len(mine)} in the build"
        for a, b in zip(mine, other):
            why = _difference(a, b, here)
            if why:
                return why
    return ""
