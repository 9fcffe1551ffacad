"""Rows for people to read: nodes, links, sources and history.

Everything comes through a :class:`~psp_graph.reading.Reader`, which has already
applied privacy: a private person arrives under their pseudonym and without
personal fields, so these functions only arrange what they are given.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

from psp_graph.privacy import PROVENANCE_FIELDS, REDACTED
from psp_graph.reading import Reader
from psp_graph.records import StoredLink, StoredNode
from psp_graph.values import format_money

__all__ = ["cell_text", "describe", "history_rows", "link_row", "node_row", "search_rows"]

# Shown in columns of their own (sources, amount) or not for reading (when, by whom).
_NOT_ATTRIBUTES = PROVENANCE_FIELDS | {
    "pseudonym",
    REDACTED,
    "sources",
    "amount_minor",
    "amount_disbursed_minor",
    "currency",
}


def _attributes(props: dict[str, Any]) -> str:
    """``key=value`` text of the attributes a reader returned."""
    shown = []
    for key, value in sorted(props.items()):
        if key in _NOT_ATTRIBUTES or value in (None, [], False, ""):
            continue
        shown.append(f"{key}={'; '.join(map(str, value)) if isinstance(value, list) else value}")
    if "amount_disbursed_minor" in props:
        shown.insert(0, f"disbursed={format_money(props['amount_disbursed_minor'], props.get('currency'))}")
    if "amount_minor" in props:
        shown.insert(0, f"amount={format_money(props['amount_minor'], props.get('currency'))}")
    return ", ".join(shown)


def cell_text(value: Any) -> str:
    """A value as one cell of text: '' for None, lists joined with '; '."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def node_row(node: StoredNode) -> dict[str, Any]:
    """One row describing a node."""
    return {
        "id": node.id,
        "name": node.name,
        "types": ", ".join(node.types),
        "illustrative": bool(node.props.get("illustrative")),
        "attributes": _attributes(node.props),
        "sources": node.props.get("sources", []),
    }


def link_row(link: StoredLink, names: dict[str, str], *, around: str | None = None) -> dict[str, Any]:
    """One row describing a link, with the names of its ends (as the reader shows them)."""

    def name(node_id: str) -> str:
        return names.get(node_id, node_id)

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
        "attributes": _attributes(link.props),
        "valid": _period(link.props),
        "sources": link.props.get("sources", []),
        "confidence": link.props.get("confidence"),
    }


def _period(props: dict[str, Any]) -> str:
    start, end = props.get("valid_from"), props.get("valid_to")
    if not start and not end:
        return ""
    return f"{start or '…'} to {end or '…'}"


class NodeLinkRows(Sequence[dict[str, Any]]):
    """A node's links as rows, read from the store only as far as they are used: the
    length is a count, a table's first hundred rows are the first hundred links read (with
    the names of their ends), and iterating reads them a chunk at a time, so CSV and JSON of
    a node's 100,000 links never hold them all. Privacy is the reader's, as for any read."""

    def __init__(self, reader: Reader, node_id: str) -> None:
        self._reader, self._node_id = reader, node_id
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._reader.count_around(self._node_id)
        return self._count

    def _rows(self, limit: int | None) -> list[dict[str, Any]]:
        links, names = self._reader.around(self._node_id, limit=limit)
        return [link_row(link, names, around=self._node_id) for link in links]

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            return self._rows(max(stop, start, 0))[start:stop:step] if step > 0 else list(self)[index]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return self._rows(position + 1)[position]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for links, names in self._reader.iter_around(self._node_id):
            for link in links:
                yield link_row(link, names, around=self._node_id)


def describe(reader: Reader, entity_id: str, *, lazy: bool = False) -> dict[str, Any]:
    """A node (or link) with its links and the sources they cite; with ``lazy`` the
    link rows are a :class:`NodeLinkRows`, read as they are used (the reader's store
    must stay open meanwhile)."""
    node = reader.find(entity_id)
    if node is None:
        link = reader.link(entity_id)
        if link is None:
            reader.node(entity_id)  # raises NodeNotFound with suggestions
            raise AssertionError("unreachable")
        ends = reader.names([link.source, link.target])
        sources = reader.nodes(link.props.get("sources", []))
        return {"link": link_row(link, ends), "sources": [_source_row(s) for s in sources.values()]}
    rows = NodeLinkRows(reader, node.id)
    sources = reader.nodes({*node.props.get("sources", []), *reader.sources_around(node.id)})
    return {
        "node": node_row(node),
        "links": rows if lazy else list(rows),
        "sources": [_source_row(sources[s]) for s in sorted(sources)],
    }


def _source_row(source: StoredNode) -> dict[str, Any]:
    return {
        "id": source.id,
        "name": source.name,
        "kind": source.props.get("kind", ""),
        "url": source.props.get("url", ""),
        "date": source.props.get("date", ""),
    }


def search_rows(reader: Reader, text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Nodes matching the words."""
    return [node_row(n) for n in reader.search(text, limit)]


def history_rows(
    reader: Reader, entity_id: str | None = None, *, limit: int | None = 50
) -> list[dict[str, Any]]:
    """Change sets, newest first, with the number of changes in each; or the changes of
    one change set (``cs-…``). The log holds ids, never personal data."""
    if entity_id and entity_id.startswith("cs-"):
        return [
            {"changeset": c.changeset_id, "seq": c.seq, "op": c.op, "entity": c.entity, "id": c.entity_id}
            for c in reader.changes(entity_id, snapshots=False)
        ]
    return [
        {
            "changeset": cs.id,
            "at": cs.at[:19].replace("T", " "),
            "by": cs.by,
            "action": cs.action,
            "summary": cs.summary,
            "changes": len(reader.changes(cs.id, snapshots=False)),
        }
        for cs in reader.changesets(entity_id, limit)
    ]
