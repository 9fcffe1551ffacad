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
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from psp_graph.changes import Result
from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.io.giving360 import StoreLookup
from psp_graph.io.problems import Problems
from psp_graph.records import RawRecord, StoredLink, StoredNode
from psp_graph.references import ontology_issue_nodes

__all__ = ["Progress", "check_file", "load_file", "screen"]

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


def check_file(
    graph: Graph, path: Path, problems: Problems, *, progress: Progress | None = None
) -> tuple[Nodes, Links]:
    """The validated nodes and links of ``path`` that would load (by id, with their raw
    records); every problem found goes to ``problems``."""
    from psp_graph.io.readers import read_records

    try:
        records = list(read_records(path, store=_lookup(graph), problems=problems))
    except InvalidData as err:
        problems.add_invalid(err, file=str(path))
        return {}, {}
    if progress is None:
        return screen(graph, records, problems)
    with progress(f"checking {path.name}", len(records)) as tick:
        return screen(graph, records, problems, on_record=tick)


def screen(
    graph: Graph, records: list[RawRecord], problems: Problems, *, on_record: Callable[[], None] | None = None
) -> tuple[Nodes, Links]:
    """The records that pass the Graph service's checks, one by one; the others become problems.

    Checks each record against the ontology, duplicate ids with different data, links'
    ends, sources and issues (in the file or the store), and identifiers held by another
    node. Nodes only a rejected link needed are left out too.
    """
    nodes: dict[str, tuple[StoredNode, RawRecord]] = {}
    links: dict[str, tuple[StoredLink, RawRecord]] = {}
    bad_rows: set[tuple[str, int | None]] = set()

    def reject(raw: RawRecord, err: InvalidData) -> None:
        problems.add_invalid(err.located(file=raw.file, row=raw.row), value=raw.data.get(err.field or ""))
        bad_rows.add((raw.file, raw.row))

    for raw in records:
        if on_record is not None:
            on_record()
        try:
            if raw.section == "links":
                link = graph.validator.link(raw)
                _no_conflict(links, link.id, link)
                links[link.id] = (link, raw)
            else:
                node = graph.validator.node(raw)
                _no_conflict(nodes, node.id, node)
                nodes[node.id] = (node, raw)
        except InvalidData as err:
            reject(raw, err)

    store = graph.reader(include_private=True)
    stored: dict[str, StoredNode | None] = {}

    def find(ref: str) -> StoredNode | None:
        if ref in nodes:
            return nodes[ref][0]
        if ref not in stored:
            issue = ontology_issue_nodes(graph.validator, [ref]).get(ref)
            stored[ref] = store.find(ref) or issue
        return stored[ref]

    def missing(ref: str, attr: str) -> InvalidData:
        return InvalidData(f"no node '{ref}'{store.suggest(ref, nodes)}", field=attr)

    source_labels = graph.onto.attributes["sources"].ref_classes  # a Source, or an Event heard at

    def need(ref: str, label: str | tuple[str, ...], attr: str) -> None:
        if ref in graph.onto.issues and label == "Issue":
            return
        node = find(ref)
        if node is None:
            raise missing(ref, attr)
        labels = (label,) if isinstance(label, str) else label
        if not set(labels) & set(node.labels):
            raise InvalidData(f"'{ref}' is a {node.types[0]}, not a {' or '.join(labels)}", field=attr)

    claimed: dict[str, str] = {}
    for node_id, (node, raw) in list(nodes.items()):
        try:
            for src in node.props.get("sources", []):
                need(src, source_labels, "sources")
            if "broader" in node.props:
                need(node.props["broader"], "Issue", "broader")
            for ident in node.props.get("identifiers", []):
                holder = store.owner_of(ident) or claimed.get(ident)
                if holder is not None and holder != node_id:
                    raise InvalidData(f"identifier {ident} already belongs to {holder}", field="identifiers")
                claimed[ident] = node_id
        except InvalidData as err:
            reject(raw, err)
            del nodes[node_id]
    for link_id, (link, raw) in list(links.items()):
        try:
            ends = []
            for end, attr in ((link.source, "from"), (link.target, "to")):
                found = find(end)
                if found is None:
                    raise missing(end, attr)
                ends.append(found)
            graph.validator.check_ends(link, ends[0], ends[1])
            for src in link.props.get("sources", []):
                need(src, source_labels, "sources")
            for issue in link.props.get("issues", []):
                need(issue, "Issue", "issues")
        except InvalidData as err:
            reject(raw, err)
            del links[link_id]
    used = {end for link, _ in links.values() for end in (link.source, link.target)}
    used |= {s for link, _ in links.values() for s in link.props.get("sources", [])}
    used |= {s for node, _ in nodes.values() for s in node.props.get("sources", [])}
    kept = {i: item for i, item in nodes.items() if (item[1].file, item[1].row) not in bad_rows or i in used}
    return kept, links


def _no_conflict(seen: dict[str, tuple[Any, RawRecord]], key: str, item: Any) -> None:
    if key in seen and seen[key][0] != item:
        raise InvalidData(
            f"duplicate id '{key}' with different data (first at row {seen[key][1].row})", field="id"
        )


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
    Problems go to ``problems``; with ``dry_run`` everything is checked, nothing written."""
    path = Path(path)
    found = Problems()
    nodes, links = check_file(graph, path, found, progress=progress)
    if problems is not None:
        problems.extend(found)
    if found.errors() and (not skip_invalid or not (nodes or links)):
        raise found.first_error()
    if default_sources:
        _cite_by_default(graph, nodes, links, default_sources, path)
    summary = f"load {path.name}"
    for _ in range(_MAX_RETRIES):
        try:
            return graph.write_validated(nodes, links, summary=summary, dry_run=dry_run)
        except InvalidData as err:  # a check the screen does not make: report it, drop that row
            if not skip_invalid:
                raise
            late = Problems()
            late.add_invalid(err, file=str(path))
            if problems is not None:
                problems.extend(late)
            row = (err.file, err.row)
            nodes = {i: item for i, item in nodes.items() if (item[1].file, item[1].row) != row}
            links = {i: item for i, item in links.items() if (item[1].file, item[1].row) != row}
    raise InvalidData("too many problems the screen did not catch; run psp validate", file=str(path))


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
