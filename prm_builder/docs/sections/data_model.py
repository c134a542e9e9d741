"""The data model: generated custom objects, their relationships and key fields, drawn
as a diagram (MDF budgets, requests and claims; co-marketing assets; ...)."""

from __future__ import annotations

from prm_builder.docs.content import Diagram, Para, Section, Table
from prm_builder.docs.context import DocContext
from prm_builder.docs.diagram import Edge, Graph, Node, render_svg
from prm_builder.generate.component import Component

ID = "data-model"
TITLE = "Data model"

RELATIONSHIPS = ("MasterDetail", "Lookup")
#: field types worth showing in the diagram besides relationships (the rest: field reference)
KEY_TYPES = ("Currency", "Picklist", "Date", "Percent")
MAX_KEY_FIELDS = 6


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
    section.add(diagram(objects, by_object, relations))
    return section


def _name_field(obj: Component) -> str:
    name = obj.body.get("nameField") or {}
    kind = str(name.get("type", "Text"))
    return f"{name.get('label', 'Name')} ({kind}{', ' + name['displayFormat'] if name.get('displayFormat') else ''})"


def diagram(objects: list[Component], by_object: dict[str, list[Component]],
            relations: list[tuple[str, Component]]) -> Diagram:
    nodes: list[Node] = []
    for o in objects:
        key = [f for f in by_object[o.full_name] if f.body.get("type") in RELATIONSHIPS]
        key += [f for f in by_object[o.full_name] if f.body.get("type") in KEY_TYPES][:MAX_KEY_FIELDS]
        nodes.append(Node(o.full_name, f"{o.body.get('label', o.full_name)} ({o.full_name})", "data",
                          tuple(f"{f.full_name.split('.', 1)[1]}: {f.body.get('type')}" for f in key)))
    known = {n.id for n in nodes}
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
            edges.append(Edge(target, obj, f"{f.full_name.split('.', 1)[1]} ({'master' if f.body.get('type') == 'MasterDetail' else 'lookup'})", "link"))
    graph = Graph(tuple(nodes), tuple(edges))
    title = "Data model: generated objects (grey) and the existing objects they point to (blue); arrows run parent to child"
    return Diagram("data-model", title, render_svg("data-model", title, graph), graph.labels())
