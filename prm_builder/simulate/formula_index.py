"""Every formula in a source-format folder, with the object it runs on and the type of each
field it reads: what the formulon cross-check samples and what coverage counts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import formula as fx
from .orgmodel import NS, OrgModel, _parse, _t

# Flow data types -> field types of the formula evaluator.
_FLOW_TYPES = {"String": "Text", "Number": "Number", "Currency": "Currency", "Boolean": "Checkbox",
               "Date": "Date", "DateTime": "DateTime"}


@dataclass(frozen=True)
class FormulaSite:
    where: str          # file (relative) + component, for test ids and messages
    object: str
    formula: str
    blank_as_zero: bool
    result_type: str    # Checkbox for rule formulas, the field type otherwise
    #: flow formulas: record resources (Get Records, loops, record variables) -> their object,
    #: and other resources (variables, formulas) -> evaluator type
    records: tuple[tuple[str, str], ...] = ()
    scalars: tuple[tuple[str, str], ...] = ()


def field_type(model: OrgModel, obj: str, ref: str) -> str:
    """The evaluator type of a reference as a formula on `obj` writes it."""
    name = ref[8:] if ref.lower().startswith("$record.") else ref
    if name.lower().startswith("$user."):
        return "Text"
    if name == "$Flow.CurrentDateTime":
        return "DateTime"
    if ":" in name:  # polymorphic path (Owner:Group.DeveloperName): text in every use prm makes
        return "Text"
    _, fld = model.resolve_path(obj, name)
    if fld is None:
        return "Text"
    if fld.type in ("Lookup", "MasterDetail", "Id", "Email", "Url", "Phone", "TextArea", "LongTextArea",
                    "Html", "Text"):
        return "Text"
    if fld.type == "Summary":
        # A roll-up has the type of what it summarizes: MIN/MAX of a date is a date (Salesforce
        # Help, "Roll-Up Summary Field"); COUNT and SUM are numbers.
        op, summarized, _ = fld.summary or ("", "", "")
        if op.lower() in ("min", "max") and summarized and "." in summarized:
            child, child_field = summarized.split(".", 1)
            inner = model.field(child, child_field)
            if inner is not None and inner.type in ("Date", "DateTime"):
                return inner.type
        return "Currency"
    return fld.type or "Text"


def formula_sites(model: OrgModel, root: Path) -> list[FormulaSite]:
    sites: list[FormulaSite] = []
    for obj in model.objects.values():
        for f in obj.fields.values():
            if f.formula:
                sites.append(FormulaSite(f"{f.source}", obj.name, f.formula, f.blank_as_zero, f.type))
        for v in obj.validation_rules:
            sites.append(FormulaSite(v.source, obj.name, v.formula, False, "Checkbox"))
    for fu in model.field_updates.values():
        if fu.formula:
            sites.append(FormulaSite(f"{fu.source}#{fu.name}", fu.object, fu.formula, False, "Any"))
    for rule in model.assignment_rules:
        for e in rule.entries:
            if e.criteria.formula:
                sites.append(FormulaSite(f"{e.source}#entry{e.index}", rule.object, e.criteria.formula, False,
                                         "Checkbox"))
    for p in model.approval_processes:
        if p.criteria.formula:
            sites.append(FormulaSite(p.source, p.object, p.criteria.formula, False, "Checkbox"))
    for flow in sorted(root.rglob("*.flow-meta.xml")):
        el = _parse(flow)
        obj = _t(el.find(NS + "start"), "object")
        records, scalars = _flow_resources(el)
        for f in el.findall(NS + "formulas"):
            sites.append(FormulaSite(f"{flow.name}#{_t(f, 'name')}", obj, _t(f, "expression"), False,
                                     _FLOW_TYPES.get(_t(f, "dataType"), "Text"), records, scalars))
    return sites


def _flow_resources(el: etree._Element) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """A flow's record resources (Get Records, record variables, loops over them) with their
    object, and its typed variables and formulas."""
    records = {_t(v, "name"): _t(v, "object") for v in el.findall(NS + "recordLookups")}
    records |= {_t(v, "name"): _t(v, "objectType") for v in el.findall(NS + "variables") if _t(v, "objectType")}
    for loop in el.findall(NS + "loops"):
        source = records.get(_t(loop, "collectionReference"))
        if source:
            records[_t(loop, "name")] = source
    scalars = {_t(v, "name"): _FLOW_TYPES.get(_t(v, "dataType"), "Text")
               for tag in ("variables", "formulas") for v in el.findall(NS + tag) if not _t(v, "objectType")}
    return tuple(sorted(records.items())), tuple(sorted(scalars.items()))


def flow_variable_types(flow: Path) -> dict[str, str]:
    el = _parse(flow)
    out = {}
    for tag in ("variables", "formulas"):
        for v in el.findall(NS + tag):
            out[_t(v, "name")] = _FLOW_TYPES.get(_t(v, "dataType"), "Text")
    return out


def reference_types(model: OrgModel, site: FormulaSite) -> dict[str, str]:
    records, scalars = dict(site.records), dict(site.scalars)

    def kind(ref: str) -> str:
        head, _, tail = ref.partition(".")
        if tail and head in records:
            return field_type(model, records[head], tail)
        if ref in scalars:
            return scalars[ref]
        return field_type(model, site.object, ref)

    return {ref: kind(ref) for ref in fx.references(site.formula)}


__all__ = ["FormulaSite", "formula_sites", "reference_types", "field_type", "flow_variable_types", "etree"]
