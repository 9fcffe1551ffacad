"""Copy one store into another (``psp sync --to URL``): nodes, links and history.

The target ends up holding every node, link and change set of the source, as
stored (private persons included, exactly as the source keeps them):

- History first: each change set the target lacks is copied with its changes,
  oldest first, as a batch that writes nothing else.
- Then nodes and links that are missing or differ in the target, in batches of
  at most ``BATCH_SIZE`` records. Each batch is one change set of its own
  (action ``sync``), whose changes say what the sync created or updated, like
  any other write (personal fields of private persons left out), so it can be
  undone and shows in ``psp history``.
- Extras in the target (nodes, links or change sets the source does not have)
  are kept and counted in the result, so a store that others also write to
  loses nothing, with two exceptions: removals are passed on. A record the
  source's history shows as removed (``psp remove``) and no longer holds is
  removed from the target too, and a record whose tombstone an ``erase``
  change set of the source holds (``psp erase``) is erased in the target
  (history forgotten, store purged).

Into an empty store that offers bulk loads (Neo4j, backends.base.BulkStore) the
same history and the same ``sync`` change sets are written by the store's fast
path instead (``SyncResult.bulk``): creations only, all or nothing as a whole.

A second sync with no change in between writes nothing and reports 0 changes.
A failed sync can be run again: every batch is all-or-nothing and the next run
copies what is still missing. Memory: ids of both stores, plus one batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from psp_graph.exc import PspGraphError
from psp_graph.graph import Graph
from psp_graph.records import Change, ChangeSet, StoredLink, StoredNode, chunked

if TYPE_CHECKING:
    from psp_graph.backends.neo4j_import import ImportFiles
    from psp_graph.reading import Reader

__all__ = ["BATCH_SIZE", "Counts", "Progress", "SyncResult", "sync", "write_import"]

BATCH_SIZE = 10_000
META_KEYS = ("initialised",)  # store settings that describe the data, not the backend

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages: history, nodes, links."""


Record = StoredNode | StoredLink
T = TypeVar("T")


@dataclass
class Counts:
    """Nodes (or links) a sync created, updated, left as they were, and found only in the target."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class SyncResult:
    """What a sync wrote and what it found."""

    source: str
    target: str
    nodes: Counts = field(default_factory=Counts)
    links: Counts = field(default_factory=Counts)
    changesets_copied: int = 0
    extra_changesets: int = 0
    removed: int = 0
    erased: int = 0
    bulk: bool = False  # the target was empty and offers bulk loads: the fast path wrote it all

    @property
    def changes(self) -> int:
        """Records written: change sets copied plus nodes and links created or updated."""
        return (
            self.changesets_copied
            + self.removed
            + self.erased
            + sum(c.created + c.updated for c in (self.nodes, self.links))
        )

    def summary(self) -> str:
        lines = [
            f"synced {self.source} -> {self.target}: {self.changes} changes",
            f"  nodes: {self.nodes}",
            f"  links: {self.links}",
            f"  change sets copied: {self.changesets_copied}",
        ]
        if self.bulk:
            lines.append("  fast path: bulk load into an empty store (all or nothing)")
        if self.removed or self.erased:
            lines.append(f"  removals passed on: {self.removed} removed, {self.erased} erased")
        if self.nodes.extra or self.links.extra or self.extra_changesets:
            lines.append(
                f"  kept in the target only (not deleted): {self.nodes.extra} nodes, "
                f"{self.links.extra} links, {self.extra_changesets} change sets"
            )
        return "\n".join(lines)


def sync(source: Graph, target: Graph, progress: Progress | None = None) -> SyncResult:
    """Copy ``source`` into ``target``: missing history, then missing or changed nodes and links.

    Extras in the target are kept and counted. Raises PspGraphError when both are
    the same store, and whatever the target raises for a batch it refuses.
    """
    theirs, ours = source.reader(include_private=True), target.reader(include_private=True)
    if source is target or (theirs.url == ours.url and not theirs.url.endswith(":memory:")):
        raise PspGraphError(f"source and target are the same store ({theirs.url})")
    result = SyncResult(source=theirs.url, target=ours.url)
    report = progress or (lambda stage, done, total: None)
    if target.can_bulk_load():
        _bulk_copy(source, target, result, report)
    else:
        _copy_missing(source, target, result, report)
    for key in META_KEYS:
        value = theirs.meta(key)
        if value is not None and ours.meta(key) is None:
            target.set_meta(key, value)
    return result


def _history(theirs: Reader, report: Progress) -> tuple[Iterator[tuple[ChangeSet, list[Change]]], int]:
    """The source's change sets, oldest first, each with its changes, and how many."""
    changesets = list(reversed(theirs.changesets()))

    def history() -> Iterator[tuple[ChangeSet, list[Change]]]:
        for done, cs in enumerate(changesets, start=1):
            yield cs, theirs.changes(cs.id)
            report("history", done, len(changesets))

    return history(), len(changesets)


