"""Refresh the README's screenshot of the handoff package: `python -m tests.regen_docs_screenshot`.

Builds the package of the example program and photographs its first page in headless
Chromium (the same driver the browser test uses).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from prm_builder import api
from tests.browser import Chromium, find_chromium
from tests.conftest import ROOT, TODAY

SCREENSHOT = ROOT / "docs" / "handoff-package.png"


def main() -> int:
    chromium = find_chromium()
    if chromium is None:
        print("no Chromium found: apt-get install chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "handoff"
        api.docs(ROOT / "specs", out, as_of=TODAY, checklist=None)
        with Chromium(chromium) as browser:
            page = browser.open((out / "index.html").as_uri(), width=1280, height=1250)
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(SCREENSHOT)
    print(f"wrote {SCREENSHOT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
