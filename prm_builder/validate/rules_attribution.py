"""Rules over the `attribution` section (partner types, codes, attribution model,
channel conflict, commissions)."""

from __future__ import annotations

from typing import Iterator

from prm_builder.errors import Diagnostic
from prm_builder.validate.registry import ValidationContext, error, rule


@rule("PRM-V700", "attribution-shares-sum-to-100", needs={"attribution"})
def shares_sum(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """The sourcing partner's share and the influencing partners' share split one
    Opportunity's revenue: together they must be exactly 100 (less leaves revenue nobody
    is credited for; more pays commission on revenue that does not exist)."""
    attribution = ctx.spec.attribution
    if attribution is None:
        return
    m = attribution.model
    if abs(m.sourced_percent + m.influenced_percent - 100) > 1e-9:
        yield error("PRM-V700", f"sourced_percent {m.sourced_percent:g} + influenced_percent "
                    f"{m.influenced_percent:g} is {m.sourced_percent + m.influenced_percent:g}, not 100",
                    m.ref("sourced_percent"), "make the two shares add up to 100",
                    related=[r for r in (m.ref("influenced_percent"),) if r])


@rule("PRM-V701", "attribution-partner-types-known", needs={"attribution", "tiers"})
def types_known(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Commission schedules name partner types and tiers; an unknown name (a typo) would
    silently pay nobody."""
    attribution = ctx.spec.attribution
    if attribution is None or attribution.commissions is None:
        return
    types = {t.name for t in attribution.partner_types}
    for schedule in attribution.commissions.schedules:
        for i, name in enumerate(schedule.types):
            if name not in types:
                yield error("PRM-V701", f"commission schedule '{schedule.name}' names unknown partner type "
                            f"'{name}'", schedule.ref("types", i), "one of: " + ", ".join(sorted(types)))
        for i, name in enumerate(schedule.tiers):
            if ctx.spec.tier(name) is None:
                yield error("PRM-V701", f"commission schedule '{schedule.name}' names unknown tier '{name}'",
                            schedule.ref("tiers", i), "one of: " + ", ".join(t.name for t in ctx.spec.tiers))


@rule("PRM-V702", "partner-types-unique", needs={"attribution"})
def types_unique(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Partner types are picklist values: unique (case-insensitively), no commas (picklist
    criteria separate values with commas), at most 255 characters."""
    attribution = ctx.spec.attribution
    if attribution is None:
        return
    seen: dict[str, object] = {}
    for t in attribution.partner_types:
        ref = t.ref("name")
        if t.name.lower() in seen:
            yield error("PRM-V702", f"partner type '{t.name}' is listed twice", ref, "keep one",
                        related=[seen[t.name.lower()]])
        seen.setdefault(t.name.lower(), ref)
        if "," in t.name or len(t.name) > 255:
            yield error("PRM-V702", f"partner type '{t.name}' has a comma or is longer than 255 characters",
                        ref, "shorten it and leave out commas")


@rule("PRM-V703", "partner-code-prefixes-distinct", needs={"attribution"})
def prefixes_distinct(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A partner code's prefix tells its partner type; two types whose prefixes are equal, or
    one the start of the other ('R-' and 'RS-' are fine, 'RS-' and 'RS-' are not), would make
    codes ambiguous."""
    attribution = ctx.spec.attribution
    if attribution is None:
        return
    typed = [t for t in attribution.partner_types if t.code_prefix]
    for i, a in enumerate(typed):
        for b in typed[i + 1:]:
            if a.code_prefix.startswith(b.code_prefix) or b.code_prefix.startswith(a.code_prefix):
                yield error("PRM-V703", f"partner types '{a.name}' and '{b.name}' have colliding code prefixes "
                            f"'{a.code_prefix}' and '{b.code_prefix}'", b.ref("code_prefix"),
                            "give each type a prefix no other type's prefix starts with",
                            related=[r for r in (a.ref("code_prefix"),) if r])


@rule("PRM-V704", "unknown-code-review-queue", needs={"attribution"})
def review_queue(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """`unknown_code: review_queue` sends leads with an unknown partner code to a queue: name
    it in `review_queue` (prm generates it). With `flag` a queue would never be used."""
    attribution = ctx.spec.attribution
    if attribution is None:
        return
    codes = attribution.codes
    if codes.unknown_code == "review_queue" and not codes.review_queue:
        yield error("PRM-V704", "unknown_code is review_queue but no review_queue is named",
                    codes.ref("unknown_code"), "add `review_queue: Partner_Code_Review` (a queue prm generates)")
    if codes.unknown_code == "flag" and codes.review_queue:
        yield error("PRM-V704", "review_queue is named but unknown_code is flag: the queue would never be used",
                    codes.ref("review_queue"), "set unknown_code: review_queue, or remove review_queue")


@rule("PRM-V705", "commission-bands-ascending", needs={"attribution"})
def bands_ascending(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Tiered commission bands apply from their `above` amount upwards: list them from the
    lowest amount, starting at 0, each amount once."""
    attribution = ctx.spec.attribution
    if attribution is None or attribution.commissions is None:
        return
    for schedule in attribution.commissions.schedules:
        amounts = [b.above for b in schedule.bands]
        if not amounts:
            continue
        if amounts[0] != 0:
            yield error("PRM-V705", f"commission schedule '{schedule.name}': the first band must start above 0",
                        schedule.ref("bands", 0, "above"), "add a band with `above: 0`")
        for i in range(1, len(amounts)):
            if amounts[i] <= amounts[i - 1]:
                yield error("PRM-V705", f"commission schedule '{schedule.name}': band {i + 1} starts at "
                            f"{amounts[i]:g}, not above band {i}'s {amounts[i - 1]:g}",
                            schedule.ref("bands", i, "above"), "list bands from the lowest amount up")


@rule("PRM-V706", "conflict-needs-deal-registration", needs={"attribution", "deal_registration"})
def conflict_needs_registration(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Channel-conflict detection checks new deal registrations against customer Accounts and
    open Opportunities; without a deal_registration section there is nothing to check."""
    attribution = ctx.spec.attribution
    if attribution is not None and attribution.conflict is not None and ctx.spec.deal_registration is None:
        yield error("PRM-V706", "attribution.conflict checks deal registrations, but the program has no "
                    "deal_registration section", attribution.key_ref("conflict"),
                    "add a deal_registration section, or remove attribution.conflict")
