"""Rules over the `deal_registration` section (PRM-V120..V131; the approval routing is
checked by the shared approval checks, PRM-V100..V114)."""

from __future__ import annotations

from typing import Iterator

from prm_builder.errors import Diagnostic
from prm_builder.model.deal_registration import DEFAULT_STATUSES, DealRegistration
from prm_builder.validate.approval_checks import RoutingContext, check_routing
from prm_builder.validate.field_checks import FIELD_LABEL_MAX, field_spec_problems
from prm_builder.validate.names import api_name_problem
from prm_builder.validate.registry import ValidationContext, error, rule, warning

MATCHING_RULES_MAX = 5          # active per object
DUPLICATE_RULES_MAX = 5         # active per object
MATCHING_PER_DUPLICATE_MAX = 3
MATCH_FIELDS_MAX = 10
LOOKUPS_PER_MATCHING_RULE_MAX = 1
#: fuzzy matching methods and the standard Lead fields each applies to
FUZZY_FIELDS = {"company_name": {"Company"}, "first_name": {"FirstName"}, "last_name": {"LastName"},
                "phone": {"Phone", "MobilePhone"}, "city": {"City"}, "street": {"Street"},
                "zip": {"PostalCode"}, "title": {"Title"}}
STANDARD_LOOKUPS = {"OwnerId", "PartnerAccountId", "CampaignId", "ConvertedAccountId", "ConvertedContactId",
                    "ConvertedOpportunityId", "CreatedById", "LastModifiedById"}
NEEDS = {"deal_registration", "tiers", "org", "partner_account"}


def _dr(ctx: ValidationContext) -> DealRegistration | None:
    return ctx.spec.deal_registration


