"""Every diagnostic code prm can report, with its documentation.

Semantic rules document themselves (registry.RULES: their docstrings); the codes below
are raised by the loader, the parser and the generation-time checks, which are not rules.
`prm rules` prints them all; the README table is generated from it.
"""

from __future__ import annotations

from prm_builder.validate.approval_checks import APPROVAL_CODES
from prm_builder.validate.codes_doc import CodeDoc
from prm_builder.validate.registry import RULES


STRUCTURAL: list[CodeDoc] = [
    CodeDoc("PRM-V001", "yaml-syntax", "load", "The file is not valid YAML (or not UTF-8, or uses a tag such "
            "as !!python/object that spec files may not use). Fix the syntax at the position shown."),
    CodeDoc("PRM-V002", "duplicate-key", "load", "A key appears twice in one mapping; YAML would silently keep "
            "the last one. Remove one of them."),
    CodeDoc("PRM-V003", "unknown-key", "parse", "A key the spec language does not know, usually a typo; the "
            "hint suggests the closest known key."),
    CodeDoc("PRM-V004", "missing-key", "parse", "A required key or section is missing. Add it."),
    CodeDoc("PRM-V005", "wrong-type", "parse", "A value has the wrong type (text where a number is expected, "
            "yes/no read as a boolean, ...). Quote text that YAML would read as something else."),
    CodeDoc("PRM-V006", "invalid-value", "parse", "A value is outside the allowed set or range (unknown "
            "license, rank below 1, malformed currency code, ...). The hint lists what is allowed."),
    CodeDoc("PRM-V007", "section-in-two-files", "load", "A top-level section is defined in two spec files. "
            "Keep each section in one file."),
    CodeDoc("PRM-V008", "no-specs", "load", "The spec folder does not exist or holds no *.yml files."),
    CodeDoc("PRM-V009", "spec-file-too-large", "load", "A spec file is larger than 8 MiB (a program at the "
            "3,000-entry limit is about 1 MB): split it, or check the file is a spec."),
    CodeDoc("PRM-V011", "nesting-too-deep", "load", "Values nest more than 64 levels deep; a spec is a few "
            "levels deep, so brackets or indentation are wrong."),
    CodeDoc("PRM-V014", "alias-expansion", "load", "A YAML alias refers to the value containing it, or aliases "
            "expand to more than 10,000 values (a 'billion laughs' file). Write the values out."),
    CodeDoc("PRM-V017", "unreadable-scalar", "load", "A value YAML cannot build: an impossible date (2027-02-30), "
            "an explicit tag whose text does not fit (`!!int abc`), an integer of thousands of digits. Fix the "
            "value or quote it to keep it as text."),
    CodeDoc("PRM-V035", "control-character", "load", "Text holds a control character (e.g. written as `\\e` or "
            "`\\0` in a quoted string); metadata XML cannot hold it. Remove it."),
    CodeDoc("PRM-V030", "dangling-reference", "generate", "Generated metadata refers to a field, queue, group, "
            "user or template that is neither generated nor declared in the `org` section (the org would "
            "reject the deploy). Fix the name or declare it under `org`."),
    CodeDoc("PRM-V031", "group-queue-name-clash", "generate", "A generated queue or public group has the "
            "developer name of another generated one or of a group or queue declared under `org`. Groups and "
            "queues share one namespace in the org (Group.DeveloperName is unique): rename one of them."),
    CodeDoc("PRM-V032", "formula-too-long", "generate", "A generated formula (field, validation rule or "
            "workflow field update) exceeds the platform's 3,900 characters; formulas with a branch per tier "
            "grow with the number and length of tier api_names. Use fewer tiers or shorter api_names."),
    CodeDoc("PRM-V033", "formula-blank-as-zero", "generate", "A generated number, currency or percent formula "
            "field tests for blanks (BLANKVALUE, ISBLANK, NULLVALUE, ISNULL) while treating blank fields as zero "
            "(formulaTreatBlanksAs BlankAsZero): the platform replaces blanks by 0 first, so the test never sees "
            "one. A bug in prm's generators (report it); the field needs BlankAsBlank."),
    CodeDoc("PRM-V040", "sharing-criteria-limit", "generate", "More than 50 criteria-based sharing rules on one "
            "object. Combine rules."),
    CodeDoc("PRM-V041", "sharing-total-limit", "generate", "More than 300 sharing rules (owner + criteria) on "
            "one object."),
    CodeDoc("PRM-V042", "sharing-rule-name-clash", "generate", "Two sharing rules on one object share a name."),
    CodeDoc("PRM-V148", "approval-lock-invalid", "load", "specs/prm.lock.json (written by `prm build`: the "
            "versions of every approval process) cannot be read. Restore it from git; delete it only for an "
            "org where no approval process was ever activated."),
    CodeDoc("PRM-V500", "roster-missing", "roster", "The partner roster file (default roster/partners.yml) does "
            "not exist. Create it or pass --roster FILE."),
    CodeDoc("PRM-V501", "roster-shape", "roster", "A roster is a mapping with a `partners:` list (and optionally "
            "`settings:`)."),
    CodeDoc("PRM-V502", "roster-partner-id", "roster", "A partner id becomes Account.PRM_Partner_Id__c, the key "
            "applies upsert on: 1-40 letters, digits, '.', '-' or '_'."),
    CodeDoc("PRM-V503", "roster-partner-id-twice", "roster", "Two roster entries share a partner id: the second "
            "would overwrite the first account."),
    CodeDoc("PRM-V504", "roster-unknown-tier", "roster", "A roster entry names a tier the program does not have: "
            "the partner would land in no tier group."),
    CodeDoc("PRM-V505", "roster-picklist-value", "roster", "A segment or status that is not a value of the "
            "partner account's picklist: the org would reject the account."),
    CodeDoc("PRM-V506", "roster-dates", "roster", "A partner's contract ends before it joined."),
    CodeDoc("PRM-V507", "roster-email-twice", "roster", "One email appears for two users: a person is one user "
            "of one partner account (the email is the contact's key)."),
    CodeDoc("PRM-V508", "roster-unknown-territory", "roster", "A roster entry names a territory the program's "
            "lead distribution does not have."),
]


def all_codes() -> list[CodeDoc]:
    from prm_builder.simulate.scenarios import SCENARIO_CODES  # scenario files (prm test)

    docs = list(STRUCTURAL) + list(APPROVAL_CODES) + list(SCENARIO_CODES)
    docs += [CodeDoc(r.code, r.name, "validate", " ".join(r.doc.split())) for r in RULES.values()]
    return sorted(docs, key=lambda d: d.code)


def markdown_table() -> str:
    rows = ["| code | name | stage | what it means and how to fix it |", "|---|---|---|---|"]
    rows += [f"| {d.code} | {d.name} | {d.stage} | {d.doc.replace('|', '/')} |" for d in all_codes()]
    return "\n".join(rows) + "\n"
