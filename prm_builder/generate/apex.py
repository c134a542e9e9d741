"""Spec text placed in generated Apex: always through these functions.

PLATFORM-NOTES, "Apex from templates": a spec value in Apex source is a string literal or a
comment. Apex Developer Guide, "Primitive Data Types" > String: string literals are
single-quoted and use backslash escapes (\\', \\\\, \\n, \\r, \\t), a literal cannot span
lines; a block comment ends at the first `*/`.
"""

from __future__ import annotations

_LITERAL = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def apex_string(value: object) -> str:
    """The body of an Apex string literal (without the quotes) holding `value`: quotes,
    backslashes and line breaks escaped, other control characters dropped (no valid value
    holds them)."""
    out = []
    for ch in str(value):
        if ch in _LITERAL:
            out.append(_LITERAL[ch])
        elif ch >= " " and ch != "\x7f":
            out.append(ch)
    return "".join(out)


def apex_literal(value: object | None) -> str:
    """A whole Apex string literal, quotes included, or `null`."""
    return "null" if value is None else f"'{apex_string(value)}'"


def apex_comment(value: object) -> str:
    """`value` safe inside a /* */ comment: on one line, and no `*/` that would end the
    comment early (nor `/*`, which some parsers warn about)."""
    text = " ".join(str(value).split())
    while "*/" in text or "/*" in text:
        text = text.replace("*/", "* /").replace("/*", "/ *")
    return text
