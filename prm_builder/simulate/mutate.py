"""Mutation testing of `prm test`: corrupt a source-format folder in many distinct ways (the
mistakes a generator bug or a hand edit makes) and see whether the scenarios notice.

Each mutation edits one metadata file with lxml and must change it (a mutation that finds
nothing to change is reported, not counted as caught)."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from lxml import etree

from prm_builder.errors import PrmUserError

NSMAP = {"m": "http://soap.sforce.com/2006/04/metadata"}
Edit = Callable[[etree._Element], bool]


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str            # relative to main/default
    edit: Edit


@dataclass
class MutationResult:
    name: str
    caught: bool
    applied: bool
    reason: str


def _nodes(root: etree._Element, xpath: str) -> list:
    return root.xpath(xpath, namespaces=NSMAP)


def set_text(xpath: str, value: str) -> Edit:
    def edit(root: etree._Element) -> bool:
        nodes = _nodes(root, xpath)
        for n in nodes:
            n.text = value
        return bool(nodes)
    return edit


def replace_in(xpath: str, old: str, new: str) -> Edit:
    def edit(root: etree._Element) -> bool:
        hit = False
        for n in _nodes(root, xpath):
            if n.text and old in n.text:
                n.text = n.text.replace(old, new, 1)
                hit = True
        return hit
    return edit


def remove(xpath: str) -> Edit:
    def edit(root: etree._Element) -> bool:
        nodes = _nodes(root, xpath)
        for n in nodes[:1]:
            n.getparent().remove(n)
        return bool(nodes)
    return edit


def move_before(xpath: str, before: str) -> Edit:
    def edit(root: etree._Element) -> bool:
        a, b = _nodes(root, xpath), _nodes(root, before)
        if not a or not b or a[0] is b[0]:
            return False
        b[0].addprevious(a[0])
        return True
    return edit


def swap_text(xpath_a: str, xpath_b: str) -> Edit:
    def edit(root: etree._Element) -> bool:
        a, b = _nodes(root, xpath_a), _nodes(root, xpath_b)
        if not a or not b or a[0].text == b[0].text:
            return False
        a[0].text, b[0].text = b[0].text, a[0].text
        return True
    return edit


def add_child(xpath: str, xml: str) -> Edit:
    def edit(root: etree._Element) -> bool:
        nodes = _nodes(root, xpath)
        for n in nodes[:1]:
            n.append(etree.fromstring(f'<wrap xmlns="{NSMAP["m"]}">{xml}</wrap>')[0])
        return bool(nodes)
    return edit


def entry(queue: str) -> str:
    return f"//m:ruleEntry[m:assignedTo='{queue}']"


def step(name: str) -> str:
    return f"//m:approvalStep[m:name='{name}']"


AR = "assignmentRules/Lead.assignmentRules-meta.xml"
GOLD = "approvalProcesses/Lead.Deal_Reg_Gold_v1.approvalProcess-meta.xml"
SILVER = "approvalProcesses/Lead.Deal_Reg_Silver_v1.approvalProcess-meta.xml"
MDF_GOLD = "approvalProcesses/MDF_Request__c.MDF_Request_Gold_v1.approvalProcess-meta.xml"
MDF_SILVER = "approvalProcesses/MDF_Request__c.MDF_Request_Silver_v1.approvalProcess-meta.xml"
LEAD_WF = "workflows/Lead.workflow-meta.xml"
MDF_WF = "workflows/MDF_Request__c.workflow-meta.xml"
VR = "objects/Lead/validationRules/{}.validationRule-meta.xml"
MVR = "objects/MDF_Request__c/validationRules/{}.validationRule-meta.xml"
CONTENT_SR = "sharingRules/Co_Marketing_Asset__c.sharingRules-meta.xml"
LEAD_SR = "sharingRules/Lead.sharingRules-meta.xml"
P_MDF = "permissionsets/PRM_Partner_User.permissionset-meta.xml"  # the partner persona (model/personas.py)
P_CONTENT = P_MDF  # one permission set per persona: MDF and content both
CRIT = "/m:criteriaItems"
CODES = "flows/PRM_Partner_Code_Match.flow-meta.xml"
CONFLICT = "flows/PRM_Channel_Conflict.flow-meta.xml"
WON = "flows/PRM_Commission_On_Won.flow-meta.xml"


def _fp(field: str) -> str:
    return f"//m:fieldPermissions[m:field='{field}']"


def _op(obj: str) -> str:
    return f"//m:objectPermissions[m:object='{obj}']"


#: The mutations of the example program's metadata (specs/ -> force-app/).
EXAMPLE_MUTATIONS: list[Mutation] = [
    # assignment rule
    Mutation("swap the queues of two entries", AR, swap_text(entry("PRM_Leads_Gold_NA") + "/m:assignedTo",
                                                             entry("PRM_Leads_Gold_DACH") + "/m:assignedTo")),
    Mutation("reorder: general Gold NA entry before the Embedded BI entry", AR,
             move_before(entry("PRM_Leads_Gold_NA"), entry("PRM_Leads_Gold_NA_Embedded"))),
    # the catch-all is the last entry (every entry excludes registrations, so it has criteria too)
    Mutation("reorder: catch-all entry first", AR,
             move_before("//m:ruleEntry[last()]", "//m:ruleEntry[1]")),
    Mutation("drop the tier criterion of an entry", AR,
             remove(entry("PRM_Leads_Silver_NA") + CRIT + "[m:field='Lead.Distribution_Tier__c']")),
    Mutation("drop the product criterion of the Embedded BI entry", AR,
             remove(entry("PRM_Leads_Gold_NA_Embedded") + CRIT + "[m:field='Lead.Lead_Product_Interest__c']")),
    Mutation("flip the pool entry's operator", AR, set_text("//m:ruleEntry[1]" + CRIT + "/m:operation", "equals")),
    Mutation("drop a country from a territory", AR,
             replace_in(entry("PRM_Leads_Silver_DACH") + CRIT + "/m:value", "Germany,", "")),
    Mutation("route a Silver entry by the Gold tier", AR,
             set_text(entry("PRM_Leads_Silver_UKI") + CRIT + "[m:field='Lead.Distribution_Tier__c']/m:value", "Gold")),
    Mutation("deactivate the assignment rule", AR, set_text("//m:assignmentRule/m:active", "false")),
    Mutation("remove the catch-all entry", AR, remove("//m:ruleEntry[last()]")),
    Mutation("catch-all to a Gold queue", AR,
             set_text("//m:ruleEntry[last()]/m:assignedTo", "PRM_Leads_Gold_NA")),
    # deal registration approvals
    Mutation("auto-approval threshold one lower", GOLD, set_text(step("Channel_Manager") + "/m:entryCriteria"
                                                                  + CRIT + "/m:value", "49999")),
    Mutation("auto-approval threshold one higher", GOLD, set_text(step("Channel_Manager") + "/m:entryCriteria"
                                                                   + CRIT + "/m:value", "50001")),
    Mutation("threshold operator >= becomes >", GOLD, set_text(step("Channel_Manager") + "/m:entryCriteria"
                                                               + CRIT + "/m:operation", "greaterThan")),
    Mutation("VP threshold shifted to 25,000", SILVER, set_text(step("VP_Channel_Sales") + "/m:entryCriteria"
                                                                + CRIT + "/m:value", "25000")),
    Mutation("VP threshold operator flipped", GOLD, set_text(step("VP_Channel_Sales") + "/m:entryCriteria"
                                                             + CRIT + "/m:operation", "lessThan")),
    Mutation("criteria not met goes to the next step instead of approving", GOLD,
             set_text(step("Channel_Manager") + "/m:ifCriteriaNotMet", "GotoNextStep")),
    Mutation("channel review assigned to a user instead of the queue", SILVER,
             set_text(step("Channel_Manager") + "//m:approver/m:name", "dana.whitfield@northwind.example")),
    Mutation("VP step approver changed", GOLD,
             set_text(step("VP_Channel_Sales") + "//m:approver/m:name", "maria.lopez@northwind.example")),
    Mutation("drop the tier from a process's entry criteria", GOLD,
             remove("/m:ApprovalProcess/m:entryCriteria" + CRIT + "[m:field='Lead.Registration_Partner_Tier__c']")),
    Mutation("process entry criteria for the wrong tier", SILVER,
             set_text("/m:ApprovalProcess/m:entryCriteria" + CRIT + "[m:field='Lead.Registration_Partner_Tier__c']"
                      "/m:value", "Gold")),
    Mutation("deactivate an approval process", SILVER, set_text("/m:ApprovalProcess/m:active", "false")),
    Mutation("final approval no longer sets Approved", GOLD,
             remove("//m:finalApprovalActions/m:action[m:name='Deal_Reg_Set_Approved']")),
    Mutation("rejection goes back to the previous step", GOLD,
             set_text(step("VP_Channel_Sales") + "/m:rejectBehavior/m:type", "BackToPrevious")),
    Mutation("final rejection no longer sets Rejected", SILVER,
             remove("//m:finalRejectionActions/m:action[m:name='Deal_Reg_Set_Rejected']")),
    # MDF approvals
    Mutation("MDF Gold auto-approval threshold raised", MDF_GOLD,
             set_text(step("Channel_Marketing") + "/m:entryCriteria" + CRIT + "/m:value", "3500")),
    Mutation("MDF Silver director threshold shifted", MDF_SILVER,
             set_text(step("Marketing_Director") + "/m:entryCriteria" + CRIT + "/m:value", "7400")),
    Mutation("MDF channel marketing approvers swapped for the director", MDF_GOLD,
             set_text(step("Channel_Marketing") + "//m:approver[1]/m:name", "grace.okafor@northwind.example")),
    # workflow field updates
    Mutation("approval field update writes the wrong status", LEAD_WF,
             set_text("//m:fieldUpdates[m:fullName='Deal_Reg_Set_Approved']/m:literalValue", "Submitted")),
    Mutation("expiry 60 days instead of 90", LEAD_WF,
             replace_in("//m:fieldUpdates[m:fullName='Deal_Reg_Set_Expiry']/m:formula", "90", "60")),
    Mutation("rejection field update writes Draft", LEAD_WF,
             set_text("//m:fieldUpdates[m:fullName='Deal_Reg_Set_Rejected']/m:literalValue", "Draft")),
    Mutation("MDF approval field update writes the wrong status", MDF_WF,
             set_text("//m:fieldUpdates[m:fullName='MDF_Request_Set_Approved']/m:literalValue", "Submitted")),
    # validation rules
    Mutation("tier-entitlement rule deactivated", VR.format("Deal_Reg_Tier_Entitled"),
             set_text("/m:ValidationRule/m:active", "false")),
    Mutation("required-on-submit rule deactivated", VR.format("Deal_Reg_Required_On_Submit"),
             set_text("/m:ValidationRule/m:active", "false")),
    Mutation("resubmission from Expired no longer allowed", VR.format("Deal_Reg_Resubmit_From"),
             replace_in("/m:ValidationRule/m:errorConditionFormula",
                        ', ISPICKVAL(PRIORVALUE(Registration_Status__c), "Expired")', "")),
    Mutation("remaining-budget check off by one", MVR.format("Request_Within_Remaining_Budget"),
             replace_in("/m:ValidationRule/m:errorConditionFormula", ", 0) > MDF_Budget__r.Remaining_Amount__c",
                        ", 0) - 1 > MDF_Budget__r.Remaining_Amount__c")),
    Mutation("partners may set an MDF request's status", MVR.format("Request_Status_Set_By_Approval"),
             set_text("/m:ValidationRule/m:active", "false")),
    # sharing
    Mutation("widen a content rule: Silver gets Campaign Kits", CONTENT_SR,
             replace_in("//m:sharingCriteriaRules[m:fullName='Co_Marketing_Silver']" + CRIT + "/m:value",
                        "Sales Templates,Brand Assets", "Sales Templates,Brand Assets,Campaign Kits")),
    Mutation("content rule ignores the Active flag", CONTENT_SR,
             remove("//m:sharingCriteriaRules[m:fullName='Co_Marketing_Gold']" + CRIT + "[m:field='Active__c']")),
    Mutation("content shared with the wrong tier group", CONTENT_SR,
             set_text("//m:sharingCriteriaRules[m:fullName='Co_Marketing_Gold']/m:sharedTo/m:group",
                      "PRM_Tier_Silver")),
    Mutation("widen a pool rule: Bronze sees Silver pool leads", LEAD_SR,
             set_text("//m:sharingCriteriaRules[m:fullName='PRM_Pool_Bronze']" + CRIT + "/m:value", "Silver,Bronze")),
    Mutation("remove the Gold pool rule", LEAD_SR, remove("//m:sharingCriteriaRules[m:fullName='PRM_Pool_Gold']")),
    Mutation("pool shared read-only", LEAD_SR,
             set_text("//m:sharingCriteriaRules[m:fullName='PRM_Pool_Silver']/m:accessLevel", "Read")),
    Mutation("content external default widened to Read", "objects/Co_Marketing_Asset__c/"
             "Co_Marketing_Asset__c.object-meta.xml", set_text("/m:CustomObject/m:externalSharingModel", "Read")),
    # permission sets
    Mutation("drop a field permission: partners lose the budget allocation", P_MDF,
             remove(_fp("MDF_Budget__c.Allocated_Amount__c"))),
    Mutation("widen a field permission: partners edit the allocation override", P_MDF,
             set_text(_fp("MDF_Budget__c.Allocation_Override__c") + "/m:editable", "true")),
    Mutation("drop the content object permission", P_CONTENT, remove(_op("Co_Marketing_Asset__c"))),
    Mutation("partners cannot create MDF requests", P_MDF, set_text(_op("MDF_Request__c") + "/m:allowCreate",
                                                                    "false")),
    # the acceptance SLA (scheduled path of a record-triggered flow)
    Mutation("SLA deadline 72 hours instead of 48", "flows/PRM_Lead_Acceptance_SLA.flow-meta.xml",
             set_text("//m:scheduledPaths/m:offsetNumber", "72")),
    # the SLA's next queue is a custom metadata record per push queue (issue 12, item 1)
    Mutation("SLA moves Gold DACH leads to the pool instead of Silver DACH",
             "customMetadata/PRM_Lead_Route.PRM_Leads_Gold_DACH.md-meta.xml",
             set_text("//m:values[m:field='Next_Queue__c']/m:value", "PRM_Lead_Pool")),
    # queues, fields
    Mutation("a Silver queue's members are the Gold tier", "queues/PRM_Leads_Silver_DACH.queue-meta.xml",
             set_text("//m:publicGroup", "PRM_Tier_Gold")),
    Mutation("registration tier formula ignores the partner", "objects/Lead/fields/"
             "Registration_Partner_Tier__c.field-meta.xml", set_text("/m:CustomField/m:formula", '"Gold"')),
    Mutation("pool minimum tier defaults to Bronze", "objects/Lead/fields/Pool_Minimum_Tier__c.field-meta.xml",
             add_child("/m:CustomField", "<defaultValue>\"Bronze\"</defaultValue>")),
    # attribution (issue 18): partner codes, channel conflict, the 100% guard, the key, commissions
    Mutation("partner code compared untrimmed", CODES, replace_in("//m:formulas/m:expression", "TRIM(", "(")),
    Mutation("unknown partner codes are not flagged", CODES,
             set_text("//m:assignments[m:name='Flag_Unknown']/m:assignmentItems[2]/m:value/m:booleanValue", "false")),
    Mutation("conflict check counts closed deals", CONFLICT,
             remove("//m:recordLookups[m:name='Find_Open_Deal']/m:filters[m:field='IsClosed']")),
    Mutation("attribution allowed up to 200%", "objects/Opportunity/validationRules/"
             "Attribution_At_Most_100.validationRule-meta.xml",
             set_text("//m:errorConditionFormula", "Attributed_Percent__c > 2")),
    Mutation("attribution key not unique", "objects/Partner_Attribution__c/fields/Unique_Key__c.field-meta.xml",
             set_text("//m:unique", "false")),
    Mutation("commission's upper band at the lower rate", WON,
             replace_in("//m:formulas/m:expression", "- 250000) * 0.12", "- 250000) * 0.1")),
    Mutation("commission schedules out of order", WON,
             move_before("//m:decisions[m:name='Which_Schedule']/m:rules[m:name='Schedule_2']",
                         "//m:decisions[m:name='Which_Schedule']/m:rules[m:name='Schedule_1']")),
]


def run_mutations(specs_dir: Path, metadata: Path, mutations: list[Mutation] = EXAMPLE_MUTATIONS,
                  today: dt.date | None = None) -> list[MutationResult]:
    """Apply each mutation to a copy of `metadata` and run `prm test` (the specs' scenarios and
    the generated ones) on it. Caught: a scenario fails or no longer fits the metadata."""
    from prm_builder import api
    from .generated import generate
    from .orgmodel import read_org
    from .run import load_checked, run_scenarios
    from .scenarios import check_scenarios

    today = today or dt.date(2026, 11, 22)
    result = api.validate(specs_dir, today)
    assert result.spec is not None
    generated = generate(result.spec)
    base = read_org(metadata)
    scenarios = load_checked(specs_dir / "scenarios", base, specs_dir.parent)
    baseline = run_scenarios(base, scenarios, generated, today, "baseline")
    if not baseline.ok:
        raise PrmUserError("the scenarios fail on the unmutated metadata: fix them before measuring mutations")
    out = []
    with tempfile.TemporaryDirectory(prefix="prm-mutate-") as tmp:
        for i, m in enumerate(mutations):
            root = Path(tmp) / f"m{i}" / "force-app"
            shutil.copytree(metadata, root)
            target = root / "main" / "default" / m.file
            tree = etree.parse(str(target))
            if not m.edit(tree.getroot()):
                out.append(MutationResult(m.name, False, False, "nothing to change"))
                continue
            tree.write(str(target), xml_declaration=True, encoding="UTF-8")
            model = read_org(root)
            problems = [d for d in check_scenarios(scenarios, model) if d.is_error]
            if problems:
                out.append(MutationResult(m.name, True, True, f"scenario check: {problems[0].format()}"))
                continue
            report = run_scenarios(model, scenarios, generated, today, m.name, first_failure=True)
            failed = report.failed
            out.append(MutationResult(m.name, bool(failed), True,
                                      f"caught by: {failed[0].name}" if failed
                                      else "no scenario failed"))
            shutil.rmtree(root.parent)
    return out
