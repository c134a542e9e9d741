"""print.html -> one PDF, printed by headless Chromium (the browser CI already installs).

Chromium lays the page out with the print stylesheet (templates/style.css): the cover,
the table of contents, numbered pages (CSS page-margin boxes, so Chromium's own header and
footer are turned off) and the PDF's outline from the headings. Nothing is downloaded: the
page is a local file and the browser runs with a fresh profile and no network services.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from prm_builder.errors import PrmUserError

#: executables tried in order; PRM_CHROMIUM names one explicitly
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell")
PAPERS = {"a4": "A4", "letter": "letter"}
TIMEOUT = 180.0


def find_chromium() -> str | None:
    explicit = os.environ.get("PRM_CHROMIUM")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def print_pdf(print_html: Path, pdf: Path, *, paper: str = "a4", timeout: float = TIMEOUT) -> Path:
    """Print `print_html` (the package's print.html) to `pdf` on A4 or US Letter."""
    if paper not in PAPERS:
        raise PrmUserError(f"unknown paper size '{paper}': use one of {', '.join(PAPERS)}")
    chromium = find_chromium()
    if chromium is None:
        raise PrmUserError("--pdf needs Chromium or Google Chrome to print the package, and none was found "
                           "(apt-get install chromium, or set PRM_CHROMIUM to the browser's path); "
                           f"the HTML package is written: print {print_html} from a browser instead")
    pdf = pdf.resolve()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    html = print_html.read_text(encoding="utf-8")
    # the paper size goes into a copy beside print.html (same folder: style.css and the
    # diagrams resolve as they do for print.html), removed afterwards
    sized = html.replace("</head>", f"<style>@page {{ size: {PAPERS[paper]}; }}</style>\n</head>", 1)
    fd, copy_name = tempfile.mkstemp(prefix=".print-", suffix=".html", dir=print_html.parent)
    copy = Path(copy_name)
    profile = tempfile.mkdtemp(prefix="prm-chromium-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(sized)
        args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", f"--user-data-dir={profile}",
                "--no-pdf-header-footer", "--generate-pdf-document-outline", f"--print-to-pdf={pdf}",
                copy.resolve().as_uri()]
        if pdf.exists():
            pdf.unlink()
        try:
            done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PrmUserError(f"Chromium ({chromium}) did not print the package within {timeout:.0f} s") from None
        except OSError as exc:
            raise PrmUserError(f"could not start Chromium ({chromium}): {exc}") from None
        if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PrmUserError(f"Chromium ({chromium}) did not print the package (exit {done.returncode})"
                               + (": " + " / ".join(tail) if tail else ""))
    finally:
        copy.unlink(missing_ok=True)
        shutil.rmtree(profile, ignore_errors=True)
    return pdf


def page_count(pdf: Path) -> int:
    """Pages of a PDF Chromium wrote (its page objects are not packed in object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))
