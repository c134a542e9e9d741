"""Checklist items of the `attribution` section (C24, C25)."""

from __future__ import annotations

from prm_builder.checklist.registry import CheckContext, item
from prm_builder.checklist.report import Outcome, failed, passed, warned

RULE_WORDS = {"first_touch": "first touch", "last_touch": "last touch", "even_split": "even split (multi-touch)",
              "time_decay": "time decay"}


@item("C24", "attribution-rule", "Default attribution rule chosen, with its exceptions documented",
      fix="add an `attribution` section with `model.default_rule`, the sourced / influenced shares and "
          "`model.exceptions`", needs={"attribution"})
def attribution_rule(ctx: CheckContext) -> Outcome:
    """The default attribution rule (which partner is credited with which share of a deal's
    revenue) is chosen, and the exceptions to it are written down."""
    attribution = ctx.spec.attribution
    if attribution is None:
        return warned("no `attribution` section: revenue is credited only to the partner on the Opportunity, "
                      "with no rule for influencing partners")
    m = attribution.model
    evidence = [f"rule: {RULE_WORDS[m.default_rule]}" + (f", half-life {m.half_life_days} days"
                                                          if m.default_rule == "time_decay" else ""),
                f"sourced {m.sourced_percent:g}% / influenced {m.influenced_percent:g}%",
                f"recalculated on: {', '.join(m.recalculate_on) or 'never'}"]
    evidence += [f"exception: {e}" for e in m.exceptions]
    if not m.exceptions:
        return warned(f"{RULE_WORDS[m.default_rule]} chosen, but no exceptions are documented "
                      "(write `model.exceptions`, or say there are none)", evidence)
    return passed(f"{RULE_WORDS[m.default_rule]}, {len(m.exceptions)} documented exception(s)", evidence)


@item("C25", "conflict-policy", "Channel-conflict policy chosen",
      fix="add `attribution.conflict` with `action: block`, `flag` or `notify`", needs={"attribution"})
def conflict_policy(ctx: CheckContext) -> Outcome:
    """What happens when a partner registers a deal for a customer that already has an account
    or open opportunities is decided: block, flag for review, or notify the account owner."""
    attribution = ctx.spec.attribution
    if ctx.spec.deal_registration is None:
        return passed("no deal registration: there are no registrations to conflict")
    if attribution is None or attribution.conflict is None:
        return failed("deal registration is on but no channel-conflict policy is chosen: registrations are "
                      "checked against other registrations only, not against customers and open opportunities")
    c = attribution.conflict
    evidence = [f"action: {c.action}", f"matched on: {', '.join(c.match_on)}",
                f"partner accounts de-duplicated on: {', '.join(c.partner_duplicates) or 'nothing'}"]
    return passed(f"{c.action} on conflict with existing customers", evidence)
