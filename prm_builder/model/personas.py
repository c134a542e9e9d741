"""Who uses a deployed program, and exactly what each of them may do.

Written once, here; generate/personas.py derives one permission set per persona from it,
the docs' access matrix describes it, and checks (static and live) read it.

Field access decisions are one line per field: the line holds one code per persona in
`PERSONAS` order, `E` edit, `R` read, `-` none. A generator that adds a field adds one
line to `FIELD_ACCESS` (tests/test_personas.py fails for every generated field without
one). Fields whose API name the spec chooses (partner account fields, the Lead fields of
deal registration and lead distribution) are keyed by their role, `Object.<role>`, through
`field_roles()`.

Platform rules the generator applies on top of the decisions, so a decision never has to
repeat them:
- formulas, roll-up summaries and auto numbers are never editable (E becomes R);
- required and master-detail fields get no field permission at all: the platform rejects
  one ("You cannot deploy to a required field"); they come with the object permission.
  Salesforce Help, "Field-Level Security": required fields are always visible/editable to
  users with object access.
- partner (external) personas never get View All / Modify All: Partner Community licences
  cannot hold them (Salesforce Help, "Partner Community License": object permissions
  available to external users exclude View All and Modify All), and they would break
  partner isolation anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from prm_builder.model.root import ProgramSpec

FieldAccess = Literal["edit", "read", "none"]
Action = Literal["register", "submit", "approve", "claim", "convert", "assign", "maintain_tiers", "publish"]


@dataclass(frozen=True)
class Persona:
    key: str
    permission_set: str
    """Developer name of the generated permission set (one per persona)."""
    label: str
    description: str
    external: bool
    """A partner user (Partner Community licence): least privilege, never View/Modify All."""
    visibility: str
    """Which records the persona sees, and why (sharing, roles, queues), in one sentence."""
    actions: tuple[Action, ...]
    """What the persona may do in the program's processes."""
    sections: tuple[str, ...] = ()
    """Spec sections the persona serves: no permission set when the program has none of
    them (empty: every program)."""

    def serves(self, spec: ProgramSpec) -> bool:
        return not self.sections or any(getattr(spec, s, None) is not None for s in self.sections)


PERSONAS: tuple[Persona, ...] = (
    Persona("partner_user", "PRM_Partner_User", "PRM Partner User",
            "Partner users: register deals, claim pool leads, request and claim funds, read content.",
            True, "Records they own, records of their tier's queues and pool (tier group sharing), "
                  "co-marketing content shared to their tier; external defaults Private.",
            ("register", "submit", "claim")),
    Persona("partner_manager", "PRM_Partner_Manager", "PRM Partner Manager",
            "Partner account managers: everything partner users do, over their company's records.",
            True, "As partner users, plus every record owned by users of their own partner account "
                  "(partner role hierarchy: Manager role).",
            ("register", "submit", "claim")),
    Persona("channel_manager", "PRM_Channel_Manager", "PRM Channel Manager",
            "Channel managers: review deal registrations, own the partner relationship.",
            False, "Internal defaults, the approval queue's records and records of their partners' "
                   "accounts (account ownership).",
            ("approve", "convert")),
    Persona("channel_operations", "PRM_Channel_Operations", "PRM Channel Operations",
            "Channel operations: work the lead pool, maintain tiers and partner accounts.",
            False, "Internal defaults and the pool queue's leads (queue membership).",
            ("assign", "maintain_tiers")),
    Persona("channel_marketing", "PRM_Channel_Marketing", "PRM Channel Marketing",
            "Channel marketing (MDF approver): set up budgets, decide fund requests and claims, publish content.",
            False, "Internal defaults; every MDF record through the budgets they own or approve.",
            ("approve", "publish"), ("mdf", "content")),
    Persona("mdf_finance", "PRM_MDF_Finance", "PRM MDF Finance",
            "Finance (MDF approver): sign off large claims and record payment.",
            False, "Internal defaults; MDF records routed to them for approval.",
            ("approve",), ("mdf",)),
    Persona("program_admin", "PRM_Program_Admin", "PRM Program Admin",
            "Program administrators: maintain every record and field of the program.",
            False, "Every record (View All / Modify All on the program's objects).",
            ("register", "submit", "approve", "claim", "convert", "assign", "maintain_tiers", "publish")),
)
PERSONA_KEYS = tuple(p.key for p in PERSONAS)
_CODES: dict[str, FieldAccess] = {"E": "edit", "R": "read", "-": "none"}

