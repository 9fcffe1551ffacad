"""The backend contract: what every store must do, and nothing more.

Backends are thin. They store and fetch the records of psp_graph.records and
apply a Batch in one transaction; validation, ids, provenance, history and
privacy all live in the Graph service above them. tests/contract/ checks
every backend against this contract.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol, runtime_checkable

from psp_graph.records import (
    Batch,
    BriefRow,
    Change,
    ChangeSet,
    Stats,
    StoredLink,
    StoredNode,
    canonical_json,
)

__all__ = [
    "GRAPH_ALGORITHMS",
    "PROJECTION_TYPES",
    "Backend",
    "BulkStore",
    "ColumnStore",
    "CypherStore",
    "DerivedStore",
    "ErasableStore",
    "GraphAlgorithmStore",
    "LinkRow",
    "LinkRowStore",
    "NeighbourStore",
    "PartsStore",
]


class LinkRow(NamedTuple):
    """A link as a compact row: attributes still as JSON text, decoded only when read."""

    id: str
    type: str
    source: str
    target: str
    props_json: str

    @classmethod
    def of(cls, link: StoredLink) -> LinkRow:
        return cls(link.id, link.type, link.source, link.target, canonical_json(link.props))


class Backend(Protocol):
    """A store of nodes, links and history."""

    url: str

    def close(self) -> None:
        """Release connections."""

    def apply(self, batch: Batch) -> None:
        """Write a whole batch in one transaction, or nothing (raises StoreUnavailable/InvalidData)."""

    def get_node(self, node_id: str) -> StoredNode | None:
        """The node with this id, or None."""

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, StoredNode]:
        """The nodes among these ids that exist, by id."""

    def get_link(self, link_id: str) -> StoredLink | None:
        """The link with this id, or None."""

    def get_links(self, link_ids: Iterable[str]) -> dict[str, StoredLink]:
        """The links among these ids that exist, by id."""

    def links_of(self, node_id: str) -> list[StoredLink]:
        """Every link that starts or ends at the node, sorted by id."""

    def iter_nodes(self, label: str | None = None) -> Iterator[StoredNode]:
        """All nodes (with the label, when given), sorted by id."""

    def iter_links(self, rel_type: str | None = None) -> Iterator[StoredLink]:
        """All links (of the type, when given), sorted by id."""

    def node_for_identifier(self, identifier: str) -> str | None:
        """The id of the node that carries an external identifier."""

    def search(self, text: str, limit: int = 20) -> list[StoredNode]:
        """Nodes whose name or description matches the words, best first."""

    def stats(self) -> Stats:
        """Counts of nodes by label, links by type and change sets."""

    def changesets(self, entity_id: str | None = None, limit: int | None = None) -> list[ChangeSet]:
        """Change sets, newest first; only those touching ``entity_id`` when given."""

    def get_changeset(self, changeset_id: str) -> ChangeSet | None:
        """One change set, or None."""

    def changes(self, changeset_id: str) -> list[Change]:
        """The changes of one change set, in order."""

    def entity_changes(self, entity_ids: Iterable[str], since: str | None = None) -> list[Change]:
        """Every change to these records, oldest first: by their change sets' time and id,
        then in order within a change set; with ``since`` (a change set id), only those in
        change sets after it."""

    def get_meta(self, key: str) -> str | None:
        """A store-level setting (schema version, test marker)."""

    def set_meta(self, key: str, value: str) -> None:
        """Set a store-level setting."""


@runtime_checkable
class CypherStore(Protocol):
    """An optional ability: the store runs the named queries' read-only Cypher itself."""

    def run_cypher(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The rows of a read-only query, with values as parameters."""


@runtime_checkable
class LinkRowStore(Protocol):
    """An optional ability: every link as a :class:`LinkRow`, without decoding attributes."""

    def iter_link_rows(self) -> Iterator[LinkRow]:
        """Every link as a row, in any order."""


@runtime_checkable
class ColumnStore(Protocol):
    """An optional ability: links and nodes read as plain columns, filtered in the store,
    so an analysis reads only the rows and attributes it needs (no records, no JSON).

    Attribute values come back as the JSON scalars they are stored as (text, number,
    boolean, or None when absent); a list comes back as its JSON text.
    """

    def link_columns(
        self,
        types: Collection[str],
        attributes: Sequence[str] = (),
        *,
        as_of: str | None = None,
        issues: Collection[str] | None = None,
        ids: bool = True,
        touching: Collection[str] | None = None,
    ) -> list[tuple[Any, ...]]:
        """``(id, type, source, target, *attribute values)`` of the links of these types,
        in any order. With ``as_of`` (ISO date text) only links that hold then:
        ``valid_from`` absent or <= as_of, and ``valid_to`` absent or >= as_of. With
        ``issues`` only links that concern one of them: their target is one, or their
        ``issues`` attribute names one. With ``ids=False`` the id column is None (link
        ids are long: an analysis that needs only the ends reads half the text). With
        ``touching`` only links with an end among these node ids, each once (a
        traversal reads the links around its frontier, not the whole graph)."""

    def node_columns(self, label: str, attributes: Sequence[str] = ()) -> list[tuple[Any, ...]]:
        """``(id, *attribute values)`` of the nodes with this label, in any order."""

    def node_briefs(self, node_ids: Iterable[str]) -> dict[str, StoredNode]:
        """The nodes among these ids, with only the attributes that say how they may be
        shown (privacy, consent, pseudonym): enough for names, without decoding the rest."""

    def brief_rows(self, node_ids: Iterable[str]) -> Iterator[BriefRow]:
        """The same as :meth:`node_briefs`, as plain rows (no record per node): how the
        read door names every actor of a 100,000-actor ranking at once."""


@runtime_checkable
class NeighbourStore(Protocol):
    """An optional ability: a node's links counted, read in id order a few at a time and
    their cited sources listed, in the store, so showing a node with 100,000 links reads
    only the rows it prints (the same links, in the same order, as ``links_of``)."""

    def count_links_of(self, node_id: str) -> int:
        """How many links start or end at the node (``len(links_of(node_id))``)."""

    def iter_links_of(self, node_id: str, limit: int | None = None) -> Iterator[StoredLink]:
        """The node's links sorted by id (the first ``limit`` of them), read as consumed."""

    def sources_cited_around(self, node_id: str) -> set[str]:
        """The ids in the ``sources`` attribute of any of the node's links."""


@runtime_checkable
class ErasableStore(Protocol):
    """An optional ability (both stores have it), for ``psp erase``: forget history entries
    about given records, and leave nothing of removed data in the store's own files."""

    def forget(self, entity_ids: Iterable[str], words: Iterable[str]) -> None:
        """Delete every history change about these ids, and replace the summary of any change
        set that mentions one of the words (case-insensitive) by its action and '(erased)'."""

    def purge(self) -> str | None:
        """Leave no removed node's text in an index, log or freed page the store can clear
        (SQLite: full-text index merged, WAL checkpointed and truncated, VACUUM with
        secure_delete on). Returns None when the store's files are clean afterwards, else one
        line saying what still holds traces and how to clear it (Neo4j: its transaction logs,
        freed records and index pages until the stopped server's folder is compacted)."""


# What a GraphAlgorithmStore may be asked to run, and the value each gives a node.
GRAPH_ALGORITHMS: dict[str, str] = {
    "pageRank": "weighted PageRank (dangling rank dropped, not spread: scale it to sum 1 for the usual form)",
    "betweenness": "unweighted betweenness, not normalised (sampled with samplingSize and samplingSeed)",
    "degree": "relationships of the node in the projection (distinct neighbours, once collapsed)",
    "articulationPoints": "True for an articulation point, absent otherwise (undirected only)",
    "constraint": "Burt's constraint, unweighted (undirected only; absent for a node without neighbours)",
}

PROJECTION_TYPES = "psp_projection_types"
"""A parameter of run_graph_algorithms: a map from relationship type to ``"directed"`` or
``"undirected"``. With it the projection query returns a fourth column ``type`` (one of
them, null for a lone node), nodes keep their store labels, and each algorithm picks its
graph with the library's ``relationshipTypes`` and ``nodeLabels`` options: one projection
for several measures."""


@runtime_checkable
class GraphAlgorithmStore(Protocol):
    """An optional ability: the store runs graph algorithms itself (Neo4j with the Graph
    Data Science library), on an in-memory projection it builds from a read-only query
    and drops afterwards, so the links never leave the server; only one value per node
    and algorithm comes back.

    The projection query returns rows ``source, target, weight``: nodes of the store
    (a ``target`` of null adds ``source`` alone) and a float weight. Parallel rows of
    one pair are the caller's to sum. Algorithm names are keys of GRAPH_ALGORITHMS;
    their options are the library's own configuration keys.
    """

    def has_graph_algorithms(self) -> bool:
        """True when this connection's server runs them (asked once per connection)."""

    def run_graph_algorithms(
        self,
        projection: str,
        params: dict[str, Any],
        algorithms: Mapping[str, Mapping[str, Any]],
        *,
        undirected: bool,
    ) -> dict[str, dict[str, Any]]:
        """Each algorithm's values by node id (the node's ``id`` property): ``{name: {id:
        value}}``. Raises StoreUnavailable when the server has no such library."""


@runtime_checkable
class PartsStore(Protocol):
    """An optional ability: one transaction over several batches, so a big file is written
    in parts (bounded memory) and still all-or-nothing. Parts of one change set continue
    its change sequence; nothing is visible to other connections before :meth:`commit`,
    and :meth:`rollback` leaves the store as it was before :meth:`begin`."""

    def begin(self) -> None:
        """Open the transaction (taking the store's write lock)."""

    def apply_part(self, batch: Batch) -> None:
        """Write a batch inside the open transaction (on an error: roll back, then raise)."""

    def commit(self) -> None:
        """Commit everything written since :meth:`begin`."""

    def rollback(self) -> None:
        """Drop everything written since :meth:`begin` (nothing when no transaction is open)."""


@runtime_checkable
class DerivedStore(Protocol):
    """An optional ability: keep derived data (an analysis's links as integer columns) in
    the store, valid for the data as it is now. :meth:`data_version` changes with every change
    set written (a load, add, remove, undo or erase), so anything kept under an older
    version is never returned; :meth:`forget` of ``ErasableStore`` drops it all."""

    def data_version(self) -> str:
        """A text that changes whenever the graph does (taken *before* deriving anything)."""

    def derived(self, key: str, version: str) -> bytes | None:
        """What :meth:`keep_derived` kept under this key for this version, else None."""

    def keep_derived(self, key: str, version: str, data: bytes) -> bool:
        """Keep data derived from the graph as it was at ``version`` (drop older versions);
        False, keeping nothing, when the store has changed since or cannot be written
        (a read-only file, a long load holding the lock): never an error."""


@runtime_checkable
class BulkStore(Protocol):
    """An optional ability (Neo4j has it), for a first load such as ``psp sync`` into an empty
    store: batches of creations written faster than ``apply`` one by one, all or nothing as a
    whole. Afterwards the store holds exactly what ``apply`` of each batch would have written."""

    def is_empty(self) -> bool:
        """True when the store holds no node, link, change set or identifier (settings aside)."""

    def bulk_apply(self, batches: Iterable[Batch]) -> None:
        """Write these batches (creations only) into an empty store, in order; on any error
        nothing of them stays. Raises PspGraphError when the store is not empty."""
