"""Writing one change set in parts: a big file goes to the store chunk by chunk, in
bounded memory, and still all-or-nothing.

A :class:`PartWriter` takes validated records whose references the caller has
checked (psp_graph.io.load screens them), plans each part like any write of the
Graph service (stamps, history entries without personal data, the sources
policy) and writes it inside one transaction of a store with the PartsStore
ability; :meth:`PartWriter.finish` commits, :meth:`PartWriter.abort` leaves the
store as it was. A store without the ability gets the parts as one batch at the
end (its memory then grows with the file, and the init change set of a first
load is committed before them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from psp_graph.changes import Result
from psp_graph.records import Batch, ChangeSet, RawRecord, StoredLink, StoredNode

if TYPE_CHECKING:
    from psp_graph.graph import Graph

__all__ = ["PartWriter"]


class PartWriter:
    """One ``load`` change set written part by part (see the module doc)."""

    def __init__(self, graph: Graph, summary: str, *, dry_run: bool = False) -> None:
        self.graph = graph
        self.dry_run = dry_run
        self.summary = summary
        self.changeset: ChangeSet | None = None  # stamped at the first part, after the store's init
        self.result = Result()
        self.seq = 0
        self.store = None if dry_run else graph.parts_store
        self.whole: Batch | None = None
        self.open = False

    def write(
        self,
        nodes: dict[str, tuple[StoredNode, RawRecord]],
        links: dict[str, tuple[StoredLink, RawRecord]],
        cites: dict[str, tuple[list[str], RawRecord]] | None = None,
    ) -> None:
        """Plan and write one part: validated records by id, with their raw records, and
        sources that also cite stored nodes (see :meth:`Graph.plan_into`)."""
        graph = self.graph
        planned = graph.ready_to_write(nodes, links)
        if self.changeset is None:
            self._start()
        assert self.changeset is not None
        batch = Batch(self.changeset, first_seq=self.seq)
        graph.plan_into(batch, self.result, *planned, {i: s for i, (s, _) in (cites or {}).items()})
        self.seq += len(batch.changes)
        if self.dry_run or batch.is_empty():
            return
        if self.store is not None:
            self.store.apply_part(batch)
        else:
            assert self.whole is not None
            self.whole.upsert_nodes.extend(batch.upsert_nodes)
            self.whole.upsert_links.extend(batch.upsert_links)
            self.whole.given_link_ids |= batch.given_link_ids
            self.whole.sources_only |= batch.sources_only
            self.whole.changes.extend(batch.changes)

    def _start(self) -> None:
        """Open the transaction (with a first load's init change set in it), then stamp the
        change set, so that it is newer than the init."""
        if self.store is not None:
            self.store.begin()
            self.open = True
            self.graph.initialise(part=True)
        elif not self.dry_run:
            self.graph.initialise()  # a store without parts: its own transaction
        self.changeset = self.graph.log.new_batch("load", self.summary).changeset
        self.result.changeset = self.changeset.id
        if self.store is None and not self.dry_run:
            self.whole = Batch(self.changeset)

    def finish(self) -> Result:
        """Commit what the parts wrote; the result says what changed (no change set when nothing did)."""
        if self.seq == 0:
            self.abort()
            if not self.dry_run:
                self.graph.initialise()
            self.result.changeset = None
            return self.result
        if self.store is not None and self.open:
            self.store.commit()
            self.open = False
        elif self.whole is not None:
            self.graph.apply(self.whole)
        return self.result

    def abort(self) -> None:
        """Drop everything the parts wrote."""
        if self.store is not None and self.open:
            self.store.rollback()
            self.open = False
