"""The attribution automation that is declarative (record-triggered flows), so that admins can
read it in Flow Builder and `prm test` can run it from the generated XML:

- PRM_Partner_Code_Match (Lead, before save): a lead whose partner code is new or changed
  gets the partner account holding that code as its Referring Partner; a code no partner
  holds falls back as the spec says (`flag`: Partner_Code_Unknown__c for review;
  `review_queue`: also the review queue as owner). Get Records is a SOQL query, so the code
  matches whatever its case ("Comparison Operators", SOQL and SOSL Reference: comparisons
  on strings are case-insensitive except on case-sensitive unique fields, and
  Account.Partner_Code__c is case-insensitive).
- PRM_Channel_Conflict (Lead, before save; only with a `conflict` policy): a registration
  becoming Submitted is matched against customer accounts (not partner accounts) by company
  name and / or the email's domain in the account's website; a match with an open
  Opportunity sets the conflict flag, reason and account. `block` is the validation rule
  Lead.Channel_Conflict_Blocked on the flag (validation runs after before-save flows);
  `notify` additionally e-mails the account owner from Apex (after the flag is set).

- PRM_Attribution_Key (Partner_Attribution__c, before save): the unique key
  "<Opportunity id>-<partner id>", so the platform refuses a partner's second attribution.

Percentages over 100 are refused by metadata of attribution.py: the roll-up of the
percentages on the Opportunity (master-detail) and the Opportunity's validation rule, which
runs when a detail's save recalculates the roll-up.
"""

from __future__ import annotations

from typing import Iterator

from prm_builder.generate import flow_parts as fp
from prm_builder.generate.component import Component
from prm_builder.generate.fields import formula_string
from prm_builder.generate.lead_sla import ACTIVATION_NOTE
from prm_builder.model.attribution import Attribution
from prm_builder.model.root import ProgramSpec

CODE_FLOW = "PRM_Partner_Code_Match"
CONFLICT_FLOW = "PRM_Channel_Conflict"
KEY_FLOW = "PRM_Attribution_Key"
COMMISSION_FLOW = "PRM_Commission_On_Won"
#: run order among the org's before-save Lead flows (Deal_Registration_Stamp is 100: the
#: registration status it sets is what the conflict check reads)
CODE_ORDER = 200
CONFLICT_ORDER = 300


def generate(spec: ProgramSpec, a: Attribution) -> Iterator[Component]:
    yield _code_match(a)
    yield _attribution_key(a)
    if a.conflict is not None and spec.deal_registration is not None:
        yield _conflict(spec, a)
    if a.commissions is not None:
        yield _commissions(spec, a)


def _code_match(a: Attribution) -> Component:
    from prm_builder.generate import attribution as g

    codes = a.codes
    queue = codes.review_queue if codes.unknown_code == "review_queue" else None
    g_ = fp.Graph()
    g_.lookup("Find_Partner", "Find Partner By Code", "Account", [(g.PARTNER_CODE, fp.ref("partnerCode"))],
              next="Partner_Known", fault="Flag_Unknown")
    g_.decide("Partner_Known", "Partner Known?", "Code_Matches", [fp.found("Find_Partner")],
              yes="Credit_Partner", no="Find_Review_Queue" if queue else "Flag_Unknown", no_label="Unknown Code")
    g_.assign_record("Credit_Partner", "Credit The Partner", {
        g.REFERRING_PARTNER: fp.ref("Find_Partner.Id"), g.CODE_UNKNOWN: {"booleanValue": False}})
    if queue:
        g_.add("recordLookups", "Find_Review_Queue", "Find Review Queue", next="Flag_Unknown", fault="Flag_Unknown",
               object="Group", filterLogic="and", getFirstRecordOnly=True, queriedFields=["Id"],
               storeOutputAutomatically=True,
               filters=[{"field": "Type", "operator": "EqualTo", "value": fp.text("Queue")},
                        {"field": "DeveloperName", "operator": "EqualTo", "value": fp.text(queue)}])
    flag = g_.add("assignments", "Flag_Unknown", "Flag Unknown Code", x=440, assignmentItems=[
        {"assignToReference": f"$Record.{g.REFERRING_PARTNER}", "operator": "Assign",
         "value": fp.ref("$GlobalConstant.EmptyString")},
        {"assignToReference": f"$Record.{g.CODE_UNKNOWN}", "operator": "Assign", "value": {"booleanValue": True}}])
    if queue:
        flag["connector"] = {"targetReference": "Queue_Found"}
        g_.decide("Queue_Found", "Review Queue Found?", "Queue_Exists", [fp.found("Find_Review_Queue")],
                  yes="Give_To_Review_Queue")
        g_.assign_record("Give_To_Review_Queue", "Give To Review Queue", {"OwnerId": fp.ref("Find_Review_Queue.Id")},
                         x=440)
    code = f"{{!$Record.{g.LEAD_CODE}}}"
    start = {"connector": {"targetReference": "Find_Partner"},
             "filterFormula": f"AND(NOT(ISBLANK({code})), NOT({{!$Record.IsConverted}}), OR(ISNEW(), ISCHANGED({code})))",
             "recordTriggerType": "CreateAndUpdate", "triggerType": "RecordBeforeSave"}
    body = fp.flow(CODE_FLOW, "PRM Partner Code Match",
                   "Credits the partner whose code a lead carries; an unknown code is flagged for review"
                   + (" and goes to the review queue" if queue else "") + ". Generated by prm.", start,
                   formulas=[fp.formula("partnerCode", "String", f"TRIM({code})")], triggerOrder=CODE_ORDER,
                   **g_.elements)
    refs = {f"CustomField:Lead.{n}" for n in (g.LEAD_CODE, g.REFERRING_PARTNER, g.CODE_UNKNOWN)}
    refs.add(f"CustomField:Account.{g.PARTNER_CODE}")
    if queue:
        refs.add(f"Queue:{queue}")
    return Component("Flow", CODE_FLOW, body, purpose="Fills the referring partner from the lead's partner code; "
                     "flags unknown codes.", source=codes.ref() or a.ref(), references=tuple(sorted(refs)),
                     notes=(ACTIVATION_NOTE,))