# Object permissions per persona (PERSONAS order), letters C R E D (+ V view all, M modify
# all). Only objects a program generates or adds fields to reach a permission set.
#                              partner  p.mgr  ch.mgr  ch.ops  ch.mkt  finance admin
OBJECT_ACCESS: dict[str, tuple[str, ...]] = {
    "Account":               ("R",     "R",    "RE",   "RE",   "R",    "R",    "CREDVM"),
    "Lead":                  ("CRE",   "CRE",  "CRE",  "CRE",  "",     "",     "CREDVM"),
    "Opportunity":           ("RE",    "RE",   "CRE",  "R",    "",     "",     "CREDVM"),
    "MDF_Budget__c":         ("R",     "R",    "R",    "R",    "CRED", "R",    "CREDVM"),
    "MDF_Request__c":        ("CRE",   "CRE",  "R",    "R",    "CRE",  "R",    "CREDVM"),
    "MDF_Claim__c":          ("CRE",   "CRE",  "R",    "R",    "CRE",  "RE",   "CREDVM"),
    "PartnerFundAllocation": ("R",     "R",    "R",    "R",    "CRE",  "R",    "CREDVM"),
    "PartnerFundRequest":    ("CRE",   "CRE",  "R",    "R",    "CRE",  "R",    "CREDVM"),
    "PartnerFundClaim":      ("CRE",   "CRE",  "R",    "R",    "CRE",  "RE",   "CREDVM"),
    "Co_Marketing_Asset__c": ("R",     "R",    "R",    "R",    "CRED", "",     "CREDVM"),
    "Contact":               ("R",     "R",    "R",    "RE",   "",     "",     "CREDVM"),
    "Case":                  ("",      "",     "RE",   "RE",   "",     "",     "CREDVM"),
    "Partner_Tier_Change__c": ("R",    "R",    "R",    "R",    "",     "",     "CREDVM"),
    "Partner_Attribution__c": ("R",    "R",    "CRE",  "CRE",  "",     "R",    "CREDVM"),
    "Commission__c":         ("R",     "R",    "R",    "",     "",     "RE",   "CREDVM"),
    "Commission_Adjustment__c": ("",   "",     "R",    "",     "",     "CRE",  "CREDVM"),
    "Partner_Training__c":   ("R",     "R",    "CRE",  "CRE",  "R",    "",     "CREDVM"),
    "Partner_Certification__c": ("R",  "R",    "CRE",  "CRE",  "R",    "",     "CREDVM"),
    "Partner_Activity__c":   ("R",     "R",    "CRE",  "CRE",  "R",    "",     "CREDVM"),
    "Partner_Event_Attendance__c": ("R", "R",  "CRE",  "CRE",  "R",    "",     "CREDVM"),
    "Partner_Survey_Response__c": ("R", "R",   "CRE",  "CRE",  "R",    "",     "CREDVM"),
    "Partner_Implementation__c": ("R", "R",    "CRE",  "CRE",  "R",    "",     "CREDVM"),
    "Partner_Course_Completion__c": ("R", "R", "CRE",  "CRE",  "R",    "",     "CREDVM"),
}

