"""The QBR data model: Account fields (manager, region, target and its history, risk and
tenure flags, every metric of the catalogue, the health score), the engagement objects
(master-detail children of the partner Account), the Case partner lookup, and the
deal-registration funnel dates on the Lead.

Which metrics are roll-ups and which the daily job sets is decided in
prm_builder/performance/catalogue.py (with the reason); the job itself is in
generate/performance_apex.py, reports in performance_reports.py, the integration
permission set in performance_access.py.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterator

from prm_builder.errors import SourceRef
from prm_builder.generate import field_types as ft
from prm_builder.generate import fields as f
from prm_builder.generate.component import Component
from prm_builder.generate.objects import CONTROLLED_BY_PARENT, auto_number_name, custom_object, validation_rule
from prm_builder.model.performance import Performance
from prm_builder.model.root import ProgramSpec
from prm_builder.performance import catalogue as cat
from prm_builder.performance.score import BANDS

PARENT = "Partner_Account__c"
#: engagement object fields: key -> [(name, label, body, description)]
CERT_STATUSES = ["Active", "Expired", "Revoked"]
IMPLEMENTATION_STATUSES = ["Planned", "In Progress", "Live"]
ACTIVITY_TYPES = ["Portal Login", "Event", "Webinar", "Joint Call", "Other"]


def _optional_lookup(parent: str, rel: str, label: str) -> dict[str, Any]:
    return {"type": "Lookup", "referenceTo": parent, "relationshipName": rel, "relationshipLabel": label,
            "required": False, "deleteConstraint": "SetNull"}


OBJECT_FIELDS: dict[str, list[tuple[str, str, dict[str, Any], str]]] = {
    "training": [("Course__c", "Course", ft.text(255, required=True), "Course or learning path completed."),
                 ("Completed_On__c", "Completed On", ft.required(f.date()), "Date the training was completed.")],
    "certifications": [
        ("Certification__c", "Certification", ft.text(255, required=True), "Name of the certification."),
        ("Issued_On__c", "Issued On", f.date(), "Date the certification was issued."),
        ("Expires_On__c", "Expires On", f.date(), "Date the certification expires (the daily job expires it)."),
        ("Status__c", "Status", ft.required(f.picklist(CERT_STATUSES, "Active")),
         "Active certifications count toward the tier qualification.")],
    "activity": [("Activity_Type__c", "Activity Type", ft.required(f.picklist(ACTIVITY_TYPES)), "What happened."),
                 ("Activity_Date__c", "Activity Date", ft.required(f.date()), "When it happened.")],
    "events": [("Event_Name__c", "Event Name", ft.text(255, required=True), "Event the partner attended."),
               ("Event_Date__c", "Event Date", ft.required(f.date()), "Date of the event.")],
    "surveys": [("CSAT__c", "CSAT", ft.required(f.number(1, 0)), "Customer satisfaction, 1 (poor) to 5 (excellent)."),
                ("Response_Date__c", "Response Date", ft.required(f.date()), "When the customer answered."),
                ("Comment__c", "Comment", ft.text_area(), "What the customer said.")],
    "implementations": [
        ("Customer_Name__c", "Customer Name", ft.text(255, required=True), "Customer the partner implemented for."),
        ("Status__c", "Status", ft.required(f.picklist(IMPLEMENTATION_STATUSES, "Planned")), "Implementation stage."),
        ("Go_Live_Date__c", "Go-Live Date", f.date(), "Date the implementation went live.")],
}
#: Contact lookups on objects about a partner's people
CONTACT_OBJECTS = ("training", "certifications")


def generate(spec: ProgramSpec) -> Iterator[Component]:
    perf = spec.performance
    if perf is None:
        return
    yield from _account_fields(spec, perf)
    yield from _metric_fields(spec, perf)
    for key in cat.OBJECTS:
        if cat.engagement_enabled(perf, key):
            yield from _engagement_object(spec, perf, key)
    if perf.engagement.support_cases.enabled:
        cases = perf.engagement.support_cases
        yield f.field_component("Case", cases.partner_field, "Partner Account",
                                _optional_lookup("Account", "Partner_Cases", "Partner Cases"),
                                purpose="Attributes support cases to the partner for the QBR.",
                                source=cases.ref(), description="Partner whose customer raised the case.")
    if spec.deal_registration is not None:
        yield from _funnel_dates(spec)


def target_history_fields(perf: Performance) -> list[str]:
    target = perf.account.quarterly_target
    if target is None:
        return []
    base = target.api_name.removesuffix("__c")
    return [f"{base}_Q{i}__c" for i in range(1, perf.account.target_history + 1)] + [f"{base}_Quarter__c"]


def _account_fields(spec: ProgramSpec, perf: Performance) -> Iterator[Component]:
    acc = perf.account

    def field(fs, body, purpose, refs=()):
        return f.field_component("Account", fs.api_name, fs.label, body, purpose=purpose, source=fs.ref(),
                                 description=fs.description, help_text=fs.help_text, references=refs)

    if acc.partner_manager:
        yield field(acc.partner_manager, _optional_lookup("User", "Managed_Partners", "Managed Partners"),
                    "The channel manager accountable for the partner (QBR owner).")
    if acc.region:
        yield field(acc.region, f.picklist(acc.region.values, acc.region.default), "Region the partner is managed in.")
    if acc.quarterly_target:
        target = acc.quarterly_target
        yield field(target, f.currency(), "This quarter's revenue target: attainment and coverage divide by it.")
        history = target_history_fields(perf)
        for i, name in enumerate(history[:-1], start=1):
            yield f.field_component("Account", name, f"Revenue Target {i}Q Ago"[:40], f.currency(),
                                    purpose="Target history for the QBR trend (shifted by the daily job).",
                                    source=target.ref(), description=f"Quarterly revenue target {i} quarter(s) ago.")
        yield f.field_component("Account", history[-1], "Revenue Target Quarter", ft.text(7),
                                purpose="Which quarter the target belongs to (YYYY-Qn): the job shifts the history "
                                        "when the quarter changes.", source=target.ref(),
                                description="Quarter of the current target, e.g. 2026-Q4 (set by the daily job).")
    model = spec.partner_account
    if acc.renewal_risk:
        end = model.contract_end_field.api_name
        yield field(acc.renewal_risk, _checkbox_formula(
            f"AND(NOT(ISBLANK({end})), {end} >= TODAY(), {end} <= ADDMONTHS(TODAY(), {acc.renewal_risk.months}))"),
            "Risk flag: the partner agreement ends soon.", [f"CustomField:Account.{end}"])
    if acc.new_partner:
        start = model.start_date_field.api_name
        yield field(acc.new_partner, _checkbox_formula(
            f"AND(NOT(ISBLANK({start})), {start} > ADDMONTHS(TODAY(), -{acc.new_partner.months}))"),
            "Tenure flag: the partner is new (scores are read with that in mind).", [f"CustomField:Account.{start}"])
    hs = perf.health_score
    if hs is not None:
        yield f.field_component("Account", hs.score_field, "Partner Health Score", f.number(5, 1),
                                purpose="The weighted health score (0-100), recalculated daily.", source=hs.ref(),
                                description="Weighted partner health score 0-100 (daily job; see the docs).")
        yield f.field_component("Account", hs.band_field, "Partner Health Band", f.picklist(BANDS, restricted=True),
                                purpose="Healthy / Watch / At Risk, from the score and the band thresholds.",
                                source=hs.ref("bands"), description="Band of the health score (daily job).")


def _checkbox_formula(formula: str) -> dict[str, Any]:
    return {"type": "Checkbox", "formula": formula, "formulaTreatBlanksAs": "BlankAsBlank"}


def _ratio(num: str, den: str) -> str:
    return f"IF({den} = 0, NULL, {num} / {den})"


def formula_of(spec: ProgramSpec, key: str) -> str:
    """Formula of a `formula` metric, over the resolved field names."""
    perf = spec.performance
    assert perf is not None
    n = lambda k: cat.api_name(spec, k)  # noqa: E731 - a short alias keeps the table readable
    target = perf.account.quarterly_target.api_name if perf.account.quarterly_target else ""
    hs = perf.health_score
    formulas = {
        "qoq_growth": f"IF({n('closed_won_last_quarter')} = 0, NULL, "
                      f"({n('closed_won_qtd')} - {n('closed_won_last_quarter')}) / {n('closed_won_last_quarter')})",
        "attainment": _ratio(n("closed_won_qtd"), target),
        "pipeline_coverage": _ratio(n("open_pipeline_value"), target),
        "registration_approval_rate": _ratio(n("registrations_approved_12m"), n("registrations_submitted_12m")),
        "registration_win_rate": _ratio(n("registrations_won_12m"), n("registrations_approved_12m")),
        "mdf_approval_rate_count": _ratio(n("mdf_requests_approved_12m"), n("mdf_requests_12m")),
        "mdf_approval_rate_amount": _ratio(n("mdf_approved_amount"), n("mdf_requested_amount")),
        "mdf_utilisation_count": _ratio(n("mdf_requests_claimed_12m"), n("mdf_requests_approved_12m")),
        "mdf_utilisation_amount": _ratio(n("mdf_claimed_amount"), n("mdf_allocated_amount")),
        "inactive_flag": f"OR(ISBLANK({n('last_activity_date')}), {n('last_activity_date')} <= TODAY() - "
                         f"{hs.risk_flags.inactive_days if hs else 30})",
        "low_coverage_flag": f"AND({target} > 0, {n('open_pipeline_value')} / {target} < "
                             f"{f.formula_number(hs.risk_flags.min_pipeline_coverage if hs else 1.5)})",
    }
    return formulas[key]


def _rollup(spec: ProgramSpec, perf: Performance, key: str) -> tuple[dict[str, Any], list[str]]:
    obj_key = {"active_certifications": "certifications", "last_activity_date": "activity",
               "implementations_live": "implementations"}[key]
    obj = cat.object_name(perf, obj_key)
    fk = f"{obj}.{PARENT}"
    if key == "active_certifications":
        body = ft.roll_up("count", fk, None, [(f"{obj}.Status__c", "equals", "Active")])
        refs = [f"CustomField:{obj}.Status__c"]
    elif key == "last_activity_date":
        body = ft.roll_up("max", fk, f"{obj}.Activity_Date__c")
        refs = [f"CustomField:{obj}.Activity_Date__c"]
    else:
        body = ft.roll_up("count", fk, None, [(f"{obj}.Status__c", "equals", "Live")])
        refs = [f"CustomField:{obj}.Status__c"]
    return body, refs + [f"CustomField:{fk}"]


def _metric_fields(spec: ProgramSpec, perf: Performance) -> Iterator[Component]:
    scalar = {"currency": f.currency(), "number": f.number(18, 2), "percent": f.percent(), "date": f.date()}
    formula_types = {"percent": lambda x: {**ft.percent_formula(x), "formulaTreatBlanksAs": "BlankAsZero"},
                     "checkbox": _checkbox_formula}
    for m in cat.metrics(spec):
        refs: list[str] = []
        if m.kind == "formula":
            body = formula_types[m.type](formula_of(spec, m.key))
            how = "Formula: always current."
        elif m.kind == "rollup":
            body, refs = _rollup(spec, perf, m.key)
            how = "Roll-up summary over the partner's master-detail records."
        else:
            body = scalar[m.type]
            how = "Set by the daily recalculation job."
        component = f.field_component("Account", m.api_name, m.label, body, purpose=f"QBR metric ({m.group}). {how}",
                                      source=perf.ref("metric_fields", m.key) if m.key in perf.metric_fields
                                      else perf.ref(), description=m.description, references=refs)
        if m.key == "active_certifications" and cat.replaced_metric(spec):
            # The platform cannot turn an existing number field into a roll-up summary in place.
            component = replace(component, notes=(
                f"Account.{m.api_name} becomes a roll-up summary of active certifications: in an org where it "
                "exists as a typed-in number, delete that field first (enter the certifications as records)",))
        yield component


def _engagement_object(spec: ProgramSpec, perf: Performance, key: str) -> Iterator[Component]:
    name = cat.object_name(perf, key)
    label, plural = cat.object_label(perf, key)
    source: SourceRef | None = getattr(perf.engagement, key).ref() or perf.ref("engagement")
    prefix = "".join(w[0] for w in label.split())[:4].upper()
    yield custom_object(name, label, plural, name_field=auto_number_name(f"{label} Number"[:40], f"{prefix}-{{00000}}"),
                        sharing=CONTROLLED_BY_PARENT, external_sharing=CONTROLLED_BY_PARENT, source=source,
                        description=f"{plural} of a partner account (QBR engagement). Generated by prm.",
                        purpose=f"Records {plural.lower()} per partner; a detail of the Account so each partner "
                                "sees only its own and the Account can roll them up.")
    rel = name.removesuffix("__c").replace("__", "_") + "s"
    yield f.field_component(name, PARENT, "Partner Account", ft.master_detail("Account", rel[:40], plural),
                            purpose="Links the record to its partner (access and roll-ups follow the Account).",
                            source=source, description="The partner account the record belongs to.")
    if key in CONTACT_OBJECTS:
        yield f.field_component(name, "Contact__c", "Contact", _optional_lookup("Contact", rel[:37] + "_C", plural),
                                purpose="Which of the partner's people it concerns.", source=source,
                                description="The partner contact concerned.")
    for field_name, field_label, body, description in OBJECT_FIELDS[key]:
        yield f.field_component(name, field_name, field_label, body, purpose=description, source=source,
                                description=description)
    if key == "surveys":
        yield validation_rule(name, "CSAT_Between_1_And_5", "OR(CSAT__c < 1, CSAT__c > 5)",
                              "CSAT is a score from 1 to 5.", description="CSAT answers are 1 to 5.",
                              source=source, display_field="CSAT__c")


FUNNEL_DATES = [("Registration_Submitted_On__c", "Registration Submitted On", "submitted"),
                ("Registration_Approved_On__c", "Registration Approved On", "approved")]
FUNNEL_FLOW = "Deal_Registration_Funnel_Dates"


def _funnel_dates(spec: ProgramSpec) -> Iterator[Component]:
    from prm_builder.generate.dealreg_flows import _connect, _flow, _node

    dr = spec.deal_registration
    assert dr is not None
    source = spec.performance.ref() if spec.performance else None
    status = dr.fields.status.api_name
    for name, label, role in FUNNEL_DATES:
        yield f.field_component("Lead", name, label, f.date(), purpose="Deal-registration funnel date for the QBR.",
                                source=source, description=f"First day the registration was {role} (stamped by a flow).")
    items, formulas = [], []
    for name, _, role in FUNNEL_DATES:
        value = f.formula_string(dr.status_value(role))
        formula = f"Stamp{role.title()}"
        formulas.append({"name": formula, "dataType": "Date",
                         "expression": f"IF(AND(ISBLANK({{!$Record.{name}}}), ISPICKVAL({{!$Record.{status}}}, {value})),"
                                       f" TODAY(), {{!$Record.{name}}})"})
        items.append({"assignToReference": f"$Record.{name}", "operator": "Assign",
                      "value": {"elementReference": formula}})
    body = _flow(FUNNEL_FLOW, "Deal Registration: Funnel Dates",
                 "Stamps the first day a registration was submitted and approved (QBR funnel). Generated by prm.",
                 {"object": "Lead", "recordTriggerType": "CreateAndUpdate", "triggerType": "RecordBeforeSave",
                  "connector": _connect("Stamp_Funnel_Dates")},
                 assignments=[{**_node("Stamp_Funnel_Dates", "Stamp funnel dates", 134), "assignmentItems": items}],
                 formulas=formulas)
    yield Component("Flow", FUNNEL_FLOW, body, purpose="Keeps the registration funnel dates the QBR counts.",
                    source=source, references=tuple(sorted({f"CustomField:Lead.{status}"}
                                                           | {f"CustomField:Lead.{n}" for n, _, _ in FUNNEL_DATES})))
