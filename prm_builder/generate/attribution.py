"""`attribution` -> partner types and codes on Account, source capture on Lead, attribution
records under each Opportunity, channel-conflict fields, commissions, partner-account
de-duplication, and the Apex that keeps them current (attribution_apex.py).

Guards the platform enforces by itself, not by code:
- one partner is attributed once per Opportunity: Partner_Attribution__c.Unique_Key__c
  (unique; set to "<Opportunity id>-<Account id>" before save);
- percentages on one Opportunity never exceed 100: the Opportunity's roll-up of its
  attribution percentages (master-detail) and a validation rule on the Opportunity, which
  the platform evaluates when a child's change updates the roll-up ("Roll-Up Summary Field"
  and validation rules: the parent record is saved, and its validation rules run);
- one commission per Opportunity and partner: Commission__c.Commission_Key__c (unique).
"""

from __future__ import annotations

from typing import Iterator

from prm_builder.generate import field_types as ft
from prm_builder.generate import fields as f
from prm_builder.generate.component import Component
from prm_builder.generate.duplicates import duplicate_rule, matching_rules
from prm_builder.metadata.serializer import NIL
from prm_builder.generate.objects import CONTROLLED_BY_PARENT, auto_number_name, custom_object, validation_rule
from prm_builder.model.attribution import Attribution
from prm_builder.model.root import ProgramSpec

ATTRIBUTION = "Partner_Attribution__c"
COMMISSION = "Commission__c"
ADJUSTMENT = "Commission_Adjustment__c"
PARTNER_TYPE = "Partner_Type__c"
PARTNER_CODE = "Partner_Code__c"
TAX_ID = "Tax_Id__c"
LEAD_CODE = "Referral_Code__c"
CODE_UNKNOWN = "Partner_Code_Unknown__c"
CONFLICT = "Channel_Conflict__c"
CONFLICT_REASON = "Channel_Conflict_Reason__c"
CONFLICT_ACCOUNT = "Conflict_Account__c"
REFERRING_PARTNER = "Referring_Partner__c"
UTM = ("Source", "Medium", "Campaign", "Term", "Content")
ROLES = ["Sourced", "Influenced"]
#: the org's Standard Account Duplicate Rule holds position 1 on Account (PLATFORM-NOTES:
#: rule order is unique per object and standard rules hold positions)
ACCOUNT_RULE_ORDER = 2
COMMISSION_STATUSES = ["Accrued", "Approved", "Paid", "Cancelled"]
ATTRIBUTED_PERCENT = "Attributed_Percent__c"


def utm_fields() -> list[str]:
    return [f"UTM_{part}__c" for part in UTM]


def generate(spec: ProgramSpec) -> Iterator[Component]:
    attribution = spec.attribution
    if attribution is None:
        return
    src = attribution.ref()
    yield from _account(spec, attribution)
    yield from _lead(spec, attribution)
    yield from _attribution_object(spec, attribution)
    if attribution.commissions is not None:
        yield from _commissions(attribution)
    yield from _dedupe(attribution)
    from prm_builder.generate import attribution_flows
    from prm_builder.generate.attribution_apex import apex_components

    yield from attribution_flows.generate(spec, attribution)
    yield from apex_components(spec, attribution)
    del src


def _field(obj: str, name: str, label: str, body: dict, description: str, source, *,
           history: bool = False, references: tuple[str, ...] = (), reference_sources: dict | None = None) -> Component:
    if history:
        body = {**body, "trackHistory": True}
    return f.field_component(obj, name, label, body, purpose=description, source=source, description=description,
                             references=references, reference_sources=reference_sources)


def _account(spec: ProgramSpec, a: Attribution) -> Iterator[Component]:
    src = a.ref("partner_types")
    yield _field("Account", PARTNER_TYPE, "Partner Type", f.picklist([t.name for t in a.partner_types]),
                 "What kind of partner this is; decides deal-registration rights and commission schedule.", src)
    yield _field("Account", PARTNER_CODE, "Partner Code",
                 {"type": "Text", "length": 20, "required": False, "unique": True, "caseSensitive": False,
                  "externalId": True},
                 "The partner's referral code: leads carrying it are credited to this partner.", a.ref("codes"))
    if a.conflict is not None and "tax_id" in a.conflict.partner_duplicates:
        yield _field("Account", TAX_ID, "Tax ID", ft.text(40),
                     "Partner's tax / VAT id: partner accounts are de-duplicated on it.", a.conflict.ref())


