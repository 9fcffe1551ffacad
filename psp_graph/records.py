"""The plain records that pass between the Graph service and its backends.

Backends store and return these and nothing else; they never validate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, NamedTuple, TypeVar

__all__ = [
    "MAX_INDEXED_BYTES",
    "Batch",
    "BriefRow",
    "Change",
    "ChangeSet",
    "RawRecord",
    "Stats",
    "StoredLink",
    "StoredNode",
    "canonical_json",
    "check_index_limits",
    "chunked",
    "decode_snapshot",
    "encode_snapshot",
]

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of at most ``size`` items, in order: the one chunker of the house."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# One encoder for every call: json.dumps with options builds a new one each time (a fifth of
# its cost on small records).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal values give equal text."""
    return _CANONICAL(value)


def encode_snapshot(value: dict[str, Any] | None) -> str | None:
    """A change's before/after as stored text (both backends): canonical JSON, or None."""
    return None if value is None else canonical_json(value)


def decode_snapshot(text: str | None) -> dict[str, Any] | None:
    """The inverse of :func:`encode_snapshot`."""
    return json.loads(text) if text else None


@dataclass(frozen=True)
class RawRecord:
    """A record as read from a file, before validation: where it came from and its fields."""

    file: str
    row: int | None
    section: str  # a section such as "actors" or "links", or "nodes" (kind from types)
    data: dict[str, Any]
    sheet: str | None = None  # the sheet of an XLSX file the row is on


@dataclass(frozen=True)
class StoredNode:
    """A node as stored: id, ontology types, labels (types and their ancestors), name, attributes."""

    id: str
    types: tuple[str, ...]
    labels: tuple[str, ...]
    name: str
    props: dict[str, Any] = field(default_factory=dict)

    def search_text(self) -> str:
        """What name search looks at besides the name: description, aliases and identifiers."""
        extra = [*self.props.get("aliases", []), *self.props.get("identifiers", [])]
        return " ".join([self.props.get("description") or "", *map(str, extra)]).strip()

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "types": list(self.types),
            "labels": list(self.labels),
            "name": self.name,
            "props": self.props,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredNode:
        return cls(
            id=data["id"],
            types=tuple(data["types"]),
            labels=tuple(data["labels"]),
            name=data["name"],
            props=dict(data.get("props") or {}),
        )


class BriefRow(NamedTuple):
    """What says how a node may be shown, as plain columns: its id, types, labels, name and
    the privacy, consent and pseudonym attributes (None when absent). A store reads
    these for many nodes at once without decoding the rest (names of 100,000 actors)."""

    id: str
    types: tuple[str, ...]
    labels: tuple[str, ...]
    name: str
    privacy: Any
    consent: Any
    pseudonym: Any

    def as_node(self) -> StoredNode:
        """The node with only these attributes (the ones that are present)."""
        brief = {
            key: value
            for key, value in (
                ("privacy", self.privacy),
                ("consent", self.consent),
                ("pseudonym", self.pseudonym),
            )
            if value is not None
        }
        return StoredNode(self.id, self.types, self.labels, self.name, brief)


@dataclass(frozen=True)
class StoredLink:
    """A link as stored: a stable id, a relationship type, two ends and attributes."""

    id: str
    type: str
    source: str
    target: str
    props: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "source": self.source,
            "target": self.target,
            "props": self.props,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredLink:
        return cls(
            id=data["id"],
            type=data["type"],
            source=data["source"],
            target=data["target"],
            props=dict(data.get("props") or {}),
        )


@dataclass(frozen=True)
class ChangeSet:
    """One batch: a load, an add, a remove or an undo."""

    id: str
    at: str
    by: str
    action: str
    summary: str
    undoes: str | None = None


@dataclass(frozen=True)
class Change:
    """One change in a change set. ``before``/``after`` hold no personal data."""

    changeset_id: str
    seq: int
    op: str  # create | update | delete | cite (``after`` holds only the sources added)
    entity: str  # node | link
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass
class Batch:
    """Everything one change set writes, applied by a backend in one transaction.

    Order: delete links, delete nodes (and their links), upsert nodes, upsert links.
    """

    changeset: ChangeSet
    upsert_nodes: list[StoredNode] = field(default_factory=list)
    upsert_links: list[StoredLink] = field(default_factory=list)
    delete_links: list[str] = field(default_factory=list)
    delete_nodes: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # Ids of upserted links given by their source (a grant's own id) rather than derived
    # from type, ends and key: only these can clash with a link of another type.
    given_link_ids: set[str] = field(default_factory=set)
    # The seq of this batch's first change: a change set written in parts continues its sequence.
    first_seq: int = 0
    # Upserted nodes whose only change is the sources citing them (op ``cite``): a store may
    # rewrite just their attributes (name, labels, identifiers and search text are unchanged).
    sources_only: set[str] = field(default_factory=set)

    def is_empty(self) -> bool:
        return not (self.upsert_nodes or self.upsert_links or self.delete_links or self.delete_nodes)


@dataclass(frozen=True)
class Stats:
    """Counts of nodes by label and links by type."""

    nodes: int
    links: int
    nodes_by_label: dict[str, int]
    links_by_type: dict[str, int]
    changesets: int


# Neo4j 5.26 refuses a range-index key of more than 8,164 bytes (measured on the test server);
# ids, names and identifiers are indexed there. Both stores keep the same, slightly lower, limit
# so a store that SQLite accepts always syncs to Neo4j.
MAX_INDEXED_BYTES = 8000


def check_index_limits(item: StoredNode | StoredLink) -> None:
    """Refuse an id, name or identifier longer than MAX_INDEXED_BYTES (UTF-8), naming the field."""
    from psp_graph.exc import InvalidData

    values: list[tuple[str, Any]] = [("id", item.id)]
    if isinstance(item, StoredNode):
        values.append(("name", item.name))
        values.extend(("identifiers", v) for v in item.props.get("identifiers", []))
    for name, value in values:
        size = len(str(value).encode("utf-8"))
        if size > MAX_INDEXED_BYTES:
            raise InvalidData(
                f"{size:,} bytes; at most {MAX_INDEXED_BYTES:,} bytes (UTF-8) fit in a store index",
                field=name,
            )
