"""Reading ontology/psp.ttl (OWL + SKOS, with rdflib) into the :class:`Ontology`
dataclasses; imported only when the ontology is first loaded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import rdflib

from psp_graph.exc import InvalidOntology
from psp_graph.ontology import (
    PSP,
    AttributeSpec,
    IssueConcept,
    NodeClass,
    Ontology,
    RelationSpec,
    Vocabulary,
)

__all__ = ["read_ontology"]

_SCHEMA = "https://schema.org/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_XSD = "http://www.w3.org/2001/XMLSchema#"

_DATATYPES = {
    f"{_XSD}string": "string",
    f"{_XSD}boolean": "boolean",
    f"{_XSD}decimal": "decimal",
    f"{_XSD}integer": "integer",
    f"{_XSD}date": "date",
    f"{_XSD}anyURI": "uri",
}


def _snake(local_name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local_name).lower()


def read_ontology(path: Path) -> Ontology:
    """Parse the Turtle file at ``path`` and check it is consistent (InvalidOntology if not)."""
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as err:  # rdflib raises many parser-specific types
        raise InvalidOntology(f"{path}: cannot parse: {err}") from err
    return _Reader(graph, path).read()


class _Reader:
    """Turns the RDF graph into the Ontology dataclasses."""

    def __init__(self, graph: rdflib.Graph, path: Path) -> None:

        self.g = graph
        self.path = path
        self.ns = rdflib.Namespace(PSP)
        self.rdf = rdflib.RDF
        self.rdfs = rdflib.RDFS
        self.skos = rdflib.Namespace(_SKOS)
        self.schema = rdflib.Namespace(_SCHEMA)
        self.owl = rdflib.OWL

    def local(self, node: Any) -> str:
        text = str(node)
        if not text.startswith(PSP):
            raise InvalidOntology(f"{self.path}: expected a psp: term, got {text}")
        return text[len(PSP) :]

    def text(self, subject: Any, predicate: Any, default: str = "") -> str:
        value = self.g.value(subject, predicate)
        return str(value) if value is not None else default

    def objects(self, subject: Any, predicate: Any) -> list[Any]:
        return sorted(self.g.objects(subject, predicate), key=str)

    def read(self) -> Ontology:
        vocabularies = self.read_vocabularies()
        attributes = self.read_attributes(vocabularies)
        classes, roles = self.read_classes(attributes)
        relations = self.read_relations(classes, attributes)
        link_attributes = tuple(
            _snake(self.local(a)) for a in self.objects(self.ns.Link, self.ns.linkAttribute)
        )
        issues = self.read_issues()
        return Ontology(
            classes=classes,
            roles=roles,
            relations=relations,
            attributes=attributes,
            vocabularies=vocabularies,
            issues=issues,
            link_attributes=link_attributes,
            path=self.path,
        )

    def read_vocabularies(self) -> dict[str, Vocabulary]:
        vocabularies: dict[str, Vocabulary] = {}
        for scheme in self.g.subjects(self.rdf.type, self.skos.ConceptScheme):
            name = self.local(scheme).removesuffix("Scheme")
            if name in {"Issues", "BurningIssues"}:  # concepts are nodes (data), not codes
                continue
            concepts = sorted(
                self.g.subjects(self.skos.inScheme, scheme),
                key=lambda c: (int(self.text(c, self.ns.rank, "0")), self.text(c, self.skos.notation)),
            )
            codes = tuple(self.text(c, self.skos.notation) for c in concepts)
            if not all(codes):
                raise InvalidOntology(f"{self.path}: a concept of {name} has no skos:notation")
            vocabularies[name] = Vocabulary(
                name=name,
                label=self.text(scheme, self.rdfs.label, name),
                comment=self.text(scheme, self.rdfs.comment),
                codes=codes,
                labels={
                    code: self.text(c, self.skos.prefLabel, code)
                    for code, c in zip(codes, concepts, strict=True)
                },
                comments={
                    code: self.text(c, self.rdfs.comment) for code, c in zip(codes, concepts, strict=True)
                },
                ranks={
                    code: int(self.text(c, self.ns.rank, "0"))
                    for code, c in zip(codes, concepts, strict=True)
                },
                groups={
                    code: self.text(self.g.value(c, self.ns.ladderGroup), self.skos.notation)
                    for code, c in zip(codes, concepts, strict=True)
                    if self.g.value(c, self.ns.ladderGroup) is not None
                },
                starts={
                    code: self.text(c, self.schema.startDate)
                    for code, c in zip(codes, concepts, strict=True)
                    if self.g.value(c, self.schema.startDate) is not None
                },
                ends={
                    code: self.text(c, self.schema.endDate)
                    for code, c in zip(codes, concepts, strict=True)
                    if self.g.value(c, self.schema.endDate) is not None
                },
            )
        return vocabularies

    def read_attributes(self, vocabularies: dict[str, Vocabulary]) -> dict[str, AttributeSpec]:
        attributes: dict[str, AttributeSpec] = {}
        props = set(self.g.subjects(self.rdf.type, self.owl.DatatypeProperty)) | set(
            self.g.subjects(self.rdf.type, self.owl.ObjectProperty)
        )
        for prop in props:
            if str(prop).startswith(PSP) and self.g.value(prop, self.rdf.type) is not None:
                if (prop, self.rdf.type, self.ns.RelationshipType) in self.g:
                    continue
                name = _snake(self.local(prop))
                vocab_node = self.g.value(prop, self.ns.vocabulary)
                range_node = self.g.value(prop, self.rdfs.range)
                vocabulary = self.local(vocab_node).removesuffix("Scheme") if vocab_node else None
                if vocabulary and vocabulary not in vocabularies:
                    raise InvalidOntology(f"{self.path}: {name} uses unknown vocabulary {vocabulary}")
                ref_class = None
                includes = tuple(self.local(c) for c in self.objects(prop, self.schema.rangeIncludes))
                if vocabulary:
                    datatype = "code"
                elif range_node is not None and str(range_node).startswith(PSP):
                    datatype, ref_class = "ref", self.local(range_node)
                elif range_node is not None:
                    datatype = _DATATYPES.get(str(range_node), "string")
                else:
                    datatype = "code"  # psp:kind: vocabulary chosen by node class
                default_node = self.g.value(prop, self.ns.defaultValue)
                attributes[name] = AttributeSpec(
                    name=name,
                    label=self.text(prop, self.rdfs.label, name),
                    comment=self.text(prop, self.rdfs.comment),
                    datatype=datatype,
                    vocabulary=vocabulary,
                    ref_class=ref_class,
                    multiple=self.text(prop, self.ns.multiple) == "true",
                    minimum=_int_or_none(self.g.value(prop, self.ns.minValue)),
                    maximum=_int_or_none(self.g.value(prop, self.ns.maxValue)),
                    default=default_node.toPython() if isinstance(default_node, rdflib.Literal) else None,
                    private=self.text(prop, self.ns.private) == "true",
                    ref_classes=includes or ((ref_class,) if ref_class else ()),
                )
        return dict(sorted(attributes.items()))

    def read_classes(
        self, attributes: dict[str, AttributeSpec]
    ) -> tuple[dict[str, NodeClass], dict[str, NodeClass]]:
        parents: dict[str, str | None] = {}
        roles_raw: list[Any] = []
        for cls in self.g.subjects(self.rdf.type, self.owl.Class):
            if not str(cls).startswith(PSP):
                continue
            name = self.local(cls)
            psp_parents = [
                self.local(p) for p in self.objects(cls, self.rdfs.subClassOf) if str(p).startswith(PSP)
            ]
            if psp_parents == ["Role"]:
                roles_raw.append(cls)
                continue
            if name in {"Role", "Link", "RelationshipType"}:
                continue
            if len(psp_parents) > 1:
                raise InvalidOntology(f"{self.path}: {name} has several psp parents {psp_parents}")
            parents[name] = psp_parents[0] if psp_parents else None
        classes: dict[str, NodeClass] = {}
        for name in sorted(parents):
            chain = [name]
            while parents.get(chain[-1]):
                chain.append(parents[chain[-1]])  # type: ignore[arg-type]
            if chain[-1] != "Node":
                raise InvalidOntology(f"{self.path}: class {name} does not descend from psp:Node")
            kind = chain[-2] if len(chain) >= 2 else "Node"
            node = self.ns[name]
            attrs: list[str] = []
            prefix = section = kind_vocab = privacy = None
            required: list[str] = []
            required_links: list[str] = []
            for ancestor in chain:
                a = self.ns[ancestor]
                attrs.extend(_snake(self.local(x)) for x in self.objects(a, self.ns.nodeAttribute))
                prefix = prefix or (self.text(a, self.ns.idPrefix) or None)
                section = section or (self.text(a, self.ns.section) or None)
                kv = self.g.value(a, self.ns.kindVocabulary)
                kind_vocab = kind_vocab or (self.local(kv).removesuffix("Scheme") if kv else None)
                required.extend(_snake(self.local(x)) for x in self.objects(a, self.ns.requiredAttribute))
                privacy = privacy or (self.text(a, self.ns.defaultPrivacy) or None)
                required_links.extend(self.local(x) for x in self.objects(a, self.ns.requiredLink))
            for attr in attrs:
                if attr not in attributes:
                    raise InvalidOntology(f"{self.path}: class {name} lists unknown attribute {attr}")
            classes[name] = NodeClass(
                name=name,
                label=self.text(node, self.rdfs.label, name),
                comment=self.text(node, self.rdfs.comment),
                parent=parents[name],
                ancestors=tuple(chain),
                kind=kind,
                id_prefix=prefix,
                section=section,
                attributes=tuple(dict.fromkeys(attrs)),
                kind_vocabulary=kind_vocab,
                required=tuple(dict.fromkeys(required)),
                default_privacy=privacy,
                required_links=tuple(dict.fromkeys(required_links)),
            )
        roles = {
            self.local(r): NodeClass(
                name=self.local(r),
                label=self.text(r, self.rdfs.label),
                comment=self.text(r, self.rdfs.comment),
                parent=None,
                ancestors=(self.local(r),),
                kind="Role",
                id_prefix=None,
                section=None,
                attributes=(),
                kind_vocabulary=None,
                is_role=True,
            )
            for r in sorted(roles_raw, key=str)
        }
        return classes, roles

    def read_relations(
        self, classes: dict[str, NodeClass], attributes: dict[str, AttributeSpec]
    ) -> dict[str, RelationSpec]:
        relations: dict[str, RelationSpec] = {}
        common = [_snake(self.local(a)) for a in self.objects(self.ns.Link, self.ns.linkAttribute)]
        for rel in sorted(self.g.subjects(self.rdf.type, self.ns.RelationshipType), key=str):
            name = self.local(rel)
            domain = tuple(self.local(c) for c in self.objects(rel, self.schema.domainIncludes))
            range_ = tuple(self.local(c) for c in self.objects(rel, self.schema.rangeIncludes))
            for end in (*domain, *range_):
                if end not in classes:
                    raise InvalidOntology(f"{self.path}: {name} names unknown class {end}")
            if not domain or not range_:
                raise InvalidOntology(f"{self.path}: {name} needs domainIncludes and rangeIncludes")
            own = [_snake(self.local(a)) for a in self.objects(rel, self.ns.linkAttribute)]
            required = tuple(_snake(self.local(a)) for a in self.objects(rel, self.ns.requiredAttribute))
            keys = tuple(_snake(self.local(a)) for a in self.objects(rel, self.ns.linkKey))
            all_attrs = tuple(dict.fromkeys([*own, *common]))
            for attr in (*all_attrs, *required, *keys):
                if attr not in attributes:
                    raise InvalidOntology(f"{self.path}: {name} lists unknown attribute {attr}")
            relations[name] = RelationSpec(
                name=name,
                label=self.text(rel, self.rdfs.label, name),
                comment=self.text(rel, self.rdfs.comment),
                domain=domain,
                range=range_,
                attributes=all_attrs,
                required=required,
                keys=keys,
                symmetric=(rel, self.rdf.type, self.owl.SymmetricProperty) in self.g,
                analysis_roles=tuple(sorted(str(r) for r in self.g.objects(rel, self.ns.analysisRole))),
                power_flow=self.text(rel, self.ns.powerFlow, "source"),
            )
        return relations

    def read_issues(self) -> dict[str, IssueConcept]:
        issues: dict[str, IssueConcept] = {}
        by_node: dict[str, str] = {}
        concepts = sorted(self.g.subjects(self.rdf.type, self.ns.Issue), key=str)
        for concept in concepts:
            by_node[str(concept)] = "issue:" + self.text(concept, self.skos.notation)
        for concept in concepts:
            broader = self.g.value(concept, self.skos.broader)
            issue_id = by_node[str(concept)]
            issues[issue_id] = IssueConcept(
                id=issue_id,
                code=issue_id.removeprefix("issue:"),
                label=self.text(concept, self.skos.prefLabel),
                comment=self.text(concept, self.rdfs.comment),
                broader=by_node[str(broader)] if broader is not None else None,
            )
        return issues


def _int_or_none(value: Any) -> int | None:
    return int(value) if value is not None else None
