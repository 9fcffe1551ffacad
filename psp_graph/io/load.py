"""Loading a file: read its records (psp_graph.io.readers), screen them, and hand
them to the Graph service, which validates and writes them all-or-nothing.

Data flows one way, file → records → Graph service → store; the service never
opens files, and the caller brings its own progress display.

``check_file`` reads a file and screens its records against the ontology and the
store without writing, so ``psp validate`` can list every problem; ``load_file``
then loads all-or-nothing, or with ``skip_invalid`` the valid records in one change
set (the problems stay in the report).
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psp_graph.changes import Result
from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.graph_parts import PartWriter
from psp_graph.io.giving360 import StoreLookup
from psp_graph.io.problems import Problems
from psp_graph.records import RawRecord, StoredLink, StoredNode, chunked
from psp_graph.references import check_kind, missing_required_link, ontology_issue_nodes, referenced_ids

__all__ = ["PART_SIZE", "Checked", "Progress", "check_file", "load_file"]

Progress = Callable[[str, int], AbstractContextManager[Callable[[], None] | None]]
"""``progress(label, total)`` gives a context whose value is called once per record (or None)."""

_MAX_RETRIES = 50


def _lookup(graph: Graph) -> StoreLookup:
    store = graph.reader(include_private=True)

    def by_identifier(identifier: str) -> StoredNode | None:
        owner = store.owner_of(identifier.strip())
        return store.find(owner) if owner else None

    return StoreLookup(by_identifier=by_identifier, by_id=store.find)


Nodes = dict[str, tuple[StoredNode, RawRecord]]
Links = dict[str, tuple[StoredLink, RawRecord]]
Cites = dict[str, tuple[list[str], RawRecord]]  # stored node -> sources that also cite it
Row = tuple[str, str | None, int | None]  # file, sheet, row

PART_SIZE = 5000
"""Records screened and written at a time for a 360Giving file (its grants come last and
cite only the file's own source, places and actors); other files go in one part."""


@dataclass
class Checked:
    """What checking a file found: how many records are valid, and what loading them would do."""

    valid: int
    result: Result


def check_file(graph: Graph, path: Path, problems: Problems, *, progress: Progress | None = None) -> Checked:
    """Check ``path`` against the ontology and the store without writing; every problem
    found goes to ``problems``."""
    writer = PartWriter(graph, "validate", dry_run=True)
    valid = _Screen(graph, problems).run(path, writer, progress=progress)
    return Checked(valid, writer.finish())


class _Screen:
    """Reads a file's records and screens them part by part, remembering what the file
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
        default_sources: tuple[str, ...] = (),
    ) -> None:
        self.graph, self.problems = graph, problems
        self.skip_rows, self.skip_nodes = skip_rows, skip_nodes
        self.default_sources = default_sources
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

    # -- the whole file ----------------------------------------------------------
    def run(self, path: Path, writer: PartWriter, *, progress: Progress | None = None) -> int:
        """Screen and write every part of ``path``; returns how many records passed."""
        from psp_graph.io.readers import read_records

        valid = 0
        try:
            records = read_records(path, store=_lookup(self.graph), problems=self.problems)
            first = next(records, None)
            if first is None:
                return 0
            self.grants = first.section == "sources" and first.data.get("kind") == "grant_360"
            size = PART_SIZE if self.grants else None
            # The records are not counted ahead (the file is a stream): about one per 100 bytes.
            estimate = path.stat().st_size // 100 if str(path) != "-" else 0
            context = progress(f"loading {path.name}", estimate) if progress else nullcontext(None)
            with context as tick:
                parts = chunked(itertools.chain([first], records), size or sys.maxsize)
                part = next(parts, None)
                while part is not None:
                    following = next(parts, None)  # the last part is checked whole before it is written
                    nodes, links, cites = self.part(part, tick)
                    if following is None:
                        self.finish(nodes, links)
                    if self.default_sources:
                        _cite_by_default(self.graph, nodes, links, self.default_sources, path)
                    valid += len(nodes) + len(links) + len(cites)
                    try:
                        writer.write(nodes, links, cites)
                    except InvalidData as err:  # a check of the write itself (the sources policy, the store)
                        self.late_found.add_invalid(err, file=str(path))
                        self.problems.add_invalid(err, file=str(path))
                        return valid
                    self.written.update((i, (raw.file, raw.sheet, raw.row)) for i, (_, raw) in nodes.items())
                    self.written.update((i, (raw.file, raw.sheet, raw.row)) for i, (_, raw) in cites.items())
                    part = following
        except InvalidData as err:
            self.problems.add_invalid(err, file=str(path))
        return valid

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

    def orphans(self) -> frozenset[str]:
        """Nodes written from a row that had an error, which no written record uses."""
        return frozenset(i for i, row in self.written.items() if row in self.bad_rows and i not in self.used)

    # -- one part ----------------------------------------------------------------
    def part(self, records: list[RawRecord], tick: Callable[[], None] | None) -> tuple[Nodes, Links, Cites]:
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


def load_file(
    graph: Graph,
    path: Path | str,
    *,
    problems: Problems | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    default_sources: tuple[str, ...] = (),
) -> Result:
    """Load one file (YAML, CSV, XLSX, JSON, 360Giving, RDF): all-or-nothing (raising the
    first of its problems), or with ``skip_invalid`` its valid records in one change set.
    Problems go to ``problems``; with ``dry_run`` everything is checked, nothing written.

    A 360Giving file is read as a stream and written in parts of PART_SIZE records inside
    one transaction (see psp_graph.graph_parts), so memory does not grow with its grants.
    """
    path = Path(path)
    with _fewer_collections():
        return _load(graph, path, problems, skip_invalid, dry_run, progress, default_sources)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Fewer cyclic garbage collections while loading: a load makes millions of small
    short-lived dicts, and with the default thresholds collections took about a fifth of
    its CPU time (benchmarks/README.md). Objects alive before the load are not rescanned."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _load(
    graph: Graph,
    path: Path,
    problems: Problems | None,
    skip_invalid: bool,
    dry_run: bool,
    progress: Progress | None,
    default_sources: tuple[str, ...],
) -> Result:
    skip_rows: frozenset[Row] = frozenset()
    skip_nodes: frozenset[str] = frozenset()
    carried = Problems()  # problems of rows left out on a retry
    for _ in range(_MAX_RETRIES):
        found = Problems()
        screen = _Screen(
            graph, found, skip_rows=skip_rows, skip_nodes=skip_nodes, default_sources=default_sources
        )
        writer = PartWriter(graph, f"load {path.name}", dry_run=dry_run)
        try:
            valid = screen.run(path, writer, progress=progress)
            every = Problems()
            every.extend(carried)
            every.extend(found)
            if every.errors() and (not skip_invalid or not valid):
                writer.abort()
                _report(problems, every)
                raise every.first_error()
            orphans = screen.orphans()
            unplaced = [p for p in screen.late_found if p.row is None]
            if unplaced:  # no row to leave out: the file cannot load
                writer.abort()
                _report(problems, every)
                raise InvalidData(unplaced[0].message, file=unplaced[0].file, field=unplaced[0].field)
            if screen.late_found or orphans:
                # Records were written before their problem showed: again, without them.
                writer.abort()
                carried.extend(screen.late_found)
                skip_rows |= {(p.file, p.sheet, p.row) for p in screen.late_found}
                skip_nodes |= orphans
                continue
            result = writer.finish()
        except BaseException:
            writer.abort()
            raise
        _report(problems, every)
        return result
    raise InvalidData("too many problems the screen did not catch; run psp validate", file=str(path))


def _report(problems: Problems | None, found: Problems) -> None:
    if problems is not None:
        problems.extend(found)


def _cite_by_default(graph: Graph, nodes: Nodes, links: Links, texts: tuple[str, ...], path: Path) -> None:
    """Records that cite no source cite ``texts`` (psp load --source): a file-level default."""
    from psp_graph.sources import cited_sources

    ids, new = cited_sources(graph.reader(include_private=True), texts, None)
    for record in new:
        raw = RawRecord(str(path), None, "sources", record)
        node = graph.validator.node(raw)
        nodes[node.id] = (node, raw)

    def cite(item: Any) -> Any:
        if item.props.get("sources") or {"Source", "Issue", "Place"} & set(getattr(item, "labels", ())):
            return item
        return dataclasses.replace(item, props={**item.props, "sources": list(ids)})

    for key, (node, raw) in list(nodes.items()):
        nodes[key] = (cite(node), raw)
    for key, (link, raw) in list(links.items()):
        links[key] = (cite(link), raw)