def _lead(spec: ProgramSpec, a: Attribution) -> Iterator[Component]:
    codes = a.codes
    src = codes.ref() or a.ref()
    objects = ["Lead"] + (["Contact"] if codes.contact_fields else [])
    for obj in objects:
        yield _field(obj, LEAD_CODE, "Partner Code", ft.text(20),
                     "Partner or referral code the lead arrived with; fills the partner.", src)
        if codes.utm_fields:
            for part, name in zip(UTM, utm_fields()):
                yield _field(obj, name, f"UTM {part}", ft.text(255), f"utm_{part.lower()} of the lead's first visit.", src)
    # The code's partner is credited in a field of its own, not the registration's partner
    # lookup: a referral is not a deal registration (no approval, no protection window).
    yield _field("Lead", REFERRING_PARTNER, "Referring Partner",
                 {"type": "Lookup", "referenceTo": "Account", "relationshipName": "Referred_Leads",
                  "relationshipLabel": "Referred Leads", "required": False, "deleteConstraint": "SetNull",
                  "trackHistory": a.track_history},
                 "The partner whose code the lead carried; credited on the Opportunity at conversion.", src)
    if codes.unknown_code == "review_queue" and codes.review_queue:
        group = codes.review_group
        yield Component("Queue", codes.review_queue, {
            "name": codes.review_queue.replace("_", " "), "doesSendEmailToMembers": False,
            "queueMembers": {"publicGroups": {"publicGroup": [group]}} if group else None,
            "queueSobject": [{"sobjectType": "Lead"}]},
            purpose="Leads whose partner code matches no partner account, for review.", source=codes.ref("review_queue"),
            references=(f"Group:{group}",) if group else ())
    yield _field("Lead", CODE_UNKNOWN, "Partner Code Unknown", ft.checkbox(False),
                 "Set when the lead's partner code matches no partner account (review it).", src)
    partner = _lead_partner(spec)
    if codes.require_for_lead_source:
        value = codes.require_for_lead_source.replace('"', '\\"')
        yield validation_rule(
            "Lead", "Partner_Code_Required",
            f'AND(ISPICKVAL(LeadSource, "{value}"), ISBLANK({LEAD_CODE}), ISBLANK({partner}), NOT(IsConverted))',
            f"Leads from source '{codes.require_for_lead_source}' need the partner code they came with.",
            description="Partner-sourced leads must carry a partner code (attribution.codes).", source=src,
            display_field=LEAD_CODE)
    if a.conflict is not None:
        csrc = a.conflict.ref()
        yield _field("Lead", CONFLICT, "Channel Conflict", ft.checkbox(False),
                     "Set when the registration matches a customer account with open opportunities.", csrc)
        yield _field("Lead", CONFLICT_REASON, "Channel Conflict Reason", ft.text(255),
                     "Which customer account and opportunities the registration conflicts with.", csrc)
        yield _field("Lead", CONFLICT_ACCOUNT, "Conflicting Account",
                     {"type": "Lookup", "referenceTo": "Account", "relationshipName": "Conflicting_Registrations",
                      "relationshipLabel": "Conflicting Registrations", "required": False,
                      "deleteConstraint": "SetNull"},
                     "The existing customer account the registration conflicts with.", csrc)
        dr = spec.deal_registration
        if a.conflict.action == "block" and dr is not None:
            # The PRM_Channel_Conflict flow (before save) sets the flag; validation rules run
            # after before-save flows, so this refuses the submission in the same save.
            status = dr.fields.status.api_name
            submitted = f'ISPICKVAL({status}, "{dr.status_value("submitted")}")'
            yield validation_rule(
                "Lead", "Channel_Conflict_Blocked",
                f"AND({CONFLICT}, {submitted}, OR(ISNEW(), ISCHANGED({status})))",
                "Channel conflict: this customer already has an open opportunity. Contact your channel manager.",
                description="Registrations of customers already being sold to cannot be submitted "
                            "(attribution.conflict.action: block).",
                source=a.conflict.ref("action") or csrc, display_field=CONFLICT)
    blocked = [t.name for t in a.partner_types if not t.register_deals]
    if blocked and spec.deal_registration is not None:
        rel = _partner_relationship(spec)
        types = ", ".join(f'ISPICKVAL({rel}.{PARTNER_TYPE}, "{t}")' for t in blocked)
        test = types if len(blocked) == 1 else f"OR({types})"
        yield validation_rule(
            "Lead", "Partner_Type_May_Register",
            f'AND(ISNEW(), $User.UserType = "PowerPartner", {test})',
            "Your partner type cannot register deals. Contact your channel manager.",
            description="Partner types without deal-registration rights cannot register deals.",
            source=a.ref("partner_types"), references=(f"CustomField:Account.{PARTNER_TYPE}",))


