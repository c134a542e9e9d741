"""Mutated programs for the robustness fuzz test and benchmarks/bench_fuzz.py.

A mutation is applied to one spec file of a real program (the example in specs/ or one of
tests/programs): structural mutations edit the YAML data (drop a key, swap in a hostile
value, duplicate or empty a list, move a value elsewhere), text mutations edit the bytes
(delete, duplicate or re-indent a line, splice in a snippet, truncate). Each mutated program
is validated and built in-process; the outcome is one of

- ``built``: valid, written;      - ``rejected``: coded diagnostics (exit 1), nothing written;
- ``internal``: anything else (an exit 2 in the CLI): a bug, which the fuzz test fails on.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from prm_builder import api
from prm_builder.errors import PrmInternalError, PrmUserError

REPO = Path(__file__).resolve().parent.parent
PROGRAMS = [REPO / "specs"] + sorted(p for p in (REPO / "tests" / "programs").iterdir() if p.is_dir())
TODAY = dt.date(2026, 6, 1)

#: values a user (or an attacker) might type anywhere
HOSTILE: list[Any] = [
    None, "", " ", 0, -1, 1, 2.5, 10**30, True, False, "yes", [], {}, [None], {"x": 1}, "x" * 300,
    "Korea, Republic of", "{!Lead.Id}", "{!$User.Email}", "a\x1bb", "\x00", "../x", "/etc/passwd", "a b",
    "1Deal-Reg__Conflict_", "Deal Reg Conflict", "N" * 256, "1e400", "inf", "nan", "-0", "2027-02-30",
    "<script>", "]]>", "&amp;", "Lead.Id", "Account.Name__c", "Gold", "Premier", "__c", "😀", "é" * 50,
    dt.date(2026, 1, 1), "0000-00-00", "PRM", "Partner Community", "CA", "US",
]
SNIPPETS = [
    "  x: [", "- &a [*a]", "key: !!int abc", "k: 2027-02-30", ": :", "\t- tab", "a: {b: c", "'", '"', "? [a]\n: b",
    "x: !!python/object/apply:os.system ['true']", "y: " + "9" * 5000, "z: .inf", "q: 1e400", "- {!Lead.Id}",
    "dup: 1\ndup: 2", "%YAML 1.1", "---", "...", "&x a: *x", "<<: {a: 1}", "n: \"\\e\"", "m: |\n  text",
]


@dataclass
class Outcome:
    kind: str  # built | rejected | internal
    detail: str = ""


def program_files(program: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(program.glob("*.yml"))}


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, prefix + (i,))
    return found


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def mutate_structure(text: str, rnd: random.Random) -> str:
    try:
        data = yaml.safe_load(text)
    except Exception:  # noqa: BLE001 - the mutator reads earlier mutations; prm's loader is under test, not this
        return text
    if not isinstance(data, (dict, list)):
        return text
    paths = [p for p in _paths(data) if p]
    if not paths:
        return text
    for _ in range(1 if rnd.random() < 0.7 else rnd.randint(2, 3)):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = rnd.choice(paths)
        parent = _get(data, path[:-1])
        key = path[-1]
        op = rnd.randrange(6) if rnd.random() < 0.5 else 1
        if op == 1 and isinstance(parent[key], str):
            # Keep the type (the program likely stays valid) so the build stage is reached.
            parent[key] = rnd.choice([v for v in HOSTILE if isinstance(v, str)] + [parent[key] + rnd.choice(
                ["\x1b", "\x7f", " & <x>", "{!x}", ",x", "'\"", "é", "\u2028", "..", "/"])])
        elif op == 0:
            del parent[key]
        elif op == 1:
            parent[key] = rnd.choice(HOSTILE)
        elif op == 2:
            parent[key] = copy.deepcopy(_get(data, rnd.choice(paths))) if rnd.random() < 0.5 else str(parent[key]) + rnd.choice(
                ["", ",", " x", "__c", "!", "{!x}"])
        elif op == 3 and isinstance(parent[key], list):
            parent[key] = parent[key] + parent[key][:1]
        elif op == 4 and isinstance(parent, dict):
            parent[rnd.choice([k for k in parent] + ["name", "rank", "label", "unknown_key"])] = copy.deepcopy(parent[key])
        elif op == 5 and isinstance(parent[key], (dict, list)):
            parent[key] = type(parent[key])()
    try:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=rnd.random() < 0.5)
    except Exception:  # noqa: BLE001
        return text


def mutate_text(text: str, rnd: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rnd.randint(1, 3)):
        i = rnd.randrange(len(lines) + 1)
        op = rnd.randrange(7)
        if op == 0 and lines:
            del lines[min(i, len(lines) - 1)]
        elif op == 1 and lines:
            lines.insert(i, lines[min(i, len(lines) - 1)])
        elif op == 2:
            lines.insert(i, rnd.choice(SNIPPETS))
        elif op == 3 and lines:
            j = min(i, len(lines) - 1)
            lines[j] = " " * rnd.choice([1, 2, 4]) + lines[j] if rnd.random() < 0.5 else lines[j].lstrip()
        elif op == 4 and lines:
            j = min(i, len(lines) - 1)
            cut = rnd.randrange(len(lines[j]) + 1)
            lines[j] = lines[j][:cut] + rnd.choice(["\x00", "\x1b", "\ufeff", "'", '"', ":", ",", "#", "*a", "&",
                                                     "{", "[", "\t", "😀", "\\"]) + lines[j][cut:]
        elif op == 5:
            text = "\n".join(lines)
            return text[: rnd.randrange(len(text) + 1)]
        elif op == 6 and lines:
            j = min(i, len(lines) - 1)
            lines[j] = lines[j].replace(":", "", 1) if rnd.random() < 0.5 else lines[j].replace("- ", "", 1)
    return "\n".join(lines)


def mutated_program(rnd: random.Random) -> tuple[str, dict[str, str]]:
    """(program name, files) with one to three files mutated."""
    program = rnd.choice(PROGRAMS)
    files = program_files(program)
    for _ in range(rnd.randint(1, 2)):
        name = rnd.choice(sorted(files))
        mutate = mutate_structure if rnd.random() < 0.6 else mutate_text
        files[name] = mutate(files[name], rnd)
    return program.name, files


def run_program(files: dict[str, str], work: Path) -> Outcome:
    """Validate and build one program in-process under work/ (emptied first)."""
    shutil.rmtree(work, ignore_errors=True)
    specs = work / "specs"
    specs.mkdir(parents=True)
    for name, text in files.items():
        (specs / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        result = api.validate(specs, TODAY)
        if not result.ok:
            if not result.errors:
                return Outcome("internal", "validation failed without an error diagnostic")
            return Outcome("rejected", result.errors[0].code)
        api.build(specs, work / "force-app", work / "mdapi", today=TODAY)
        return Outcome("built")
    except PrmUserError as exc:
        return Outcome("rejected", exc.diagnostics[0].code if exc.diagnostics else str(exc)[:80])
    except PrmInternalError as exc:
        return Outcome("internal", f"PrmInternalError: {exc}"[:300])
    except Exception as exc:  # noqa: BLE001 - every other exception is the bug we are looking for
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Outcome("internal", f"{type(exc).__name__}: {str(exc)[:150]} at {Path(where.filename).name}:{where.lineno}")