# Field access: one line per field (or field role), codes in PERSONAS order:
#                                              partner p.mgr ch.mgr ch.ops ch.mkt finance admin
FIELD_ACCESS: dict[str, str] = {
    # partner account (Account), keyed by role: the spec names these fields
    "Account.<tier>":                            "R R R E R R E",
    "Account.<segment>":                         "- - E E R - E",
    "Account.<status>":                          "R R E E R R E",
    "Account.<start_date>":                      "R R R E R R E",
    "Account.<contract_end>":                    "R R R E R R E",
    "Account.<revenue_target>":                  "- R E E R R E",
    "Account.<qualified_tier>":                  "- R R R R R E",
    "Account.<tier_review>":                     "- - R R - - E",
    "Account.<metric>":                          "- R R E R - E",
    # deal registration (Lead, Opportunity); status: the approver-owned values are guarded
    # by validation (issue 12 item 5), field access only lets partners submit
    "Lead.<dealreg.amount>":                     "E E E R - - E",
    "Lead.<dealreg.close_date>":                 "E E E R - - E",
    "Lead.<dealreg.status>":                     "E E E R - - E",
    "Lead.<dealreg.tier>":                       "R R R R - - E",
    "Lead.<dealreg.expires_on>":                 "R R E R - - E",
    "Lead.<dealreg.rejection_reason>":           "R R E R - - E",
    "Lead.<dealreg.email_domain>":               "R R R R - - E",
    "Lead.<dealreg.partner_lookup>":             "R R E E - - E",
    "Opportunity.<dealreg.partner_lookup>":      "R R E E - - E",
    # lead distribution (Lead)
    "Lead.<distribution.product_interest>":      "R R E E - - E",
    "Lead.<distribution.tier>":                  "R R E E - - E",
    "Lead.<pool.minimum_tier>":                  "R R E E - - E",
    "Lead.<pool.claim>":                         "E E R E - - E",
    # MDF, custom objects
    "MDF_Budget__c.Allocated_Amount__c":         "R R R R E R E",
    "MDF_Budget__c.Allocation_Override__c":      "R R R R E R E",
    "MDF_Budget__c.Approval_Rate__c":            "R R R R E R E",
    "MDF_Budget__c.Approved_Amount__c":          "R R R R E R E",
    "MDF_Budget__c.Claimed_Amount__c":           "R R R R E R E",
    "MDF_Budget__c.Partner_Account__c":          "R R R R E R E",
    "MDF_Budget__c.Partner_Tier__c":             "R R R R E R E",
    "MDF_Budget__c.Period_End__c":               "R R R R E R E",
    "MDF_Budget__c.Period_Start__c":             "R R R R E R E",
    "MDF_Budget__c.Remaining_Amount__c":         "R R R R E R E",
    "MDF_Budget__c.Requested_Amount__c":         "R R R R E R E",
    "MDF_Budget__c.Utilisation_Rate__c":         "R R R R E R E",
    "MDF_Request__c.Activity_Description__c":    "E E R R E R E",
    "MDF_Request__c.Activity_Type__c":           "E E R R E R E",
    "MDF_Request__c.Approved_Amount__c":         "R R R R E R E",
    "MDF_Request__c.Claimed_Amount__c":          "R R R R E R E",
    "MDF_Request__c.End_Date__c":                "R R R R E R E",
    "MDF_Request__c.MDF_Budget__c":              "R R R R E R E",
    "MDF_Request__c.Paid_Amount__c":             "R R R R E E E",
    "MDF_Request__c.Partial_Approval_Amount__c": "R R R R E R E",
    "MDF_Request__c.Partner_Tier__c":            "R R R R E R E",
    "MDF_Request__c.Requested_Amount__c":        "R R R R E R E",
    "MDF_Request__c.Start_Date__c":              "R R R R E R E",
    "MDF_Request__c.Status__c":                  "E E R R E R E",
    "MDF_Claim__c.Claimed_Amount__c":            "R R R R E R E",
    "MDF_Claim__c.MDF_Request__c":               "R R R R E R E",
    "MDF_Claim__c.Paid_Date__c":                 "R R R R E E E",
    "MDF_Claim__c.Partner_Tier__c":              "R R R R E R E",
    "MDF_Claim__c.Proof_of_Performance__c":      "E E R R E R E",
    "MDF_Claim__c.Status__c":                    "E E R R E E E",
    # MDF, standard PRM objects
    "PartnerFundAllocation.Approved_Share__c":   "R R R R E R E",
    "PartnerFundAllocation.Partner_Tier__c":     "R R R R E R E",
    "PartnerFundAllocation.Remaining_Amount__c": "R R R R E R E",
    "PartnerFundAllocation.Tier_Allocation__c":  "R R R R E R E",
    "PartnerFundAllocation.Utilisation_Rate__c": "R R R R E R E",
    "PartnerFundRequest.Partner_Tier__c":        "R R R R E R E",
    "PartnerFundClaim.Partner_Tier__c":          "R R R R E R E",
    "PartnerFundClaim.Proof_of_Performance__c":  "E E R R E R E",
    # co-marketing content
    "Co_Marketing_Asset__c.Active__c":           "R R R R E - E",
    "Co_Marketing_Asset__c.Asset_URL__c":        "R R R R E - E",
    "Co_Marketing_Asset__c.Category__c":         "R R R R E - E",
    "Co_Marketing_Asset__c.Expires_On__c":       "R R R R E - E",
    "Co_Marketing_Asset__c.Summary__c":          "R R R R E - E",
    # partner operations, tier lifecycle, attribution, QBR (Account)
    "Account.Average_Deal_Size__c":              "- - R R R R E",
    "Account.CSAT_Average_12M__c":               "R R R R R R E",
    "Account.CSAT_Responses_12M__c":             "- - R R R R E",
    "Account.Closed_Won_Last_Quarter__c":        "- - R R R R E",
    "Account.Closed_Won_This_Quarter__c":        "- - R R R R E",
    "Account.Closed_Won_YTD__c":                 "- - R R R R E",
    "Account.Commission_Liability__c":           "- R R R - R E",
    "Account.Events_Attended_12M__c":            "- - R R R R E",
    "Account.Health_Score_Date__c":              "R R R R R R E",
    "Account.Implementations_Live__c":           "- - R R R R E",
    "Account.Last_Partner_Activity__c":          "- - R R R R E",
    "Account.Last_Tier_Review__c":               "R R R R - - E",
    "Account.Low_Pipeline_Coverage__c":          "- - R R R R E",
    "Account.MDF_Allocated_Amount__c":           "- - R R R R E",
    "Account.MDF_Approval_Rate_Amount__c":       "- - R R R R E",
    "Account.MDF_Approval_Rate_Count__c":        "- - R R R R E",
    "Account.MDF_Approved_Amount__c":            "- - R R R R E",
    "Account.MDF_Claimed_Amount__c":             "- - R R R R E",
    "Account.MDF_Requested_Amount__c":           "- - R R R R E",
    "Account.MDF_Requests_12M__c":               "- - R R R R E",
    "Account.MDF_Requests_Approved_12M__c":      "- - R R R R E",
    "Account.MDF_Requests_Claimed_12M__c":       "- - R R R R E",
    "Account.MDF_Utilisation_Amount__c":         "- - R R R R E",
    "Account.MDF_Utilisation_Count__c":          "- - R R R R E",
    "Account.New_Partner__c":                    "- - R R R R E",
    "Account.No_Recent_Partner_Activity__c":     "- - R R R R E",
    "Account.Open_Partner_Cases__c":             "- - R R R R E",
    "Account.Open_Pipeline_Count__c":            "- - R R R R E",
    "Account.Open_Pipeline_Value__c":            "- - R R R R E",
    "Account.PRM_Partner_Id__c":                 "- - R E - - E",
    "Account.Partner_Activities_90D__c":         "- - R R R R E",
    "Account.Partner_Code__c":                   "R R R E - - E",
    "Account.Partner_Health_Band__c":            "R R R R R R E",
    "Account.Partner_Health_Score__c":           "R R R R R R E",
    "Account.Partner_Manager__c":                "- R E E R R E",
    "Account.Partner_Region__c":                 "- R E E R R E",
    "Account.Partner_Renewal_Risk__c":           "- - R R R R E",
    "Account.Partner_Territories__c":            "- R R E - - E",
    "Account.Partner_Type__c":                   "R R R E R R E",
    "Account.Pipeline_Coverage__c":              "R R R R R R E",
    "Account.Quarterly_Revenue_Target_Q1__c":    "- - R R R R E",
    "Account.Quarterly_Revenue_Target_Q2__c":    "- - R R R R E",
    "Account.Quarterly_Revenue_Target_Q3__c":    "- - R R R R E",
    "Account.Quarterly_Revenue_Target_Q4__c":    "- - R R R R E",
    "Account.Quarterly_Revenue_Target_Quarter__c":"- - R R R R E",
    "Account.Quarterly_Revenue_Target__c":       "- R E E R R E",
    "Account.Registration_Approval_Rate__c":     "- - R R R R E",
    "Account.Registration_Win_Rate__c":          "- - R R R R E",
    "Account.Registrations_Approved_12M__c":     "R R R R R R E",
    "Account.Registrations_Submitted_12M__c":    "- - R R R R E",
    "Account.Registrations_Won_12M__c":          "- - R R R R E",
    "Account.Revenue_Attainment__c":             "R R R R R R E",
    "Account.Revenue_QoQ_Growth__c":             "- - R R R R E",
    "Account.Sales_Cycle_Days__c":               "- - R R R R E",
    "Account.Tax_Id__c":                         "- R R E - R E",
    "Account.Tier_Grace_Ends__c":                "R R R R - - E",
    "Account.Tier_Override_Reason__c":           "- - E E - - E",
    "Account.Tier_Override__c":                  "- - E E - - E",
    "Account.Training_Completions_12M__c":       "- - R R R R E",
    "Account.Win_Rate__c":                       "- - R R R R E",
    # Case
    "Case.Partner_Account__c":                   "- - E E - - E",
    # Commission_Adjustment__c
    "Commission_Adjustment__c.Amount__c":        "- - R - - E E",
    "Commission_Adjustment__c.Commission__c":    "- - R - - E E",
    "Commission_Adjustment__c.Reason__c":        "- - R - - E E",
    # Commission__c
    "Commission__c.Amount__c":                   "R R R - - R E",
    "Commission__c.Attributed_Amount__c":        "R R R - - R E",
    "Commission__c.Commission_Key__c":           "- - - - - R E",
    "Commission__c.Net_Amount__c":               "R R R - - R E",
    "Commission__c.Opportunity__c":              "R R R - - R E",
    "Commission__c.Partner_Account__c":          "R R R - - R E",
    "Commission__c.Schedule__c":                 "R R R - - R E",
    "Commission__c.Status__c":                   "R R R - - E E",
    # Contact
    "Contact.PRM_Roster_Key__c":                 "- - R E - - E",
    # lead distribution, deal registration lifecycle, attribution (Lead)
    "Lead.Channel_Conflict_Reason__c":           "- - R R - - E",
    "Lead.Channel_Conflict__c":                  "- - R R - - E",
    "Lead.Conflict_Account__c":                  "- - R R - - E",
    "Lead.PRM_Automation_Token__c":              "- - - - - - -",
    "Lead.PRM_Routing_Error__c":                 "- - R E - - E",
    "Lead.PRM_SLA_Queue__c":                     "- - R R - - E",
    "Lead.PRM_SLA_Started_At__c":                "- - R R - - E",
    "Lead.Partner_Code_Unknown__c":              "- - R E - - E",
    "Lead.Referral_Code__c":                     "E E R E - - E",
    "Lead.Referring_Partner__c":                 "R R R E - - E",
    "Lead.Registration_Approved_On__c":          "R R R R - - E",
    "Lead.Registration_Conversion_Error__c":     "R R E R - - E",
    "Lead.Registration_Submitted_On__c":         "R R R R - - E",
    "Lead.UTM_Campaign__c":                      "- - R R R - E",
    "Lead.UTM_Content__c":                       "- - R R R - E",
    "Lead.UTM_Medium__c":                        "- - R R R - E",
    "Lead.UTM_Source__c":                        "- - R R R - E",
    "Lead.UTM_Term__c":                          "- - R R R - E",
    # MDF_Budget__c
    "MDF_Budget__c.Pending_Amount__c":           "R R R R E R E",
    # Opportunity
    "Opportunity.Attributed_Percent__c":         "R R R R - R E",
    # PRM_Lead_Route__mdt
    "PRM_Lead_Route__mdt.Next_Queue__c":         "- - - - - - -",
    "PRM_Lead_Route__mdt.Pool_Minimum_Tier__c":  "- - - - - - -",
    # Partner_Activity__c
    "Partner_Activity__c.Activity_Date__c":      "R R E E R - E",
    "Partner_Activity__c.Activity_Type__c":      "R R E E R - E",
    "Partner_Activity__c.Partner_Account__c":    "R R E E R - E",
    # Partner_Attribution__c
    "Partner_Attribution__c.Attributed_Amount__c":"R R R R - R E",
    "Partner_Attribution__c.Opportunity__c":     "R R E E - R E",
    "Partner_Attribution__c.Partner_Account__c": "R R E E - R E",
    "Partner_Attribution__c.Percentage__c":      "R R E E - R E",
    "Partner_Attribution__c.Role__c":            "R R E E - R E",
    "Partner_Attribution__c.Touch_Date__c":      "R R E E - R E",
    "Partner_Attribution__c.Unique_Key__c":      "- - R R - - E",
    # Partner_Certification__c
    "Partner_Certification__c.Certification__c": "R R E E R - E",
    "Partner_Certification__c.Contact__c":       "R R E E R - E",
    "Partner_Certification__c.Expires_On__c":    "R R E E R - E",
    "Partner_Certification__c.Issued_On__c":     "R R E E R - E",
    "Partner_Certification__c.Partner_Account__c":"R R E E R - E",
    "Partner_Certification__c.Status__c":        "R R E E R - E",
    # Partner_Event_Attendance__c
    "Partner_Event_Attendance__c.Event_Date__c": "R R E E R - E",
    "Partner_Event_Attendance__c.Event_Name__c": "R R E E R - E",
    "Partner_Event_Attendance__c.Partner_Account__c":"R R E E R - E",
    # Partner_Implementation__c
    "Partner_Implementation__c.Customer_Name__c":"R R E E R - E",
    "Partner_Implementation__c.Go_Live_Date__c": "R R E E R - E",
    "Partner_Implementation__c.Partner_Account__c":"R R E E R - E",
    "Partner_Implementation__c.Status__c":       "R R E E R - E",
    # Partner_Survey_Response__c
    "Partner_Survey_Response__c.CSAT__c":        "R R E E R - E",
    "Partner_Survey_Response__c.Comment__c":     "R R E E R - E",
    "Partner_Survey_Response__c.Partner_Account__c":"R R E E R - E",
    "Partner_Survey_Response__c.Response_Date__c":"R R E E R - E",
    # Partner_Tier_Change__c
    "Partner_Tier_Change__c.Change_Type__c":     "R R R R - - E",
    "Partner_Tier_Change__c.Changed_By__c":      "R R R R - - E",
    "Partner_Tier_Change__c.Effective_Date__c":  "R R R R - - E",
    "Partner_Tier_Change__c.From_Tier__c":       "R R R R - - E",
    "Partner_Tier_Change__c.Partner_Account__c": "R R R R - - E",
    "Partner_Tier_Change__c.Reason__c":          "R R R R - - E",
    "Partner_Tier_Change__c.To_Tier__c":         "R R R R - - E",
    # Partner_Training__c
    "Partner_Training__c.Completed_On__c":       "R R E E R - E",
    "Partner_Training__c.Contact__c":            "R R E E R - E",
    "Partner_Training__c.Course__c":             "R R E E R - E",
    "Partner_Training__c.Partner_Account__c":    "R R E E R - E",
    # the performance test program renames these (performance.metric_fields, engagement names)
    "Account.Active_Certifications__c":          "R R R R R R E",
    "Account.QTD_Won_Revenue__c":                "- - R R R R E",
    "Partner_Course_Completion__c.Completed_On__c": "R R E E R - E",
    "Partner_Course_Completion__c.Contact__c":   "R R E E R - E",
    "Partner_Course_Completion__c.Course__c":    "R R E E R - E",
    "Partner_Course_Completion__c.Partner_Account__c": "R R E E R - E",
}


