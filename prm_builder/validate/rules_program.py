"""Rules over the `program`, `open_decisions` and `org` sections."""

from __future__ import annotations

from collections import Counter
from typing import Iterator

from prm_builder import API_VERSION
from prm_builder.errors import Diagnostic
from prm_builder.validate.registry import ValidationContext, error, rule, warning


@rule("PRM-V015", "partner-license-required", needs={"program"})
def partner_license_required(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Customer Community licenses silently lack deal registration, lead distribution and
    MDF: partner users need Partner Community or Partner Community Plus."""
    lic = ctx.spec.program.license
    if not lic.is_partner:
        yield error("PRM-V015", f"license '{lic.value}' cannot run a partner program: Customer "
                    "Community licenses lack deal registration, lead distribution and MDF",
                    ctx.spec.program.ref("license"),
                    "use 'Partner Community' or 'Partner Community Plus'")


@rule("PRM-V016", "api-version-pinned", needs={"program"})
def api_version_pinned(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Generated files are checked against the API 63.0 schema; other versions add or
    drop required elements, so only 63.0 is accepted."""
    version = ctx.spec.program.api_version
    if version != API_VERSION:
        yield error("PRM-V016", f"api_version '{version}' is not supported",
                    ctx.spec.program.ref("api_version"), f"use '{API_VERSION}' (the schema prm checks against)")


@rule("PRM-V021", "decision-ids-unique", needs={"open_decisions"})
def decision_ids_unique(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Open decisions are referred to by id in reviews and documents: ids must be unique."""
    seen: dict[str, object] = {}
    for d in ctx.spec.open_decisions:
        if d.id in seen:
            yield error("PRM-V021", f"open decision id '{d.id}' is used twice", d.ref("id"),
                        "give each decision its own id", related=[seen[d.id]])
        else:
            seen[d.id] = d.ref("id")


@rule("PRM-V018", "decision-past-due", needs={"open_decisions"})
def decision_past_due(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """An open decision past its target date blocks sign-off; it is a warning here and a
    failed checklist item in `prm check`."""
    for d in ctx.spec.open_decisions:
        if d.status == "open" and d.due < ctx.today:
            yield warning("PRM-V018", f"open decision '{d.id}' ({d.title}) was due {d.due.isoformat()}",
                          d.ref("due"), f"decide it, or agree a new date with {d.owner}")


@rule("PRM-V022", "decided-needs-decision", needs={"open_decisions"})
def decided_needs_text(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """A decision marked 'decided' must say what was decided, or the record is useless."""
    for d in ctx.spec.open_decisions:
        if d.status == "decided" and not d.decision.strip():
            yield error("PRM-V022", f"decision '{d.id}' is marked decided but has no `decision` text",
                        d.ref("status"), "write what was decided under `decision:`")


@rule("PRM-V023", "org-inventory-unique", needs={"org"})
def org_inventory_unique(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Each org item is listed once; a repeat usually hides a typo in the other entry."""
    for kind in ("users", "queues", "groups", "roles", "email_templates", "fields"):
        items = getattr(ctx.spec.org, kind)
        for name, count in Counter(items).items():
            if count > 1:
                index = len(items) - 1 - items[::-1].index(name)
                yield error("PRM-V023", f"org.{kind} lists '{name}' {count} times",
                            ctx.spec.org.ref(kind, index), "list each item once")
    for i, field in enumerate(ctx.spec.org.fields):
        if field.count(".") != 1:
            yield error("PRM-V023", f"org.fields entry '{field}' is not 'Object.Field'",
                        ctx.spec.org.ref("fields", i), "write it as e.g. Lead.PartnerAccountId")
