"""The `deal_registration` section -> Lead fields, queues, the tier-routed approval
processes, email templates and alerts, validation rules, list views, duplicate
prevention, and the automation (flows + the converter Apex class) in dealreg_flows.py.

The lifecycle the metadata implements (only partner-registered leads are registrations:
the status is blank on marketing leads and becomes Draft when a partner registers one):
Draft --partner sets Submitted--> (flow submits) approval by tier route
  -> rejected: status Rejected, record unlocked, partner notified with the reason; the
     partner edits and sets Submitted again (resubmission)
  -> approved, and the spec chose one of two lifecycles (`conversion.on_approval`):
     * convert on approval: the flow hands the Lead to the converter, which converts it in
       its own asynchronous transaction (a failure never rolls the approval back; it is
       written on the record); status Converted. Nothing expires.
     * protect for N days: expiry date = today + N; someone converts it (Convert button:
       the lead field mapping carries the partner; or the converter action). Approved and
       not converted after N days -> Expired (scheduled flow, partner notified); renewal =
       setting Submitted again, which re-runs approval and sets a new expiry date.
"""

from __future__ import annotations

from typing import Iterator

from metadata_templates import render
from prm_builder.generate.approval_guards import GUARD_TOKEN
from prm_builder import API_VERSION
from prm_builder.generate import dealreg_flows
from prm_builder.generate import fields as f
from prm_builder.generate.approvals import ApprovalStatuses, ApprovalTarget, approval_components
from prm_builder.generate.component import Component
from prm_builder.generate.duplicates import duplicate_rule, matching_rules
from prm_builder.generate.workflow import email_alert, field_update
from prm_builder.model.deal_registration import DealRegistration
from prm_builder.model.root import ProgramSpec

PREFIX = "Deal_Reg"
ALERTS = {"approved": "Deal_Reg_Approved", "rejected": "Deal_Reg_Rejected", "expired": "Deal_Reg_Expired"}
TEMPLATES = {"request": "Deal_Reg_Approval_Request", "approved": "Deal_Reg_Approved",
             "rejected": "Deal_Reg_Rejected", "expired": "Deal_Reg_Expired"}
SET_EXPIRY = "Deal_Reg_Set_Expiry"
CONVERTER = "DealRegistrationConverter"
#: Database.convertLead takes at most 100 LeadConvert objects per call (Apex Reference,
#: Database.convertLead: https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_methods_system_database.htm)
CONVERT_CHUNK = 100


def entitled_tiers(spec: ProgramSpec) -> list:
    """Tiers whose partners may register deals, highest first."""
    return [t for t in sorted(spec.tiers, key=lambda t: -t.rank) if t.features.deal_registration]


def template_name(dr: DealRegistration, key: str) -> str:
    return f"{dr.notifications.folder}/{TEMPLATES[key]}"


def generate(spec: ProgramSpec) -> Iterator[Component]:
    dr = spec.deal_registration
    if dr is None:
        return
    yield from _fields(spec, dr)
    yield from _queues(dr)
    yield from _approvals(spec, dr)
    yield from _notifications(spec, dr)
    yield from _validation_rules(spec, dr)
    yield from _list_views(dr)
    yield from _duplicates(dr)
    yield from dealreg_flows.generate(spec, dr)
    yield from _apex(spec, dr)
    yield from _lead_convert_mapping(dr)


def _field(obj: str, spec_field, body: dict, purpose: str, references=()) -> Component:
    return f.field_component(obj, spec_field.api_name, spec_field.label, body, purpose=purpose,
                             source=spec_field.ref(), description=spec_field.description,
                             help_text=spec_field.help_text, references=references)


