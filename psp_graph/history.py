"""History entries without personal data, and the inverse of a change set (undo)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psp_graph.exc import UndoConflict
from psp_graph.ontology import Ontology
from psp_graph.privacy import PROVENANCE_FIELDS, is_private
from psp_graph.records import Batch, Change, StoredLink, StoredNode

__all__ = ["PROVENANCE_KEYS", "created_snapshots", "inverse_batch", "same_fact", "snapshot"]

# Attributes that say when and by whom, not what: ignored when comparing facts.
PROVENANCE_KEYS = PROVENANCE_FIELDS


def snapshot(entity: StoredNode | StoredLink, onto: Ontology, *, private: bool) -> dict[str, Any]:
    """What the history log keeps of a node or link: everything but personal fields of private ones."""
    data = entity.as_dict()
    if private:
        personal = onto.personal_attributes
        data["props"] = {k: v for k, v in data["props"].items() if k not in personal}
        if isinstance(entity, StoredNode):
            data["name"] = entity.props.get("pseudonym", entity.id)
        data["redacted"] = True
    return data


def created_snapshots(
    changes: list[Change],
    later: list[Change],
    current: Mapping[str, StoredNode | StoredLink],
    privates: set[str],
    onto: Ontology,
) -> list[Change]:
    """``changes`` (one change set's, in order) with the snapshot of each record they
    created filled in.

    The log keeps no copy of a created record (docs/design.md, "A created record is stored
    once"): what it was just after its creation is the ``before`` of the next change to it
    that has one (an update or a delete), without the sources that citations added in
    between; with no such change, it is the record as it stands now, redacted as the log
    redacts (``privates``: the private nodes among the records and the links' ends).
    ``later`` holds the changes to those records in later change sets, oldest first;
    ``current`` the records that exist. A create whose record was re-created without a
    logged removal keeps no snapshot (None)."""
    following: dict[str, list[Change]] = {}
    for change in [*changes, *later]:  # this change set's, then the later ones
        following.setdefault(change.entity_id, []).append(change)
    filled: list[Change] = []
    for change in changes:
        if change.op != "create" or change.after is not None:
            filled.append(change)
            continue
        after = [
            c
            for c in following[change.entity_id]
            if c.changeset_id != change.changeset_id or c.seq > change.seq
        ]
        snapshot_ = _created(change, after, current, privates, onto)
        filled.append(
            Change(
                change.changeset_id, change.seq, change.op, change.entity, change.entity_id, None, snapshot_
            )
        )
    return filled


def _created(
    change: Change,
    after: list[Change],
    current: Mapping[str, StoredNode | StoredLink],
    privates: set[str],
    onto: Ontology,
) -> dict[str, Any] | None:
    """The snapshot of one created record, from the changes ``after`` it, oldest first
    (see :func:`created_snapshots`)."""
    cited: list[str] = []
    base: dict[str, Any] | None = None
    for later in after:
        if later.entity != change.entity:
            continue
        if later.op == "cite":
            cited.extend((later.after or {}).get("sources", []))
            continue
        if later.before is None:  # re-created or erased without a logged state: unknown
            return None
        base = later.before
        break
    else:
        record = current.get(change.entity_id)
        if record is None:
            return None
        if isinstance(record, StoredNode):
            private = record.id in privates or is_private(record)
        else:
            private = record.source in privates or record.target in privates
        base = snapshot(record, onto, private=private)
    if not cited:
        return base
    props = dict(base.get("props") or {})
    props["sources"] = [s for s in props.get("sources", []) if s not in cited]
    return {**base, "props": props}


def same_fact(a: dict[str, Any] | None, b: dict[str, Any] | None, onto: Ontology) -> bool:
    """True when two snapshots state the same fact, ignoring provenance and personal fields
    (which private snapshots do not hold)."""
    if a is None or b is None:
        return a is b
    redacted = bool(a.get("redacted") or b.get("redacted"))
    ignored = set(PROVENANCE_KEYS)
    if redacted:  # a private snapshot never held the personal fields, so they cannot be compared
        ignored |= onto.personal_attributes

    def strip(d: dict[str, Any]) -> dict[str, Any]:
        props = {k: v for k, v in (d.get("props") or {}).items() if k not in ignored}
        drop = {"redacted", "name"} if redacted else {"redacted"}
        return {**{k: v for k, v in d.items() if k not in drop}, "props": props}

    return strip(a) == strip(b)


def inverse_batch(
    changes: list[Change],
    batch: Batch,
    current_nodes: dict[str, StoredNode],
    current_links: dict[str, StoredLink],
    onto: Ontology,
    later: list[str],
) -> None:
    """Fill ``batch`` with the changes that undo ``changes``.

    Raises UndoConflict when a later change set touched the same data, naming it.
    """
    for change in reversed(changes):
        current: StoredNode | StoredLink | None
        if change.entity == "node":
            current = current_nodes.get(change.entity_id)
        else:
            current = current_links.get(change.entity_id)
        if change.op == "cite":
            batch.upsert_nodes.append(_uncited(change, current, later))
            continue
        now = snapshot(current, onto, private=False) if current is not None else None
        expected = change.after if change.op in {"create", "update"} else None
        if not same_fact(now, expected, onto):
            hint = f" by {', '.join(later)}" if later else ""
            raise UndoConflict(
                f"cannot undo {change.changeset_id}: {change.entity_id} was changed later{hint}; "
                "undo that first"
            )
        if change.op == "create":
            target = batch.delete_nodes if change.entity == "node" else batch.delete_links
            target.append(change.entity_id)
        elif change.entity == "node":
            node = StoredNode.from_dict({k: v for k, v in (change.before or {}).items() if k != "redacted"})
            if isinstance(current, StoredNode) and (change.before or {}).get("redacted"):
                # keep personal fields the log never held (a public node's log holds them all)
                kept = {k: v for k, v in current.props.items() if k not in node.props}
                personal = onto.personal_attributes
                node = StoredNode(
                    node.id,
                    node.types,
                    node.labels,
                    current.name if is_private(node) else node.name,
                    {**node.props, **{k: v for k, v in kept.items() if k in personal}},
                )
            batch.upsert_nodes.append(node)
        else:
            batch.upsert_links.append(
                StoredLink.from_dict({k: v for k, v in (change.before or {}).items() if k != "redacted"})
            )


def _uncited(change: Change, current: StoredNode | StoredLink | None, later: list[str]) -> StoredNode:
    """The node of a ``cite`` change without the sources it added; UndoConflict when the node
    is gone or no longer cites them."""
    added = (change.after or {}).get("sources", [])
    cited = current.props.get("sources", []) if isinstance(current, StoredNode) else []
    if not isinstance(current, StoredNode) or not set(added) <= set(cited):
        hint = f" by {', '.join(later)}" if later else ""
        raise UndoConflict(
            f"cannot undo {change.changeset_id}: {change.entity_id} was changed later{hint}; undo that first"
        )
    props = {**current.props, "sources": [s for s in cited if s not in added]}
    if not props["sources"]:
        del props["sources"]
    return StoredNode(current.id, current.types, current.labels, current.name, props)
