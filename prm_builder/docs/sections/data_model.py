"""The data model: generated custom objects, their relationships and key fields, drawn
as a diagram (MDF budgets, requests and claims; co-marketing assets; ...)."""

from __future__ import annotations

from typing import Any, Iterator

from prm_builder.docs.content import Diagram, Para, Section, Table
from prm_builder.docs.context import DocContext
from prm_builder.docs.diagram import Edge, Graph, Node, render_svg
from prm_builder.docs.sections.common import as_list
from prm_builder.generate.component import Component

ID = "data-model"
TITLE = "Data model"

RELATIONSHIPS = ("MasterDetail", "Lookup")
#: field types worth showing in the diagram besides relationships (the rest: field reference)
KEY_TYPES = ("Currency", "Picklist", "Date", "Percent", "Summary")
MAX_KEY_FIELDS = 6
#: edges that are no relationship field: how an object without one still connects (dotted)
USES = "expire"


def build(ctx: DocContext) -> Section | None:
    objects = ctx.of_type("CustomObject")
    if not objects:
        return None
    fields = ctx.of_type("CustomField")
    by_object = {o.full_name: [f for f in fields if f.full_name.split(".", 1)[0] == o.full_name] for o in objects}
    section = Section(ID, TITLE, "The custom objects prm generates, how they relate and their key fields.")
    section.add(Table(("object", "API name", "records named", "sharing", "purpose"), tuple(
        (str(o.body.get("label", "")), o.full_name, _name_field(o), str(o.body.get("sharingModel", "")), o.purpose)
        for o in objects)))
    relations = [(f.full_name.split(".", 1)[0], f) for f in fields if f.body.get("type") in RELATIONSHIPS]
    section.add(Table(("object", "field", "API name", "kind", "points to"), tuple(
        (ctx.naming.object(obj), str(f.body.get("label", "")), f.full_name, str(f.body.get("type")),
         ctx.naming.object(str(f.body.get("referenceTo", "")))) for obj, f in relations)) if relations else Para("The generated objects have no relationship fields."))
    # standard objects prm adds fields to (Lead, Opportunity, Account, ...): drawn with those fields
    standard: dict[str, list[Component]] = {}
    for f in fields:
        owner = f.full_name.split(".", 1)[0]
        if owner not in by_object:
            standard.setdefault(owner, []).append(f)
    names = set(by_object) | set(standard)
    section.add(diagram(objects, by_object, relations, uses(ctx, names) + standard_links(names), standard))
    return section


#: Standard relationships between the objects the diagram may show (child, field, parent), from
#: the Object Reference: Contact/Opportunity/Case.AccountId; the PRM MDF objects' ChannelPartnerId,
#: AllocationId and RequestId (PartnerFundAllocation / PartnerFundRequest / PartnerFundClaim pages).
STANDARD_RELATIONS = (("Contact", "AccountId", "Account"), ("Opportunity", "AccountId", "Account"),
                      ("Case", "AccountId", "Account"), ("PartnerFundAllocation", "ChannelPartnerId", "Account"),
                      ("PartnerFundRequest", "AllocationId", "PartnerFundAllocation"),
                      ("PartnerFundClaim", "RequestId", "PartnerFundRequest"))


def standard_links(names: set[str]) -> list[Edge]:
    return [Edge(parent, child, f"{name} (standard)", "link") for child, name, parent in STANDARD_RELATIONS
            if child in names and parent in names]


