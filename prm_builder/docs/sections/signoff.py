"""Sign-off and document control: what is being signed (program, version, spec commit,
date judged, checklist result), the change log since the last signed version (from git)
and a signature block per approver.

Approvers are derived from the specs: the owners of the open decisions (the client's
people who settle the program's questions), plus the delivery lead who hands it over.
A signed version is a git tag `signed-*` on the spec commit that was signed.
"""

from __future__ import annotations

import re
from collections import Counter

from prm_builder.docs.content import Bullets, Heading, Link, Para, Section, Table
from prm_builder.docs.context import DocContext, join, slug
from prm_builder.docs.sections.checklist import STATUS_ORDER, _field

ID = "sign-off"
TITLE = "Sign-off and document control"

#: the signature line left for a pen
BLANK = "________________"
DELIVERY_LEAD = ("", "Delivery lead (implementation partner)")


def split_owner(owner: str) -> tuple[str, str]:
    """'Dana Whitfield (VP Channel Sales)' -> ('Dana Whitfield', 'VP Channel Sales'); a bare
    role or name stays whole in the name."""
    match = re.fullmatch(r"\s*(.+?)\s*\(([^()]+)\)\s*", owner)
    return (match.group(1), match.group(2)) if match else (owner.strip(), "")


def approvers(ctx: DocContext) -> list[tuple[str, str, str]]:
    """(name, role, decisions owned) per distinct decision owner, in the order of the
    decisions' ids; the delivery lead last."""
    owned: dict[str, list[str]] = {}
    for d in sorted(ctx.spec.open_decisions, key=lambda d: d.id):
        owned.setdefault(d.owner, []).append(d.id)
    rows = [(*split_owner(owner), join(ids)) for owner, ids in owned.items()]
    return rows + [(*DELIVERY_LEAD, "—")]


def version(ctx: DocContext) -> str:
    o = ctx.origin
    if o.history != "git":
        return "draft (not in git: no signed version can be named)"
    if o.signed and not o.changes:
        return f"{o.signed} (signed version: no spec change since)"
    if o.signed:
        return f"draft: {o.signed} + {len(o.changes)} spec change(s)"
    return "draft: no signed version yet"


def checklist_summary(ctx: DocContext) -> tuple[str, list[tuple[str, str, str, str]]]:
    """(one sentence, the items that do not pass) of the checklist report being signed."""
    report = ctx.checklist
    if report is None:
        return "The review checklist was not run for this package.", []
    items = list(report.items)
    counts = Counter(_field(i, "status") for i in items)
    live = getattr(report, "org", None)
    where = (f" including live items against the org {live.get('label') or live.get('instance_url', '')}"
             if isinstance(live, dict) else " (static items; run against an org with --org for live items)")
    text = (f"The program {'passes' if report.ok else 'does not pass'} the review checklist as of "
            f"{ctx.origin.as_of}{where}: " + (", ".join(f"{counts[s]} {s}" for s in STATUS_ORDER if counts[s])
                                              or "no items") + ".")
    open_items = [(_field(i, "id"), _field(i, "title"), _field(i, "status"), _field(i, "detail") or "—")
                  for i in items if _field(i, "status") != "pass"]
    open_items.sort(key=lambda r: (STATUS_ORDER.index(r[2]) if r[2] in STATUS_ORDER else 9, r[0]))
    return text, open_items


def build(ctx: DocContext) -> Section:
    spec, o = ctx.spec, ctx.origin
    section = Section(ID, TITLE, "What is being signed: the program, its version and spec commit, the checklist "
                      "result, the changes since the last signed version, and who signs.")
    section.add(Heading("Document control", slug(ID, "control")))
    section.add(Table(("", ""), (
        ("Client", spec.program.client or "— (not named: program.client)"),
        ("Program", spec.program.name),
        ("Description", spec.program.description or "—"),
        ("Version", version(ctx)),
        ("Spec commit", o.commit or "— (the specs are not committed, or have uncommitted changes)"),
        ("Spec digest", f"sha256 {o.digest}"),
        ("Spec files", str(len(o.files))),
        ("Date judged", o.as_of or "—"),
        ("Partner license", spec.program.license.value),
        ("Currency", spec.program.currency),
    ), row_headers=True))
    text, open_items = checklist_summary(ctx)
    section.add(Heading("Checklist result being signed", slug(ID, "checklist")), Para(text))
    if open_items:
        section.add(Table(("id", "item", "result", "detail"), tuple(open_items),
                          caption="Items that do not pass (the full list is on the checklist page)"))
    # both pages are always in the package (ctx.pages is filled in only after the feature pages)
    section.add(Bullets((Link("Review checklist", "checklist"), Link("RAID log", "raid"))))
    section.add(Heading("Change log since the last signed version", slug(ID, "changes")))
    if o.history == "git":
        since = f"since {o.signed}" if o.signed else "since the specs were first committed (no signed version yet)"
        if o.changes:
            section.add(Para(f"{len(o.changes)} commit(s) changed {o.specs_label}/ {since}, newest first."))
            section.add(Table(("commit", "date", "author", "change"), tuple(
                (c.commit[:12], c.date, c.author, c.subject) for c in o.changes)))
        else:
            section.add(Para(f"No commit changed {o.specs_label}/ {since}."))
        section.add(Para(f"Once signed, tag the spec commit so the next package lists only what changed after it: "
                         f"`git tag signed-v1 {o.commit[:12] or 'COMMIT'}` (the next one signed-v2, and so on)."))
    elif o.history == "uncommitted":
        section.add(Para(f"No change log: {o.specs_label}/ has changes that are not committed, so no commit "
                         "describes what this package documents. Commit the specs and generate the package again "
                         "before signing."))
    else:
        section.add(Para(f"No change log: {o.specs_label}/ is not in a git repository (or git is not installed). "
                         "The spec digest above identifies exactly what is documented; keep it with the signed copy."))
    section.add(Heading("Approvals", slug(ID, "approvals")))
    section.add(Para(f"By signing, the approvers accept {spec.program.name} as documented in this package for the "
                     "spec commit and checklist result above. Approvers are the owners of the program's decisions "
                     "(Open decisions page) and the delivery lead."))
    section.add(Table(("name", "role", "decisions owned", "signature", "date"), tuple(
        (name or BLANK, role or "—", owned, BLANK, BLANK) for name, role, owned in approvers(ctx))))
    return section


def cover_facts(ctx: DocContext) -> tuple[tuple[str, str], ...]:
    """What the printed cover says is being handed over (the document control table, short)."""
    o, report = ctx.origin, ctx.checklist
    checklist = ("not run" if report is None else
                 f"{'passes' if report.ok else 'does not pass'} as of {o.as_of}")
    signers = [name or role for name, role, _ in approvers(ctx)]
    client = (("Client", ctx.spec.program.client),) if ctx.spec.program.client else ()
    return client + (("Program", ctx.spec.program.name), ("Version", version(ctx)),
            ("Spec commit", o.commit[:12] if o.commit else f"not committed (sha256 {o.digest[:12]})"),
            ("Date judged", o.as_of or "—"), ("Review checklist", checklist), ("Approvers", join(signers)))