def persona(key: str) -> Persona:
    return next(p for p in PERSONAS if p.key == key)


def field_roles(spec: ProgramSpec) -> dict[str, str]:
    """Generated field full name -> its FIELD_ACCESS key, for fields the spec names."""
    roles: dict[str, str] = {}
    pa = spec.partner_account
    for role, f in (("tier", pa.tier_field), ("segment", pa.segment_field), ("status", pa.status_field),
                    ("start_date", pa.start_date_field), ("contract_end", pa.contract_end_field),
                    ("revenue_target", pa.revenue_target_field), ("qualified_tier", pa.qualified_tier_field),
                    ("tier_review", pa.tier_review_field)):
        roles[f"Account.{f.api_name}"] = f"Account.<{role}>"
    for metric in pa.metrics.values():
        roles.setdefault(f"Account.{metric.api_name}", "Account.<metric>")
    dr = spec.deal_registration
    if dr is not None:
        for role in ("amount", "close_date", "status", "tier", "expires_on", "rejection_reason", "email_domain"):
            roles[f"Lead.{getattr(dr.fields, role).api_name}"] = f"Lead.<dealreg.{role}>"
        if dr.partner_lookup.kind == "custom":
            roles[f"Lead.{dr.partner_lookup.lead_field}"] = "Lead.<dealreg.partner_lookup>"
            roles[f"Opportunity.{dr.partner_lookup.opportunity_field}"] = "Opportunity.<dealreg.partner_lookup>"
    ld = spec.lead_distribution
    if ld is not None:
        roles.setdefault(f"Lead.{ld.tier_field.api_name}", "Lead.<distribution.tier>")
        if ld.product_interest is not None:
            roles.setdefault(f"Lead.{ld.product_interest.field.api_name}", "Lead.<distribution.product_interest>")
        if ld.pool is not None:
            roles.setdefault(f"Lead.{ld.pool.minimum_tier_field.api_name}", "Lead.<pool.minimum_tier>")
            roles.setdefault(f"Lead.{ld.pool.claim_field.api_name}", "Lead.<pool.claim>")
    return roles