def _chunks(
    theirs: Reader, stages: list[tuple[str, Iterator[T], int]], report: Progress, written: dict[str, int]
) -> Iterator[tuple[str, list[T]]]:
    """Each stage's records (stage, records, total) in chunks of ``BATCH_SIZE``, with the
    summary of the ``sync`` change set each becomes; ``written`` counts them by stage."""
    for stage, records, total in stages:
        written.setdefault(stage, 0)
        for chunk in chunked(records, BATCH_SIZE):
            yield f"sync {stage} from {theirs.url}", chunk
            written[stage] += len(chunk)
            report(stage, written[stage], total)


def _first_load(
    source: Graph, report: Progress, written: dict[str, int]
) -> tuple[Iterator[tuple[ChangeSet, list[Change]]], Iterator[tuple[str, list[Record]]], int]:
    """The source's history (oldest first) and its records in chunks (nodes, then links), as
    a first load copies them; ``written`` counts the records handed out, by stage."""
    theirs = source.reader(include_private=True)
    history, changesets = _history(theirs, report)
    stats = theirs.stats()
    stages: list[tuple[str, Iterator[Record], int]] = [
        ("nodes", theirs.iter_nodes(), stats.nodes),
        ("links", theirs.iter_links(), stats.links),
    ]
    return history, _chunks(theirs, stages, report, written), changesets


def _bulk_copy(source: Graph, target: Graph, result: SyncResult, report: Progress) -> None:
    """Everything into an empty target in one bulk load (all or nothing), in the same change
    sets as the ordinary path would write."""
    written: dict[str, int] = {}
    history, chunks, changesets = _first_load(source, report, written)
    target.bulk_copy(history, chunks)
    result.bulk = True
    result.changesets_copied = changesets
    result.nodes.created, result.links.created = written["nodes"], written["links"]


def write_import(source: Graph, folder: Path, progress: Progress | None = None) -> ImportFiles:
    """Write files for ``neo4j-admin database import`` that give a new Neo4j database exactly
    what ``sync`` into an empty one gives (history, records, ``sync`` change sets, settings).

    For a stopped database on the machine that runs the admin tool; see neo4j_import.py.
    Links are read as rows with their attributes still as JSON text (``Reader.link_rows``).
    Raises InvalidData for a record Neo4j would refuse.
    """
    from psp_graph.backends.neo4j_import import LinkText, write_copy_files
    from psp_graph.backends.neo4j_writes import BatchWriter

    report = progress or (lambda stage, done, total: None)
    theirs = source.reader(include_private=True)
    history, _ = _history(theirs, report)
    stats = theirs.stats()
    stages: list[tuple[str, Iterator[StoredNode | LinkText], int]] = [
        ("nodes", theirs.iter_nodes(), stats.nodes),
        ("links", theirs.link_rows(), stats.links),
    ]
    meta = {key: value for key in META_KEYS if (value := theirs.meta(key)) is not None}
    return write_copy_files(
        BatchWriter(theirs.onto),
        history,
        _chunks(theirs, stages, report, {}),
        lambda summary: source.log.new_batch("sync", summary).changeset,
        folder,
        meta,
    )


