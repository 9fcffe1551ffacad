"""Write the graph for other tools: GraphML, GEXF, node-link JSON, Kumu, RDF (Turtle, JSON-LD).

Every export applies privacy the way maps and query output do: a node shown by
pseudonym keeps only its pseudonym, and its possibly personal attributes (and
those of its links) are left out, unless ``include_private``.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from psp_graph.graph import Graph
from psp_graph.io.rdf import ID_BASE
from psp_graph.ontology import PSP
from psp_graph.privacy import REDACTED

__all__ = ["EXPORT_FORMATS", "export_graph"]

EXPORT_FORMATS = ("graphml", "gexf", "json", "kumu", "ttl", "jsonld")
# Not exported: the pseudonym is shown as the name already, who recorded a fact is the
# team's business, and the read door's redaction mark is internal.
_SKIP = {"pseudonym", "recorded_by", REDACTED}
# Characters XML 1.0 cannot hold, even escaped: C0 controls but tab/newline/CR, lone surrogates, U+FFFE/F.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text XML can hold: characters it cannot are replaced by U+FFFD, so the file stays well-formed."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _flat(value: Any) -> Any:
    """GraphML and GEXF take scalars only: lists become '; '-joined text; text is made XML-safe."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    return xml_safe(value) if isinstance(value, str) else value


def iri_part(text: str) -> str:
    """An id as the path of an IRI: spaces and other characters IRIs cannot hold are %-encoded."""
    return quote(text, safe="/:-._~")


def _visible(graph: Graph, include_private: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    reader = graph.reader(include_private=include_private)
    node_rows = []
    for node in reader.iter_nodes():
        props = {k: v for k, v in node.props.items() if k not in _SKIP}
        node_rows.append({"id": node.id, "name": node.name, "types": list(node.types), **props})
    link_rows = []
    for link in reader.iter_links():
        props = {k: v for k, v in link.props.items() if k not in _SKIP}
        link_rows.append(
            {"id": link.id, "type": link.type, "source": link.source, "target": link.target, **props}
        )
    return node_rows, link_rows


def export_graph(graph: Graph, fmt: str, *, include_private: bool = False) -> str:
    """The whole store as text in ``fmt`` (graphml, gexf, json or ttl). O(nodes + links)."""
    nodes, links = _visible(graph, include_private)
    if fmt == "json":
        return (
            json.dumps({"nodes": nodes, "links": links}, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        )
    if fmt in {"ttl", "jsonld"}:
        return _rdf(nodes, links, "turtle" if fmt == "ttl" else "json-ld")
    if fmt == "kumu":
        return _kumu(graph, nodes, links)
    import networkx as nx

    multi = nx.MultiDiGraph()
    for node in nodes:
        multi.add_node(xml_safe(node["id"]), **{xml_safe(k): _flat(v) for k, v in node.items() if k != "id"})
    for link in links:
        attrs = {xml_safe(k): _flat(v) for k, v in link.items() if k not in ("source", "target", "type")}
        # GEXF's own edge "type" means directed/undirected: the relationship goes under its own name.
        attrs.update(relationship=xml_safe(link["type"]), label=xml_safe(link["type"]))
        multi.add_edge(xml_safe(link["source"]), xml_safe(link["target"]), key=xml_safe(link["id"]), **attrs)
    lines = nx.generate_graphml(multi) if fmt == "graphml" else nx.generate_gexf(multi)
    return "\n".join(lines) + "\n"


def _kumu(graph: Graph, nodes: list[dict[str, Any]], links: list[dict[str, Any]]) -> str:
    """A Kumu blueprint: elements (unique labels) and connections between them by label."""
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for node in sorted(nodes, key=lambda n: n["id"]):
        label = node["name"] if node["name"] not in taken else f"{node['name']} ({node['id']})"
        labels[node["id"]] = label
        taken.add(label)

    def fields(item: dict[str, Any], skip: set[str]) -> dict[str, Any]:
        return {
            k.replace("_", " "): _flat(v) for k, v in item.items() if k not in skip and v not in (None, [])
        }

    elements = [
        {
            "label": labels[n["id"]],
            "type": n["types"][0],
            "psp id": n["id"],
            "tags": n["types"][1:],
            **fields(n, {"id", "name", "types"}),
        }
        for n in nodes
    ]
    connections = [
        {
            "from": labels[link["source"]],
            "to": labels[link["target"]],
            "type": link["type"],
            "direction": "mutual" if graph.onto.relations[link["type"]].symmetric else "directed",
            "psp id": link["id"],
            **fields(link, {"id", "type", "source", "target"}),
        }
        for link in links
    ]
    return json.dumps({"elements": elements, "connections": connections}, indent=1, ensure_ascii=False) + "\n"


def _rdf(nodes: list[dict[str, Any]], links: list[dict[str, Any]], rdf_format: str) -> str:
    """RDF with the ontology's terms; each link is also an n-ary psp:Link node carrying its attributes."""
    import rdflib
    from rdflib.namespace import RDF, RDFS

    psp = rdflib.Namespace(PSP)
    out = rdflib.Graph()
    out.bind("psp", psp)

    def iri(node_id: str) -> rdflib.URIRef:
        return rdflib.URIRef(ID_BASE + iri_part(node_id.replace(":", "/", 1)))

    def literal_triples(subject: rdflib.term.Node, item: dict[str, Any], skip: set[str]) -> None:
        for key, value in sorted(item.items()):
            if key in skip or value is None:
                continue
            for one in value if isinstance(value, list) else [value]:
                camel = key.split("_")[0] + "".join(p.capitalize() for p in key.split("_")[1:])
                out.add((subject, psp[camel], rdflib.Literal(one)))

    for node in nodes:
        subject = iri(node["id"])
        for type_name in node["types"]:
            out.add((subject, RDF.type, psp[type_name]))
        out.add((subject, RDFS.label, rdflib.Literal(node["name"])))
        literal_triples(subject, node, {"id", "name", "types"})
    for link in links:
        source, target = iri(link["source"]), iri(link["target"])
        out.add((source, psp[link["type"]], target))
        subject = rdflib.URIRef(ID_BASE + "link/" + iri_part(link["id"].replace(":", "-")))
        out.add((subject, RDF.type, psp.Link))
        out.add((subject, psp.relationship, psp[link["type"]]))
        out.add((subject, psp.linkSource, source))
        out.add((subject, psp.linkTarget, target))
        out.add((subject, psp.linkId, rdflib.Literal(link["id"])))
        literal_triples(subject, link, {"id", "type", "source", "target"})
    return str(out.serialize(format=rdf_format))
