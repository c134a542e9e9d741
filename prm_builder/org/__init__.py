"""The one adapter over simple-salesforce: how prm reads an org (SOQL, Tooling API, describe).

Nothing in here is imported by `prm --help` or `prm validate`: simple_salesforce and
cumulusci are imported inside the functions that talk to an org.
"""

from prm_builder.org.connection import OrgConnection, from_cumulusci, from_env
from prm_builder.org.errors import OrgError, OrgQueryError, OrgUnavailable

__all__ = ["OrgConnection", "OrgError", "OrgQueryError", "OrgUnavailable", "from_cumulusci", "from_env"]
