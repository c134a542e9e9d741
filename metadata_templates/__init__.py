"""Bodies of verbose generated files (Apex classes, email templates) as Jinja2 templates.

A package (not loose files) so a non-editable install ships them: prm_builder loads them
through importlib.resources. Templates render with StrictUndefined: a missing value is
a bug in prm, never a silently empty string in an org.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jinja2


#: Apex string literal escapes (Apex Developer Guide, "Primitive Data Types" > String:
#: \\ \' \n \r \t are the escape sequences; a literal cannot span lines).
_APEX_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def apex_string(value: object) -> str:
    """A spec value as the body of an Apex string literal: quotes, backslashes and line
    breaks escaped, other control characters dropped (they are no valid value anyway)."""
    out = []
    for ch in str(value):
        if ch in _APEX_ESCAPES:
            out.append(_APEX_ESCAPES[ch])
        elif ch >= " " and ch != "\x7f":
            out.append(ch)
    return "".join(out)


def apex_comment(value: object) -> str:
    """A spec value inside an Apex block comment: on one line, and no `*/` that would end
    the comment early (nor `/*`, which some parsers warn about)."""
    text = " ".join(str(value).split())
    while "*/" in text or "/*" in text:
        text = text.replace("*/", "* /").replace("/*", "/ *")
    return text


@cache
def _environment() -> jinja2.Environment:
    # autoescape off: the output is Apex and plain-text email, not HTML. Apex templates
    # pass every spec value through apex_string or apex_comment.
    env = jinja2.Environment(loader=jinja2.FunctionLoader(_source), undefined=jinja2.StrictUndefined,
                             autoescape=False, keep_trailing_newline=True, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["apex_string"] = apex_string
    env.filters["apex_comment"] = apex_comment
    return env


def _source(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def render(name: str, **context: Any) -> bytes:
    """Render a template such as 'apex/DealRegistrationConverter.cls.j2' to UTF-8 bytes."""
    return _environment().get_template(name).render(**context).encode("utf-8")