def _attribution_key(a: Attribution) -> Component:
    """Partner_Attribution__c.Unique_Key__c = "<Opportunity id>-<partner id>" before every save:
    the unique field then refuses a second attribution of one partner to one Opportunity."""
    from prm_builder.generate import attribution as g

    gr = fp.Graph()
    gr.assign_record("Set_Key", "Set Unique Key", {"Unique_Key__c": fp.ref("uniqueKey")})
    start = {"connector": {"targetReference": "Set_Key"}, "recordTriggerType": "CreateAndUpdate",
             "triggerType": "RecordBeforeSave"}
    body = fp.flow(KEY_FLOW, "PRM Attribution Key",
                   "Keys each attribution by Opportunity and partner, so a partner is attributed once per "
                   "Opportunity (the key is unique). Generated by prm.", start, obj=g.ATTRIBUTION,
                   formulas=[fp.formula("uniqueKey", "String",
                                        "{!$Record.Opportunity__c} & \"-\" & {!$Record.Partner_Account__c}")],
                   triggerOrder=CODE_ORDER, **gr.elements)
    refs = tuple(f"CustomField:{g.ATTRIBUTION}.{n}" for n in ("Opportunity__c", "Partner_Account__c", "Unique_Key__c"))
    return Component("Flow", KEY_FLOW, body, purpose="One attribution per partner and Opportunity (unique key).",
                     source=a.model.ref() or a.ref(), references=refs, notes=(ACTIVATION_NOTE,))


