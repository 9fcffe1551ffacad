"""The load screen: a file's records checked part by part against the ontology, the
store and what the file has shown so far, so that every problem is listed (the Graph
service's checks, one record at a time). psp_graph.io.load drives it over a file and
writes the parts that pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.io.problems import Problems
from psp_graph.records import RawRecord, StoredLink, StoredNode
from psp_graph.references import check_kind, missing_required_link, ontology_issue_nodes, referenced_ids

__all__ = ["Cites", "Links", "Nodes", "Row", "Screen"]

Nodes = dict[str, tuple[StoredNode, RawRecord]]
Links = dict[str, tuple[StoredLink, RawRecord]]
Cites = dict[str, tuple[list[str], RawRecord]]  # stored node -> sources that also cite it
Row = tuple[str, str | None, int | None]  # file, sheet, row


class Screen:
    """Screens a file's records part by part, remembering what the file
    has shown so far (node kinds, ids seen, identifiers claimed): the checks of the Graph
    service, one record at a time, so that every problem is listed. Rows in ``skip_rows``
    and nodes in ``skip_nodes`` (found bad after they were written, on a retry) are left out.
    """

    def __init__(
        self,
        graph: Graph,
        problems: Problems,
        *,
        skip_rows: frozenset[Row] = frozenset(),
        skip_nodes: frozenset[str] = frozenset(),
    ) -> None:
        self.graph, self.problems = graph, problems
        self.skip_rows, self.skip_nodes = skip_rows, skip_nodes
        self.store = graph.reader(include_private=True)
        self.known: dict[str, StoredNode | None] = {}  # kinds of the nodes referred to (None: absent)
        self.seen: dict[str, tuple[int | None, int]] = {}  # record id -> (first row, hash of its data)
        self.claimed: dict[str, str] = {}  # identifier -> node id
        self.bad_rows: set[Row] = set()
        self.written: dict[str, Row] = {}  # nodes written, with their rows
        self.used: set[str] = set()  # nodes that written links and records cite
        self.late: list[tuple[StoredLink | StoredNode, RawRecord]] = []  # refs to nodes not seen yet
        self.required: list[tuple[StoredNode, RawRecord]] = []  # nodes whose class needs a link
        self.started: set[tuple[str, str]] = set()  # (node, link type) of links written
        self.late_found = Problems()  # problems of records found after they were written
        self.grants = False  # a 360Giving file (its reader reports repeated grant ids)

    def finish(self, nodes: Nodes, links: Links) -> None:
        """Checks that need the whole file, made with its last part (``nodes``, ``links``,
        not yet written): references to nodes that came later, and links a node's class
        requires. A record of an earlier part that fails them is in ``late_found``."""
        late, self.late = self.late, []
        for item, raw in late:
            try:
                if isinstance(item, StoredLink):
                    self._check_link(item)
                else:
                    self._check_node(item)
            except InvalidData as err:
                unwritten: dict[str, Any] = links if isinstance(item, StoredLink) else nodes
                if unwritten.get(item.id, (None, None))[1] is raw:
                    del unwritten[item.id]
                else:
                    self.late_found.add_invalid(
                        err.located(file=raw.file, row=raw.row, sheet=raw.sheet),
                        value=raw.data.get(err.field or ""),
                    )
                self._reject(raw, err)
        for node, raw in self.required:
            missing_link = missing_required_link(self.graph.onto, self.store, node, self.started)
            if missing_link is None:
                continue
            if nodes.get(node.id, (None, None))[1] is raw:
                del nodes[node.id]
            else:
                self.late_found.add_invalid(missing_link.located(file=raw.file, row=raw.row, sheet=raw.sheet))
            self._reject(raw, missing_link)

    def wrote(self, nodes: Nodes, cites: Cites) -> None:
        """Remember the rows of the nodes and citations of a part just written."""
        self.written.update((i, (raw.file, raw.sheet, raw.row)) for i, (_, raw) in nodes.items())
        self.written.update((i, (raw.file, raw.sheet, raw.row)) for i, (_, raw) in cites.items())

    def orphans(self) -> frozenset[str]:
        """Nodes written from a row that had an error, which no written record uses."""
        return frozenset(i for i, row in self.written.items() if row in self.bad_rows and i not in self.used)

    # -- one part ----------------------------------------------------------------
    def part(self, records: list[RawRecord], tick: Callable[[], None] | None) -> tuple[Nodes, Links, Cites]:
        """The part's valid records, checked against the store and what the file has shown;
        each problem goes to ``problems``."""
        validator = self.graph.validator
        nodes: Nodes = {}
        links: Links = {}
        cites: Cites = {}
        for raw in records:
            if tick is not None:
                tick()
            if (raw.file, raw.sheet, raw.row) in self.skip_rows:
                continue
            try:
                if raw.section == "links":
                    link = validator.link(raw)
                    if self.grants or self._first(link, raw):  # a grant file's reader checked its ids
                        links[link.id] = (link, raw)
                elif raw.section == "citations":
                    node_id, sources = validator.citation(raw)
                    if node_id not in self.skip_nodes:
                        cites[node_id] = (sources, raw)
                else:
                    node = validator.node(raw)
                    if node.id not in self.skip_nodes and self._first(node, raw):
                        nodes[node.id] = (node, raw)
                        self.known[node.id] = StoredNode(node.id, node.types, node.labels, "")  # its kind
            except InvalidData as err:
                self._reject(raw, err)
        self._look_up(nodes, links, cites)
        for node_id, (sources, raw) in list(cites.items()):
            try:
                self._check_cite(node_id, sources)
            except InvalidData as err:
                self._reject(raw, err)
                del cites[node_id]
        for node_id, (node, raw) in list(nodes.items()):
            try:
                self._check_node(node, raw)
            except InvalidData as err:
                self._reject(raw, err)
                del nodes[node_id]
                self.known.pop(node_id, None)
        for link_id, (link, raw) in list(links.items()):
            try:
                self._check_link(link, raw)
            except InvalidData as err:
                self._reject(raw, err)
                del links[link_id]
        for link, _ in links.values():
            self.used.update((link.source, link.target, *link.props.get("sources", [])))
            self.started.add((link.source, link.type))
        for node, raw in nodes.values():
            self.used.update(node.props.get("sources", []))
            if self.graph.onto.classes[node.types[0]].required_links:
                self.required.append((node, raw))
        for sources, _ in cites.values():
            self.used.update(sources)
        return nodes, links, cites

    def _first(self, item: StoredNode | StoredLink, raw: RawRecord) -> bool:
        """False for a repeat of a record already seen with the same data; a repeat with
        different data is an error."""
        digest = hash(repr(item))
        seen = self.seen.get(item.id)
        if seen is None:
            self.seen[item.id] = (raw.row, digest)
            return True
        if seen[1] != digest:
            raise InvalidData(
                f"duplicate id '{item.id}' with different data (first at row {seen[0]})", field="id"
            )
        return False

    def _reject(self, raw: RawRecord, err: InvalidData) -> None:
        self.problems.add_invalid(
            err.located(file=raw.file, row=raw.row, sheet=raw.sheet), value=raw.data.get(err.field or "")
        )
        self.bad_rows.add((raw.file, raw.sheet, raw.row))

    def _look_up(self, nodes: Nodes, links: Links, cites: Cites) -> None:
        """Learn the kinds of the nodes this part refers to, from the ontology and the store."""
        wanted = referenced_ids(nodes, links, cites)
        wanted.difference_update(self.known)
        if not wanted:
            return
        found: dict[str, StoredNode] = ontology_issue_nodes(self.graph.validator, wanted)
        found.update(self.store.kinds(i for i in wanted if i not in found))
        for ref in wanted:
            self.known[ref] = found.get(ref)

    def _find(
        self, ref: str, item: StoredNode | StoredLink | None, raw: RawRecord | None
    ) -> StoredNode | None:
        """The node ``ref`` names; when the file has not shown it (yet), the check is left
        for :meth:`finish` (None), or fails there."""
        node = self.known.get(ref)
        if node is None and ref not in self.known:
            node = self.known[ref] = self.store.find(ref)
        if node is None and raw is not None:
            assert item is not None
            self.late.append((item, raw))
        elif node is None:
            raise InvalidData(f"no node '{ref}'{self.store.suggest(ref, [])}")
        return node

    def _need(
        self, ref: str, label: str | tuple[str, ...], attr: str, item: Any, raw: RawRecord | None
    ) -> bool:
        if ref in self.graph.onto.issues and label == "Issue":
            return True
        try:
            node = self._find(ref, item, raw)
        except InvalidData as err:
            raise InvalidData(err.reason, field=attr) from None
        if node is None:
            return False
        check_kind(ref, node, label, attr)
        return True

    def _check_node(self, node: StoredNode, raw: RawRecord | None = None) -> None:
        source_labels = self.graph.onto.attributes["sources"].ref_classes  # a Source, or an Event heard at
        for src in node.props.get("sources", []):
            if not self._need(src, source_labels, "sources", node, raw):
                return
        if "broader" in node.props and not self._need(node.props["broader"], "Issue", "broader", node, raw):
            return
        if raw is None:
            return  # identifiers were checked the first time
        for ident in node.props.get("identifiers", []):
            holder = self.claimed.get(ident) or self.store.owner_of(ident)
            if holder is not None and holder != node.id:
                raise InvalidData(f"identifier {ident} already belongs to {holder}", field="identifiers")
            self.claimed[ident] = node.id

    def _check_cite(self, node_id: str, sources: list[str]) -> None:
        """A citation names a stored node (or one the file gave before) and cites sources."""
        try:
            self._find(node_id, None, None)
        except InvalidData as err:
            raise InvalidData(err.reason, field="id") from None
        source_labels = self.graph.onto.attributes["sources"].ref_classes
        for src in sources:
            self._need(src, source_labels, "sources", None, None)

    def _check_link(self, link: StoredLink, raw: RawRecord | None = None) -> None:
        ends = []
        for end, attr in ((link.source, "from"), (link.target, "to")):
            try:
                found = self._find(end, link, raw)
            except InvalidData as err:
                raise InvalidData(err.reason, field=attr) from None
            if found is None:
                return
            ends.append(found)
        self.graph.validator.check_ends(link, ends[0], ends[1])
        source_labels = self.graph.onto.attributes["sources"].ref_classes
        for src in link.props.get("sources", []):
            if not self._need(src, source_labels, "sources", link, raw):
                return
        for issue in link.props.get("issues", []):
            if not self._need(issue, "Issue", "issues", link, raw):
                return
