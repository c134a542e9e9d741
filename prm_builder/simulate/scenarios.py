"""Scenario files: `specs/scenarios/*.yml` (one or more), loaded with positions, parsed into
the scenario model, and checked against the metadata they will run on (PRM-V400..V449)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import TypeAdapter, ValidationError

from prm_builder.errors import Diagnostic, SourceRef
from prm_builder.model.base import attach_positions
from prm_builder.model.parse import _translate
from prm_builder.model.scenarios import Expect, Persona, Scenario, ScenarioFile
from prm_builder.spec.loader import load_file
from prm_builder.validate.codes_doc import CodeDoc

from .orgmodel import OrgModel

BLOCK_KINDS = {"field_security", "record_lock", "approval_submitters", "no_approval_process", "not_an_approver",
               "no_access", "queue_owner", "not_pending", "wrong_step", "already_pending", "no_pool",
               "ambiguous_approval_process", "duplicate_value"}

SCENARIO_CODES: list[CodeDoc] = [
    CodeDoc("PRM-V400", "scenario-file", "load", "A scenario file (specs/scenarios/*.yml) holds one top-level "
            "key, `scenarios`, with a list of scenarios. Move other sections to the spec files."),
    CodeDoc("PRM-V401", "scenario-object-unknown", "test", "A scenario's record names an object the metadata "
            "neither generates nor knows as standard: the scenario cannot run. Fix the API name."),
    CodeDoc("PRM-V402", "scenario-field-unknown", "test", "A scenario sets or expects a field the object does not "
            "have in the metadata (or as a standard field): usually a typo or a field the build no longer "
            "generates."),
    CodeDoc("PRM-V403", "scenario-queue-unknown", "test", "A scenario's owner names a queue the metadata does not "
            "define."),
    CodeDoc("PRM-V404", "scenario-approval-unknown", "test", "A scenario names an approval process or step the "
            "metadata does not define (process names without the _vN version suffix)."),
    CodeDoc("PRM-V405", "scenario-names-unique", "test", "Scenario names identify results (table, JUnit, UAT "
            "plan): each name is used once across all scenario files."),
    CodeDoc("PRM-V406", "scenario-rule-unknown", "test", "`blocked.rule` names neither a validation rule of the "
            "object nor one of the simulator's block kinds (" + ", ".join(sorted(BLOCK_KINDS)) + ")."),
    CodeDoc("PRM-V707", "scenario-given-unknown", "test", "A scenario names `@given:<key>` (a value, or a step's "
            "`on`) but no earlier `given` record has that key: given records are created in order, so name only "
            "keys listed above the use."),
    CodeDoc("PRM-V708", "scenario-on-edit-only", "test", "A step's `on` (act on a given record) is for `edit` "
            "steps: submitting, approving or converting a record other than the scenario's is not modelled."),
    CodeDoc("PRM-V407", "scenario-tier-unknown", "test", "A partner persona's tier has no tier group in the "
            "metadata, so the persona would belong to no group: fix the tier name."),
]


@dataclass
class LoadedScenarios:
    scenarios: list[tuple[Scenario, SourceRef]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def scenario_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".yml", ".yaml"))


def load_scenarios(paths: list[Path], display_root: Path | None = None) -> LoadedScenarios:
    out = LoadedScenarios()
    adapter = TypeAdapter(ScenarioFile)
    for path in paths:
        display = str(path.relative_to(display_root)) if display_root and path.is_relative_to(display_root) \
            else str(path)
        out.files.append(display)
        data, lines, diags = load_file(path, display)
        out.diagnostics += diags
        if diags:
            continue
        if not isinstance(data, dict) or set(data) != {"scenarios"}:
            out.diagnostics.append(Diagnostic(
                "PRM-V400", "a scenario file holds exactly one top-level key, `scenarios`",
                lines.value(()) or SourceRef(display, 1, 1), "start the file with `scenarios:` and list them"))
            continue
        try:
            parsed = adapter.validate_python(data)
        except ValidationError as exc:
            out.diagnostics += _translate(exc, (), ScenarioFile, lines)
            continue
        attach_positions(parsed, (), lines)
        for i, sc in enumerate(parsed.scenarios):
            out.scenarios.append((sc, lines.value(("scenarios", i)) or SourceRef(display)))
    return out


def check_scenarios(loaded: LoadedScenarios, model: OrgModel) -> list[Diagnostic]:
    """Names in the scenarios must exist in the metadata they run on."""
    diags: list[Diagnostic] = []
    seen: dict[str, SourceRef] = {}
    for sc, ref in loaded.scenarios:
        if sc.name in seen:
            diags.append(Diagnostic("PRM-V405", f"scenario name '{sc.name}' is used twice", sc.ref("name") or ref,
                                    f"first used at {seen[sc.name]}; rename one"))
        seen.setdefault(sc.name, sc.ref("name") or ref)
        diags += list(_check_one(sc, model))
    return diags


def _field_exists(model: OrgModel, obj: str, name: str) -> bool:
    if name.startswith("$"):
        return True
    return model.resolve_path(obj, name)[1] is not None


def _check_one(sc: Scenario, model: OrgModel) -> Iterator[Diagnostic]:
    yield from _check_given(sc, model)
    obj = sc.record.object
    if obj not in model.objects and model.field(obj, "Id") is None:
        yield Diagnostic("PRM-V401", f"scenario '{sc.name}': object '{obj}' is not in the metadata",
                         sc.record.ref("object"), "use an object the build generates (or Lead, Account, ...)")
        return
    for name in sc.record.fields:
        if not _field_exists(model, obj, name):
            yield _unknown_field(sc, obj, name, sc.record.ref("fields", name))
    if sc.record.owner and sc.record.owner != "persona" and sc.record.owner not in model.queues:
        yield Diagnostic("PRM-V403", f"scenario '{sc.name}': owner queue '{sc.record.owner}' is not in the metadata",
                         sc.record.ref("owner"), "name a queue the build generates, or `persona`")
    personas = [sc.persona] + [s.as_ for s in sc.steps if s.as_]
    given_objects = {g.key: g.object for g in sc.given}
    for i, step in enumerate(sc.steps):
        step_obj = given_objects.get((step.on or "")[len("@given:"):], obj)
        if step.on and step.action != "edit":
            yield Diagnostic("PRM-V708", f"scenario '{sc.name}': `on` is only for edit steps, not {step.action}",
                             step.ref("on"), "act on the scenario's record, or make the step an edit")
        for name in step.fields:
            if not _field_exists(model, step_obj, name):
                yield _unknown_field(sc, obj, name, step.ref("fields", name))
        if step.expect:
            yield from _check_expect(sc, step.expect, model, obj)
            personas += _expect_personas(step.expect)
    if sc.expect:
        yield from _check_expect(sc, sc.expect, model, obj)
        personas += _expect_personas(sc.expect)
    for p in personas:
        if p.is_partner and not any(g.lower().endswith("_" + str(p.tier).lower()) for g in model.groups):
            yield Diagnostic("PRM-V407", f"scenario '{sc.name}': tier '{p.tier}' has no tier group in the metadata",
                             p.ref("tier"), "use a tier of the program (its tier group is PRM_Tier_<tier>)")


def _given_refs(values: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name, value in values.items():
        if isinstance(value, str) and value.startswith("@given:"):
            yield name, value[len("@given:"):]


def _check_given(sc: Scenario, model: OrgModel) -> Iterator[Diagnostic]:
    """Given records: known objects and fields; `@given:<key>` only after the key's record."""
    known: set[str] = set()
    for g in sc.given:
        if g.object not in model.objects and model.field(g.object, "Id") is None:
            yield Diagnostic("PRM-V401", f"scenario '{sc.name}': given object '{g.object}' is not in the metadata",
                             g.ref("object"), "use an object the build generates (or Lead, Account, ...)")
            continue
        for name in g.fields:
            if not _field_exists(model, g.object, name):
                yield _unknown_field(sc, g.object, name, g.ref("fields", name))
        for name, key in _given_refs(g.fields):
            if key not in known:
                yield _unknown_given(sc, key, g.ref("fields", name))
        known.add(g.key)
    uses = list(_given_refs(sc.record.fields))
    for step in sc.steps:
        uses += list(_given_refs(step.fields)) + ([("on", step.on[len("@given:"):])] if step.on else [])
    for exp in [sc.expect] + [s.expect for s in sc.steps]:
        for r in (exp.records if exp else []):
            uses += list(_given_refs(r.where)) + list(_given_refs(r.fields))
        uses += list(_given_refs(exp.fields)) if exp else []
    for _, key in uses:
        if key not in known:
            yield _unknown_given(sc, key, sc.ref("given") or sc.ref("name"))


