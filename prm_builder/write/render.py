"""Components -> file bytes, in both formats, from the one serializer."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from prm_builder import API_VERSION
from prm_builder.generate.component import Component
from prm_builder.metadata.layout import layout, mdapi_file, source_file, split_child
from prm_builder.metadata.serializer import build_element, to_bytes

Files = dict[str, bytes]
#: (path, tree) of serialized XML files, for the schema check (api.check_elements_conform)
Elements = list[tuple[str, Any]]


def _serialize(type_name: str, body: dict, path: str, elements: Elements | None) -> bytes:
    root = build_element(type_name, body)
    if elements is not None:
        elements.append((path, root))
    return to_bytes(root)


def _content_path(meta_path: str) -> str:
    return meta_path.removesuffix("-meta.xml")


def _child_body(c: Component) -> dict:
    _, child = split_child(c.full_name)
    return {**c.body, "fullName": child}


def source_files(components: Iterable[Component], elements: Elements | None = None) -> Files:
    """Files under main/default/ in source format (object children decomposed); `elements`
    collects the tree of each XML file."""
    files: Files = {}
    for c in components:
        lay = layout(c.type)
        path = source_file(c.type, c.full_name)
        body = _child_body(c) if lay.object_child_tag else dict(c.body)
        if c.type != "CustomObject" and not lay.object_child_tag:
            body.pop("fullName", None)  # the file name carries it, as sf retrieve writes it
        files[path] = _serialize(c.type, body, path, elements)
        if lay.has_content:
            files[_content_path(path)] = c.content or b""
    return dict(sorted(files.items()))


def mdapi_files(components: Iterable[Component], source: Files | None = None,
                elements: Elements | None = None, folded: Files | None = None) -> Files:
    """Files of an MDAPI package, package.xml included (object children folded into .object).

    `source` (source_files() of the same components) is reused: every component but an
    object and its children serializes to the same bytes in both formats (2,619 of 2,626
    files at 3,000 assignment entries), so those are not serialized twice. `folded`:
    folded_files() of the same components, when already made."""
    components = list(components)
    files: Files = {}
    for c in components:
        lay = layout(c.type)
        if lay.object_child_tag or c.type == "CustomObject":
            continue  # in their object's file (folded_files)
        path = mdapi_file(c.type, c.full_name)
        same = source.get(source_file(c.type, c.full_name)) if source is not None else None
        files[path] = same if same is not None else \
            _serialize(c.type, {k: v for k, v in c.body.items() if k != "fullName"}, path, elements)
        if lay.has_content:
            files[path + "-meta.xml"] = files.pop(path)
            files[path] = c.content or b""
    files.update(folded if folded is not None else folded_files(components, elements))
    return dict(sorted(files.items()))


def folded_files(components: Iterable[Component], elements: Elements | None = None) -> Files:
    """The MDAPI files made of many components: each object's .object file (its fields, list
    views, ... inside) and package.xml."""
    objects: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    object_bodies: dict[str, dict] = {}
    members: dict[str, set[str]] = defaultdict(set)
    for c in components:
        lay = layout(c.type)
        members[lay.folder_of or c.type].add(c.full_name)
        if lay.object_child_tag:
            obj, _ = split_child(c.full_name)
            objects[obj][lay.object_child_tag].append(_child_body(c))
        elif c.type == "CustomObject":
            object_bodies[c.full_name] = dict(c.body)
            objects[c.full_name]  # noqa: B018 - make sure the object gets a file
    files: Files = {}
    for obj, children in objects.items():
        body = dict(object_bodies.get(obj, {}))
        body.pop("fullName", None)
        for tag, items in children.items():
            body[tag] = sorted(items, key=lambda b: b["fullName"])
        path = mdapi_file("CustomObject", obj)
        files[path] = _serialize("CustomObject", body, path, elements)
    files["package.xml"] = package_xml(members, elements=elements)
    return files


def package_xml(members: dict[str, set[str]], version: str = API_VERSION,
                elements: Elements | None = None) -> bytes:
    types = [{"members": sorted(names), "name": type_name} for type_name, names in sorted(members.items())]
    return _serialize("Package", {"types": types, "version": version}, "package.xml", elements)
