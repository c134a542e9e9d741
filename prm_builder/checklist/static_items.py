"""Foundation checklist items (C00..C02, C11, C12): judged from the specs alone.

Feature sections have their own modules (items_<section>.py).

Each item's docstring is the requirement as the review states it; the README table is
generated from these.
"""

from __future__ import annotations

from prm_builder.checklist.helpers import number
from prm_builder.checklist.registry import CheckContext, item
from prm_builder.checklist.report import Outcome, failed, manual, passed, warned
from prm_builder.model.tiers import Tier

FEATURE_WORDS = {"deal_registration": "deal registration", "lead_distribution": "lead distribution",
                 "lead_pool": "lead pool", "mdf": "MDF", "co_marketing": "co-marketing"}


@item("C00", "specs-valid", "Specs validate without errors",
      fix="run `prm validate`: fix each error it reports and review each warning")
def specs_valid(ctx: CheckContext) -> Outcome:
    """The specs load, parse and pass every validation rule, so the rest of the checklist
    judges the program that will actually be built."""
    diags = [d.format().replace("\n    ", " ") for d in ctx.validation.diagnostics]
    errors = ctx.validation.errors
    if errors:
        return failed(f"{len(errors)} error(s) in the specs", diags)
    if diags:
        return warned(f"no errors, {len(diags)} warning(s)", diags)
    return passed("no errors, no warnings")


@item("C01", "partner-license", "Partner license chosen; Customer Community ruled out",
      fix="set program.license to 'Partner Community' or 'Partner Community Plus'", needs={"program"})
def partner_license(ctx: CheckContext) -> Outcome:
    """Partner Community or Partner Community Plus is the license of partner users:
    Customer Community licenses lack deal registration, lead distribution and MDF."""
    lic = ctx.spec.program.license
    if not lic.is_partner:
        return failed(f"license '{lic.value}' cannot run a partner program "
                      "(no deal registration, lead distribution or MDF)")
    return passed(f"license '{lic.value}' (user license keys {', '.join(lic.license_definition_keys)})")


def _tier_line(tier: Tier, currency: str) -> str:
    on = [w for key, w in FEATURE_WORDS.items() if getattr(tier.features, key)]
    if tier.features.mdf and tier.mdf is not None:
        on[on.index("MDF")] = f"MDF {tier.mdf.annual_allocation:,.0f} {currency}/year"
    criteria = ", ".join(f"{k} >= {number(v)}" for k, v in sorted(tier.qualification.items()))
    return f"{tier.name} (rank {tier.rank}, group {tier.group_name}): {', '.join(on) or 'no features'}; " \
           + (f"qualifies at {criteria}" if tier.qualification else "entry tier, no minimums")


@item("C02", "tier-matrix", "Tier hierarchy documented: names, ranks, criteria, feature matrix",
      fix="give every tier above the entry tier `qualification` minimums, and set program.tier_review "
          "(cycle, demotion_grace_days)", needs={"tiers", "program"})
def tier_matrix(ctx: CheckContext) -> Outcome:
    """Tier names and ranks, promotion criteria (qualification minimums on every tier above
    the entry tier), demotion criteria (review cycle and grace period) and the feature
    access matrix are all written down."""
    tiers = list(reversed(ctx.spec.tiers_by_rank()))
    if not tiers:
        return failed("no tiers defined")
    currency = ctx.spec.program.currency
    evidence = [_tier_line(t, currency) for t in tiers]
    review = ctx.spec.program.tier_review
    evidence.append(f"review: {review.cycle}; demotion after {review.demotion_grace_days} days below criteria")
    no_criteria = [t.name for t in tiers[:-1] if not t.qualification]
    if no_criteria:
        return failed(f"no promotion criteria for {', '.join(no_criteria)}", evidence)
    if not ctx.spec.program.has_key("tier_review"):
        return warned("demotion criteria are prm's defaults (program.tier_review not written): confirm them",
                      evidence)
    return passed(f"{len(tiers)} tiers with ranks, criteria and feature matrix", evidence)


@item("C11", "open-decisions", "Open decisions logged with owner and target date; none overdue",
      fix="decide overdue questions (status: decided, decision: ...) or agree new target dates",
      needs={"open_decisions"})
def open_decisions(ctx: CheckContext) -> Outcome:
    """Every open decision is logged with an owner and a target date; a decision still open
    after its target date blocks sign-off."""
    decisions = ctx.spec.open_decisions
    still_open = [d for d in decisions if d.status == "open"]
    overdue = [d for d in still_open if d.due < ctx.today]
    evidence = [f"{d.id} [{'OVERDUE ' if d in overdue else ''}{d.status}, due {d.due.isoformat()}, "
                f"{d.owner}] {d.title}" for d in sorted(decisions, key=lambda d: (d.status != "open", d.due, d.id))]
    if overdue:
        return failed(f"{len(overdue)} open decision(s) past their target date: "
                      f"{', '.join(d.id for d in overdue)}", evidence)
    if still_open:
        return manual(f"{len(still_open)} decision(s) still open, none overdue; "
                      f"{len(decisions) - len(still_open)} decided", evidence)
    return passed(f"{len(decisions)} decision(s) logged, all decided" if decisions
                  else "no open decisions logged", evidence)


@item("C12", "org-portable", "Org dependencies listed and portable",
      fix="name approvers and members by queue, public group or role instead of by username",
      needs={"org"})
def org_portable(ctx: CheckContext) -> Outcome:
    """What the metadata needs from the org is listed in the `org` section (so `prm check
    --org` can verify it); users named by username break when the specs move between orgs."""
    org = ctx.spec.org
    evidence = [f"{kind}: {', '.join(getattr(org, kind))}"
                for kind in ("fields", "users", "queues", "groups", "roles", "email_templates") if getattr(org, kind)]
    if org.users:
        return warned(f"{len(org.users)} user(s) named by username: they differ between sandbox and "
                      "production", evidence)
    total = sum(len(getattr(org, k)) for k in ("fields", "queues", "groups", "roles", "email_templates"))
    return passed(f"{total} org item(s) listed, none org-specific", evidence)
