"""Spec text placed in generated Apex: always through these two functions.

PLATFORM-NOTES, "Apex from templates": a spec value in Apex source is a string literal or a
comment. Apex Developer Guide, "String": string literals are single-quoted and use
backslash escapes (\\', \\\\, \\n, \\r, \\t); a block comment ends at the first `*/`.
"""

from __future__ import annotations

_LITERAL = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def apex_string(value: object) -> str:
    """The body of an Apex string literal (without the quotes) holding `value` exactly."""
    return "".join(_LITERAL.get(ch, ch) for ch in str(value))


def apex_comment(value: object) -> str:
    """`value` safe inside a /* */ comment: no line breaks, and `*/` cannot end the comment."""
    return " ".join(str(value).split()).replace("*/", "* /")
