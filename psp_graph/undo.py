"""Undo and redo: the inverse of a change set, built as a new change set (so an undo
can itself be undone), and which change set ``undo last`` and ``redo`` mean.

``undo last`` steps back through history: undo change sets, and what they undid,
are skipped, so running it twice undoes the two newest changes. ``redo``
re-applies what the newest undo took back, while no new change came after it.
"""

from __future__ import annotations

from psp_graph.backends.base import Backend
from psp_graph.changes import ChangeLog
from psp_graph.exc import NodeNotFound, PspGraphError
from psp_graph.history import inverse_batch
from psp_graph.ontology import did_you_mean
from psp_graph.records import Batch, StoredLink, StoredNode

__all__ = ["changeset_to_redo", "last_to_undo", "undo_batch"]


def last_to_undo(backend: Backend) -> str:
    """The newest change set still in effect: undo change sets and what they undid are skipped
    (so ``undo last`` twice steps back twice); a redo counts as a change again."""
    undone: set[str] = set()
    redone: set[str] = set()
    for cs in backend.changesets():
        if cs.action == "init":
            continue
        if cs.action == "undo":
            if cs.id not in redone and cs.undoes:
                undone.add(cs.undoes)
            continue
        if cs.action == "redo" and cs.undoes:
            redone.add(cs.undoes)
        if cs.id not in undone:
            return cs.id
    raise NodeNotFound("there is no change set left to undo")


def changeset_to_redo(backend: Backend) -> str:
    """The newest undo not yet redone, while no other change came after it."""
    redone: set[str] = set()
    for cs in backend.changesets():
        if cs.action == "redo" and cs.undoes:
            redone.add(cs.undoes)
            continue
        if cs.action == "undo" and cs.id not in redone:
            return cs.id
        if cs.action != "undo":
            break
    raise NodeNotFound("there is nothing to redo (redo follows undo, before any new change)")


def undo_batch(backend: Backend, log: ChangeLog, changeset: str, *, action: str = "undo") -> Batch:
    """The batch that undoes ``changeset`` (an id, or ``last``), with its history entries.

    Raises NodeNotFound for an unknown change set, PspGraphError for the init change
    set, and UndoConflict when a later change set touched the same data.
    """
    if changeset == "last":
        changeset = last_to_undo(backend)
    original = backend.get_changeset(changeset)
    if original is None:
        recent = [c.id for c in backend.changesets(limit=200)]
        raise NodeNotFound(f"no change set '{changeset}'{did_you_mean(changeset, recent)}")
    if original.action == "init":
        raise PspGraphError("the init change set adds the ontology's issues and cannot be undone")
    changes = log.store.changes(changeset)
    touched = backend.entity_changes({x.entity_id for x in changes}, since=changeset)
    touching = {ch.changeset_id for ch in touched}
    later = [c.id for c in backend.changesets() if c.id in touching]  # newest first
    batch = log.new_batch(action, f"{action} {changeset}", undoes=changeset)
    current_nodes = backend.get_nodes(c.entity_id for c in changes if c.entity == "node")
    current_links = backend.get_links(c.entity_id for c in changes if c.entity == "link")
    inverse_batch(changes, batch, current_nodes, current_links, log.onto, later)
    gone = [current_links[i] for i in batch.delete_links if i in current_links]
    privates = log.private_ids(
        [n.id for n in batch.upsert_nodes]
        + [e for link in [*batch.upsert_links, *gone] for e in (link.source, link.target)]
    )
    current: dict[str, StoredNode | StoredLink] = {**current_nodes, **current_links}
    for entity_id in batch.delete_nodes + batch.delete_links:
        if entity_id in current:
            log.record(batch, "delete", current[entity_id], None, privates)
    restored: list[StoredNode | StoredLink] = [*batch.upsert_nodes, *batch.upsert_links]
    for item in restored:
        before = current.get(item.id)
        log.record(batch, "update" if before else "create", before, item, privates)
    return batch
