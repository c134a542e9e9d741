"""Sections -> files: HTML pages (jinja2, autoescaped), Markdown pages, SVG files, CSS."""

from __future__ import annotations

import re
from importlib import resources
from typing import Callable

import jinja2
from markupsafe import Markup, escape

from prm_builder.docs.content import Diagram, Heading, Link, Section, Table
from prm_builder.docs.diagram import FONT, FONT_SIZE, MIN_SCALE
from prm_builder.paths import template_bytecode_cache

Files = dict[str, bytes]


CODE = re.compile(r"`([^`]+)`")


def _md(text: object) -> str:
    """Escape what Markdown would read as markup in running text. Backticks stay: they mark
    code in both formats; intraword underscores (API names) are never emphasis in CommonMark."""
    out = str(text)
    for ch in ("\\", "*", "[", "]", "<", ">"):
        out = out.replace(ch, "\\" + ch)
    return out


def _inline(text: object) -> Markup:
    """HTML-escape, then render `code` spans (the escaping happens first, so spec text stays text)."""
    return Markup(CODE.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(str(text)))))


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", "<br>")


TILES = re.compile(r'data-print-tiles="([^"]*)"')


def _tiles(diagram: Diagram) -> list[dict[str, str]]:
    """The parts a diagram prints in (see diagram.print_tiles): viewBox and size of each."""
    match = TILES.search(diagram.svg)
    parts = [p.split() for p in match.group(1).split(";")] if match and match.group(1) else []
    return [{"viewbox": " ".join(p), "width": f"{float(p[2]) * MIN_SCALE:.0f}",
             "height": f"{float(p[3]) * MIN_SCALE:.0f}", "font": FONT, "font_size": str(FONT_SIZE)} for p in parts]


#: print: the 8 pt table font's widest glyphs in CSS px, a cell's padding, the narrowest page
PRINT_CHAR_PX, PRINT_CELL_PX, PRINT_TABLE_PX = 6.6, 12.0, 660.0
#: a breakable column keeps this many characters' width (style.css: min-width 6em)
BROKEN_CHARS = 10


def _breakable(table: Table) -> set[int]:
    """The columns (print only) whose cells may break inside words: the ones with the longest
    words, as few as make the table's longest words fit the page together; words stay whole
    in every other column (and in every column of a table that fits)."""
    count = max([len(table.columns)] + [len(r) for r in table.rows])
    widest = [len(c) for c in table.columns] + [0] * (count - len(table.columns))
    for row in table.rows:
        for i, value in enumerate(row):
            text = value.text if isinstance(value, Link) else str(value)
            widest[i] = max([widest[i]] + [len(w) for w in text.split()])
    chosen: set[int] = set()
    def need() -> float:
        return sum(min(n, BROKEN_CHARS) if i in chosen else n for i, n in enumerate(widest)) * PRINT_CHAR_PX + count * PRINT_CELL_PX
    for i in sorted(range(count), key=lambda i: (-widest[i], i)):
        if need() <= PRINT_TABLE_PX:
            break
        chosen.add(i)
    return chosen


def _table_rows(table: Table, breakable: set[int], href: Callable[[Link], str]) -> Markup:
    """A table's body rows, each '\n<tr>...</tr>': built here rather than by a template macro
    per cell, which cost most of the docs' time for programs with thousands of rows."""
    out = []
    for row in table.rows:
        cells = []
        for i, value in enumerate(row):
            header = i == 0 and table.row_headers
            attrs = (' scope="row"' if header else "") + (' class="brk"' if i in breakable else "")
            inner = (f'<a href="{escape(href(value))}">{escape(value.text)}</a>' if isinstance(value, Link)
                     else _inline(value))
            tag = "th" if header else "td"
            cells.append(f"<{tag}{attrs}>{inner}</{tag}>")
        out.append("\n<tr>" + "".join(cells) + "</tr>")
    return Markup("".join(out))


def _environment(markdown: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("prm_builder.docs", "templates"),
        # HTML escapes every value (spec text is user input); Markdown has its own filter.
        autoescape=not markdown,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=template_bytecode_cache(),  # type: ignore[arg-type]
    )
    env.filters["kind"] = lambda block: type(block).__name__
    env.filters["md"] = _md
    env.filters["inline"] = _inline
    env.filters["cell"] = _md_cell
    env.filters["tiles"] = _tiles
    env.filters["breakable"] = _breakable
    env.filters["table_rows"] = _table_rows
    env.tests["link"] = lambda value: isinstance(value, Link)
    env.tests["heading"] = lambda value: isinstance(value, Heading) and bool(value.anchor)
    return env


def page_file(section_id: str) -> str:
    return f"{section_id}.html"


def html_files(sections: list[Section], program: str, origin_line: str,
               cover: tuple[tuple[str, str], ...] = ()) -> Files:
    env = _environment(markdown=False)
    template = env.get_template("page.html")
    files: Files = {}

    def render(current: str, shown: list[Section], href: Callable[[Link], str]) -> bytes:
        return template.render(title=shown[0].title if len(shown) == 1 else "Handoff documentation",
                               program=program, sections=sections, shown=shown, current=current,
                               page_href=page_file, href=href, origin_line=origin_line,
                               cover=cover).encode("utf-8")

    for section in sections:
        files[page_file(section.id)] = render(
            section.id, [section], lambda l: page_file(l.section) + (f"#{l.anchor}" if l.anchor else ""))
    # One page with everything, for printing: links stay on the page.
    files["print.html"] = render("print", sections, lambda l: f"#{l.anchor or 'section-' + l.section}")
    files["style.css"] = resources.files("prm_builder.docs").joinpath("templates/style.css").read_bytes()
    for section in sections:
        for diagram in section.diagrams:
            files[f"diagrams/{diagram.name}.svg"] = diagram.svg.encode("utf-8") + b"\n"
    return files


def markdown_files(sections: list[Section], origin_line: str) -> Files:
    template = _environment(markdown=True).get_template("page.md")
    files: Files = {}
    for section in sections:
        text = template.render(section=section, sections=sections, origin_line=origin_line,
                               href=lambda l: f"{l.section}.md" + (f"#{l.anchor}" if l.anchor else ""))
        files[f"markdown/{section.id}.md"] = _tidy(text).encode("utf-8")
    return files


def _tidy(text: str) -> str:
    """At most one blank line in a row (template whitespace), one newline at the end."""
    lines: list[str] = []
    for line in text.splitlines():
        line = line.rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    return "\n".join(lines).strip() + "\n"