def _unknown_given(sc: Scenario, key: str, ref: Any) -> Diagnostic:
    return Diagnostic("PRM-V707", f"scenario '{sc.name}': no given record '{key}' before this use", ref,
                      "add it under `given` (above the records that name it)")


def _expect_personas(exp: Expect) -> list[Persona]:
    return [v.persona for v in exp.visible_to] + [f.persona for f in exp.field_access]


def _unknown_field(sc: Scenario, obj: str, name: str, ref: Any) -> Diagnostic:
    return Diagnostic("PRM-V402", f"scenario '{sc.name}': {obj} has no field '{name}' in the metadata", ref,
                      "check the API name (custom fields end in __c)")


def _custom_errors(model: OrgModel) -> set[str]:
    """Names of the flows' Custom Error elements (a step they fail is blocked by that name)."""
    from .orgmodel import NS, _parse, _t

    return {_t(e, "name") for flow in Path(model.root).rglob("*.flow-meta.xml")
            for e in _parse(flow).findall(NS + "customErrors")}


def _check_expect(sc: Scenario, exp: Expect, model: OrgModel, obj: str) -> Iterator[Diagnostic]:
    for name in exp.fields:
        if not _field_exists(model, obj, name):
            yield _unknown_field(sc, obj, name, exp.ref("fields", name))
    for want in exp.records:
        if want.object not in model.objects and model.field(want.object, "Id") is None:
            yield Diagnostic("PRM-V401", f"scenario '{sc.name}': expected records of '{want.object}', which is not in "
                             "the metadata", want.ref("object"), "use an object the build generates")
            continue
        for key in ("where", "fields"):
            for name in getattr(want, key):
                if not _field_exists(model, want.object, name):
                    yield _unknown_field(sc, want.object, name, want.ref(key, name))
    if exp.owner and exp.owner not in ("creator", "persona") and exp.owner not in model.queues:
        yield Diagnostic("PRM-V403", f"scenario '{sc.name}': expected owner queue '{exp.owner}' is not in the "
                         "metadata", exp.ref("owner"), "name a queue the build generates, `creator` or `persona`")
    for i, q in enumerate(exp.owner_not):
        if q != "creator" and q not in model.queues:
            yield Diagnostic("PRM-V403", f"scenario '{sc.name}': queue '{q}' in owner_not is not in the metadata",
                             exp.ref("owner_not", i), "name a queue the build generates, or `creator`")
    if exp.approval and exp.approval.process:
        import re
        names = {re.sub(r"_v\d+$", "", p.name) for p in model.approval_processes}
        if re.sub(r"_v\d+$", "", exp.approval.process) not in names:
            yield Diagnostic("PRM-V404", f"scenario '{sc.name}': approval process '{exp.approval.process}' is not "
                             "in the metadata", exp.approval.ref("process"), "known: " + ", ".join(sorted(names)))
    if exp.approval and exp.approval.steps:
        steps = {s.name for p in model.approval_processes for s in p.steps}
        for i, s in enumerate(exp.approval.steps):
            if s not in steps:
                yield Diagnostic("PRM-V404", f"scenario '{sc.name}': approval step '{s}' is not in the metadata",
                                 exp.approval.ref("steps", i), "known: " + ", ".join(sorted(steps)))
    if exp.blocked and exp.blocked.rule:
        rules = {v.name for o in model.objects.values() for v in o.validation_rules} | _custom_errors(model)
        if exp.blocked.rule not in rules | BLOCK_KINDS:
            yield Diagnostic("PRM-V406", f"scenario '{sc.name}': blocked.rule '{exp.blocked.rule}' is neither a "
                             "validation rule nor a block kind", exp.blocked.ref("rule"),
                             "use a validation rule's name or one of: " + ", ".join(sorted(BLOCK_KINDS)))
    for fa in exp.field_access:
        o, _, n = fa.field.partition(".")
        if not n or (n == "*" and o not in model.objects) or (n != "*" and not _field_exists(model, o, n)):
            yield Diagnostic("PRM-V402", f"scenario '{sc.name}': field '{fa.field}' is not in the metadata",
                             fa.ref("field"), "write Object.Field")
