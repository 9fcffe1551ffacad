"""Rows for people to read: nodes, links, sources and history, with privacy applied.

Every name shown goes through :func:`psp_graph.graph.display_name`, so private
persons appear by their stable pseudonym unless ``include_private`` is given.
"""

from __future__ import annotations

from typing import Any

from psp_graph.graph import Graph, display_name, shown_by_name
from psp_graph.ontology import load_ontology
from psp_graph.records import StoredLink, StoredNode
from psp_graph.values import format_money

__all__ = ["describe", "history_rows", "link_row", "node_row", "search_rows"]

_HIDDEN = {
    "pseudonym",
    "recorded_at",
    "recorded_by",
    "sources",
    "amount_minor",
    "amount_disbursed_minor",
    "currency",
}


def _attributes(props: dict[str, Any], private: bool) -> str:
    """``key=value`` text of attributes; personal ones left out when ``private``."""
    shown = []
    hidden = load_ontology().personal_attributes if private else frozenset()
    for key, value in sorted(props.items()):
        if key in _HIDDEN or key in hidden or value in (None, [], False, ""):
            continue
        shown.append(f"{key}={'; '.join(map(str, value)) if isinstance(value, list) else value}")
    if "amount_disbursed_minor" in props:
        shown.insert(0, f"disbursed={format_money(props['amount_disbursed_minor'], props.get('currency'))}")
    if "amount_minor" in props:
        shown.insert(0, f"amount={format_money(props['amount_minor'], props.get('currency'))}")
    return ", ".join(shown)


def node_row(node: StoredNode, *, include_private: bool = False) -> dict[str, Any]:
    """One row describing a node."""
    return {
        "id": node.id,
        "name": display_name(node, include_private=include_private),
        "types": ", ".join(node.types),
        "illustrative": bool(node.props.get("illustrative")),
        "attributes": _attributes(node.props, not shown_by_name(node, include_private=include_private)),
        "sources": node.props.get("sources", []),
    }


def link_row(
    link: StoredLink, ends: dict[str, StoredNode], *, include_private: bool = False, around: str | None = None
) -> dict[str, Any]:
    """One row describing a link; names of ends with privacy applied."""

    def name(node_id: str) -> str:
        node = ends.get(node_id)
        return display_name(node, include_private=include_private) if node else node_id

    private_end = any(
        e in ends and not shown_by_name(ends[e], include_private=include_private)
        for e in (link.source, link.target)
    )
    direction = "->" if around is None or link.source == around else "<-"
    other = link.target if around is None or link.source == around else link.source
    return {
        "id": link.id,
        "type": link.type,
        "direction": direction,
        "from": name(link.source),
        "to": name(link.target),
        "other": name(other),
        "other_id": other,
        "attributes": _attributes(link.props, private_end),
        "valid": _period(link.props),
        "sources": link.props.get("sources", []),
        "confidence": link.props.get("confidence"),
    }


def _period(props: dict[str, Any]) -> str:
    start, end = props.get("valid_from"), props.get("valid_to")
    if not start and not end:
        return ""
    return f"{start or '…'} to {end or '…'}"


def describe(graph: Graph, entity_id: str, *, include_private: bool = False) -> dict[str, Any]:
    """A node (or link) with its links and the sources they cite."""
    node = graph.backend.get_node(entity_id)
    if node is None:
        link = graph.backend.get_link(entity_id)
        if link is None:
            graph.get_node(entity_id)  # raises NodeNotFound with suggestions
            raise AssertionError("unreachable")
        ends = graph.backend.get_nodes([link.source, link.target])
        sources = graph.backend.get_nodes(link.props.get("sources", []))
        return {
            "link": link_row(link, ends, include_private=include_private),
            "sources": [_source_row(s, include_private) for s in sources.values()],
        }
    links = graph.backend.links_of(node.id)
    ends = graph.backend.get_nodes({e for link in links for e in (link.source, link.target)})
    cited = {s for item in [node.props, *(link.props for link in links)] for s in item.get("sources", [])}
    sources = graph.backend.get_nodes(cited)
    return {
        "node": node_row(node, include_private=include_private),
        "links": [link_row(link, ends, include_private=include_private, around=node.id) for link in links],
        "sources": [_source_row(sources[s], include_private) for s in sorted(sources)],
    }


def _source_row(source: StoredNode, include_private: bool) -> dict[str, Any]:
    return {
        "id": source.id,
        "name": display_name(source, include_private=include_private),
        "kind": source.props.get("kind", ""),
        "url": source.props.get("url", ""),
        "date": source.props.get("date", ""),
    }


def search_rows(
    graph: Graph, text: str, *, limit: int = 20, include_private: bool = False
) -> list[dict[str, Any]]:
    """Nodes matching the words, with privacy applied."""
    found = graph.search(text, limit, include_private=include_private)
    return [node_row(n, include_private=include_private) for n in found]


def history_rows(
    graph: Graph, entity_id: str | None = None, *, limit: int | None = 50
) -> list[dict[str, Any]]:
    """Change sets, newest first, with the number of changes in each."""
    if entity_id and entity_id.startswith("cs-"):
        return [
            {
                "changeset": c.changeset_id,
                "seq": c.seq,
                "op": c.op,
                "entity": c.entity,
                "id": c.entity_id,
            }
            for c in graph.backend.changes(entity_id)
        ]
    return [
        {
            "changeset": cs.id,
            "at": cs.at[:19].replace("T", " "),
            "by": cs.by,
            "action": cs.action,
            "summary": cs.summary,
            "changes": len(graph.backend.changes(cs.id)),
        }
        for cs in graph.history(entity_id, limit)
    ]
