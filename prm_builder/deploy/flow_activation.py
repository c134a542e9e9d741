"""Flows in production: deploy inactive, activate in a later step (issue 12, item 8).

Why not cover every flow with Apex tests instead: a production org deploys an active flow
version only with "Deploy processes and flows as active" switched on, and then only when
Apex tests cover the org's flow test coverage percentage of active autolaunched flows;
without the setting, flows active in a sandbox "are deployed to a production org as
inactive" (Salesforce Help, "Deploy Processes and Flows as Active",
platform.flow_distribute_deploy_active.htm; Winter '19 release notes). Schedule-triggered
flows (Deal_Registration_Expiry) and scheduled paths (the lead SLA) cannot be launched by
an Apex test, so full coverage is not reachable for the flows prm generates.

So, in production only, prm sends every flow with status Draft (inactive: no coverage
check whatever the org's setting) and the `prm_activate_flows` task activates the deployed
versions afterwards through the Tooling API: FlowDefinition's Metadata.activeVersionNumber
("You can activate and deactivate flows with the Metadata field", Tooling API,
FlowDefinition). Sandboxes, scratch and developer orgs "can always deploy a new active
version", so there the generated status (Active) is deployed as is. The generated files in
force-app/ keep status Active: that is what the program runs.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterable

from prm_builder.deploy.package import StepPackage, destructive_xml
from prm_builder.generate.component import Component
from prm_builder.write.render import mdapi_files

INACTIVE = "Draft"  # Flow.status for an inactive version (the UI shows "Inactive")


def inactive(component: Component) -> Component:
    if component.type != "Flow" or component.body.get("status") == INACTIVE:
        return component
    return dataclasses.replace(component, body={**component.body, "status": INACTIVE})


def deploy_inactive(package: StepPackage) -> StepPackage:
    """The same package with every flow inactive (production deploys)."""
    if not any(c.type == "Flow" for c in package.components):
        return package
    comps = [inactive(c) for c in package.components]
    files = mdapi_files(comps)
    if package.removals:
        files["destructiveChanges.xml"] = destructive_xml(package.removals)
    return StepPackage(package.step, package.components, package.removals, dict(sorted(files.items())))


def flow_names(components: Iterable[Component]) -> list[str]:
    return sorted(c.full_name for c in components if c.type == "Flow")


def _soql_list(names: Iterable[str]) -> str:
    # developer names are generated API names (letters, digits, underscores); quote defensively
    return ", ".join("'" + n.replace("\\", "\\\\").replace("'", "\\'") + "'" for n in names)


def activate(tooling: Any, names: list[str], log: Callable[[str], None]) -> dict[str, int]:
    """Activate the latest version of each named flow; returns name -> activated version.
    `tooling` is a simple-salesforce connection whose base URL is the Tooling API."""
    if not names:
        log("no flows were deployed inactive: nothing to activate")
        return {}
    rows = tooling.query(
        "SELECT Id, DeveloperName, ActiveVersion.VersionNumber, LatestVersion.VersionNumber "
        f"FROM FlowDefinition WHERE DeveloperName IN ({_soql_list(sorted(names))})")["records"]
    found = {r["DeveloperName"]: r for r in rows}
    missing = sorted(set(names) - set(found))
    if missing:
        raise LookupError(f"flows not found in the org: {', '.join(missing)} (was the deploy step skipped?)")
    done: dict[str, int] = {}
    for name in sorted(names):
        row = found[name]
        latest = (row.get("LatestVersion") or {}).get("VersionNumber")
        active = (row.get("ActiveVersion") or {}).get("VersionNumber")
        if latest is None:
            raise LookupError(f"flow {name} has no version in the org")
        if active == latest:
            log(f"flow {name}: version {latest} already active")
        else:
            tooling.restful(f"sobjects/FlowDefinition/{row['Id']}", method="PATCH",
                            json={"Metadata": {"activeVersionNumber": latest}})
            log(f"flow {name}: version {latest} activated")
        done[name] = latest
    return done
