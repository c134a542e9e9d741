from __future__ import annotations

from prm_builder.validate.codes import all_codes
from tests.regen_readme import README, render


def test_generated_readme_tables_are_current() -> None:
    text = README.read_text()
    assert render(text) == text, "README tables are stale: run `python -m tests.regen_readme`"


def test_every_code_is_documented_once_with_text() -> None:
    codes = [d.code for d in all_codes()]
    assert len(codes) == len(set(codes))
    assert all(d.doc for d in all_codes())


def _schema_keys(node: object, defs: dict, seen: frozenset[str], path: str, out: dict[str, str]) -> None:
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            _schema_keys(defs[name], defs, seen | {name}, path, out)
        return
    for key, sub in node.get("properties", {}).items():
        out.setdefault(key, f"{path}.{key}")
        _schema_keys(sub, defs, seen, f"{path}.{key}", out)
    for key in ("items", "additionalProperties"):
        _schema_keys(node.get(key), defs, seen, f"{path}[]", out)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            _schema_keys(sub, defs, seen, path, out)


def test_spec_reference_names_every_key_of_the_model() -> None:
    """Four features added sections in parallel: the README's spec reference must still
    cover every key an admin can write (the JSON Schema is the model's own list)."""
    import re

    from prm_builder import api

    schema = api.json_schema()
    keys: dict[str, str] = {}
    _schema_keys(schema, schema.get("$defs", {}), frozenset(), "", keys)
    text = README.read_text()
    reference = text[text.index("## Spec reference"):text.index("## Deploying")]
    missing = [where for key, where in sorted(keys.items())
               if not re.search(rf"(?<![A-Za-z_]){re.escape(key)}(?![A-Za-z_])", reference)]
    assert len(keys) > 100
    assert missing == [], f"README spec reference misses: {missing}"


def test_cli_reference_lists_every_visible_option() -> None:
    import typer.main

    from prm_builder.cli import app

    text = README.read_text()
    table = text[text.index("## CLI reference"):text.index("### Diagnostic codes")]
    rows = {line.split("`prm ", 1)[1].split()[0].rstrip("`"): line
            for line in table.splitlines() if line.startswith("| `prm ")}
    missing = []
    for name, command in typer.main.get_command(app).commands.items():
        options = [o for p in command.params if not getattr(p, "hidden", False) for o in p.opts if o.startswith("--")]
        missing += [f"{name} {o}" for o in options if o not in rows.get(name, "")]
    assert len(rows) >= 9 and missing == []
