"""Read RDF written by ``psp export --format ttl`` (or by hand in the same terms) back into records.

Nodes are the subjects typed with ontology classes, links the ``psp:Link``
nodes (their attributes come with them); stored-only fields (``amount_minor``,
provenance timestamps) are turned back into what a user writes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.ontology import PSP, load_ontology
from psp_graph.privacy import STORE_FIELDS
from psp_graph.validate import RawRecord
from psp_graph.values import minor_digits

__all__ = ["ID_BASE", "records_from_rdf"]

ID_BASE = "https://w3id.org/psp-graph/id/"
_FORMATS = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}
_NOT_INPUT = STORE_FIELDS
_LINK_TERMS = {"relationship", "link_source", "link_target", "link_id"}


def _snake(local: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local).lower()


def _node_id(iri: str, file: str) -> str:
    if not iri.startswith(ID_BASE):
        raise InvalidData(f"<{iri}> is not a psp-graph id (they start with {ID_BASE})", file=file)
    from urllib.parse import unquote

    return unquote(iri[len(ID_BASE) :]).replace("/", ":", 1)


def records_from_rdf(path: Path, text: str, fmt: str) -> Iterator[RawRecord]:
    """Records for the nodes and links in an RDF document."""
    import rdflib
    from rdflib.namespace import RDF, RDFS

    file = str(path)
    graph = rdflib.Graph()
    try:
        graph.parse(data=text, format=_FORMATS[fmt])
    except Exception as err:  # rdflib raises parser-specific types
        raise InvalidData(f"not valid RDF: {str(err).splitlines()[0]}", file=file) from None
    onto = load_ontology()
    psp = rdflib.Namespace(PSP)
    values: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for subject, predicate, obj in graph:
        local = str(predicate)[len(PSP) :]
        # Direct <a> psp:FUNDS <b> triples repeat what the psp:Link nodes say in full.
        if str(predicate).startswith(PSP) and local not in onto.relations:
            values[subject][_snake(local)].append(obj)

    def attributes(subject: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, objs in values[subject].items():
            if key in _NOT_INPUT or key in _LINK_TERMS:
                continue
            plain = sorted(o.toPython() if isinstance(o, rdflib.Literal) else str(o) for o in objs)
            spec = onto.attributes.get(key)
            out[key] = plain if (spec is not None and spec.multiple) or len(plain) > 1 else plain[0]
        for stored, given in (("amount_minor", "amount"), ("amount_disbursed_minor", "amount_disbursed")):
            if stored in out:
                digits = minor_digits(str(out.get("currency", "GBP")))
                out[given] = str(Decimal(int(out.pop(stored))).scaleb(-digits))
        return out

    known = set(onto.classes) | set(onto.roles)
    found = False
    for subject in sorted(set(graph.subjects(RDF.type, None)), key=str):
        types = sorted(str(t)[len(PSP) :] for t in graph.objects(subject, RDF.type) if str(t).startswith(PSP))
        if "Link" in types or not set(types) & known:
            continue
        label = graph.value(subject, RDFS.label)
        record = {"id": _node_id(str(subject), file), "types": types, **attributes(subject)}
        if label is not None:
            record["name"] = str(label)
        found = True
        yield RawRecord(file, None, "nodes", record)
    for subject in sorted(graph.subjects(RDF.type, psp.Link), key=str):
        relationship = graph.value(subject, psp.relationship)
        source, target = graph.value(subject, psp.linkSource), graph.value(subject, psp.linkTarget)
        if relationship is None or source is None or target is None:
            raise InvalidData(
                f"link <{subject}> needs psp:relationship, psp:linkSource and psp:linkTarget", file=file
            )
        record = {
            "type": str(relationship)[len(PSP) :],
            "from": _node_id(str(source), file),
            "to": _node_id(str(target), file),
            **attributes(subject),
        }
        link_id = graph.value(subject, psp.linkId)
        if link_id is not None:
            record["id"] = str(link_id)
        found = True
        yield RawRecord(file, None, "links", record)
    if not found:
        raise InvalidData("no psp-graph nodes or links in this RDF", file=file)
