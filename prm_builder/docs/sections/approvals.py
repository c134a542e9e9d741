"""Every approval process, documented from the generated metadata itself: entry
criteria, each step (criteria, approvers, what happens when its criteria are not met),
the approval / rejection / recall actions, and a routing diagram.

Reading the generated ApprovalProcess bodies (not a feature's spec model) means deal
registration, MDF requests and claims, and any later approval all get this page for free.
"""

from __future__ import annotations

from typing import Any

from prm_builder.docs.content import Bullets, Diagram, Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, join, slug
from prm_builder.docs.diagram import Edge, Graph, Node, render_svg
from prm_builder.docs.naming import current
from prm_builder.docs.sections.common import as_list as _list
from prm_builder.docs.sections.common import criteria_text
from prm_builder.generate.component import Component

ID = "approvals"
TITLE = "Approval processes"

NOT_MET = {"ApproveRecord": "approve the record", "RejectRecord": "reject the record",
           "GotoNextStep": "go to the next step"}


def approvers_text(step: dict[str, Any], obj: str = "", *, short: bool = False) -> str:
    """'queue Deal Registration Review (Deal_Reg_Review)', 'user in field Partner Manager': labels
    while the package is built (docs.naming.current()), API names otherwise; `short` (diagrams)
    leaves the queue's API name out, the step table beside the diagram gives it."""
    assigned = step.get("assignedApprover") or {}
    naming = current()
    kinds = {"relatedUserField": "user in field", "userHierarchyField": "manager (hierarchy)"}

    def name(a: dict[str, Any]) -> str:
        value, kind = str(a.get("name") or ""), a.get("type", "")
        if naming is not None and kind == "queue":
            return naming.queue(value, with_api_name=not short)
        if naming is not None and kind == "relatedUserField" and obj:
            return naming.field(f"{obj}.{value}")
        return value

    names = [f"{kinds.get(a.get('type', ''), a.get('type', ''))} {name(a)}".strip()
             for a in _list(assigned.get("approver"))]
    text = join(names, "the submitter's manager")
    if len(names) > 1 and assigned.get("whenMultipleApprovers"):
        text += f" ({'all must approve' if assigned['whenMultipleApprovers'] == 'Unanimous' else 'first response decides'})"
    return text


def actions_text(actions: Any) -> str:
    return join(f"{a.get('type', '')} {a.get('name', '')}".strip() for a in _list((actions or {}).get("action")))


def build(ctx: DocContext) -> Section | None:
    processes = ctx.of_type("ApprovalProcess")
    section = Section(ID, TITLE, "How each approval process routes a record: criteria, steps, approvers and actions.")
    if not processes:
        return None  # no page: nothing in this program is approved
    section.add(Table(("process", "object", "active", "steps", "spec"), tuple(
        (p.body.get("label", p.full_name), ctx.naming.object(p.full_name.split(".", 1)[0]),
         "yes" if p.body.get("active") else "no",
         str(len(_list(p.body.get("approvalStep")))), ctx.where(p.source)) for p in processes)))
    for process in processes:
        _document(ctx, section, process)
    return section


def _document(ctx: DocContext, section: Section, process: Component) -> None:
    body = process.body
    label = str(body.get("label") or process.full_name)
    anchor = slug(ID, process.full_name)
    section.add(Heading(f"{label} ({process.full_name})", anchor))
    if body.get("description"):
        section.add(Para(str(body["description"])))
    section.add(Para(f"Purpose: {process.purpose}"))
    overview = [("Entry criteria", criteria_text(body.get("entryCriteria"))),
                ("Active", "yes" if body.get("active") else "no"),
                ("Initial submission actions", actions_text(body.get("initialSubmissionActions"))),
                ("Final approval actions", actions_text(body.get("finalApprovalActions"))),
                ("Final rejection actions", actions_text(body.get("finalRejectionActions"))),
                ("Recall", f"allowed; actions: {actions_text(body.get('recallActions'))}"
                 if body.get("allowRecall") else "not allowed"),
                ("Record lock", f"approved: {'locked' if body.get('finalApprovalRecordLock') else 'unlocked'}; "
                                f"rejected: {'locked' if body.get('finalRejectionRecordLock') else 'unlocked'}"),
                ("Email template", str(body.get("emailTemplate") or "—"))]
    section.add(Table(("", ""), tuple(overview), row_headers=True))
    steps = [s for s in _list(body.get("approvalStep")) if isinstance(s, dict)]
    rows = []
    for n, step in enumerate(steps, 1):
        not_met = NOT_MET.get(str(step.get("ifCriteriaNotMet", "")), "—") if step.get("entryCriteria") else "—"
        reject = (step.get("rejectBehavior") or {}).get("type", "RejectRequest")
        rows.append((str(n), str(step.get("label") or step.get("name", "")),
                     criteria_text(step.get("entryCriteria")), approvers_text(step, process.full_name.split(".", 1)[0]), not_met,
                     actions_text(step.get("approvalActions")),
                     f"{'back to the previous step' if reject == 'BackToPrevious' else 'final rejection'}; "
                     f"{actions_text(step.get('rejectionActions'))}"))
    section.add(Table(("step", "name", "criteria", "approvers", "criteria not met", "on approve", "on reject"),
                      tuple(rows), caption=f"Steps of {label}"))
    section.add(routing_diagram(process.full_name, label, body, steps))
    if not steps:
        section.add(Bullets(("This process has no steps.",)))


