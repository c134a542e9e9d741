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
    CodeDoc("PRM-V030", "dangling-reference", "generate", "Generated metadata refers to a field, queue, group, "
            "user or template that is neither generated nor declared in the `org` section (the org would "
            "reject the deploy). Fix the name or declare it under `org`."),
    CodeDoc("PRM-V031", "group-queue-name-clash", "generate", "A generated queue or public group has the "
            "developer name of another generated one or of a group or queue declared under `org`. Groups and "
            "queues share one namespace in the org (Group.DeveloperName is unique): rename one of them."),
    CodeDoc("PRM-V032", "formula-too-long", "generate", "A generated formula (field, validation rule or "
            "workflow field update) exceeds the platform's 3,900 characters; formulas with a branch per tier "
            "grow with the number and length of tier api_names. Use fewer tiers or shorter api_names."),
    CodeDoc("PRM-V040", "sharing-criteria-limit", "generate", "More than 50 criteria-based sharing rules on one "
            "object. Combine rules."),
    CodeDoc("PRM-V041", "sharing-total-limit", "generate", "More than 300 sharing rules (owner + criteria) on "
            "one object."),
    CodeDoc("PRM-V042", "sharing-rule-name-clash", "generate", "Two sharing rules on one object share a name."),
    CodeDoc("PRM-V148", "approval-lock-invalid", "load", "specs/prm.lock.json (written by `prm build`: the "
            "versions of every approval process) cannot be read. Restore it from git; delete it only for an "
            "org where no approval process was ever activated."),
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
