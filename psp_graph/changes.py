"""Change sets, made in one place: the Graph service and sync both build their
batches and history entries here, so every write is logged the same way.

A change records ids and a snapshot of what changed; for a private node (and a
link with a private end) the snapshot leaves personal fields out, so the log
never holds what erasure must remove.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from psp_graph.history import snapshot
from psp_graph.ids import changeset_id, keyed_link_id
from psp_graph.privacy import is_private
from psp_graph.reading import Reader
from psp_graph.records import Batch, Change, ChangeSet, StoredLink, StoredNode

__all__ = ["ChangeLog", "Result", "recorder"]


def recorder() -> str:
    """Who records a change: ``PSP_USER`` or the login name."""
    return os.environ.get("PSP_USER") or getpass.getuser()


@dataclass
class Result:
    """What a write did: its change set (None when nothing changed) and counts."""

    changeset: str | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    ids: list[str] = field(default_factory=list)
    same_as: str | None = None  # a reload answered from the file's fingerprint (psp_graph/io/reload.py)

    def summary(self) -> str:
        if self.same_as is not None:
            return (
                f"nothing changed: the store has not changed since this file was loaded "
                f"({self.unchanged} records)"
            )
        if self.changeset is None:
            return f"nothing changed ({self.unchanged} records already up to date)"
        return (
            f"change set {self.changeset}: {self.created} created, {self.updated} updated, "
            f"{self.deleted} deleted, {self.unchanged} unchanged"
        )


class ChangeLog:
    """Builds batches and their history entries for one store."""

    def __init__(self, store: Reader) -> None:
        self.store = store  # the service's own reader (private nodes included)
        self.onto = store.onto

    def new_batch(self, action: str, summary: str, undoes: str | None = None) -> Batch:
        """An empty batch with a fresh change set stamped now, by :func:`recorder`."""
        now = datetime.now(UTC)
        at = now.isoformat(timespec="microseconds")
        return Batch(ChangeSet(changeset_id(now), at, recorder(), action, summary, undoes))

    def private_ids(self, ids: Iterable[str]) -> set[str]:
        """The stored nodes among ``ids`` whose personal fields stay out of the log."""
        return {n.id for n in self.store.kinds(ids).values() if is_private(n)}

    def private_in(self, items: Iterable[StoredNode | StoredLink]) -> set[str]:
        """Private nodes among the items and among the stored ends of the links."""
        items = list(items)
        ends = [e for i in items if isinstance(i, StoredLink) for e in (i.source, i.target)]
        privates = self.private_ids([*(i.id for i in items if isinstance(i, StoredNode)), *ends])
        privates.update(i.id for i in items if isinstance(i, StoredNode) and is_private(i))
        return privates

    def record(
        self,
        batch: Batch,
        op: str,
        before: StoredNode | StoredLink | None,
        after: StoredNode | StoredLink | None,
        privates: set[str],
    ) -> None:
        """Append one history entry (``op``: create, update or delete) to the batch.

        A create keeps no snapshot: the record itself holds it until a later change logs it
        as its ``before`` (the read door fills it in: :meth:`Reader.changes`)."""
        entity = before or after
        assert entity is not None
        if isinstance(entity, StoredNode):
            private = entity.id in privates or is_private(entity)
        else:
            private = entity.source in privates or entity.target in privates
        batch.changes.append(
            Change(
                changeset_id=batch.changeset.id,
                seq=batch.first_seq + len(batch.changes),
                op=op,
                entity="node" if isinstance(entity, StoredNode) else "link",
                entity_id=entity.id,
                before=snapshot(before, self.onto, private=private) if before else None,
                after=snapshot(after, self.onto, private=private) if after and op != "create" else None,
            )
        )

    def cite(self, batch: Batch, old: StoredNode, added: list[str]) -> StoredNode:
        """Add sources that cite a stored node (and nothing else about it) to the batch: the node
        with the sources appended, its name, labels, identifiers and stamps as they were, and a
        ``cite`` history entry holding only the sources added (undo removes them)."""
        new = StoredNode(
            old.id,
            old.types,
            old.labels,
            old.name,
            {**old.props, "sources": [*old.props.get("sources", []), *added]},
        )
        batch.upsert_nodes.append(new)
        batch.sources_only.add(new.id)
        batch.changes.append(
            Change(
                changeset_id=batch.changeset.id,
                seq=batch.first_seq + len(batch.changes),
                op="cite",
                entity="node",
                entity_id=new.id,
                before=None,
                after={"sources": list(added)},
            )
        )
        return new

    def creation_batches(
        self,
        history: Iterable[tuple[ChangeSet, list[Change]]],
        chunks: Iterable[tuple[str, list[StoredNode | StoredLink]]],
    ) -> Iterator[Batch]:
        """The batches that copy another store into an empty one: its change sets as they were,
        then one ``sync`` change set per chunk of records (nodes before links), as
        :meth:`upsert` logs creations. Reads nothing from the store: a link's private ends are
        the private nodes of earlier chunks."""
        privates: set[str] = set()
        for changeset, changes in history:
            yield Batch(changeset, changes=changes)
        for summary, records in chunks:
            batch = self.new_batch("sync", summary)
            privates.update(r.id for r in records if isinstance(r, StoredNode) and is_private(r))
            for item in records:
                self.upsert(batch, None, item, privates)
            yield batch

    def upsert(
        self,
        batch: Batch,
        old: StoredNode | StoredLink | None,
        new: StoredNode | StoredLink,
        privates: set[str],
    ) -> None:
        """Add a created or updated record to the batch, with its history entry."""
        if isinstance(new, StoredNode):
            batch.upsert_nodes.append(new)
        else:
            batch.upsert_links.append(new)
            rel = self.onto.relations[new.type]
            # a derived id always starts with "link:"; any other id was given by the source
            given = not new.id.startswith("link:")
            if given or new.id != keyed_link_id(rel.name, rel.keys, new.source, new.target, new.props):
                batch.given_link_ids.add(new.id)
        self.record(batch, "update" if old else "create", old, new, privates)