def _lead_partner(spec: ProgramSpec) -> str:
    dr = spec.deal_registration
    if dr is None:
        return "PartnerAccountId"
    return dr.partner_lookup.lead_api_name()


def _partner_relationship(spec: ProgramSpec) -> str:
    field = _lead_partner(spec)
    return "PartnerAccount" if field == "PartnerAccountId" else field.replace("__c", "__r")


def opportunity_partner(spec: ProgramSpec) -> str:
    dr = spec.deal_registration
    return dr.partner_lookup.opportunity_api_name() if dr is not None else "PartnerAccountId"


def _detail_object(name: str, label: str, plural: str, number: tuple[str, str], description: str, purpose: str,
                   source, history: bool) -> Component:
    """A detail object (access follows its master), with field history when tracked."""
    obj = custom_object(name, label, plural, name_field=auto_number_name(*number), sharing=CONTROLLED_BY_PARENT,
                        external_sharing=CONTROLLED_BY_PARENT, source=source, description=description,
                        purpose=purpose)
    return Component(obj.type, obj.full_name, {**obj.body, "enableHistory": history}, purpose=obj.purpose,
                     source=obj.source)


def _attribution_object(spec: ProgramSpec, a: Attribution) -> Iterator[Component]:
    src = a.ref("model")
    body_history = a.track_history
    yield _detail_object(ATTRIBUTION, "Partner Attribution", "Partner Attributions", ("Attribution", "PA-{000000}"),
                         "Which partners an Opportunity's revenue is credited to, with role and share.",
                         "Attribution records: partner, Opportunity, role, percentage.", src, body_history)
    yield _field(ATTRIBUTION, "Opportunity__c", "Opportunity",
                 ft.master_detail("Opportunity", "Partner_Attributions", "Partner Attributions"),
                 "The Opportunity credited.", src)
    yield _field(ATTRIBUTION, "Partner_Account__c", "Partner Account",
                 {"type": "Lookup", "referenceTo": "Account", "relationshipName": "Attributions",
                  "relationshipLabel": "Attributions", "required": True, "deleteConstraint": "Restrict"},
                 "The partner credited.", src, history=body_history)
    yield _field(ATTRIBUTION, "Role__c", "Role", f.picklist(ROLES), "Sourced the deal, or influenced it.", src,
                 history=body_history)
    yield _field(ATTRIBUTION, "Percentage__c", "Percentage", f.percent(5, 2),
                 "Share of the Opportunity's revenue credited to this partner.", src, history=body_history)
    yield _field(ATTRIBUTION, "Touch_Date__c", "Touch Date", f.date(),
                 "When the partner touched the deal (first/last touch and time decay use it).", src)
    yield _field(ATTRIBUTION, "Unique_Key__c", "Unique Key",
                 {"type": "Text", "length": 40, "required": False, "unique": True, "caseSensitive": False,
                  "externalId": False},
                 "Opportunity id and partner id: the platform refuses a second attribution of one partner.", src)
    amount = a.model.amount_field
    yield _field(ATTRIBUTION, "Attributed_Amount__c", "Attributed Amount",
                 {**ft.currency_formula(f"Opportunity__r.{amount} * Percentage__c"), "formulaTreatBlanksAs": "BlankAsZero"},
                 "The partner's share of the Opportunity's amount.", src,
                 references=(f"CustomField:Opportunity.{amount}",),
                 reference_sources={f"CustomField:Opportunity.{amount}": a.model.ref("amount_field")})
    yield _field("Opportunity", ATTRIBUTED_PERCENT, "Attributed Percent",
                 ft.roll_up("sum", f"{ATTRIBUTION}.Opportunity__c", f"{ATTRIBUTION}.Percentage__c"),
                 "Sum of the partner attribution percentages (at most 100).", src)
    yield validation_rule("Opportunity", "Attribution_At_Most_100", f"{ATTRIBUTED_PERCENT} > 1",
                          "Partner attribution on this opportunity would exceed 100%.",
                          description="Attribution percentages on one Opportunity never exceed 100.", source=src)