@rule("PRM-V120", "deal-registration-approvals", needs=NEEDS)
def deal_registration_approvals(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Runs the shared approval checks (PRM-V100..V114) over deal_registration.approval:
    every tier with features.deal_registration needs exactly one route, tiers without it
    (e.g. Bronze) none; thresholds increase; approvers exist."""
    dr = _dr(ctx)
    if dr is None:
        return
    org = ctx.spec.org
    routing_ctx = RoutingContext(
        object="Lead", feature_flag="deal_registration", tiers=ctx.spec.tiers,
        known_queues=frozenset([q.name for q in dr.queues] + list(org.queues)),
        known_groups=frozenset([t.group_name for t in ctx.spec.tiers] + list(org.groups)
                               + [g.name for g in ctx.spec.groups]),
        known_users=frozenset(org.users), amount_field=dr.fields.amount.api_name, named_users=org.named_users)
    yield from check_routing(dr.approval, routing_ctx)


@rule("PRM-V121", "partner-lookup-declared", needs=NEEDS)
def partner_lookup_declared(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Lead.PartnerAccountId and Opportunity.PartnerAccountId exist only when partner
    features (PRM) are on: with `partner_lookup.kind: standard` both must be listed under
    org.fields so the org check confirms them before deploy. A custom lookup needs custom
    field names (ending '__c')."""
    dr = _dr(ctx)
    if dr is None:
        return
    lookup = dr.partner_lookup
    if lookup.kind == "standard":
        for name in ("Lead.PartnerAccountId", "Opportunity.PartnerAccountId"):
            if name not in ctx.spec.org.fields:
                yield error("PRM-V121", f"partner_lookup is standard but {name} is not declared in org.fields",
                            lookup.ref("kind"), f"list {name} under org.fields (it exists only with PRM enabled), "
                            "or use `kind: custom`")
        for key in ("lead_field", "opportunity_field"):
            if lookup.has_key(key):
                yield warning("PRM-V121", f"`{key}` is ignored with `kind: standard`", lookup.ref(key),
                              "remove it, or use `kind: custom`")
    else:
        for key in ("lead_field", "opportunity_field"):
            problem = api_name_problem(getattr(lookup, key), custom_suffix="__c")
            if problem:
                yield error("PRM-V121", f"custom partner lookup '{getattr(lookup, key)}' {problem}",
                            lookup.ref(key), "use a custom field name such as Partner_Account__c")


@rule("PRM-V122", "deal-registration-field-names", needs=NEEDS)
def deal_registration_field_names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Generated Lead fields need valid custom field names ('__c', at most 40 characters
    before it) and labels of at most 40 characters; no two may share a name (including the
    custom partner lookup)."""
    dr = _dr(ctx)
    if dr is None:
        return
    yield from field_spec_problems(dr.fields.all_fields(), code="PRM-V122", what="deal registration",
                                   example="Deal_Amount__c")
    seen = {f.api_name.lower() for f in dr.fields.all_fields()}
    lookup = dr.partner_lookup
    if lookup.kind == "custom" and lookup.lead_field.lower() in seen:
        yield error("PRM-V122", f"the partner lookup '{lookup.lead_field}' has the name of another Lead field",
                    lookup.ref("lead_field"), "rename the lookup or the other field")


@rule("PRM-V123", "registration-status-values", needs=NEEDS)
def registration_status_values(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The approval process, the flows and the validation rules set and filter on the six
    lifecycle values (Draft, Submitted, Approved, Rejected, Expired, Converted): the
    status picklist must offer each of them; its default must be one of its values."""
    dr = _dr(ctx)
    if dr is None:
        return
    status = dr.fields.status
    missing = [v for v in DEFAULT_STATUSES if v not in status.values]
    if missing:
        yield error("PRM-V123", f"the registration status field lacks {', '.join(missing)}", status.ref("values"),
                    f"keep all of {', '.join(DEFAULT_STATUSES)} (add others if you need them)")
    if status.default is not None and status.default not in status.values:
        yield error("PRM-V123", f"default '{status.default}' is not one of the status values", status.ref("default"),
                    "use Draft")
    lowered = [v.lower() for v in status.values]
    if len(set(lowered)) != len(lowered):
        yield error("PRM-V123", "status values repeat (Salesforce compares them case-insensitively)",
                    status.ref("values"), "remove the repeated value")


@rule("PRM-V124", "duplicate-rule-limits", needs=NEEDS)
def duplicate_rule_limits(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Platform limits on Lead: 5 active matching rules and 5 active duplicate rules per
    object, 3 matching rules per duplicate rule, 10 fields and 1 lookup field per matching
    rule. Names are unique; a duplicate rule may only use matching rules of the section."""
    dr = _dr(ctx)
    if dr is None:
        return
    dup = dr.duplicates
    if len(dup.matching_rules) > MATCHING_RULES_MAX:
        yield error("PRM-V124", f"{len(dup.matching_rules)} matching rules on Lead; at most {MATCHING_RULES_MAX} "
                    "can be active per object", dup.ref("matching_rules", MATCHING_RULES_MAX),
                    "combine matching rules")
    if len(dup.duplicate_rules) > DUPLICATE_RULES_MAX:
        yield error("PRM-V124", f"{len(dup.duplicate_rules)} duplicate rules on Lead; at most {DUPLICATE_RULES_MAX} "
                    "can be active per object", dup.ref("duplicate_rules", DUPLICATE_RULES_MAX),
                    "combine duplicate rules")
    names = {}
    for i, m in enumerate(dup.matching_rules):
        if m.name.lower() in names:
            yield error("PRM-V124", f"two matching rules are named '{m.name}'", m.ref("name"), "rename one")
        names[m.name.lower()] = m
        problem = api_name_problem(m.name)
        if problem:
            yield error("PRM-V124", f"matching rule name '{m.name}' {problem}", m.ref("name"),
                        "use a developer name such as Deal_Reg_Company_Domain")
        if len(m.fields) > MATCH_FIELDS_MAX:
            yield error("PRM-V124", f"matching rule '{m.name}' compares {len(m.fields)} fields; the limit is "
                        f"{MATCH_FIELDS_MAX}", m.ref("fields", MATCH_FIELDS_MAX), "compare fewer fields")
        lookups = [x for x in m.fields if x.field in STANDARD_LOOKUPS
                   or (dr.partner_lookup.kind == "custom" and x.field == dr.partner_lookup.lead_field)]
        if len(lookups) > LOOKUPS_PER_MATCHING_RULE_MAX:
            yield error("PRM-V124", f"matching rule '{m.name}' compares {len(lookups)} lookup fields; a matching "
                        "rule may use one", lookups[1].ref("field"), "keep one lookup field per matching rule")
        for j, x in enumerate(m.fields):
            if x.method != "exact" and x.field not in FUZZY_FIELDS[x.method]:
                yield error("PRM-V124", f"matching method '{x.method}' applies to "
                            f"{', '.join(sorted(FUZZY_FIELDS[x.method]))}, not {x.field}", x.ref("method"),
                            "use `method: exact` for this field")
    dnames: dict[str, object] = {}
    for d in dup.duplicate_rules:
        if d.name.lower() in dnames:
            yield error("PRM-V124", f"two duplicate rules are named '{d.name}'", d.ref("name"), "rename one")
        dnames[d.name.lower()] = d
        used = d.matching_rules or [m.name for m in dup.matching_rules]
        if not used:
            yield error("PRM-V124", f"duplicate rule '{d.name}' has no matching rule", d.ref(),
                        "define a matching rule under duplicates.matching_rules")
        if len(used) > MATCHING_PER_DUPLICATE_MAX:
            yield error("PRM-V124", f"duplicate rule '{d.name}' uses {len(used)} matching rules; the limit is "
                        f"{MATCHING_PER_DUPLICATE_MAX}", d.ref("matching_rules") or d.ref(),
                        "list at most three under `matching_rules:`")
        for k, name in enumerate(d.matching_rules):
            if name.lower() not in names:
                yield error("PRM-V124", f"duplicate rule '{d.name}' uses unknown matching rule '{name}'",
                            d.ref("matching_rules", k),
                            f"use one of: {', '.join(m.name for m in dup.matching_rules) or '(none defined)'}")


@rule("PRM-V125", "deal-registration-queues", needs=NEEDS)
def deal_registration_queues(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Queues the section generates need valid developer names and labels of at most 40
    characters, must not repeat, and must not also be declared as existing in org.queues
    (the deploy would overwrite the org's queue)."""
    dr = _dr(ctx)
    if dr is None:
        return
    seen: set[str] = set()
    for q in dr.queues:
        problem = api_name_problem(q.name)
        if problem:
            yield error("PRM-V125", f"queue name '{q.name}' {problem}", q.ref("name"),
                        "use a developer name such as Channel_Managers")
        if len(q.label) > FIELD_LABEL_MAX:
            yield error("PRM-V125", f"queue label is {len(q.label)} characters; the limit is {FIELD_LABEL_MAX}",
                        q.ref("label"), "shorten the label")
        if q.name.lower() in seen:
            yield error("PRM-V125", f"queue '{q.name}' is defined twice", q.ref("name"), "remove one")
        seen.add(q.name.lower())
        if q.name in ctx.spec.org.queues:
            yield error("PRM-V125", f"queue '{q.name}' is generated here and also declared in org.queues",
                        q.ref("name"), "remove it from org.queues (prm generates it) or from `queues:`")


@rule("PRM-V126", "expiry-window", needs=NEEDS)
def expiry_window(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The 'expiring soon' list view looks ahead `list_views.expiring_within_days`; a
    window longer than the expiry itself shows every approved registration."""
    dr = _dr(ctx)
    days = dr.protection_days() if dr is not None else None
    if dr is None or days is None:
        return
    if dr.list_views.expiring_within_days >= days:
        yield warning("PRM-V126", f"expiring_within_days ({dr.list_views.expiring_within_days}) is not shorter "
                      f"than expiry.days ({days})", dr.list_views.ref("expiring_within_days"),
                      "use a shorter look-ahead, e.g. 14")


@rule("PRM-V127", "lifecycle-choice", needs=NEEDS)
def lifecycle_choice(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The spec chooses one lifecycle. `conversion.on_approval: true` converts an approved
    registration at once, so nothing is left to protect or expire: an `expiry` section (or an
    'expiring soon' look-ahead) with it is a contradiction. `on_approval: false` protects the
    approved registration for `expiry.days` (default 90) until someone converts it."""
    dr = _dr(ctx)
    if dr is None or not dr.conversion.on_approval:
        return
    if dr.expiry is not None:
        yield error("PRM-V127", "`expiry` with `conversion.on_approval: true`: approved registrations are "
                    "converted at once and never expire", dr.expiry.ref(),
                    "remove `expiry`, or set `conversion.on_approval: false` to protect approved "
                    "registrations for expiry.days until someone converts them")
    if dr.list_views.has_key("expiring_within_days"):
        yield error("PRM-V127", "`list_views.expiring_within_days` with `conversion.on_approval: true`: "
                    "nothing expires, so there is no 'expiring soon' view", dr.list_views.ref("expiring_within_days"),
                    "remove it, or set `conversion.on_approval: false`")


#: characters a Lead Status value cannot hold and that would break the Apex string literal
_CONTROL = {chr(c) for c in range(32)} | {"\x7f"}
LEAD_STATUS_MAX = 255


@rule("PRM-V128", "converted-status-value", needs=NEEDS)
def converted_status_value(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """`conversion.converted_status` names a Lead Status (picklist value: one line, at most
    255 characters). It lands in the converter's Apex as an escaped string literal, so quotes
    and backslashes are fine; line breaks and control characters are not a status value."""
    dr = _dr(ctx)
    if dr is None:
        return
    value = dr.conversion.converted_status
    if any(ch in _CONTROL for ch in value) or len(value) > LEAD_STATUS_MAX:
        yield error("PRM-V128", "converted_status is not a Lead Status value (line break, control character "
                    f"or more than {LEAD_STATUS_MAX} characters)", dr.conversion.ref("converted_status"),
                    "use the API name or label of a converted Lead Status, e.g. Closed - Converted")


@rule("PRM-V129", "duplicate-rule-scope", needs=NEEDS)
def duplicate_rule_scope(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The channel-conflict rule must only match active registrations: the stamp flow fills
    the email-domain field only on registrations that are Submitted or Approved, so a matching
    rule a duplicate rule uses must compare that field with blanks not matching. Without it
    the rule would match marketing leads, pool leads and drafts and block non-conflicts."""
    dr = _dr(ctx)
    if dr is None:
        return
    key = dr.fields.email_domain.api_name
    used = {n.lower() for d in dr.duplicates.duplicate_rules
            for n in (d.matching_rules or [m.name for m in dr.duplicates.matching_rules])}
    for m in dr.duplicates.matching_rules:
        if m.name.lower() not in used:
            continue
        items = [x for x in m.fields if x.field == key]
        if not items:
            yield error("PRM-V129", f"matching rule '{m.name}' does not compare {key}, the key stamped only on "
                        "active registrations: its duplicate rule would match every lead", m.ref("fields"),
                        f"add `- field: {key}` (method exact) to its fields")
        elif items[0].blank_matches:
            yield error("PRM-V129", f"matching rule '{m.name}' lets blank {key} values match: every lead that "
                        "is not an active registration has a blank key", items[0].ref("blank_matches"),
                        "remove `blank_matches: true` for this field")


@rule("PRM-V130", "duplicate-rule-order", needs=NEEDS)
def duplicate_rule_order(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Duplicate rule order (sortOrder) is unique per object and the org's own Lead rules
    hold the first positions: prm numbers its rules after `duplicates.existing_org_rules`.
    An object has at most 5 active duplicate rules, the org's included."""
    dr = _dr(ctx)
    if dr is None:
        return
    dup = dr.duplicates
    total = dup.existing_org_rules + len(dup.duplicate_rules)
    # more generated rules than the limit alone is PRM-V124's finding
    if total > DUPLICATE_RULES_MAX and len(dup.duplicate_rules) <= DUPLICATE_RULES_MAX:
        yield error("PRM-V130", f"{dup.existing_org_rules} existing and {len(dup.duplicate_rules)} generated Lead "
                    f"duplicate rules make {total}; at most {DUPLICATE_RULES_MAX} can be active per object",
                    dup.ref("existing_org_rules") or dup.ref(), "generate fewer rules or retire one of the org's")


@rule("PRM-V131", "registration-status-no-default", needs=NEEDS)
def registration_status_no_default(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Only partner-registered leads are registrations: a default on the status field would
    make every marketing lead a Draft registration (the stamp flow sets Draft on leads a
    partner creates or links to a partner account)."""
    dr = _dr(ctx)
    if dr is None:
        return
    if dr.fields.status.default is not None:
        yield error("PRM-V131", "a default registration status makes every lead (marketing leads too) a "
                    "registration", dr.fields.status.ref("default"),
                    "remove `default`: prm sets Draft on partner-registered leads")
