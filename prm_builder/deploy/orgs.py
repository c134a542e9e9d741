"""Is an org name one CumulusCI knows? Answered from CumulusCI's files, without importing
CumulusCI (`prm plan` stays a light, offline command).

CumulusCI keeps a connected org as `<name>.org` in ~/.cumulusci/<project name>/ (or in
~/.cumulusci/ for a global org), and knows scratch org definitions from the `orgs: scratch:`
sections of cumulusci.yml, ~/.cumulusci/cumulusci.yml and its own built-in cumulusci.yml
(dev, qa, feature, beta, release). See cumulusci/core/keychain/encrypted_file_project_keychain.py
(`_load_org_files`, `_get_org`) and cumulusci/core/config/project_config.py (`project_local_dir`).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import yaml

from prm_builder.errors import PrmUserError


def _yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _scratch_names(config: dict[str, Any]) -> set[str]:
    orgs = config.get("orgs")
    scratch = orgs.get("scratch") if isinstance(orgs, dict) else None
    return set(scratch) if isinstance(scratch, dict) else set()


def _builtin_config() -> Path | None:
    spec = importlib.util.find_spec("cumulusci")  # locates the package without importing it
    locations = list(spec.submodule_search_locations or []) if spec else []
    return Path(locations[0]) / "cumulusci.yml" if locations else None


def known_orgs(project_root: Path, home: Path | None = None) -> set[str]:
    """Names `cci org list` would show for this project (connected or scratch definitions)."""
    cci_home = (home or Path.home()) / ".cumulusci"
    project = _yaml(project_root / "cumulusci.yml")
    names = _scratch_names(project) | _scratch_names(_yaml(cci_home / "cumulusci.yml"))
    builtin = _builtin_config()
    if builtin is not None:
        names |= _scratch_names(_yaml(builtin))
    project_name = (project.get("project") or {}).get("name") if isinstance(project.get("project"), dict) else None
    folders = [cci_home] + ([cci_home / str(project_name)] if project_name else [])
    for folder in folders:
        if folder.is_dir():
            names |= {p.stem for p in folder.glob("*.org")}
    return names


def check_org_configured(org: str, project_root: Path, *, has_record: bool, home: Path | None = None) -> None:
    """PRM-style user error when CumulusCI does not know `org` (a typo in --org would
    otherwise plan against an empty record and look like "everything is new")."""
    if has_record or os.environ.get("CUMULUSCI_KEYCHAIN_CLASS"):
        return  # a record means we deployed there; a custom keychain we cannot read
    names = known_orgs(project_root, home)
    if org in names:
        return
    listed = ", ".join(sorted(names)) or "none"
    raise PrmUserError(f"org '{org}' is not configured in CumulusCI (known here: {listed}); connect it with "
                       f"`cci org connect {org}` or `cci org import <sf-alias> {org}`, or check the name with "
                       "`cci org list`")
