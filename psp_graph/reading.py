"""The one door for reads: every node, link, change set and layout that leaves the
Graph service goes through a :class:`Reader`, with privacy applied inside.

A reader made with ``include_private=False`` (the default) returns a node that
may not be named (:func:`psp_graph.privacy.shown_by_name`) as a copy with its
pseudonym as name and no personal fields, and a link with such an end without
its personal fields. Views, queries, maps, exports and the CLI read only here,
so none of them can forget the rule.

>>> from psp_graph.graph import Graph
>>> with Graph.open("sqlite://:memory:") as graph:
...     _ = graph.add_node({"id": "person:k7q2m9xa3b", "name": "Amina Yusuf", "types": ["Person"]})
...     graph.reader().node("person:k7q2m9xa3b").name
'Person MPZRF'
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from psp_graph.backends.base import (
    Backend,
    ColumnStore,
    CypherStore,
    DerivedStore,
    GraphAlgorithmStore,
    LinkRow,
    LinkRowStore,
    NeighbourStore,
)
from psp_graph.exc import NodeNotFound
from psp_graph.ontology import Ontology, did_you_mean
from psp_graph.privacy import brief_name, display_name, is_private, redact_link, redact_node, shown_by_name
from psp_graph.reading_columns import decoded_rows, link_columns_of
from psp_graph.records import Change, ChangeSet, Stats, StoredLink, StoredNode

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["Reader"]


class Reader:
    """Reads from one store with privacy applied (see the module docs)."""

    def __init__(self, backend: Backend, onto: Ontology, *, include_private: bool = False) -> None:
        self._backend = backend
        self.onto = onto
        self.include_private = include_private
        self._personal = onto.personal_attributes

    # -- nodes -----------------------------------------------------------------
    def shown(self, node: StoredNode) -> StoredNode:
        """The node as this reader may show it."""
        if shown_by_name(node, include_private=self.include_private):
            return node
        return redact_node(node, self._personal)

    def find(self, node_id: str) -> StoredNode | None:
        """The node with this id, or None."""
        node = self._backend.get_node(node_id)
        return None if node is None else self.shown(node)

    def node(self, node_id: str) -> StoredNode:
        """The node with this id; NodeNotFound with suggestions when there is none."""
        node = self.find(node_id)
        if node is None:
            raise NodeNotFound(f"no node '{node_id}'{self.suggest(node_id)}")
        return node

    def nodes(self, node_ids: Iterable[str]) -> dict[str, StoredNode]:
        """The nodes among these ids that exist, by id."""
        return {i: self.shown(n) for i, n in self._backend.get_nodes(node_ids).items()}

    def kinds(self, node_ids: Iterable[str]) -> dict[str, StoredNode]:
        """The nodes among these ids with their types and labels and only the attributes
        that say how they may be shown (privacy, consent, pseudonym): for checks of kinds
        and privacy, without decoding every attribute where the store can avoid it."""
        if isinstance(self._backend, ColumnStore):
            return self._backend.node_briefs(node_ids)
        return self.nodes(node_ids)

    def names(self, node_ids: Iterable[str]) -> dict[str, str]:
        """The names to show for the nodes among these ids that exist (pseudonyms for
        those that may not be named), without reading their other attributes."""
        if isinstance(self._backend, ColumnStore):
            everyone = self.include_private
            return {
                row.id: brief_name(row, include_private=everyone)
                for row in self._backend.brief_rows(node_ids)
            }
        return {i: n.name for i, n in self.nodes(node_ids).items()}

    def iter_nodes(self, label: str | None = None) -> Iterator[StoredNode]:
        """Every node (with the label), sorted by id."""
        return (self.shown(n) for n in self._backend.iter_nodes(label))

    def has(self, node_id: str) -> bool:
        """True when the store holds a node with this id."""
        return self._backend.get_node(node_id) is not None

    def owner_of(self, identifier: str) -> str | None:
        """The id of the node that carries an external identifier (GB-CHC-…)."""
        return self._backend.node_for_identifier(identifier)

    # -- derived data ----------------------------------------------------------
    def data_version(self) -> str | None:
        """The store's version for data derived from it (changes with every change set),
        or None when the store cannot keep derived data (:class:`DerivedStore`)."""
        return self._backend.data_version() if isinstance(self._backend, DerivedStore) else None

    def derived(self, key: str, version: str) -> bytes | None:
        """Data an analysis kept under ``key`` at this version (ids and numbers, never
        names or personal attributes), else None."""
        return self._backend.derived(key, version) if isinstance(self._backend, DerivedStore) else None

    def keep_derived(self, key: str, version: str, data: bytes) -> bool:
        """Keep derived data for the next analysis (False when the store keeps none)."""
        return isinstance(self._backend, DerivedStore) and self._backend.keep_derived(key, version, data)

    # -- links -----------------------------------------------------------------
    def _shown_links(
        self, links: Iterable[StoredLink], hidden: Callable[[str], bool]
    ) -> Iterator[StoredLink]:
        for link in links:
            if hidden(link.source) or hidden(link.target):
                yield redact_link(link, self._personal)
            else:
                yield link

    def _hidden_among(self, ids: Iterable[str]) -> Callable[[str], bool]:
        if self.include_private:
            return lambda _: False
        wanted = set(ids)
        # Only privacy, consent and labels decide it: a store that can gives just those.
        found = (
            self._backend.node_briefs(wanted)
            if isinstance(self._backend, ColumnStore)
            else self._backend.get_nodes(wanted)
        )
        hidden = {i for i, n in found.items() if not shown_by_name(n)}
        return hidden.__contains__

    def link(self, link_id: str) -> StoredLink | None:
        """The link with this id, or None."""
        return self.links([link_id]).get(link_id)

    def links(self, link_ids: Iterable[str]) -> dict[str, StoredLink]:
        """The links among these ids that exist, by id."""
        found = self._backend.get_links(link_ids)
        hidden = self._hidden_among(e for link in found.values() for e in (link.source, link.target))
        return {link.id: link for link in self._shown_links(found.values(), hidden)}

    def links_of(self, node_id: str) -> list[StoredLink]:
        """Every link that starts or ends at the node, sorted by id."""
        found = self._backend.links_of(node_id)
        hidden = self._hidden_among(e for link in found for e in (link.source, link.target))
        return list(self._shown_links(found, hidden))

    def around(self, node_id: str, *, limit: int | None = None) -> tuple[list[StoredLink], dict[str, str]]:
        """Every link that starts or ends at the node (as :meth:`links_of`; the first
        ``limit`` of them by id) and the names to show for their ends (as :meth:`names`),
        from one read of the ends."""
        if isinstance(self._backend, NeighbourStore):
            found = list(self._backend.iter_links_of(node_id, limit))
        else:
            found = self._backend.links_of(node_id)[:limit]
        return self._with_ends(found)

    def iter_around(
        self, node_id: str, *, chunk: int = 5000
    ) -> Iterator[tuple[list[StoredLink], dict[str, str]]]:
        """The node's links as :meth:`around` gives them, ``chunk`` at a time (each with the
        names of its ends): a node with 100,000 links is written out without holding them all."""
        found: Iterable[StoredLink] = (
            self._backend.iter_links_of(node_id)
            if isinstance(self._backend, NeighbourStore)
            else self._backend.links_of(node_id)
        )
        part: list[StoredLink] = []
        seen: dict[str, StoredNode] = {}  # ends already read (a hub's links share many ends)
        for link in found:
            part.append(link)
            if len(part) == chunk:
                yield self._with_ends(part, seen)
                part = []
        if part:
            yield self._with_ends(part, seen)

    def count_around(self, node_id: str) -> int:
        """How many links start or end at the node."""
        if isinstance(self._backend, NeighbourStore):
            return self._backend.count_links_of(node_id)
        return len(self._backend.links_of(node_id))

    def sources_around(self, node_id: str) -> set[str]:
        """The sources cited by the node's links (``sources`` is never a personal attribute,
        so a link shown without its personal fields cites the same)."""
        if "sources" in self._personal:  # were it ever: what the shown links cite
            links = self.links_of(node_id)
        elif isinstance(self._backend, NeighbourStore):
            return self._backend.sources_cited_around(node_id)
        else:  # no names or privacy needed: the links as stored
            links = self._backend.links_of(node_id)
        return {s for link in links for s in link.props.get("sources", [])}

    def _with_ends(
        self, found: list[StoredLink], seen: dict[str, StoredNode] | None = None
    ) -> tuple[list[StoredLink], dict[str, str]]:
        """The links as this reader shows them, and the names to show for their ends
        (ends in ``seen`` are not read again; those read are added to it)."""
        ends = {e for link in found for e in (link.source, link.target)}
        known = {} if seen is None else {e: seen[e] for e in ends if e in seen}
        wanted = ends.difference(known)
        briefs = (
            self._backend.node_briefs(wanted)
            if isinstance(self._backend, ColumnStore)
            else self._backend.get_nodes(wanted)
        )
        if seen is not None:
            seen.update(briefs)
        briefs.update(known)
        private = self.include_private
        names = {i: display_name(n, include_private=private) for i, n in briefs.items()}
        hidden = set() if private else {i for i, n in briefs.items() if not shown_by_name(n)}
        return list(self._shown_links(found, hidden.__contains__)), names

    def iter_links(self, rel_type: str | None = None) -> Iterator[StoredLink]:
        """Every link (of the type), sorted by id."""
        hidden: Callable[[str], bool] = lambda _: False  # noqa: E731
        if not self.include_private:
            private = {n.id for n in self._backend.iter_nodes() if not shown_by_name(n)}
            hidden = private.__contains__
        return self._shown_links(self._backend.iter_links(rel_type), hidden)

    def link_rows(self) -> Iterator[LinkRow]:
        """Every link as a compact row (attributes as undecoded JSON), for analyses.

        Rows carry ids, types and attributes used by the named queries, never names.
        """
        if isinstance(self._backend, LinkRowStore):
            return self._backend.iter_link_rows()
        return (LinkRow.of(link) for link in self._backend.iter_links())

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
        """``(id, type, source, target, *attribute values)`` of the links of these types, for
        analyses: only those that hold on ``as_of`` and concern one of ``issues`` (their
        target is one, or their ``issues`` attribute names one), when given; absent values
        are None, lists are lists; the id is None with ``ids=False``; with ``touching``
        only the links with an end among these node ids. Filtered in the store when it can
        (:class:`~psp_graph.backends.base.ColumnStore`). Personal attributes only with
        ``include_private``; rows never carry names."""
        self._check_attributes(attributes)
        if isinstance(self._backend, ColumnStore):
            rows = self._backend.link_columns(
                types, attributes, as_of=as_of, issues=issues, ids=ids, touching=touching
            )
            lists = [4 + i for i, a in enumerate(attributes) if self._is_list(a)]
            if lists:
                rows = decoded_rows(rows, lists)
            return rows
        links = (link for rel_type in sorted(set(types)) for link in self._backend.iter_links(rel_type))
        return link_columns_of(links, attributes, as_of=as_of, issues=issues, ids=ids, touching=touching)

    def node_columns(self, label: str, attributes: Sequence[str] = ()) -> list[tuple[Any, ...]]:
        """``(id, *attribute values)`` of the nodes with this label, for analyses (as
        :meth:`link_columns`: absent values None, lists as lists, no names)."""
        self._check_attributes(attributes)
        if isinstance(self._backend, ColumnStore):
            rows = self._backend.node_columns(label, attributes)
            lists = [1 + i for i, a in enumerate(attributes) if self._is_list(a)]
            return decoded_rows(rows, lists) if lists else rows
        return [(n.id, *(n.props.get(a) for a in attributes)) for n in self._backend.iter_nodes(label)]

    def _check_attributes(self, attributes: Sequence[str]) -> None:
        personal = [a for a in attributes if a in self._personal]
        if personal and not self.include_private:
            raise ValueError(f"personal attributes need include_private: {', '.join(personal)}")

    def _is_list(self, attribute: str) -> bool:
        spec = self.onto.attributes.get(attribute)
        return attribute == "issues" or (spec is not None and spec.multiple)

    # -- queries ---------------------------------------------------------------
    @property
    def runs_cypher(self) -> bool:
        """True when the store runs the named queries' Cypher itself."""
        return isinstance(self._backend, CypherStore)

    def cypher(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Rows of a read-only named query run in the store (ids and numbers, never names)."""
        if not isinstance(self._backend, CypherStore):
            raise TypeError(f"{type(self._backend).__name__} does not run Cypher")
        return self._backend.run_cypher(query, params)

    @property
    def has_graph_algorithms(self) -> bool:
        """True when the store's server runs graph algorithms itself (Neo4j with GDS)."""
        return isinstance(self._backend, GraphAlgorithmStore) and self._backend.has_graph_algorithms()

    def graph_algorithms(
        self,
        projection: str,
        params: dict[str, Any],
        algorithms: Mapping[str, Mapping[str, Any]],
        *,
        undirected: bool,
    ) -> dict[str, dict[str, Any]]:
        """Values by algorithm and node id, computed in the server on the projection the
        read-only query returns (see GraphAlgorithmStore): ids and numbers, never names."""
        if not isinstance(self._backend, GraphAlgorithmStore):
            raise TypeError(f"{type(self._backend).__name__} does not run graph algorithms")
        return self._backend.run_graph_algorithms(projection, params, algorithms, undirected=undirected)

    # -- finding ---------------------------------------------------------------
    def search(self, text: str, limit: int = 20) -> list[StoredNode]:
        """Nodes matching the words, best first. Nodes that may not be named are found
        only with ``include_private``, so searching for a real name never reveals who
        hides behind a pseudonym."""
        found = self._backend.search(text, limit if self.include_private else limit * 3)
        return [n for n in found if shown_by_name(n, include_private=self.include_private)][:limit]

    def resolve(self, text: str) -> str:
        """An id for what a person typed: an id, the exact name of one node, a shown
        pseudonym, or an issue; NodeNotFound (listing the candidates) otherwise."""
        if self._backend.get_node(text) or self._backend.get_link(text):
            return text
        owner = self._backend.node_for_identifier(text.strip())  # an org-id such as GB-CHC-1000147
        if owner is not None:
            node = self._backend.get_node(owner)
            if node is not None and shown_by_name(node, include_private=self.include_private):
                return owner
        matches = [n.id for n in self.search(text, limit=10) if n.name.lower() == text.lower()]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise NodeNotFound(
                f"'{text}' names {len(matches)} nodes: {', '.join(sorted(matches))}; give an id"
            )
        if text in self.onto.issues or f"issue:{text}" in self.onto.issues:
            return text if text.startswith("issue:") else f"issue:{text}"
        raise NodeNotFound(f"no node '{text}'{self.suggest(text)}")

    def suggest(self, text: str, extra: Iterable[str] = ()) -> str:
        """``; did you mean …?`` among ids of nodes that may be named (whatever
        ``include_private``: a suggestion never points at a private name), or ''."""
        words = text.split(":")[-1].replace("-", " ").split()
        found = {n.id for word in words[:5] for n in self._backend.search(word, 30) if shown_by_name(n)}
        candidates = sorted({*found, *extra, *self.onto.issues})
        return did_you_mean(text, candidates, list_all=False)

    # -- the store and its history ---------------------------------------------
    @property
    def url(self) -> str:
        """The store's URL, without credentials."""
        from psp_graph.backends import safe_url

        return safe_url(self._backend.url)

    def stats(self) -> Stats:
        """Counts of nodes by label, links by type and change sets."""
        return self._backend.stats()

    def changesets(self, entity_id: str | None = None, limit: int | None = None) -> list[ChangeSet]:
        """Change sets, newest first (only those touching ``entity_id``)."""
        return self._backend.changesets(entity_id, limit)

    def changeset(self, changeset_id: str) -> ChangeSet | None:
        """One change set, or None."""
        return self._backend.get_changeset(changeset_id)

    def changes(self, changeset_id: str, *, snapshots: bool = True) -> list[Change]:
        """The changes of one change set, in order (the log holds no personal data).

        The log stores no copy of a created record; its snapshot is filled in from the
        record's later history or the record itself (:func:`history.created_snapshots`).
        ``snapshots=False`` skips that, for callers that need only ops and ids."""
        changes = self._backend.changes(changeset_id)
        created = [c for c in changes if c.op == "create" and c.after is None]
        if not snapshots or not created:
            return changes
        from psp_graph.history import created_snapshots

        later = self._backend.entity_changes((c.entity_id for c in created), since=changeset_id)
        nodes = self._backend.get_nodes(c.entity_id for c in created if c.entity == "node")
        links = self._backend.get_links(c.entity_id for c in created if c.entity == "link")
        ends = [end for link in links.values() for end in (link.source, link.target)]
        privates = {n.id for n in self.kinds([*nodes, *ends]).values() if is_private(n)}
        return created_snapshots(changes, later, {**nodes, **links}, privates, self.onto)

    def meta(self, key: str) -> str | None:
        """A store-level setting, e.g. a saved map layout."""
        return self._backend.get_meta(key)