def _commissions(a: Attribution) -> Iterator[Component]:
    assert a.commissions is not None
    src = a.commissions.ref()
    h = a.track_history
    yield _detail_object(COMMISSION, "Commission", "Commissions", ("Commission", "CM-{000000}"),
                         "Commission owed to a partner for closed-won attributed revenue.",
                         "Commission records created from closed-won attributed revenue.", src, h)
    yield _field(COMMISSION, "Partner_Account__c", "Partner Account",
                 ft.master_detail("Account", "Commissions", "Commissions"), "The partner owed.", src)
    yield _field(COMMISSION, "Opportunity__c", "Opportunity",
                 {"type": "Lookup", "referenceTo": "Opportunity", "relationshipName": "Commissions",
                  "relationshipLabel": "Commissions", "required": False, "deleteConstraint": "SetNull"},
                 "The closed-won Opportunity the commission is for.", src)
    yield _field(COMMISSION, "Schedule__c", "Schedule", ft.text(80), "The commission schedule applied.", src)
    yield _field(COMMISSION, "Attributed_Amount__c", "Attributed Amount", f.currency(),
                 "The partner's attributed revenue when the commission was calculated.", src, history=h)
    yield _field(COMMISSION, "Amount__c", "Amount", f.currency(), "Commission calculated by the schedule.", src,
                 history=h)
    yield _field(COMMISSION, "Net_Amount__c", "Net Amount", f.currency(),
                 "Amount plus adjustments (kept by the adjustment trigger).", src, history=h)
    yield _field(COMMISSION, "Status__c", "Status", f.picklist(COMMISSION_STATUSES, "Accrued"),
                 "Accrued when calculated; Approved, Paid or Cancelled by finance.", src, history=h)
    yield _field(COMMISSION, "Commission_Key__c", "Commission Key",
                 {"type": "Text", "length": 40, "required": False, "unique": True, "caseSensitive": False,
                  "externalId": True},
                 "Opportunity id and partner id: one commission per partner and deal.", src)
    yield _field("Account", "Commission_Liability__c", "Commission Liability",
                 ft.roll_up("sum", f"{COMMISSION}.Partner_Account__c", f"{COMMISSION}.Net_Amount__c",
                            filters=[(f"{COMMISSION}.Status__c", "equals", "Accrued, Approved")]),
                 "Commission owed to the partner and not paid yet.", src)
    yield _detail_object(ADJUSTMENT, "Commission Adjustment", "Commission Adjustments", ("Adjustment", "CA-{000000}"),
                         "A correction of a commission, with its reason.",
                         "Commission adjustments with reasons (audit trail).", src, h)
    yield _field(ADJUSTMENT, "Commission__c", "Commission",
                 ft.master_detail(COMMISSION, "Adjustments", "Adjustments"), "The commission adjusted.", src)
    yield _field(ADJUSTMENT, "Amount__c", "Amount", ft.required(f.currency()),
                 "Added to the commission (negative to reduce it).", src)
    yield _field(ADJUSTMENT, "Reason__c", "Reason", ft.text(255, required=True), "Why the commission changed.", src)


def _dedupe(a: Attribution) -> Iterator[Component]:
    if a.conflict is None or not a.conflict.partner_duplicates:
        return
    src = a.conflict.ref("partner_duplicates") or a.conflict.ref()
    fields = {"name": ("Name", "company_name"), "tax_id": (TAX_ID, "exact"), "domain": ("Website", "exact")}
    rules = [{"name": f"Partner_Account_{key.title().replace('_', '')}", "label": f"Partner Account {key.replace('_', ' ').title()}",
              "description": f"Partner accounts with the same {key.replace('_', ' ')}.",
              "items": [(fields[key][0], fields[key][1], False)]} for key in a.conflict.partner_duplicates]
    yield matching_rules("Account", rules, source=src,
                         purpose="Finds partner accounts that already exist (name, tax id, domain).")
    rule = duplicate_rule("Account", "Partner_Account_Duplicate", label="Partner Account Duplicate",
                          description="Warns when a partner account already exists with the same name, tax id or "
                                      "domain.",
                          block=False, alert_text="A partner account with this name, tax id or website already exists.",
                          matching=[r["name"] for r in rules], sort_order=ACCOUNT_RULE_ORDER, source=src,
                          purpose="Partner-account de-duplication.")
    # Internal users create partner accounts: no partner-user filter, and only partner
    # accounts (a partner type set) are compared.
    body = dict(rule.body)
    body["duplicateRuleFilter"] = {"booleanFilter": NIL, "duplicateRuleFilterItems": [
        {"field": PARTNER_TYPE, "operation": "notEqual", "value": None, "sortOrder": 1, "table": "Account"}]}
    yield Component(rule.type, rule.full_name, body, purpose=rule.purpose, source=rule.source,
                    references=rule.references + (f"CustomField:Account.{PARTNER_TYPE}",),
                    deploy_step=rule.deploy_step, notes=rule.notes)