def _fields(spec: ProgramSpec, dr: DealRegistration) -> Iterator[Component]:
    fl = dr.fields
    yield _field("Lead", fl.amount, f.currency(), "Deal value the tier thresholds compare (Lead has no Amount).")
    yield _field("Lead", fl.close_date, f.date(), "When the partner expects the deal to close.")
    # No default value: a default would make every marketing lead a Draft registration; the
    # stamp flow sets Draft on partner-registered leads only (PRM-V131 rejects a default).
    yield _field("Lead", fl.status, f.picklist(fl.status.values, fl.status.default),
                 "Registration lifecycle; approval entry criteria and the flows read it.")
    if dr.protection_days() is not None:
        yield _field("Lead", fl.expires_on, f.date(), "Until when an approved registration protects the partner.")
    yield _field("Lead", fl.conversion_error, {"type": "Text", "length": 255, "required": False, "unique": False},
                 "Why the last automatic submission or conversion failed; the lifecycle flow and the converter "
                 "write it so a failure is visible on the record instead of rolling the approval back.")
    yield _field("Lead", fl.rejection_reason, {"type": "TextArea"}, "Why a registration was rejected (emailed).")
    yield _field("Lead", fl.email_domain, {"type": "Text", "length": 255, "required": False, "unique": False},
                 "Email domain for duplicate matching (matching rules cannot read formulas).")
    lookup = dr.partner_lookup
    if lookup.kind == "custom":
        # Child relationship names must be unique on Account across objects; the Lead's
        # is the one formulas use (lead_relationship()).
        for obj, name, rel in (("Lead", lookup.lead_field, lookup.lead_field[:-3]),
                               ("Opportunity", lookup.opportunity_field, "Registered_Opportunities")):
            yield f.field_component(
                obj, name, "Partner Account",
                {"type": "Lookup", "referenceTo": "Account", "relationshipName": rel,
                 "relationshipLabel": "Registered Deals" if obj == "Lead" else "Registered Opportunities",
                 "deleteConstraint": "SetNull",
                 "lookupFilter": {"active": True, "booleanFilter": None,
                                  "filterItems": [{"field": "Account.IsPartner", "operation": "equals",
                                                   "value": "True"}],
                                  "isOptional": False, "errorMessage": "Choose a partner account."}},
                purpose=f"The registering partner's account on {obj} (custom lookup chosen in the spec).",
                source=lookup.ref("kind"), description="The partner account that registered the deal.")
    # The tier must be on the Lead: approval entry criteria see only the record's own fields.
    tier_formula = f"TEXT({lookup.lead_relationship()}.{spec.partner_account.tier_field.api_name})"
    lookup_ref = f"CustomField:Lead.{lookup.lead_api_name()}"
    yield f.field_component("Lead", fl.tier.api_name, fl.tier.label, f.text_formula(tier_formula, False),
                            purpose="Brings the partner's tier onto the Lead so routing can filter on it.",
                            source=fl.tier.ref(), description=fl.tier.description, help_text=fl.tier.help_text,
                            references=[lookup_ref], reference_sources={lookup_ref: lookup.ref("kind")})


def _queues(dr: DealRegistration) -> Iterator[Component]:
    for q in dr.queues:
        members = {"publicGroups": {"publicGroup": list(q.members.groups)} if q.members.groups else None,
                   "roles": {"role": list(q.members.roles)} if q.members.roles else None}
        yield Component(
            "Queue", q.name,
            {"name": q.label, "doesSendEmailToMembers": not q.email, "email": q.email or None,
             "queueMembers": members if any(members.values()) else None,
             "queueSobject": [{"sobjectType": "Lead"}]},
            purpose=f"Work queue '{q.label}' (deal registration approvals).", source=q.ref(),
            references=tuple(sorted([f"Group:{g}" for g in q.members.groups]
                                    + [f"Role:{r}" for r in q.members.roles])))


def approval_target(spec: ProgramSpec, dr: DealRegistration) -> ApprovalTarget:
    fl = dr.fields
    names = {}
    for t in spec.tiers:
        names[t.name] = t.developer_name
        names[t.developer_name] = t.developer_name
    return ApprovalTarget(
        object="Lead", prefix=PREFIX, status_field=fl.status.api_name,
        statuses=ApprovalStatuses(dr.status_value("submitted"), dr.status_value("approved"),
                                  dr.status_value("rejected"), dr.status_value("draft")),
        tier_field=fl.tier.api_name, amount_field=fl.amount.api_name, tier_names=names,
        submitters=(("owner", None), ("creator", None)),
        request_template=template_name(dr, "request"),
        page_fields=("Name", "Company", fl.amount.api_name, fl.close_date.api_name, fl.tier.api_name),
        approval_actions=((("FieldUpdate", SET_EXPIRY),) if dr.protection_days() is not None else ())
        + (("Alert", ALERTS["approved"]),),
        rejection_actions=(("Alert", ALERTS["rejected"]),),
        feature="Deal registration")


