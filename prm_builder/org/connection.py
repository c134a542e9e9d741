"""Where the credentials for an org come from: CumulusCI's keychain or the environment.

An OrgConnection is only an instance URL and an access token (never printed: the token
is excluded from repr and from every message). The client in org/client.py talks to it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlparse

from prm_builder.org.errors import OrgUnavailable, scrub

#: Environment variables for `--org-from-env`; the names the Salesforce CLI uses too.
ENV_INSTANCE_URL = "SF_INSTANCE_URL"
ENV_ACCESS_TOKEN = "SF_ACCESS_TOKEN"


@dataclass(frozen=True)
class OrgConnection:
    instance_url: str
    access_token: str = field(repr=False)
    #: how the org is named in output ("CumulusCI org 'dev'", "SF_INSTANCE_URL") - no secrets
    label: str = ""

    def __post_init__(self) -> None:
        url = urlparse(self.instance_url)
        if url.scheme != "https" or not url.hostname:
            raise OrgUnavailable(f"instance URL '{self.instance_url}' of {self.label or 'the org'} is not "
                                 "an https:// URL (e.g. https://mycompany.my.salesforce.com)")

    @property
    def host(self) -> str:
        """Host (and port) simple-salesforce builds its URLs from."""
        return urlparse(self.instance_url).netloc

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "instance_url": self.instance_url}


def from_env(environ: Mapping[str, str] | None = None) -> OrgConnection:
    """`--org-from-env`: an access token and instance URL, e.g. from `sf org display`."""
    env = os.environ if environ is None else environ
    missing = [name for name in (ENV_INSTANCE_URL, ENV_ACCESS_TOKEN) if not env.get(name, "").strip()]
    if missing:
        raise OrgUnavailable(f"--org-from-env needs {' and '.join(missing)} in the environment "
                             f"(e.g. from `sf org display --json`: instanceUrl and accessToken)")
    return OrgConnection(env[ENV_INSTANCE_URL].strip().rstrip("/"), env[ENV_ACCESS_TOKEN].strip(),
                         label=ENV_INSTANCE_URL)


def from_cumulusci(name: str, runtime: Any = None) -> OrgConnection:
    """`--org NAME`: the org as CumulusCI knows it (`cci org list`), with a fresh token.

    `runtime` is CumulusCI's CliRuntime; tests pass one with a keychain of their own.
    """
    try:
        from cumulusci.core.exceptions import OrgNotFound
    except ImportError as exc:  # pragma: no cover - cumulusci is a dependency
        raise OrgUnavailable("--org needs CumulusCI (pip install cumulusci), or use --org-from-env") from exc
    org_config = None
    try:
        if runtime is None:
            from prm_builder.org.cci_runtime import cli_runtime

            runtime = cli_runtime()
        org_config = runtime.keychain.get_org(name)
        # Tokens in the keychain expire after a few hours: refresh like `cci org info` does.
        org_config.refresh_oauth_token(runtime.keychain)
    except OrgNotFound:
        raise OrgUnavailable(f"CumulusCI has no org named '{name}': `cci org list` shows the orgs it "
                             f"knows; add one with `cci org connect {name}`") from None
    except Exception as exc:  # noqa: BLE001 - keychain, OAuth or network: all the environment's
        secrets = [getattr(org_config, attr, "") or "" for attr in ("access_token", "refresh_token")] \
            if org_config is not None else []
        raise OrgUnavailable(f"CumulusCI could not connect to org '{name}': "
                             f"{scrub(_short(exc), *secrets)}; try `cci org info {name}`") from None
    return OrgConnection(str(org_config.instance_url).rstrip("/"), str(org_config.access_token),
                         label=f"CumulusCI org '{name}'")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
