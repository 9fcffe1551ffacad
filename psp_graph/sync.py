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
  are kept, never deleted, and counted in the result: a sync adds and updates,
  so a store that others also write to loses nothing.

A second sync with no change in between writes nothing and reports 0 changes.
A failed sync can be run again: every batch is all-or-nothing and the next run
copies what is still missing. Memory: ids of both stores, plus one batch.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

from psp_graph.backends.base import Backend
from psp_graph.exc import PspGraphError
from psp_graph.history import is_private_node, snapshot
from psp_graph.ids import changeset_id
from psp_graph.ontology import load_ontology
from psp_graph.records import Batch, Change, ChangeSet, StoredLink, StoredNode

__all__ = ["BATCH_SIZE", "Counts", "Progress", "SyncResult", "sync"]

BATCH_SIZE = 10_000
META_KEYS = ("initialised",)  # store settings that describe the data, not the backend

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages: history, nodes, links."""


Record = StoredNode | StoredLink


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

    @property
    def changes(self) -> int:
        """Records written: change sets copied plus nodes and links created or updated."""
        return self.changesets_copied + sum(c.created + c.updated for c in (self.nodes, self.links))

    def summary(self) -> str:
        lines = [
            f"synced {self.source} -> {self.target}: {self.changes} changes",
            f"  nodes: {self.nodes}",
            f"  links: {self.links}",
            f"  change sets copied: {self.changesets_copied}",
        ]
        if self.nodes.extra or self.links.extra or self.extra_changesets:
            lines.append(
                f"  kept in the target only (not deleted): {self.nodes.extra} nodes, "
                f"{self.links.extra} links, {self.extra_changesets} change sets"
            )
        return "\n".join(lines)


def _chunks(items: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def sync(source: Backend, target: Backend, progress: Progress | None = None) -> SyncResult:
    """Copy ``source`` into ``target``: missing history, then missing or changed nodes and links.

    Extras in the target are kept and counted. Raises PspGraphError when both are
    the same store, and whatever the target raises for a batch it refuses.
    """
    if source is target or (source.url == target.url and not source.url.endswith(":memory:")):
        raise PspGraphError(f"source and target are the same store ({source.url})")
    result = SyncResult(source=source.url, target=target.url)
    report = progress or (lambda stage, done, total: None)
    _copy_history(source, target, result, report)
    result.nodes = _copy_records(source, target, "nodes", report)
    result.links = _copy_records(source, target, "links", report)
    for key in META_KEYS:
        value = source.get_meta(key)
        if value is not None and target.get_meta(key) is None:
            target.set_meta(key, value)
    return result


def _copy_history(source: Backend, target: Backend, result: SyncResult, report: Progress) -> None:
    have = {cs.id for cs in target.changesets()}
    theirs = source.changesets()
    missing = [cs for cs in reversed(theirs) if cs.id not in have]  # oldest first
    result.extra_changesets = len(have - {cs.id for cs in theirs})
    for done, cs in enumerate(missing, start=1):
        target.apply(Batch(cs, changes=source.changes(cs.id)))
        result.changesets_copied += 1
        report("history", done, len(missing))


def _copy_records(source: Backend, target: Backend, stage: str, report: Progress) -> Counts:
    """Write the nodes (or links) of the source that the target lacks or holds differently."""
    nodes = stage == "nodes"
    records: Iterator[Record] = source.iter_nodes() if nodes else source.iter_links()
    stats = source.stats()
    total = stats.nodes if nodes else stats.links
    counts, seen, done = Counts(), set[str](), 0
    for chunk in _chunks(records, BATCH_SIZE):
        ids = [item.id for item in chunk]
        seen.update(ids)
        current: Mapping[str, Record] = target.get_nodes(ids) if nodes else target.get_links(ids)
        private = _private_ids(target, chunk)
        batch = _sync_batch(source.url, stage)
        for item in chunk:
            old = current.get(item.id)
            if old == item:
                counts.unchanged += 1
                continue
            counts.created += old is None
            counts.updated += old is not None
            if isinstance(item, StoredNode):
                batch.upsert_nodes.append(item)
            else:
                batch.upsert_links.append(item)
            batch.changes.append(_change(batch, old, item, private))
        if not batch.is_empty():
            target.apply(batch)
        done += len(chunk)
        report(stage, done, total)
    there: Iterator[Record] = target.iter_nodes() if nodes else target.iter_links()
    counts.extra = sum(1 for item in there if item.id not in seen)
    return counts


def _private_ids(target: Backend, chunk: list[Record]) -> set[str]:
    """Private nodes among a chunk of nodes, or among the ends of a chunk of links."""
    ends = {end for item in chunk if isinstance(item, StoredLink) for end in (item.source, item.target)}
    nodes = [item for item in chunk if isinstance(item, StoredNode)] + list(target.get_nodes(ends).values())
    return {n.id for n in nodes if is_private_node(n)}


def _change(batch: Batch, old: Record | None, new: Record, private: set[str]) -> Change:
    """The history entry of one synced record, without personal fields of private persons."""
    onto = load_ontology()
    hidden = new.id in private if isinstance(new, StoredNode) else bool({new.source, new.target} & private)
    return Change(
        changeset_id=batch.changeset.id,
        seq=len(batch.changes),
        op="create" if old is None else "update",
        entity="node" if isinstance(new, StoredNode) else "link",
        entity_id=new.id,
        before=None if old is None else snapshot(old, onto, private=hidden),
        after=snapshot(new, onto, private=hidden),
    )


def _sync_batch(source_url: str, stage: str) -> Batch:
    now = datetime.now(UTC)
    recorder = os.environ.get("PSP_USER") or getpass.getuser()
    cs = ChangeSet(
        changeset_id(now),
        now.isoformat(timespec="microseconds"),
        recorder,
        "sync",
        f"sync {stage} from {source_url}",
    )
    return Batch(cs)
