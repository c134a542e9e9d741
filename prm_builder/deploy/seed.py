"""Seeding an org with what the program's metadata expects to be there but cannot deploy:
members of the program-owned public groups (GroupMember is data). The ci_prm flow runs it in
a fresh scratch org, so approvals and queues that route to a generated group reach someone.

GroupMember is setup data: inserted on its own (no other DML in the call), it cannot hit
MIXED_DML_OPERATION (Apex Developer Guide, "sObjects That Cannot Be Used Together in DML
Operations"; the REST API runs each insert in its own transaction).
"""

from __future__ import annotations

from typing import Any, Iterable


def _soql_list(values: Iterable[str]) -> str:
    return "(" + ", ".join("'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" for v in values) + ")"


def seed_group_members(sf: Any, groups: list[str], user_id: str) -> list[str]:
    """Make `user_id` a member of every group in `groups` (developer names) that it is not
    in yet, through a simple-salesforce connection. Returns the groups it was added to.
    Groups missing in the org are an error: deploy the metadata first."""
    if not groups:
        return []
    rows = sf.query_all("SELECT Id, DeveloperName FROM Group WHERE Type = 'Regular' AND DeveloperName IN "
                        + _soql_list(groups))["records"]
    ids = {r["DeveloperName"]: r["Id"] for r in rows}
    missing = [g for g in groups if g not in ids]
    if missing:
        raise ValueError(f"public group(s) {', '.join(missing)} not in the org: deploy the metadata first")
    members = sf.query_all("SELECT GroupId FROM GroupMember WHERE UserOrGroupId = " + _soql_list([user_id])
                           + " AND GroupId IN " + _soql_list(ids.values()))["records"]
    already = {r["GroupId"] for r in members}
    added = []
    for name in groups:
        if ids[name] not in already:
            sf.GroupMember.create({"GroupId": ids[name], "UserOrGroupId": user_id})
            added.append(name)
    return added