def _conflict(spec: ProgramSpec, a: Attribution) -> Component:
    """A submitted registration against customer accounts: by name first, then by the email's
    domain in the account's website (Get Records `Contains` is SOQL LIKE '%domain%'); the
    first customer found is checked for an open Opportunity."""
    from prm_builder.generate import attribution as g

    assert a.conflict is not None and spec.deal_registration is not None
    dr = spec.deal_registration
    status = dr.fields.status.api_name
    by_name, by_domain = "company_name" in a.conflict.match_on, "email_domain" in a.conflict.match_on
    gr = fp.Graph()
    customer = [("IsPartner", {"booleanValue": False})]

    def remember(name: str, lookup: str) -> None:
        gr.add("assignments", name, f"Remember {lookup.replace('_', ' ')}", next="Find_Open_Deal", assignmentItems=[
            {"assignToReference": "customerId", "operator": "Assign", "value": fp.ref(f"{lookup}.Id")},
            {"assignToReference": "customerName", "operator": "Assign", "value": fp.ref(f"{lookup}.Name")}])

    domain_step = "Has_Domain" if by_domain else None
    first = "Find_Customer_By_Name" if by_name else "Has_Domain"
    if by_name:
        gr.lookup("Find_Customer_By_Name", "Find Customer By Name", "Account",
                  [("Name", fp.ref("companyName")), *customer], next="Name_Matches", fault="Flag_Check_Failed",
                  fields=("Id", "Name"))
        gr.decide("Name_Matches", "Customer Found By Name?", "Name_Found", [fp.found("Find_Customer_By_Name")],
                  yes="Remember_Name_Match", no=domain_step)
        remember("Remember_Name_Match", "Find_Customer_By_Name")
    if by_domain:
        gr.decide("Has_Domain", "Email Has A Domain?", "Domain_Known",
                  [{"leftValueReference": "emailDomain", "operator": "IsNull", "rightValue": {"booleanValue": False}}],
                  yes="Find_Customer_By_Domain")
        gr.add("recordLookups", "Find_Customer_By_Domain", "Find Customer By Website Domain",
               next="Domain_Matches", fault="Flag_Check_Failed", object="Account", filterLogic="and",
               filters=[{"field": "Website", "operator": "Contains", "value": fp.ref("emailDomain")},
                        {"field": "IsPartner", "operator": "EqualTo", "value": {"booleanValue": False}}],
               getFirstRecordOnly=True, queriedFields=["Id", "Name"], storeOutputAutomatically=True)
        gr.decide("Domain_Matches", "Customer Found By Domain?", "Domain_Found", [fp.found("Find_Customer_By_Domain")],
                  yes="Remember_Domain_Match")
        remember("Remember_Domain_Match", "Find_Customer_By_Domain")
    gr.add("recordLookups", "Find_Open_Deal", "Find Open Opportunity", next="Deal_Open", fault="Flag_Check_Failed",
           object="Opportunity", filterLogic="and",
           filters=[{"field": "AccountId", "operator": "EqualTo", "value": fp.ref("customerId")},
                    {"field": "IsClosed", "operator": "EqualTo", "value": {"booleanValue": False}}],
           getFirstRecordOnly=True, queriedFields=["Id", "Name"], storeOutputAutomatically=True)
    gr.decide("Deal_Open", "Open Opportunity?", "Being_Sold_To", [fp.found("Find_Open_Deal")], yes="Flag_Conflict")
    gr.add("assignments", "Flag_Conflict", "Flag Channel Conflict", assignmentItems=[
        {"assignToReference": f"$Record.{g.CONFLICT}", "operator": "Assign", "value": {"booleanValue": True}},
        {"assignToReference": f"$Record.{g.CONFLICT_REASON}", "operator": "Assign", "value": fp.ref("conflictReason")},
        {"assignToReference": f"$Record.{g.CONFLICT_ACCOUNT}", "operator": "Assign", "value": fp.ref("customerId")}])
    # A check that cannot run flags the registration for the reviewer rather than letting it pass.
    gr.add("assignments", "Flag_Check_Failed", "Flag Failed Check", x=440, assignmentItems=[
        {"assignToReference": f"$Record.{g.CONFLICT}", "operator": "Assign", "value": {"booleanValue": True}},
        {"assignToReference": f"$Record.{g.CONFLICT_REASON}", "operator": "Assign", "value": fp.ref("faultText")}])
    st = f"{{!$Record.{status}}}"
    start = {"connector": {"targetReference": first},
             "filterFormula": f'AND(ISPICKVAL({st}, {formula_string(dr.status_value("submitted"))}), '
                              f'OR(ISNEW(), ISCHANGED({st})))',
             "recordTriggerType": "CreateAndUpdate", "triggerType": "RecordBeforeSave"}
    email = "{!$Record.Email}"
    formulas = [
        fp.formula("companyName", "String", "TRIM({!$Record.Company})"),
        fp.formula("emailDomain", "String", f'IF(CONTAINS({email}, "@"), '
                                            f'LOWER(TRIM(MID({email}, FIND("@", {email}) + 1, 255))), "")'),
        fp.formula("conflictReason", "String",
                   'LEFT("Existing customer " & {!customerName} & " has an open opportunity: " & '
                   '{!Find_Open_Deal.Name}, 255)'),
        fp.error_formula("Channel conflict check failed")]
    variables = [{"name": n, "dataType": "String", "isCollection": False, "isInput": False, "isOutput": False}
                 for n in ("customerId", "customerName")]
    body = fp.flow(CONFLICT_FLOW, "PRM Channel Conflict",
                   "Flags a submitted registration whose customer account already has an open opportunity "
                   f"(policy: {a.conflict.action}). Generated by prm.", start, formulas=formulas,
                   triggerOrder=CONFLICT_ORDER, variables=variables, **gr.elements)
    refs = {f"CustomField:Lead.{n}" for n in (g.CONFLICT, g.CONFLICT_REASON, g.CONFLICT_ACCOUNT, status)}
    return Component("Flow", CONFLICT_FLOW, body, purpose="Channel-conflict detection of submitted registrations "
                     "against customer accounts with open opportunities.", source=a.conflict.ref(),
                     references=tuple(sorted(refs)), notes=(ACTIVATION_NOTE,))