def _approvals(spec: ProgramSpec, dr: DealRegistration) -> Iterator[Component]:
    yield from approval_components(approval_target(spec, dr), dr.approval, source=dr.ref("approval"),
                                   named_users=spec.org.named_username)
    days = dr.protection_days()
    if days is not None:  # converted on approval: nothing to protect, no expiry date
        yield field_update("Lead", SET_EXPIRY, field=dr.fields.expires_on.api_name,
                           formula=f"TODAY() + {days}", label=f"Registration expires in {days} days",
                           source=dr.expiry.ref() if dr.expiry else dr.conversion.ref("on_approval"),
                           purpose="Starts the protection period of an approved registration.")


def _notifications(spec: ProgramSpec, dr: DealRegistration) -> Iterator[Component]:
    folder = dr.notifications.folder
    yield Component("EmailFolder", folder, {"accessType": "Public", "name": "PRM Deal Registration",
                                            "publicFolderAccess": "ReadOnly"},
                    purpose="Holds the deal registration email templates.", source=dr.notifications.ref())
    fl = dr.fields
    days = dr.protection_days()
    context = {"program": spec.program.name, "amount": fl.amount.api_name, "close_date": fl.close_date.api_name,
               "tier": fl.tier.api_name, "expires_on": fl.expires_on.api_name if days is not None else "",
               "rejection_reason": fl.rejection_reason.api_name, "submitted": dr.status_value("submitted"),
               "days": days, "note": dr.notifications.sender_note}
    subjects = {"request": "Deal registration to approve: {!Lead.Company}",
                "approved": "Deal registration approved: {!Lead.Company}",
                "rejected": "Deal registration not approved: {!Lead.Company}",
                "expired": "Deal registration expired: {!Lead.Company}"}
    files = {"request": "approval_request", "approved": "approved", "rejected": "rejected", "expired": "expired"}
    if days is None:  # converted on approval: nothing expires, no expiry email
        del subjects["expired"]
    for key, subject in subjects.items():
        name = template_name(dr, key)
        yield Component(
            "EmailTemplate", name,
            {"apiVersion": API_VERSION, "available": True,
             "description": f"Deal registration: {key.replace('request', 'approval request')} email. Generated by prm.",
             "encodingKey": "UTF-8", "name": TEMPLATES[key].replace("_", " "), "style": "none",
             "subject": subject, "type": "text", "uiType": "Aloha"},
            purpose=f"Text of the '{key}' deal registration email.", source=dr.notifications.ref(),
            content=render(f"email/{files[key]}.email.j2", **context))
    alerts = [("approved", [("creator", None)]), ("rejected", [("creator", None)])]
    if days is not None:
        alerts.append(("expired", [("creator", None), ("owner", None)]))
    for key, recipients in alerts:
        yield email_alert("Lead", ALERTS[key], description=f"Deal registration {key}: tells the partner.",
                          template=template_name(dr, key), recipients=recipients, source=dr.notifications.ref(),
                          purpose=f"Notifies the registering partner that the registration was {key}.")


def _validation_rules(spec: ProgramSpec, dr: DealRegistration) -> Iterator[Component]:
    status = dr.fields.status.api_name
    submitted = f.formula_string(dr.status_value("submitted"))
    # ISNEW too: a partner may create a registration directly as Submitted (ISCHANGED is
    # false on insert, which would let it skip these checks).
    becomes_submitted = f"AND(OR(ISNEW(), ISCHANGED({status})), ISPICKVAL({status}, {submitted}))"
    entitled = ", ".join(f"{f.formula_string(t.developer_name)}, 1" for t in entitled_tiers(spec))
    tier = dr.fields.tier.api_name
    rules = [
        ("Deal_Reg_Tier_Entitled",
         f"AND({becomes_submitted}, CASE({tier}, {entitled}, 0) = 0)" if entitled else becomes_submitted,
         "Your partner tier does not include deal registration. Contact your channel manager.",
         "Only tiers with features.deal_registration may submit registrations."),
        ("Deal_Reg_Required_On_Submit",
         f"AND({becomes_submitted}, OR(ISBLANK({dr.fields.amount.api_name}), ISBLANK({dr.fields.close_date.api_name}),"
         f" ISBLANK({dr.partner_lookup.lead_api_name()})))",
         f"Enter the {dr.fields.amount.label}, the {dr.fields.close_date.label} and the partner account before submitting.",
         "A registration needs an amount (thresholds), a close date and a partner account."),
        ("Deal_Reg_Resubmit_From",
         f"AND(NOT(ISNEW()), ISCHANGED({status}), ISPICKVAL({status}, {submitted}), NOT(OR(" + ", ".join(
             f"ISPICKVAL(PRIORVALUE({status}), {f.formula_string(dr.status_value(r))})"
             for r in ("draft", "rejected", "expired")) + ")))",
         "Only draft, rejected or expired registrations can be submitted.",
         "Submission (and resubmission or renewal) starts from Draft, Rejected or Expired."),
    ]
    for name, formula, message, description in rules:
        yield Component("ValidationRule", f"Lead.{name}",
                        {"fullName": name, "active": True, "description": description,
                         "errorConditionFormula": formula, "errorMessage": message},
                        purpose=description, source=dr.fields.status.ref())