def _objects_in(value: Any) -> Iterator[str]:
    """Every `object` a flow element names (record lookups, updates, the start element)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "object" and isinstance(item, str):
                yield item
            else:
                yield from _objects_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _objects_in(item)


def uses(ctx: DocContext, names: set[str]) -> list[Edge]:
    """The links the generated automation and sharing make between objects besides their
    relationship fields: a lead converts to an opportunity; a flow on one object reads
    another (the lead SLA flow reads the PRM_Lead_Route records); sharing rules open an
    object to the partner tiers (co-marketing content by category)."""
    edges: list[Edge] = []
    if {"Lead", "Opportunity"} <= names and getattr(ctx.spec, "deal_registration", None) is not None:
        edges.append(Edge("Lead", "Opportunity", "converts to (deal registration)", USES))
    for flow in ctx.of_type("Flow"):
        start = (flow.body.get("start") or {}).get("object")
        if start not in names:
            continue
        for read in sorted(set(_objects_in(flow.body)) & names - {start}):
            edges.append(Edge(read, start, f"read by flow {flow.full_name}", USES))
    for rules in ctx.of_type("SharingRules"):
        if rules.full_name in names and rules.full_name != "Account" and "Account" in names:
            if as_list(rules.body.get("sharingCriteriaRules")):  # which criteria: the sharing page
                edges.append(Edge("Account", rules.full_name, "shared by partner tier", USES))
    return edges


def _name_field(obj: Component) -> str:
    name = obj.body.get("nameField") or {}
    kind = str(name.get("type", "Text"))
    return f"{name.get('label', 'Name')} ({kind}{', ' + name['displayFormat'] if name.get('displayFormat') else ''})"


def _key_fields(fields: list[Component]) -> tuple[str, ...]:
    """Relationship fields, then key types, then any other generated field while there is room."""
    key = [f for f in fields if f.body.get("type") in RELATIONSHIPS]
    others = sorted((f for f in fields if f.body.get("type") not in RELATIONSHIPS),
                    key=lambda f: f.body.get("type") not in KEY_TYPES)
    return tuple(_field_line(f) for f in key + others[:MAX_KEY_FIELDS])


def _relation(f: Component) -> str:
    return f"{f.full_name.split('.', 1)[1]} ({'master' if f.body.get('type') == 'MasterDetail' else 'lookup'})"


def _field_line(f: Component) -> str:
    if f.body.get("type") in RELATIONSHIPS:
        return f"{f.full_name.split('.', 1)[1]} → {f.body.get('referenceTo', '')} " \
               f"({'master' if f.body.get('type') == 'MasterDetail' else 'lookup'})"
    return f"{f.full_name.split('.', 1)[1]}: {f.body.get('type')}"


def diagram(objects: list[Component], by_object: dict[str, list[Component]],
            relations: list[tuple[str, Component]], links: list[Edge] = (),  # type: ignore[assignment]
            standard: dict[str, list[Component]] | None = None) -> Diagram:
    nodes = [Node(o.full_name, f"{o.body.get('label', o.full_name)} ({o.full_name})", "data",
                  _key_fields(by_object[o.full_name])) for o in objects]
    generated = {n.id for n in nodes}
    # a standard object with generated fields: blue like the other existing objects, with its fields
    nodes += [Node(name, name, "start", ("existing object", *_key_fields(fs))) for name, fs in (standard or {}).items()]
    known = {n.id for n in nodes}
    generated |= set(standard or {})  # their boxes name their relationship fields too
    edges = []
    for obj, f in relations:
        target = str(f.body.get("referenceTo", ""))
        # a lookup may also start on an existing object (Case.Partner_Account__c, Account.Partner_Manager__c)
        for end in (target, obj):
            if end and end not in known:
                nodes.append(Node(end, end, "start", ("existing object",)))
                known.add(end)
        if target:
            # parent above child: the edge runs from the parent (one) to the child (many)
            # the child's box names the field ("Partner_Account__c → Account (master)"): a dozen
            # children of Account drew a dozen long labels on near-parallel lines, on top of each other
            edges.append(Edge(target, obj, "" if obj in generated else _relation(f), "link"))
    related = {frozenset((e.src, e.dst)) for e in edges}  # a relationship says more than a dotted link
    edges += [e for e in links if e.src in known and e.dst in known and frozenset((e.src, e.dst)) not in related]
    graph = Graph(tuple(nodes), tuple(edges))
    title = ("Data model: generated objects (grey) and the existing objects they point to (blue); arrows run parent "
             "to child; dotted: conversion, flows and sharing that link objects without a relationship field")
    return Diagram("data-model", title, render_svg("data-model", title, graph), graph.labels())