# ---------------------------------------------------------------- commissions on closed-won

def _money(value: float) -> str:
    return f"{value:g}" if value == int(value) else repr(float(value))


def commission_formula(amount: str, above: list[float], rates: list[float], cap: float | None) -> str:
    """Marginal bands: each band's rate applies to the part of `amount` above its start (and
    below the next band's); rounded to cents; at most `cap`."""
    parts = []
    for i, (start, rate) in enumerate(zip(above, rates)):
        top = above[i + 1] if i + 1 < len(above) else None
        upper = amount if top is None else f"MIN({amount}, {_money(top)})"
        parts.append(f"MAX(0, {upper} - {_money(start)}) * {_money(rate / 100)}")
    total = f"ROUND({' + '.join(parts)}, 2)"
    return total if cap is None else f"MIN({_money(cap)}, {total})"


def _commissions(spec: ProgramSpec, a: Attribution) -> Component:
    """PRM_Commission_On_Won (Opportunity, after save): when an Opportunity becomes won (or its
    amount changes while won), each attribution row with a share is paid by the first schedule
    of its partner's type and tier: a new Accrued commission, or the Accrued one of that partner
    and deal recalculated (adjustments kept); approved and paid ones are finance's and stay.
    Queries before the loops and one create / one update after them (no SOQL or DML in loops)."""
    from prm_builder.generate import attribution as g

    assert a.commissions is not None
    each, row = "Each_Attribution", "Each_Attribution"
    ptype = f"TEXT({{!{row}.Partner_Account__r.{g.PARTNER_TYPE}}})"
    tier_field = spec.partner_account.tier_field.api_name
    ptier = f"TEXT({{!{row}.Partner_Account__r.{tier_field}}})"
    attributed = f"{{!{row}.Attributed_Amount__c}}"
    gr = fp.Graph()
    gr.add("recordLookups", "Get_Attributions", "Get Attributions", next="Attributed", fault="Calculation_Failed",
           object=g.ATTRIBUTION, filterLogic="and", getFirstRecordOnly=False, storeOutputAutomatically=True,
           filters=[{"field": "Opportunity__c", "operator": "EqualTo", "value": fp.ref("$Record.Id")},
                    {"field": "Percentage__c", "operator": "GreaterThan", "value": {"numberValue": 0}}],
           queriedFields=["Id", "Partner_Account__c", "Attributed_Amount__c"])
    gr.decide("Attributed", "Any Attribution?", "Has_Attribution", [fp.found("Get_Attributions")],
              yes="Get_Commissions")
    gr.add("recordLookups", "Get_Commissions", "Get Commissions Of The Deal", next="Had_Commissions",
           fault="Calculation_Failed", object=g.COMMISSION, filterLogic="and", getFirstRecordOnly=False,
           storeOutputAutomatically=True,
           filters=[{"field": "Opportunity__c", "operator": "EqualTo", "value": fp.ref("$Record.Id")}],
           queriedFields=["Id", "Commission_Key__c", "Status__c", "Amount__c", "Net_Amount__c"])
    # Either way on to the attributions: with no commission yet, every row creates one.
    gr.decide("Had_Commissions", "Commissions Before?", "Some_Before", [fp.found("Get_Commissions")], yes=each,
              no=each, no_label="None Yet")
    gr.add("loops", each, "Each Attribution", collectionReference="Get_Attributions", iterationOrder="Asc",
           nextValueConnector={"targetReference": "Which_Schedule"},
           noMoreValuesConnector={"targetReference": "Any_New"})
    formulas = [fp.formula("commissionKey", "String", f"{{!$Record.Id}} & \"-\" & {{!{row}.Partner_Account__c}}"),
                fp.formula("adjustmentsOfMatch", "Currency",
                           "{!Each_Commission.Net_Amount__c} - {!Each_Commission.Amount__c}"),
                fp.formula("netAmount", "Currency", "{!commissionAmount} + {!existingAdjustments}")]
    formulas[1]["scale"] = formulas[2]["scale"] = 2
    rules = []
    for i, s in enumerate(a.commissions.schedules, 1):
        types = ", ".join(f"{ptype} = {formula_string(t)}" for t in s.types)
        test = f"OR({types})" if len(s.types) > 1 else types
        tiers = [spec.tier(t).developer_name for t in s.tiers if spec.tier(t) is not None]
        if tiers:
            tier_test = ", ".join(f"{ptier} = {formula_string(t)}" for t in tiers)
            test = f"AND({test}, {'OR(' + tier_test + ')' if len(tiers) > 1 else tier_test})"
        above = [b.above for b in s.bands] or [0]
        rates = [b.rate for b in s.bands] or [s.rate or 0]
        formulas.append(fp.formula(f"pays{i}", "Boolean", test))
        formulas.append({**fp.formula(f"commission{i}", "Currency", commission_formula(attributed, above, rates, s.cap)),
                         "scale": 2})
        rules.append({"name": f"Schedule_{i}", "label": s.name[:80], "conditionLogic": "and",
                      "conditions": [fp.is_true(f"pays{i}")], "connector": {"targetReference": f"Use_Schedule_{i}"}})
    gr.add("decisions", "Which_Schedule", "Which Schedule?", rules=rules, defaultConnectorLabel="No Schedule",
           defaultConnector={"targetReference": each})
    for i, s in enumerate(a.commissions.schedules, 1):
        gr.add("assignments", f"Use_Schedule_{i}", f"Use {s.name}"[:80], next="Forget_Match", assignmentItems=[
            {"assignToReference": "scheduleName", "operator": "Assign", "value": fp.text(s.name)},
            {"assignToReference": "commissionAmount", "operator": "Assign", "value": fp.ref(f"commission{i}")}])
    gr.add("assignments", "Forget_Match", "Forget Previous Match", next="Each_Commission", assignmentItems=[
        {"assignToReference": "existingId", "operator": "Assign", "value": fp.ref("$GlobalConstant.EmptyString")},
        {"assignToReference": "existingStatus", "operator": "Assign", "value": fp.ref("$GlobalConstant.EmptyString")}])
    gr.add("loops", "Each_Commission", "Each Commission Of The Deal", collectionReference="Get_Commissions",
           iterationOrder="Asc", nextValueConnector={"targetReference": "Same_Partner"},
           noMoreValuesConnector={"targetReference": "New_Or_Accrued"})
    gr.decide("Same_Partner", "Same Partner?", "Same_Key",
              [{"leftValueReference": "Each_Commission.Commission_Key__c", "operator": "EqualTo",
                "rightValue": fp.ref("commissionKey")}], yes="Remember_Match", no="Each_Commission")
    gr.add("assignments", "Remember_Match", "Remember Match", next="Each_Commission", assignmentItems=[
        {"assignToReference": "existingId", "operator": "Assign", "value": fp.ref("Each_Commission.Id")},
        {"assignToReference": "existingStatus", "operator": "Assign", "value": fp.ref("Each_Commission.Status__c")},
        {"assignToReference": "existingAdjustments", "operator": "Assign", "value": fp.ref("adjustmentsOfMatch")}])
    accrued = g.COMMISSION_STATUSES[0]
    gr.add("decisions", "New_Or_Accrued", "New Or Accrued?", defaultConnectorLabel="Settled By Finance",
           defaultConnector={"targetReference": each}, rules=[
               {"name": "New_Commission", "label": "New", "conditionLogic": "and",
                "conditions": [{"leftValueReference": "existingId", "operator": "IsNull",
                                "rightValue": {"booleanValue": True}}],
                "connector": {"targetReference": "Add_New"}},
               {"name": "Still_Accrued", "label": "Accrued", "conditionLogic": "and",
                "conditions": [{"leftValueReference": "existingStatus", "operator": "EqualTo",
                                "rightValue": fp.text(accrued)}],
                "connector": {"targetReference": "Add_Update"}}])
    values = {"Schedule__c": fp.ref("scheduleName"), "Attributed_Amount__c": fp.ref(f"{row}.Attributed_Amount__c"),
              "Amount__c": fp.ref("commissionAmount")}
    new_items = {"Partner_Account__c": fp.ref(f"{row}.Partner_Account__c"), "Opportunity__c": fp.ref("$Record.Id"),
                 **values, "Net_Amount__c": fp.ref("commissionAmount"), "Status__c": fp.text(accrued),
                 "Commission_Key__c": fp.ref("commissionKey")}
    gr.add("assignments", "Add_New", "Add New Commission", next=each, x=50, assignmentItems=[
        *[{"assignToReference": f"newCommission.{f}", "operator": "Assign", "value": v} for f, v in new_items.items()],
        {"assignToReference": "newCommissions", "operator": "Add", "value": fp.ref("newCommission")}])
    upd_items = {"Id": fp.ref("existingId"), **values, "Net_Amount__c": fp.ref("netAmount")}
    gr.add("assignments", "Add_Update", "Add Recalculated Commission", next=each, x=314, assignmentItems=[
        *[{"assignToReference": f"changedCommission.{f}", "operator": "Assign", "value": v} for f, v in upd_items.items()],
        {"assignToReference": "changedCommissions", "operator": "Add", "value": fp.ref("changedCommission")}])
    gr.decide("Any_New", "New Commissions?", "Some_New",
              [{"leftValueReference": "newCommissions", "operator": "IsNull", "rightValue": {"booleanValue": False}}],
              yes="Create_Commissions", no="Any_Changed")
    gr.add("recordCreates", "Create_Commissions", "Create Commissions", next="Any_Changed", fault="Calculation_Failed",
           inputReference="newCommissions")
    gr.decide("Any_Changed", "Recalculated Commissions?", "Some_Changed",
              [{"leftValueReference": "changedCommissions", "operator": "IsNull", "rightValue": {"booleanValue": False}}],
              yes="Update_Commissions")
    gr.add("recordUpdates", "Update_Commissions", "Update Commissions", fault="Calculation_Failed",
           inputReference="changedCommissions")
    # A commission that cannot be written fails the save that won the deal, with the reason:
    # a won deal without its commission would go unnoticed.
    gr.add("customErrors", "Calculation_Failed", "Commission calculation failed", x=578,
           customErrorMessages=[{"errorMessage": "Partner commissions could not be calculated: {!$Flow.FaultMessage}",
                                 "isFieldError": False}])
    variables = [
        *[{"name": n, "dataType": "String", "isCollection": False, "isInput": False, "isOutput": False}
          for n in ("scheduleName", "existingId", "existingStatus")],
        *[{"name": n, "dataType": "Currency", "isCollection": False, "isInput": False, "isOutput": False, "scale": 2}
          for n in ("commissionAmount", "existingAdjustments")],
        *[{"name": n, "dataType": "SObject", "isCollection": c, "isInput": False, "isOutput": False,
           "objectType": g.COMMISSION}
          for n, c in (("newCommission", False), ("newCommissions", True), ("changedCommission", False),
                       ("changedCommissions", True))]]
    amount = a.model.amount_field
    won = "{!$Record.IsWon}"
    start = {"connector": {"targetReference": "Get_Attributions"},
             "filterFormula": f"AND({won}, OR(NOT({{!$Record__Prior.IsWon}}), ISCHANGED({{!$Record.{amount}}})))",
             "recordTriggerType": "Update", "triggerType": "RecordAfterSave"}
    body = fp.flow(COMMISSION_FLOW, "PRM Commission On Won",
                   "Creates (or recalculates while accrued) each attributed partner's commission when an "
                   "Opportunity is won, by the first schedule of the partner's type and tier. Generated by prm.",
                   start, obj="Opportunity", formulas=formulas, triggerOrder=CODE_ORDER, variables=variables,
                   **gr.elements)
    refs = {f"CustomField:{g.COMMISSION}.{n}" for n in ("Partner_Account__c", "Opportunity__c", "Schedule__c",
                                                       "Attributed_Amount__c", "Amount__c", "Net_Amount__c",
                                                       "Status__c", "Commission_Key__c")}
    refs |= {f"CustomField:{g.ATTRIBUTION}.{n}" for n in ("Opportunity__c", "Partner_Account__c", "Percentage__c",
                                                         "Attributed_Amount__c")}
    refs |= {f"CustomField:Account.{g.PARTNER_TYPE}", f"CustomField:Account.{tier_field}"}
    return Component("Flow", COMMISSION_FLOW, body, purpose="Commission records from closed-won attributed revenue.",
                     source=a.commissions.ref() or a.ref(), references=tuple(sorted(refs)), notes=(ACTIVATION_NOTE,))
