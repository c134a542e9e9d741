"""Where each metadata type's files live, in source format and in an MDAPI package.

Spec values become file names here, so every name is checked before it becomes a path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from prm_builder.errors import PrmInternalError


@dataclass(frozen=True)
class TypeLayout:
    type: str
    directory: str
    suffix: str
    #: for children of CustomObject: the element they sit under in the MDAPI .object file
    #: and their sub-folder of objects/<Object>/ in source format
    object_child_tag: str | None = None
    #: types with a body file beside the -meta.xml (ApexClass .cls, EmailTemplate .email)
    has_content: bool = False
    #: folders (EmailFolder): in an MDAPI package the file is '<dir>/<Name>-meta.xml' and
    #: package.xml lists the folder under the type it holds
    folder_of: str | None = None


LAYOUTS: dict[str, TypeLayout] = {t.type: t for t in [
    TypeLayout("CustomObject", "objects", "object"),
    TypeLayout("CustomField", "objects", "field", "fields"),
    TypeLayout("ListView", "objects", "listView", "listViews"),
    TypeLayout("ValidationRule", "objects", "validationRule", "validationRules"),
    TypeLayout("RecordType", "objects", "recordType", "recordTypes"),
    TypeLayout("CompactLayout", "objects", "compactLayout", "compactLayouts"),
    TypeLayout("WebLink", "objects", "webLink", "webLinks"),
    TypeLayout("GlobalValueSet", "globalValueSets", "globalValueSet"),
    TypeLayout("Group", "groups", "group"),
    TypeLayout("Queue", "queues", "queue"),
    TypeLayout("ApprovalProcess", "approvalProcesses", "approvalProcess"),
    TypeLayout("AssignmentRules", "assignmentRules", "assignmentRules"),
    TypeLayout("SharingRules", "sharingRules", "sharingRules"),
    TypeLayout("DuplicateRule", "duplicateRules", "duplicateRule"),
    TypeLayout("MatchingRules", "matchingRules", "matchingRule"),
    TypeLayout("Flow", "flows", "flow"),
    TypeLayout("CustomMetadata", "customMetadata", "md"),
    TypeLayout("CustomNotificationType", "notificationtypes", "notiftype"),
    TypeLayout("Workflow", "workflows", "workflow"),
    TypeLayout("PermissionSet", "permissionsets", "permissionset"),
    TypeLayout("CustomTab", "tabs", "tab"),
    TypeLayout("ApexClass", "classes", "cls", has_content=True),
    TypeLayout("ApexTrigger", "triggers", "trigger", has_content=True),
    TypeLayout("EmailTemplate", "email", "email", has_content=True),
    TypeLayout("EmailFolder", "email", "emailFolder", folder_of="EmailTemplate"),
    # One component per org (full name LeadConvertSettings): directory LeadConvertSettings,
    # suffix LeadConvertSetting (Metadata API Developer Guide, LeadConvertSettings).
    TypeLayout("LeadConvertSettings", "LeadConvertSettings", "LeadConvertSetting"),
    TypeLayout("ReportType", "reportTypes", "reportType"),
    TypeLayout("Report", "reports", "report"),
    TypeLayout("ReportFolder", "reports", "reportFolder", folder_of="Report"),
    TypeLayout("Dashboard", "dashboards", "dashboard"),
    TypeLayout("DashboardFolder", "dashboards", "dashboardFolder", folder_of="Dashboard"),
]}
#: types whose full name is 'Folder/Name' (the file sits in its folder's directory)
IN_FOLDER = {"EmailTemplate", "Report", "Dashboard"}

#: One path segment made from a full name: developer-name characters, dots, hyphens.
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def layout(type_name: str) -> TypeLayout:
    try:
        return LAYOUTS[type_name]
    except KeyError:
        raise PrmInternalError(f"no file layout known for metadata type {type_name}") from None


def safe_segments(full_name: str, allow_folder: bool = False) -> list[str]:
    """Split a full name into path segments, refusing anything that could escape the folder."""
    parts = full_name.split("/") if allow_folder else [full_name]
    for part in parts:
        if not _SEGMENT.match(part) or ".." in part:
            raise PrmInternalError(f"refusing to use '{full_name}' as a file name")
    return parts


def split_child(full_name: str) -> tuple[str, str]:
    """'Account.Partner_Tier__c' -> ('Account', 'Partner_Tier__c')."""
    obj, _, child = full_name.partition(".")
    if not obj or not child:
        raise PrmInternalError(f"'{full_name}' is not Object.Child")
    return obj, child


def source_path(type_name: str, full_name: str) -> PurePosixPath:
    """Relative path of a component's -meta.xml in source format (under main/default)."""
    return PurePosixPath(source_file(type_name, full_name))


def source_file(type_name: str, full_name: str) -> str:
    """source_path() as a string (a PurePosixPath costs more than the rest of this, per file)."""
    lay = layout(type_name)
    if lay.object_child_tag:
        obj, child = split_child(full_name)
        safe_segments(obj), safe_segments(child)
        return f"objects/{obj}/{lay.object_child_tag}/{child}.{lay.suffix}-meta.xml"
    if type_name == "CustomObject":
        safe_segments(full_name)
        return f"objects/{full_name}/{full_name}.object-meta.xml"
    parts = safe_segments(full_name, allow_folder=type_name in IN_FOLDER)
    return "/".join([lay.directory, *parts[:-1], f"{parts[-1]}.{lay.suffix}-meta.xml"])


def mdapi_path(type_name: str, full_name: str) -> PurePosixPath:
    """Relative path of a component's file in an MDAPI package (children: their object's file)."""
    return PurePosixPath(mdapi_file(type_name, full_name))


def mdapi_file(type_name: str, full_name: str) -> str:
    """mdapi_path() as a string."""
    lay = layout(type_name)
    if lay.object_child_tag:
        obj, _ = split_child(full_name)
        safe_segments(obj)
        return f"objects/{obj}.object"
    parts = safe_segments(full_name, allow_folder=type_name in IN_FOLDER)
    if lay.folder_of:
        return f"{lay.directory}/{parts[-1]}-meta.xml"
    return "/".join([lay.directory, *parts[:-1], f"{parts[-1]}.{lay.suffix}"])
