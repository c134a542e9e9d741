"""The Metadata API schema (API 63.0) from the installed simple-salesforce package.

Two uses: the serializer takes every element order from here (every complexType is an
xsd:sequence, so order matters and is the schema's, not alphabetical), and the
conformance check validates every generated file against it before anything is written.

The WSDL declares types, not elements, so a standalone XSD is built with one global
element per complexType (a file whose root is <CustomField> validates as type CustomField).
"""

from __future__ import annotations

import copy
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from prm_builder import API_VERSION
from prm_builder.errors import PrmInternalError

MD_NS = "http://soap.sforce.com/2006/04/metadata"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
XSD = "{%s}" % XSD_NS


def wsdl_path() -> Path:
    """Locate metadata.wsdl inside simple_salesforce without importing it (that import
    pulls in requests and more; `prm validate` must stay fast)."""
    spec = importlib.util.find_spec("simple_salesforce")
    if spec is None or not spec.submodule_search_locations:
        raise PrmInternalError("simple-salesforce is not installed; it ships the Metadata API schema")
    path = Path(list(spec.submodule_search_locations)[0]) / "metadata.wsdl"
    if not path.is_file():
        raise PrmInternalError(f"{path} is missing: install simple-salesforce 1.12.10 (ships API 63.0)")
    return path


@dataclass(frozen=True)
class ElementDecl:
    name: str
    type: str  # local type name, e.g. "string", "CustomValue"
    repeated: bool


class MetadataSchema:
    def __init__(self, wsdl: Path) -> None:
        parser = etree.XMLParser(remove_blank_text=True, huge_tree=True, resolve_entities=False,
                                 no_network=True)
        root = etree.parse(str(wsdl), parser).getroot()
        self.api_version = _service_version(root)
        self._source = next(s for s in root.iter(f"{XSD}schema") if s.get("targetNamespace") == MD_NS)
        self.complex_types = {ct.get("name"): ct for ct in self._source.findall(f"{XSD}complexType")}
        self.simple_types = {st.get("name") for st in self._source.findall(f"{XSD}simpleType")}
        self._decls: dict[str, list[ElementDecl]] = {}
        self._xmlschemas: dict[frozenset[str] | None, etree.XMLSchema] = {}

    def base_of(self, type_name: str) -> str | None:
        ext = self.complex_types[type_name].find(f"{XSD}complexContent/{XSD}extension")
        return ext.get("base").split(":")[-1] if ext is not None else None

    def elements(self, type_name: str) -> list[ElementDecl]:
        """Child elements of a type in schema order: base type's first."""
        if type_name not in self._decls:
            if type_name not in self.complex_types:
                raise PrmInternalError(f"'{type_name}' is not a type of the Metadata API {self.api_version} schema")
            chain = []
            current: str | None = type_name
            while current:
                chain.append(current)
                current = self.base_of(current)
            decls = []
            for name in reversed(chain):
                ct = self.complex_types[name]
                ext = ct.find(f"{XSD}complexContent/{XSD}extension")
                seq = (ext if ext is not None else ct).find(f"{XSD}sequence")
                for el in (seq.findall(f"{XSD}element") if seq is not None else []):
                    decls.append(ElementDecl(el.get("name"), el.get("type", "").split(":")[-1],
                                             el.get("maxOccurs") == "unbounded"))
            self._decls[type_name] = decls
        return self._decls[type_name]

    def xmlschema(self, roots: frozenset[str] | None = None) -> etree.XMLSchema:
        """The schema as XSD; with `roots` (root element names, e.g. {"CustomField"}) only the
        types those documents can hold: a program uses ~30 of 1,400 types, and compiling the
        whole schema takes 0.27 s, a tenth of which remains."""
        if roots not in self._xmlschemas:
            keep = self._closure(roots) if roots is not None else None
            doc = etree.Element(f"{XSD}schema", nsmap={"xsd": XSD_NS, "tns": MD_NS})
            doc.set("targetNamespace", MD_NS)
            doc.set("elementFormDefault", "qualified")
            globals_ = set()
            for child in self._source:
                if not isinstance(child.tag, str) or (keep is not None and child.get("name") not in keep):
                    continue
                doc.append(copy.deepcopy(child))
                if child.tag == f"{XSD}element":
                    globals_.add(child.get("name"))
            for name in sorted(self.complex_types if keep is None else keep & set(self.complex_types)):
                if name not in globals_:
                    etree.SubElement(doc, f"{XSD}element", name=name, type=f"tns:{name}")
            self._xmlschemas[roots] = etree.XMLSchema(doc)
        return self._xmlschemas[roots]

    def _closure(self, roots: frozenset[str]) -> set[str]:
        """The named types (complex and simple) documents with these roots may use: the roots,
        their base types and the types of their elements, transitively."""
        keep: set[str] = set()
        todo = [name for name in roots if name in self.complex_types]
        simple_types = {st.get("name"): st for st in self._source.findall(f"{XSD}simpleType")}
        while todo:
            name = todo.pop()
            if name in keep:
                continue
            keep.add(name)
            node = self.complex_types.get(name)
            if node is None:
                node = simple_types[name]
            for el in node.iter():
                for attr in ("type", "base"):
                    ref = (el.get(attr) or "").split(":")[-1]
                    if ref and ref not in keep and (ref in self.complex_types or ref in simple_types) \
                            and not (el.get(attr) or "").startswith("xsd:"):
                        todo.append(ref)
        return keep

    def problems(self, xml: bytes) -> list[str]:
        """Schema violations of one serialized file (empty when it conforms)."""
        doc = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
        return self.element_problems(doc)

    def element_problems(self, doc: etree._Element, roots: frozenset[str] | None = None) -> list[str]:
        """Schema violations of a parsed document; `roots`: see xmlschema()."""
        schema = self.xmlschema(roots)
        if schema.validate(doc):
            return []
        return [f"line {e.line}: {e.message.replace('{%s}' % MD_NS, '')}" for e in schema.error_log]


def _service_version(root: etree._Element) -> str | None:
    for el in root.iter():
        loc = el.get("location") if isinstance(el.tag, str) else None
        if loc and "/services/Soap/m/" in loc:
            return loc.rstrip("/").rsplit("/", 1)[-1]
    return None


@cache
def load_schema() -> MetadataSchema:
    schema = MetadataSchema(wsdl_path())
    if schema.api_version != API_VERSION:
        raise PrmInternalError(
            f"the installed simple-salesforce ships Metadata API {schema.api_version}, prm needs "
            f"{API_VERSION}: install simple-salesforce==1.12.10")
    return schema
