"""CumulusCI's runtime (its keychain, project and orgs), created the one way prm does it.

Without an OS keyring (a Linux server or container without a Secret Service), CumulusCI
logs "Unable to store an encryption key ... Any orgs or services written to disk will not
be encrypted" each time its runtime starts (cumulusci/cli/runtime.py, get_keychain_key):
on every org command. prm replaces it with one explanation, shown once per project (a
marker in .prm/), that says how to configure it away: CUMULUSCI_KEY, a 16-character
secret CumulusCI encrypts its keychain with when no keyring holds one (the key length is
checked in cumulusci/core/keychain/encrypted_file_project_keychain.py, _validate_key).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

KEY_WARNING = "Unable to store an encryption key"
NOTE_MARKER = Path(".prm/cumulusci-key-note")
NOTE = ("note: no OS keyring is available, so CumulusCI keeps org credentials in ~/.cumulusci "
        "unencrypted. To encrypt them, set CUMULUSCI_KEY to a secret of exactly 16 characters "
        "in your shell profile or CI secrets, e.g. `export CUMULUSCI_KEY=$(python3 -c "
        "\"import secrets; print(secrets.token_hex(8))\")` (keep it: orgs stored with it "
        "need it again). This note is shown once per project.")


class _KeyWarningFilter(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if KEY_WARNING in record.getMessage():
            self.seen = True
            return False
        return True


def cli_runtime(**kwargs: Any) -> Any:
    """CumulusCI's CliRuntime(load_keychain=True), with the keyring warning explained once."""
    from cumulusci.cli.runtime import CliRuntime

    logger = logging.getLogger("cumulusci.cli.runtime")
    quiet = _KeyWarningFilter()
    logger.addFilter(quiet)
    try:
        runtime = CliRuntime(load_keychain=True, **kwargs)
    finally:
        logger.removeFilter(quiet)
    if quiet.seen:
        explain_once()
    return runtime


def explain_once(marker: Path = NOTE_MARKER) -> bool:
    """Print the keyring note unless this project has seen it; True when printed."""
    if marker.exists():
        return False
    print(NOTE, file=sys.stderr)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("shown\n", encoding="utf-8")
    except OSError:
        pass
    return True