def _list_views(dr: DealRegistration) -> Iterator[Component]:
    fl = dr.fields
    protected = dr.protection_days() is not None
    columns = ["FULL_NAME", "LEAD.COMPANY", fl.amount.api_name, fl.close_date.api_name, fl.tier.api_name,
               fl.status.api_name, *([fl.expires_on.api_name] if protected else []), "LEAD.CREATED_DATE"]
    shared = {"group": list(dr.list_views.shared_to_groups)} if dr.list_views.shared_to_groups else None
    views = [
        ("Deal_Reg_Pending_Approval", "Deal Registrations: Pending Approval",
         [(fl.status.api_name, "equals", dr.status_value("submitted"))]),
        # Approved but not converted: with convert-on-approval these are the failed conversions
        # (the error field says why), otherwise the protected registrations to work.
        ("Deal_Reg_Approved_Unconverted", "Deal Registrations: Approved, Not Converted",
         [(fl.status.api_name, "equals", dr.status_value("approved"))]),
    ]
    if protected:
        views += [
            ("Deal_Reg_Expiring_Soon", "Deal Registrations: Expiring Soon",
             [(fl.status.api_name, "equals", dr.status_value("approved")),
              (fl.expires_on.api_name, "equals", f"NEXT_N_DAYS:{dr.list_views.expiring_within_days}")]),
            ("Deal_Reg_Rejected_Expired", "Deal Registrations: Rejected or Expired",
             [(fl.status.api_name, "equals", f"{dr.status_value('rejected')},{dr.status_value('expired')}")])]
    else:
        views.append(("Deal_Reg_Rejected", "Deal Registrations: Rejected",
                      [(fl.status.api_name, "equals", dr.status_value("rejected"))]))
    for name, label, filters in views:
        yield Component(
            "ListView", f"Lead.{name}",
            {"fullName": name, "columns": columns, "filterScope": "Everything",
             "filters": [{"field": fld, "operation": op, "value": v} for fld, op, v in filters],
             "label": label, "sharedTo": shared},
            purpose=f"Channel managers' view: {label.split(': ')[1].lower()}.", source=dr.list_views.ref(),
            references=tuple(sorted({f"CustomField:Lead.{fld}" for fld, _, _ in filters}
                                    | {f"Group:{g}" for g in dr.list_views.shared_to_groups})))


def _duplicates(dr: DealRegistration) -> Iterator[Component]:
    dup = dr.duplicates
    rules = [{"name": m.name, "label": m.label, "description": "Deal registration channel conflict. Generated by prm.",
              "items": [(x.field, x.method, x.blank_matches) for x in m.fields]} for m in dup.matching_rules]
    if rules:
        yield matching_rules("Lead", rules, source=dup.ref("matching_rules"),
                             purpose="Finds registrations of the same deal (channel conflict).")
    all_matching = [m.name for m in dup.matching_rules]
    status = dr.fields.status.api_name
    active = [dr.status_value("submitted"), dr.status_value("approved")]
    # Numbered after the org's own Lead rules: sortOrder is unique per object (PRM-V130).
    for i, d in enumerate(dup.duplicate_rules, start=dup.existing_org_rules + 1):
        yield duplicate_rule("Lead", d.name, label=d.label,
                             description=f"{'Blocks' if d.action == 'block' else 'Warns'} partner users saving "
                                         "an active registration of a deal someone already registered. "
                                         "Generated by prm.",
                             block=d.action == "block", alert_text=d.alert_text,
                             matching=d.matching_rules or all_matching, sort_order=i, source=d.ref(),
                             record_filter=(status, active),
                             purpose="Stops partners registering a deal already registered (channel conflict).")


