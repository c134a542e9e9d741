"""Attribution and commissions: partner types, partner codes, the default attribution rule
and its exceptions, channel conflict, commission schedules, and the automation behind them."""

from __future__ import annotations

from prm_builder.docs.content import Bullets, Heading, Para, Section, Table
from prm_builder.docs.context import DocContext, join, slug

ID = "attribution"
TITLE = "Attribution and commissions"
RULES = {"first_touch": "First touch: the earliest influencing partner gets the whole influenced share.",
         "last_touch": "Last touch: the latest influencing partner gets the whole influenced share.",
         "even_split": "Even split: influencing partners share the influenced share equally.",
         "time_decay": "Time decay: later touches weigh more; a touch {half} days older weighs half as much."}
ACTIONS = {"block": "the registration cannot be submitted; the partner is told to contact the channel manager",
           "flag": "the registration is flagged (Channel Conflict, with the customer account and its open "
                   "opportunity as the reason) for the reviewing channel manager",
           "notify": "flagged as above, and the customer account's owner is emailed"}


def build(ctx: DocContext) -> Section | None:
    a = getattr(ctx.spec, "attribution", None)
    if a is None:
        return None
    m = a.model
    section = Section(ID, TITLE, "Which partner is credited with a deal's revenue, how conflicts between "
                                 "partners and direct sales are handled, and what partners are paid.")
    section.add(Heading("Partner types", slug(ID, "types")))
    section.add(Table(("type", "may register deals", "code prefix"), tuple(
        (t.name, "yes" if t.register_deals else "no", t.code_prefix or "—") for t in a.partner_types)))
    c = a.codes
    section.add(Heading("Partner and referral codes", slug(ID, "codes")))
    section.add(Bullets((
        "A lead's Partner Code is matched to the partner account holding that code (Account.Partner_Code__c, "
        "unique); the partner is recorded in Referring Partner and credited on the Opportunity at conversion.",
        "Unknown codes: " + ("the lead is flagged (Partner Code Unknown) for channel operations to review."
                             if c.unknown_code == "flag" else
                             f"the lead is flagged and given to the queue {c.review_queue}."),
        (f"Leads with source '{c.require_for_lead_source}' must carry a code (validation rule)."
         if c.require_for_lead_source else "A code is never required."),
        "UTM source, medium, campaign, term and content are captured on the lead."
        if c.utm_fields else "No UTM fields.",
    )))
    section.add(Heading("Default attribution rule", slug(ID, "rule")))
    section.add(Table(("", ""), (
        ("Sourcing partner", f"{m.sourced_percent:g}% (100% when no partner influenced the deal)"),
        ("Influencing partners", f"{m.influenced_percent:g}%, split by the rule below"),
        ("Rule", RULES[m.default_rule].format(half=m.half_life_days)),
        ("Recalculated", join(m.recalculate_on) or "never"),
        ("Revenue field", f"Opportunity.{m.amount_field}"),
        ("Spec", ctx.where(m.ref())),
    ), row_headers=True))
    section.add(Para("Guards the platform enforces: one attribution per partner and Opportunity (a unique key), "
                     "and never more than 100% on one Opportunity (a roll-up of the percentages and a "
                     "validation rule on the Opportunity)."))
    if m.exceptions:
        section.add(Para("Documented exceptions:"), Bullets(tuple(m.exceptions)))
    if a.conflict is not None:
        section.add(Heading("Channel conflict", slug(ID, "conflict")))
        section.add(Bullets((
            f"A submitted registration is compared with customer accounts by {join(a.conflict.match_on)}.",
            f"On a match: {ACTIONS[a.conflict.action]}.",
            f"Partner accounts are de-duplicated on {join(a.conflict.partner_duplicates)} "
            "(matching and duplicate rule on Account).",
        )))
    if a.commissions is not None:
        section.add(Heading("Commissions", slug(ID, "commissions")))
        section.add(Table(("schedule", "partner types", "tiers", "rate", "cap per deal"), tuple(
            (s.name, join(s.types), join(s.tiers) or "every tier",
             f"{s.rate:g}%" if s.rate is not None else
             "; ".join(f"{b.rate:g}% above {ctx.money(b.above)}" for b in s.bands),
             ctx.money(s.cap) if s.cap is not None else "none")
            for s in a.commissions.schedules)))
        section.add(Para("The first schedule matching a partner's type and tier applies. A commission is created "
                         "when an attributed Opportunity is closed-won (one per partner and deal), follows amount "
                         "changes while Accrued, and is adjusted with Commission Adjustments (amount and reason). "
                         "The partner account's Commission Liability sums what is Accrued or Approved."))
    section.add(Heading("Automation", slug(ID, "automation")))
    section.add(Para("Declarative first: what decides an outcome is a flow, a validation rule or a roll-up an "
                     "admin can read in Setup, and `prm test` runs it from the generated metadata "
                     "(specs/scenarios/attribution.yml). Apex keeps only what flows do poorly."))
    rows = [("Partner code -> Referring Partner, unknown codes", "flow PRM_Partner_Code_Match (lead, before save)"),
            ("One attribution per partner and deal", "flow PRM_Attribution_Key sets a unique key"),
            ("At most 100% per deal", "roll-up Attributed Percent and validation rule Attribution_At_Most_100 "
                                      "on the Opportunity"),
            ("Split by the default rule; referral credit at conversion", "Apex PartnerAttribution (triggers)")]
    if a.conflict is not None:
        rows.insert(2, ("Channel conflict", "flow PRM_Channel_Conflict (lead, before save)"
                        + ("; validation rule Channel_Conflict_Blocked" if a.conflict.action == "block" else "")
                        + ("; e-mail to the account owner from Apex" if a.conflict.action == "notify" else "")))
    if a.commissions is not None:
        rows.append(("Commissions", "flow PRM_Commission_On_Won (opportunity, after save; after the Apex split)"))
    section.add(Table(("what", "how"), tuple(rows)))
    if a.track_history:
        section.add(Para("Field history is kept on attribution (partner, role, percentage) and commissions "
                         "(amounts, status)."))
    return section