def decision_key(spec: ProgramSpec, field: str) -> str:
    return field_roles(spec).get(field, field)


def field_access(spec: ProgramSpec, field: str) -> dict[str, FieldAccess] | None:
    """persona key -> access for one generated field; None when no decision was written."""
    line = FIELD_ACCESS.get(decision_key(spec, field))
    if line is None:
        return None
    codes = line.split()
    if len(codes) != len(PERSONAS) or any(c not in _CODES for c in codes):
        raise ValueError(f"FIELD_ACCESS[{decision_key(spec, field)!r}] needs {len(PERSONAS)} codes of E, R, -")
    return {p.key: _CODES[c] for p, c in zip(PERSONAS, codes)}


@dataclass(frozen=True)
class ObjectPermission:
    create: bool
    read: bool
    edit: bool
    delete: bool
    view_all: bool
    modify_all: bool

    @property
    def any(self) -> bool:
        return self.read


#: Partner permissions that only a feature needs: (object, letter) -> spec section. Without
#: deal registration partners never create Leads (pool leads are claimed, i.e. edited).
PARTNER_NEEDS: dict[tuple[str, str], str] = {("Lead", "C"): "deal_registration",
                                             ("Opportunity", "E"): "deal_registration"}


def object_access(obj: str, persona_key: str, spec: ProgramSpec | None = None) -> ObjectPermission | None:
    """The persona's permission on `obj`; None when the model says nothing about the object.
    With `spec`, partner permissions whose feature the program lacks are left out."""
    row = OBJECT_ACCESS.get(obj)
    if row is None:
        return None
    letters = row[PERSONA_KEYS.index(persona_key)]
    if spec is not None and persona(persona_key).external:
        letters = "".join(c for c in letters
                          if getattr(spec, PARTNER_NEEDS.get((obj, c), "program"), None) is not None)
    return ObjectPermission(*(c in letters for c in "CREDVM"))
