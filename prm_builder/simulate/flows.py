"""The few flow behaviours the simulator takes from the generated flows' own XML."""

from __future__ import annotations

from pathlib import Path

from .orgmodel import NS, OrgModel, _parse, _t


def claim_condition(model: OrgModel) -> str:
    """The pool-claim flow's condition formula (the formula naming a claim checkbox and the
    owner queue), or '' when the metadata has no such flow."""
    for flow in sorted(Path(model.root).rglob("*.flow-meta.xml")):
        el = _parse(flow)
        for f in el.findall(NS + "formulas"):
            expr = _t(f, "expression")
            if "Claim" in expr and "Owner:Group.DeveloperName" in expr:
                return expr
    return ""


# ---------------------------------------------------------------- scheduled paths of record-triggered flows
#
# "Time passes" runs the scheduled paths of record-triggered flows (Help: "Schedule a Flow Path
# for Later"): a save that meets the flow's start condition schedules each path at the trigger
# time (or a record date field) plus its offset; when it is due, the path runs on the record's
# values at that time. The interpreter follows decisions, Group (queue) lookups, formulas and
# record updates of $Record; notifications, e-mail and other actions are skipped (not modelled).

from dataclasses import dataclass, field as dc_field  # noqa: E402
import datetime as _dt  # noqa: E402

from lxml import etree  # noqa: E402


@dataclass
class ScheduledPath:
    flow: str
    name: str
    target: str
    offset: _dt.timedelta
    time_source: str          # RecordTriggerEvent or RecordField
    record_field: str


@dataclass
class FlowDef:
    name: str
    object: str
    filter_formula: str
    paths: list[ScheduledPath]
    elements: dict[str, etree._Element] = dc_field(default_factory=dict)
    formulas: dict[str, str] = dc_field(default_factory=dict)
    #: the immediate path of an after-save flow (start connector), '' when none
    start_target: str = ""
    #: start filters (field, operator, value element) joined by filter_logic
    filters: list[tuple[str, str, etree._Element | None]] = dc_field(default_factory=list)
    filter_logic: str = "and"
    #: doesRequireRecordChangedToMeetCriteria: only a save that makes the filters true
    requires_change: bool = False
    #: a before-save flow (its assignments to $Record are what the save stores)
    before_save: bool = False


def _offset(number: str, unit: str) -> _dt.timedelta:
    n = float(number or 0)
    return {"Minutes": _dt.timedelta(minutes=n), "Hours": _dt.timedelta(hours=n),
            "Days": _dt.timedelta(days=n)}.get(unit, _dt.timedelta(hours=n))


#: after-save flows whose immediate path the engine models in its own way (the pool claim
#: gives the lead to the claimer in Engine._claim)
SPECIAL_FLOWS = ("PRM_Lead_Pool_Claim",)


def scheduled_flows(model: OrgModel) -> list[FlowDef]:
    """Record-triggered after-save flows: their scheduled paths, and their immediate path
    (decisions, lookups, formulas and $Record updates run; other actions are skipped)."""
    out = []
    for path in sorted(Path(model.root).rglob("*.flow-meta.xml")):
        el = _parse(path)
        start = el.find(NS + "start")
        if start is None or _t(start, "triggerType") not in ("RecordAfterSave", "RecordBeforeSave"):
            continue
        name = path.name.split(".")[0]
        paths = [ScheduledPath(name, _t(p, "name"), _t(p.find(NS + "connector"), "targetReference"),
                               _offset(_t(p, "offsetNumber"), _t(p, "offsetUnit")),
                               _t(p, "timeSource", "RecordTriggerEvent"), _t(p, "recordField"))
                 for p in start.findall(NS + "scheduledPaths")]
        flow = FlowDef(name, _t(start, "object"), _t(start, "filterFormula"), paths,
                       start_target="" if name in SPECIAL_FLOWS else _t(start.find(NS + "connector"), "targetReference"),
                       filters=[(_t(f, "field"), _t(f, "operator"), f.find(NS + "value"))
                                for f in start.findall(NS + "filters")],
                       filter_logic=_t(start, "filterLogic", "and").lower(),
                       requires_change=_t(start, "doesRequireRecordChangedToMeetCriteria") == "true",
                       before_save=_t(start, "triggerType") == "RecordBeforeSave")
        for child in el:
            if isinstance(child.tag, str) and child.find(NS + "name") is not None:
                flow.elements[_t(child, "name")] = child
        flow.formulas = {_t(f, "name"): _t(f, "expression") for f in el.findall(NS + "formulas")}
        out.append(flow)
    return out
