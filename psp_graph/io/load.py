"""Loading a file: read its records (psp_graph.io.readers), screen them part by part
(psp_graph.io.screen), and hand the parts to the Graph service, which validates and
writes them all-or-nothing; with ``skip_invalid``, retry without the rows found bad.

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
from psp_graph.io.screen import Links, Nodes, Row, Screen
from psp_graph.records import RawRecord, StoredNode, chunked

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
    valid = _screen_and_write(Screen(graph, problems), path, writer, progress=progress)
    return Checked(valid, writer.finish())


def _screen_and_write(
    screen: Screen,
    path: Path,
    writer: PartWriter,
    *,
    progress: Progress | None = None,
    default_sources: tuple[str, ...] = (),
) -> int:
    """Screen and write every part of ``path``; returns how many records passed."""
    from psp_graph.io.readers import read_records

    valid = 0
    try:
        records = read_records(path, store=_lookup(screen.graph), problems=screen.problems)
        first = next(records, None)
        if first is None:
            return 0
        screen.grants = first.section == "sources" and first.data.get("kind") == "grant_360"
        size = PART_SIZE if screen.grants else None
        # The records are not counted ahead (the file is a stream): about one per 100 bytes.
        estimate = path.stat().st_size // 100 if str(path) != "-" else 0
        context = progress(f"loading {path.name}", estimate) if progress else nullcontext(None)
        with context as tick:
            parts = chunked(itertools.chain([first], records), size or sys.maxsize)
            part = next(parts, None)
            while part is not None:
                following = next(parts, None)  # the last part is checked whole before it is written
                nodes, links, cites = screen.part(part, tick)
                if following is None:
                    screen.finish(nodes, links)
                if default_sources:
                    _cite_by_default(screen.graph, nodes, links, default_sources, path)
                valid += len(nodes) + len(links) + len(cites)
                try:
                    writer.write(nodes, links, cites)
                except InvalidData as err:  # a check of the write itself (the sources policy, the store)
                    screen.late_found.add_invalid(err, file=str(path))
                    screen.problems.add_invalid(err, file=str(path))
                    return valid
                screen.wrote(nodes, cites)
                part = following
    except InvalidData as err:
        screen.problems.add_invalid(err, file=str(path))
    return valid


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
    mark = None
    if not dry_run and path.is_file():  # the same file into a store unchanged since: nothing to do
        from psp_graph.io.reload import LoadMark

        options = {"skip_invalid": skip_invalid, "default_sources": list(default_sources)}
        mark = LoadMark.of(graph, path, options)
        known = mark.already_loaded(graph)
        if known is not None:
            return known
    seen = Problems()
    try:
        with _fewer_collections():
            result = _load(graph, path, seen, skip_invalid, dry_run, progress, default_sources)
    finally:
        _report(problems, seen)
    if mark is not None and not seen:  # a file with warnings is checked again, to show them again
        mark.remember(graph, result)
    return result


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
        screen = Screen(graph, found, skip_rows=skip_rows, skip_nodes=skip_nodes)
        writer = PartWriter(graph, f"load {path.name}", dry_run=dry_run)
        try:
            valid = _screen_and_write(
                screen, path, writer, progress=progress, default_sources=default_sources
            )
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