def routing_diagram(full_name: str, label: str, body: dict[str, Any], steps: list[dict[str, Any]]) -> Diagram:
    name = "approval-" + slug(full_name)
    nodes = [Node("submit", "Submitted for approval", "start", (f"when {criteria_text(body.get('entryCriteria'))}",))]
    edges: list[Edge] = []
    for n, step in enumerate(steps, 1):
        details = [f"approvers: {approvers_text(step, full_name.split('.', 1)[0], short=True)}"]
        if step.get("entryCriteria"):
            details.insert(0, f"if {criteria_text(step.get('entryCriteria'))}")
        nodes.append(Node(f"step{n}", f"Step {n}: {step.get('label') or step.get('name', '')}", "step", tuple(details)))
    nodes.append(Node("approved", "Approved", "ok", tuple(
        f"then {a}" for a in [actions_text(body.get("finalApprovalActions"))] if a != "—")))
    nodes.append(Node("rejected", "Rejected", "bad", tuple(
        f"then {a}" for a in [actions_text(body.get("finalRejectionActions"))] if a != "—")))
    ids = ["submit", *(f"step{n}" for n in range(1, len(steps) + 1)), "approved"]
    for n, (src, dst) in enumerate(zip(ids, ids[1:])):
        edges.append(Edge(src, dst, "approve" if n else "to step 1" if steps else ""))
    for n, step in enumerate(steps, 1):
        back = (step.get("rejectBehavior") or {}).get("type") == "BackToPrevious" and n > 1
        edges.append(Edge(f"step{n}", f"step{n - 1}" if back else "rejected", "reject", "reject"))
        if step.get("entryCriteria") and step.get("ifCriteriaNotMet") in ("ApproveRecord", "RejectRecord"):
            target = "approved" if step["ifCriteriaNotMet"] == "ApproveRecord" else "rejected"
            edges.append(Edge(f"step{n}", target, "criteria not met", "expire"))
    if body.get("allowRecall"):
        nodes.append(Node("recalled", "Recalled by submitter", "wait"))
        edges.append(Edge("submit", "recalled", "recall", "expire"))
    graph = Graph(tuple(nodes), tuple(edges))
    title = f"Routing of the approval process {label}"
    return Diagram(name, title, render_svg(name, title, graph), graph.labels())


def _tiers_of(ctx: DocContext, process: Component) -> list[str]:
    """Tiers a process serves: the values of its entry criterion on a tier field."""
    names = {t.developer_name for t in ctx.spec.tiers} | {t.name for t in ctx.spec.tiers}
    found: list[str] = []
    for item in _list((process.body.get("entryCriteria") or {}).get("criteriaItems")):
        if "Tier" in str(item.get("field", "")) and item.get("operation") == "equals":
            found += [v.strip() for v in str(item.get("value", "")).split(",") if v.strip() in names]
    return found


def tier_rows(ctx: DocContext) -> list:
    """Tier matrix rows: which approval process handles each tier's records, per object."""
    from prm_builder.docs.sections.tiers import TierRow

    rows: dict[str, dict[str, str]] = {}
    for process in ctx.of_type("ApprovalProcess"):
        if not process.body.get("active"):
            continue  # retired versions keep only the requests already in them
        obj = process.full_name.split(".", 1)[0]
        steps = len(_list(process.body.get("approvalStep")))
        for tier in _tiers_of(ctx, process):
            t = ctx.spec.tier(tier)
            if t is not None:
                rows.setdefault(obj, {})[t.developer_name] = f"{process.body.get('label', process.full_name)} ({steps} steps)"
    return [TierRow("Approval route", obj, values) for obj, values in sorted(rows.items())]
