"""Refresh the README's screenshots of the handoff package: `python -m tests.regen_docs_screenshot`.

Builds the package of the example program and photographs, in headless Chromium (the same
driver the browser test uses), the cover as it prints (print.html in print media) and one
persona page (the persona access matrix) as it shows on screen.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from prm_builder import api
from tests.browser import Chromium, find_chromium
from tests.conftest import ROOT, TODAY

#: file -> (page, width, height, media)
SHOTS: dict[Path, tuple[str, int, int, str]] = {
    # one A4 page at 96 dpi, the stylesheet's 15 mm page margins added by hand (a screenshot has no @page)
    ROOT / "docs" / "handoff-cover.png": ("print.html", 794, 975, "print"),
    ROOT / "docs" / "handoff-personas.png": ("personas.html", 1440, 1000, "screen"),
}


def main() -> int:
    chromium = find_chromium()
    if chromium is None:
        print("no Chromium found: apt-get install chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "handoff"
        api.docs(ROOT / "specs", out, as_of=TODAY)  # the static checklist, as `prm docs` runs it
        with Chromium(chromium) as browser:
            for target, (page_name, width, height, media) in SHOTS.items():
                page = browser.open((out / page_name).as_uri(), width=width, height=height)
                page.emulate_media(media)
                if media == "print":
                    page.evaluate("document.body.style.padding = '15mm'")
                target.parent.mkdir(exist_ok=True)
                page.screenshot(target)
                print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