def _copy_missing(source: Graph, target: Graph, result: SyncResult, report: Progress) -> None:
    """Missing history, then missing or changed records, a batch (change set) at a time."""
    theirs, ours = source.reader(include_private=True), target.reader(include_private=True)
    have = {cs.id for cs in ours.changesets()}
    changesets = theirs.changesets()
    missing = [cs for cs in reversed(changesets) if cs.id not in have]  # oldest first
    result.extra_changesets = len(have - {cs.id for cs in changesets})
    for done, cs in enumerate(missing, start=1):
        target.copy_changeset(cs, theirs.changes(cs.id))
        result.changesets_copied += 1
        report("history", done, len(missing))
    stats = theirs.stats()
    result.nodes = _copy(
        target,
        theirs.iter_nodes(),
        ours.iter_nodes,
        f"sync nodes from {theirs.url}",
        stats.nodes,
        "nodes",
        report,
    )
    result.links = _copy(
        target,
        theirs.iter_links(),
        ours.iter_links,
        f"sync links from {theirs.url}",
        stats.links,
        "links",
        report,
    )
    result.removed, result.erased = _pass_on_removals(source, target)


def _copy(
    target: Graph,
    records: Iterator[Record],
    there: Callable[[], Iterator[Record]],
    summary: str,
    total: int,
    stage: str,
    report: Progress,
) -> Counts:
    """Write the records the target lacks or holds differently, a batch at a time."""
    counts, seen, done = Counts(), set[str](), 0
    for chunk in chunked(records, BATCH_SIZE):
        seen.update(item.id for item in chunk)
        created, updated, unchanged = target.copy_records(chunk, summary)
        counts.created += created
        counts.updated += updated
        counts.unchanged += unchanged
        done += len(chunk)
        report(stage, done, total)
    counts.extra = sum(1 for item in there() if item.id not in seen)
    return counts


def _pass_on_removals(source: Graph, target: Graph) -> tuple[int, int]:
    """Remove from the target what the source removed, and erase what it erased (found by
    tombstone hashes). Returns (removed, erased). Reads the source's whole history: O(changes)."""
    from psp_graph.graph import tombstone

    theirs, ours = source.reader(include_private=True), target.reader(include_private=True)
    deleted: set[str] = set()
    tombs: set[str] = set()
    for cs in theirs.changesets():
        for change in theirs.changes(cs.id, snapshots=False):
            if change.op == "erase":
                tombs.add(change.entity_id)
            elif change.op == "delete":
                deleted.add(change.entity_id)
    if not deleted and not tombs:
        return 0, 0
    extra_nodes = [n for n in ours.iter_nodes() if not theirs.has(n.id)]
    extra_links = [link.id for link in ours.iter_links() if theirs.link(link.id) is None]
    erase_nodes = [n for n in extra_nodes if tombstone(n.id) in tombs]
    erase_links = [i for i in extra_links if tombstone(i) in tombs]
    erased = 0
    if erase_nodes or erase_links:
        from psp_graph.erase import erasure_words

        names = [w for n in erase_nodes if "Person" in n.labels for w in erasure_words(n.name)]
        gone = {n.id for n in erase_nodes}
        erase_links += [
            link.id for n in erase_nodes for link in ours.links_of(n.id) if link.id not in erase_links
        ]
        target.erase_records(
            sorted(gone), sorted(set(erase_links)), names, summary="erase (passed on by sync)"
        )
        erased = len(gone) + len(set(erase_links))
    removed = 0
    for node in extra_nodes:
        if (
            node.id in deleted
            and tombstone(node.id) not in tombs
            and target.reader(include_private=True).has(node.id)
        ):
            target.remove(node.id)
            removed += 1
    for link_id in extra_links:
        if link_id in deleted and target.reader(include_private=True).link(link_id) is not None:
            target.remove(link_id)
            removed += 1
    return removed, erased