def _apex(spec: ProgramSpec, dr: DealRegistration) -> Iterator[Component]:
    """The converter and its tests. Platform behaviour they rely on:
    - at most 100 LeadConvert objects per Database.convertLead call; the converted status is
      LeadStatus.ApiName (Apex Reference, Database class and LeadConvert class:
      https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_methods_system_database.htm,
      https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_dml_convertLead.htm);
    - a queue-owned lead needs an explicit owner, and without setAccountId conversion creates a
      new Account (Apex Developer Guide, "Converting Leads":
      https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/langCon_apex_dml_examples_convertlead.htm);
    - an invocable method returns one result per request, in request order (Apex Developer
      Guide, InvocableMethod annotation), so the flow action pairs them correctly."""
    fl, lookup = dr.fields, dr.partner_lookup
    # Every spec value reaches Apex through the apex_string / apex_comment filters of
    # metadata_templates (escaped literal, comment that cannot be closed early).
    context = {"program": spec.program.name, "approved": dr.status_value("approved"),
               "converted": dr.status_value("converted"), "converted_status": dr.conversion.converted_status,
               "status": fl.status.api_name, "amount": fl.amount.api_name, "close_date": fl.close_date.api_name,
               "error": fl.conversion_error.api_name, "on_approval": dr.conversion.on_approval,
               "lead_partner": lookup.lead_api_name(), "opportunity_partner": lookup.opportunity_api_name(),
               "standard_lookup": lookup.kind == "standard", "chunk_size": CONVERT_CHUNK,
               "draft": dr.status_value("draft"), "submitted": dr.status_value("submitted"),
               "email_domain": fl.email_domain.api_name, "tier_field": spec.partner_account.tier_field.api_name,
               "tier_value": next((t.developer_name for t in entitled_tiers(spec)), ""),
               "token": GUARD_TOKEN}
    refs = (f"CustomField:Lead.{GUARD_TOKEN}", f"CustomField:Lead.{lookup.lead_api_name()}", f"CustomField:Opportunity.{lookup.opportunity_api_name()}",
            f"CustomField:Lead.{fl.amount.api_name}", f"CustomField:Lead.{fl.close_date.api_name}",
            f"CustomField:Lead.{fl.status.api_name}", f"CustomField:Lead.{fl.conversion_error.api_name}")
    for name, template, purpose in (
            (CONVERTER, "DealRegistrationConverter.cls.j2",
             "Converts approved registrations to Opportunities keeping the partner account (Flow cannot convert), "
             "asynchronously, matching existing Accounts and setting an explicit owner."),
            (f"{CONVERTER}Test", "DealRegistrationConverterTest.cls.j2",
             "Apex tests of the converter and the lifecycle flows (org deploys need them).")):
        yield Component("ApexClass", name, {"apiVersion": API_VERSION, "status": "Active"}, purpose=purpose,
                        source=dr.conversion.ref(), references=tuple(sorted(set(refs))),
                        reference_sources={r: lookup.ref("kind") for r in refs if "Partner" in r},
                        content=render(f"apex/{template}", **context))


def _lead_convert_mapping(dr: DealRegistration) -> Iterator[Component]:
    """A manual conversion (the Convert button) must carry the partner too. Standard lead
    fields map to their Opportunity counterparts automatically (PartnerAccountId included);
    custom ones only through the org's lead field mapping, which the Metadata API expresses
    as LeadConvertSettings.objectMapping (inputObject Lead -> outputObject Opportunity,
    mappingFields inputField/outputField). Metadata API Developer Guide, LeadConvertSettings:
    https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_leadconvertsettings.htm
    SOAP API convertLead() "Field Mappings": standard fields map automatically, custom fields
    as the administrator maps them:
    https://developer.salesforce.com/docs/atlas.en-us.api.meta/object_ref/sforce_api_calls_convertlead.htm"""
    lookup = dr.partner_lookup
    if lookup.kind != "custom":
        return
    refs = (f"CustomField:Lead.{lookup.lead_field}", f"CustomField:Opportunity.{lookup.opportunity_field}")
    yield Component(
        "LeadConvertSettings", "LeadConvertSettings",
        {"objectMapping": [{"inputObject": "Lead", "mappingFields": [
            {"inputField": lookup.lead_field, "outputField": lookup.opportunity_field}],
            "outputObject": "Opportunity"}]},
        purpose="Lead field mapping: a conversion from the Convert button carries the partner to the Opportunity.",
        source=lookup.ref("kind"), references=refs,
        notes=("LeadConvertSettings is one org-wide component: deploying it sets the org's whole custom lead "
               "field mapping. Add the org's existing custom mappings to it (retrieve LeadConvertSettings) "
               "before the first deploy to an org that has some.",))
