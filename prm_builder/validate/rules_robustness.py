"""Rules that keep spec text from changing meaning on its way into metadata: names that
become developer names and paths, values joined into comma-separated criteria, and text
placed in email templates, where `{!...}` is live merge syntax."""

from __future__ import annotations

from typing import Iterator

from prm_builder.errors import Diagnostic
from prm_builder.validate.names import developer_name_problem
from prm_builder.validate.registry import ValidationContext, error, rule


@rule("PRM-V039", "developer-name", needs={"deal_registration"})
def developer_names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A name that becomes a developer name and a file name (a duplicate rule's `name`, the
    email template `folder`) must be one: letters, digits and single underscores, starting
    with a letter, at most 80 characters. Every generated component name goes through the
    same check at build time, so no name reaches the org or the file system unchecked."""
    dr = ctx.spec.deal_registration
    if dr is None:
        return
    for d in dr.duplicates.duplicate_rules:
        problem = developer_name_problem(d.name)
        if problem:
            yield error("PRM-V039", f"duplicate rule name '{d.name[:80]}' {problem}", d.ref("name"),
                        "use a developer name such as Deal_Reg_Channel_Conflict")
    folder = dr.notifications.folder
    problem = "must be one name, not a path" if "/" in folder or "." in folder else developer_name_problem(folder)
    if problem:
        yield error("PRM-V039", f"email template folder '{folder[:80]}' {problem}",
                    dr.notifications.ref("folder"), "use a developer name such as PRM_Deal_Registration")


@rule("PRM-V037", "criteria-value-with-comma", needs={"lead_distribution"})
def criteria_value_with_comma(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Territory values and product values are joined into one comma-separated criteria
    value (assignment rule entries, sharing criteria), and Salesforce splits that value at
    every comma: 'Korea, Republic of' would match 'Korea' or 'Republic of'. Write the value
    without the comma (Salesforce's country picklist names it 'Korea, Republic of', so use
    the ISO code 'KR' with state and country picklists' code values instead)."""
    ld = ctx.spec.lead_distribution
    if ld is None:
        return
    listed: list[tuple[str, str, object]] = []
    for t in ld.territories:
        listed += [(f"territory '{t.name}'", v, t.ref("values", i)) for i, v in enumerate(t.values)]
    if ld.product_interest is not None:
        pi = ld.product_interest
        listed += [("product interest", v, pi.ref("values", i)) for i, v in enumerate(pi.values)]
    if ld.push is not None:
        for q in ld.push.queues or []:
            listed += [("push queue products", v, q.ref("products", i)) for i, v in enumerate(q.products)]
        for e in ld.push.entries or []:
            listed += [("assignment rule entry products", v, e.ref("products", i)) for i, v in enumerate(e.products)]
    for where, value, ref in listed:
        if "," in value:
            yield error("PRM-V037", f"{where}: value '{value}' contains a comma; criteria values are "
                        "comma-separated, so Salesforce would split it", ref,  # type: ignore[arg-type]
                        "use the value's code (e.g. the ISO country code KR) or a value without a comma")


@rule("PRM-V038", "merge-syntax-in-text", needs={"program", "deal_registration"})
def merge_syntax_in_text(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Text placed in the generated email templates (the program name, deal registration's
    `sender_note`) must not contain `{!`: Salesforce evaluates `{!Lead.Id}` in a template as a
    live merge field, and text templates have no escape for it."""
    texts = [(ctx.spec.program.name, ctx.spec.program.ref("name"), "program name")]
    dr = ctx.spec.deal_registration
    if dr is not None:
        texts.append((dr.notifications.sender_note, dr.notifications.ref("sender_note"), "sender_note"))
    for text, ref, where in texts:
        if "{!" in text:
            yield error("PRM-V038", f"{where} contains '{{!', which an email template evaluates as a merge field",
                        ref, "remove the '{!' (write it as '{ !' if you need the characters)")
