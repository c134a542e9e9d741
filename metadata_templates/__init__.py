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


@cache
def _environment() -> jinja2.Environment:
    # autoescape off: the output is Apex and plain-text email, not HTML.
    from prm_builder.generate.apex import apex_comment, apex_string

    from prm_builder.paths import template_bytecode_cache

    env = jinja2.Environment(loader=jinja2.FunctionLoader(_source), undefined=jinja2.StrictUndefined,
                             autoescape=False, keep_trailing_newline=True, trim_blocks=True,
                             lstrip_blocks=True, bytecode_cache=template_bytecode_cache())
    # Apex templates put spec text only through these (PLATFORM-NOTES, "Apex from templates").
    env.filters["apex_string"] = apex_string
    env.filters["apex_comment"] = apex_comment
    return env


def _source(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def render(name: str, **context: Any) -> bytes:
    """Render a template such as 'apex/DealRegistrationConverter.cls.j2' to UTF-8 bytes."""
    return _environment().get_template(name).render(**context).encode("utf-8")
