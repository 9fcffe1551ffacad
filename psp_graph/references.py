"""Checks that a batch's references resolve: link ends, sources, issues and
broader issues exist (in the batch, the ontology or the store) and have the
right kind, and that no external identifier changes hands.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.ontology import Ontology
from psp_graph.reading import Reader
from psp_graph.records import StoredLink, StoredNode
from psp_graph.validate import RawRecord, Validator

__all__ = [
    "check_kind",
    "check_references",
    "missing_required_link",
    "ontology_issue_nodes",
    "referenced_ids",
]

Planned = dict[str, tuple[Any, RawRecord]]


def referenced_ids(
    nodes: dict[str, tuple[StoredNode, RawRecord]],
    links: dict[str, tuple[StoredLink, RawRecord]],
    cites: dict[str, tuple[list[str], RawRecord]] | None = None,
) -> set[str]:
    """The ids these records refer to: the sources and broader issue of each node, the
    ends, sources and issues of each link, and each citation's node and sources."""
    wanted: set[str] = set()
    for node, _ in nodes.values():
        wanted.update(node.props.get("sources", []))
        if "broader" in node.props:
            wanted.add(node.props["broader"])
    for link, _ in links.values():
        wanted.update(
            (link.source, link.target, *link.props.get("sources", []), *link.props.get("issues", []))
        )
    for node_id, (sources, _) in (cites or {}).items():
        wanted.add(node_id)
        wanted.update(sources)
    return wanted


def ontology_issue_nodes(validator: Validator, ids: Iterable[str]) -> dict[str, StoredNode]:
    """The ontology's issues among ``ids`` as nodes, validated like any record (so defaults match)."""
    found = {}
    for issue_id in ids:
        concept = validator.onto.issues.get(issue_id)
        if concept is not None:
            record: dict[str, Any] = {"id": issue_id, "name": concept.label, "description": concept.comment}
            if concept.broader:
                record["broader"] = concept.broader
            found[issue_id] = validator.node(RawRecord("ontology", None, "issues", record))
    return found


def check_kind(ref: str, node: StoredNode, label: str | tuple[str, ...], field: str) -> None:
    """Raise InvalidData (on ``field``) unless the node ``ref`` names has one of ``label``."""
    labels = (label,) if isinstance(label, str) else label
    if not set(labels) & set(node.labels):
        raise InvalidData(f"'{ref}' is a {node.types[0]}, not a {' or '.join(labels)}", field=field)


def check_references(
    validator: Validator,
    store: Reader,
    nodes: dict[str, tuple[StoredNode, RawRecord]],
    links: dict[str, tuple[StoredLink, RawRecord]],
) -> None:
    """Raise InvalidData (file, row, field) for the first reference that does not resolve.

    ``store`` reads with private nodes included: checks compare ids and kinds only.
    """
    known = {nid: n for nid, (n, _) in nodes.items()}
    missing = [i for i in referenced_ids(nodes, links) if i not in known]
    known.update(ontology_issue_nodes(validator, missing))
    known.update(store.nodes(i for i in missing if i not in known))

    source_labels = validator.onto.attributes["sources"].ref_classes  # a Source, or an Event heard at

    def need(ref: str, label: str | tuple[str, ...], raw: RawRecord, attr: str) -> None:
        node = known.get(ref)
        if node is None:
            raise InvalidData(
                f"no node '{ref}'{store.suggest(ref, known)}", file=raw.file, row=raw.row, field=attr
            )
        try:
            check_kind(ref, node, label, attr)
        except InvalidData as err:
            raise err.located(file=raw.file, row=raw.row) from None

    for node, raw in nodes.values():
        for src in node.props.get("sources", []):
            need(src, source_labels, raw, "sources")
        if "broader" in node.props:
            need(node.props["broader"], "Issue", raw, "broader")
        for ident in node.props.get("identifiers", []):
            owner = store.owner_of(ident)
            if owner is not None and owner != node.id:
                raise InvalidData(
                    f"identifier {ident} already belongs to {owner}",
                    file=raw.file,
                    row=raw.row,
                    field="identifiers",
                )
    for link, raw in links.values():
        source, target = known.get(link.source), known.get(link.target)
        if source is None or target is None:
            end, attr = (link.source, "from") if source is None else (link.target, "to")
            raise InvalidData(
                f"no node '{end}'{store.suggest(end, known)}", file=raw.file, row=raw.row, field=attr
            )
        try:
            validator.check_ends(link, source, target)
        except InvalidData as err:
            raise err.located(file=raw.file, row=raw.row) from None
        for src in link.props.get("sources", []):
            need(src, source_labels, raw, "sources")
        for issue in link.props.get("issues", []):
            need(issue, "Issue", raw, "issues")
    _check_required_links(validator, store, nodes, links)


def _check_required_links(
    validator: Validator,
    store: Reader,
    nodes: dict[str, tuple[StoredNode, RawRecord]],
    links: dict[str, tuple[StoredLink, RawRecord]],
) -> None:
    """A node whose class names a required link (psp:requiredLink) must start one, in the
    batch or already stored: a recommendation is addressed to someone."""
    started = {(link.source, link.type) for link, _ in links.values()}
    for node, raw in nodes.values():
        missing = missing_required_link(validator.onto, store, node, started)
        if missing is not None:
            raise missing.located(file=raw.file or None, row=raw.row)


def missing_required_link(
    onto: Ontology, store: Reader, node: StoredNode, started: set[tuple[str, str]]
) -> InvalidData | None:
    """The error for the first link that ``node``'s class requires (psp:requiredLink) and
    that it does not start, neither among ``started`` ((node, link type) of the links being
    written) nor in the store; None when it starts them all."""
    for rel in onto.classes[node.types[0]].required_links:
        if (node.id, rel) in started or any(
            x.type == rel and x.source == node.id for x in store.links_of(node.id)
        ):
            continue
        return InvalidData(
            f"a {node.types[0]} needs a {rel} link from it (e.g. {rel} an actor or a decision space)",
            field="links",
        )
    return None
