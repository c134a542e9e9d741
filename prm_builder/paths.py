"""Default folders and project-root discovery. Light on purpose: the CLI imports it before
parsing arguments, so nothing here may import the pipeline."""

from __future__ import annotations

from pathlib import Path

DEFAULT_SPECS = Path("specs")
DEFAULT_OUT = Path("force-app")
DEFAULT_MDAPI = Path("build/mdapi")
DEFAULT_DOCS_OUT = Path("build/docs")
DEFAULT_RECORD_DIR = Path(".prm/deploys")

#: What marks a project root, as `sf` (sfdx-project.json) and `cci` (cumulusci.yml) look for
#: it, plus the specs folder of a project that uses neither.
ROOT_MARKERS = ("sfdx-project.json", "cumulusci.yml")


def is_project_root(folder: Path) -> bool:
    return any((folder / m).is_file() for m in ROOT_MARKERS) or (folder / DEFAULT_SPECS).is_dir()


def find_project_root(start: Path) -> Path | None:
    """The nearest folder from `start` upwards that holds sfdx-project.json, cumulusci.yml or
    specs/ (like sf and cci, which walk up to their project file); None outside a project."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if is_project_root(folder):
            return folder
    return None


#: Where compiled Jinja templates are kept between runs (None: compiled every run). The CLI
#: sets it to PACKAGE_TEMPLATE_CACHE: compiling the Apex, email and docs templates costs
#: 0.1-0.2 s a run. Jinja checks each template's source before reusing its compiled code.
TEMPLATE_CACHE: Path | None = None
#: Inside prm's own package, as Python keeps its bytecode: never in a project folder, which
#: could arrive (cloned, unpacked) holding crafted compiled templates that would run as code.
PACKAGE_TEMPLATE_CACHE = Path(__file__).resolve().parent / "__pycache__" / "templates"


def template_bytecode_cache() -> object | None:
    """A jinja2 bytecode cache in TEMPLATE_CACHE, or None (no folder set, or none can be made).
    A cache that cannot be read or written is no error: the template is compiled instead."""
    import sys

    if TEMPLATE_CACHE is None or sys.flags.dont_write_bytecode:  # PYTHONDONTWRITEBYTECODE: nor templates
        return None
    import jinja2

    class QuietCache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, ValueError, EOFError):
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    try:
        TEMPLATE_CACHE.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only checkout: templates are compiled each run
    return QuietCache(str(TEMPLATE_CACHE))
