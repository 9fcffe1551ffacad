"""The Graph service: the one place that validates, assigns ids, records provenance
and history, applies privacy and commits all-or-nothing batches.

Writes go in through :meth:`Graph.load_records` (and the helpers built on it);
reads come out through :meth:`Graph.reader`, with privacy applied inside.

>>> with Graph.open("sqlite://:memory:") as graph:
...     result = graph.add_node({"name": "Northbank Tenants Union", "types": ["CommunityGroup"]})
...     graph.reader().node("org:northbank-tenants-union").name
'Northbank Tenants Union'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from psp_graph.backends import Backend, open_backend
from psp_graph.backends.base import PartsStore
from psp_graph.changes import ChangeLog, Result
from psp_graph.exc import InvalidData, NodeNotFound, PspGraphError
from psp_graph.history import PROVENANCE_KEYS
from psp_graph.ids import new_person_id
from psp_graph.ontology import Ontology, load_ontology
from psp_graph.reading import Reader
from psp_graph.records import Batch, Change, ChangeSet, RawRecord, StoredLink, StoredNode
from psp_graph.sources import check_sourced, cited_sources, private_cited_sources
from psp_graph.undo import changeset_to_redo, undo_batch
from psp_graph.values import parse_list

if TYPE_CHECKING:
    from psp_graph.validate import Validator

__all__ = ["Graph", "Result", "tombstone"]


def tombstone(entity_id: str) -> str:
    """What the history keeps of an erased record: a hash of its id, never the id."""
    import hashlib

    return "erased:" + hashlib.sha256(entity_id.encode("utf-8")).hexdigest()[:32]


def _same_record(old: StoredNode | StoredLink, new: StoredNode | StoredLink) -> bool:
    """True when a write would change nothing but when and by whom it was recorded."""

    def strip(item: StoredNode | StoredLink) -> dict[str, Any]:
        data = item.as_dict()
        data["props"] = {k: v for k, v in data["props"].items() if k not in PROVENANCE_KEYS}
        return data

    return strip(old) == strip(new)


class Graph:
    """A graph store with validation, provenance, history and privacy."""

    def __init__(
        self, backend: Backend, onto: Ontology | None = None, *, require_sources: bool = False
    ) -> None:
        self.backend = backend
        self.onto = onto or load_ontology()
        self.require_sources = require_sources  # the sources policy (psp's write commands turn it on)
        self._store = Reader(backend, self.onto, include_private=True)  # the service's own reads
        self.log = ChangeLog(self._store)

    @classmethod
    def open(cls, url: str | None = None, *, read_only: bool = False, require_sources: bool = False) -> Graph:
        """Open the store at ``url`` (``--store``, ``PSP_STORE`` or ``sqlite:///psp.db``);
        ``read_only`` for commands that only read (no write lock, no set-up, no new store);
        ``require_sources`` refuses any new fact that cites no source (docs/trust.md)."""
        onto = load_ontology()
        return cls(open_backend(url, onto, read_only=read_only), onto, require_sources=require_sources)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @cached_property
    def validator(self) -> Validator:
        """The ontology's validator (imported on the first write: reads never build the models)."""
        from psp_graph.validate import Validator

        return Validator(self.onto)

    def reader(self, *, include_private: bool = False) -> Reader:
        """The door for reads: nodes, links, search, history and settings, with privacy
        applied (private nodes by pseudonym unless ``include_private``)."""
        return Reader(self.backend, self.onto, include_private=include_private)

    # -- writing -------------------------------------------------------------
    def load_records(
        self,
        records: Iterable[RawRecord],
        *,
        summary: str,
        dry_run: bool = False,
        on_record: Callable[[], None] | None = None,
    ) -> Result:
        """Validate every record, then write them all in one change set, or nothing."""
        nodes: dict[str, tuple[StoredNode, RawRecord]] = {}
        links: dict[str, tuple[StoredLink, RawRecord]] = {}
        for raw in records:
            if on_record is not None:
                on_record()
            if raw.section == "links":
                link = self.validator.link(raw)
                self._no_conflict(links, link.id, link, raw, what="link")
                links[link.id] = (link, raw)
            else:
                node = self.validator.node(raw)
                self._no_conflict(nodes, node.id, node, raw, what="id")
                nodes[node.id] = (node, raw)
        return self.write_validated(nodes, links, summary=summary, dry_run=dry_run)

    def write_validated(
        self,
        nodes: dict[str, tuple[StoredNode, RawRecord]],
        links: dict[str, tuple[StoredLink, RawRecord]],
        *,
        summary: str,
        dry_run: bool = False,
    ) -> Result:
        """Check the references of records the validator made (by id, with the raw record
        each came from), then write them all in one change set, or nothing."""
        from psp_graph.references import check_references

        check_references(self.validator, self._store, nodes, links)
        planned = self.ready_to_write(nodes, links)
        if not dry_run:  # only now: a file with an error writes nothing, not even the init change set
            self.initialise()
        batch, result = self._plan(*planned, "load", summary)
        if dry_run or result.changeset is None:
            return result
        self.backend.apply(batch)
        return result

    def ready_to_write(
        self,
        nodes: dict[str, tuple[StoredNode, RawRecord]],
        links: dict[str, tuple[StoredLink, RawRecord]],
    ) -> tuple[list[StoredNode], list[StoredLink]]:
        """The checks every load makes before planning its records (each cites a source, when
        the store requires it), and the records with the sources that name a private person
        made private: what :meth:`plan_into` plans. Reads only; writes nothing."""
        if self.require_sources:
            check_sourced(self.backend, nodes, links)
        return private_cited_sources(
            self.validator, self.backend, [n for n, _ in nodes.values()], [link for link, _ in links.values()]
        )

    @property
    def parts_store(self) -> PartsStore | None:
        """The store when it can write one change set in parts (:class:`PartsStore`), else None."""
        return self.backend if isinstance(self.backend, PartsStore) else None

    def apply(self, batch: Batch) -> None:
        """Write a planned batch (made by :meth:`plan_into`) in one transaction."""
        self.backend.apply(batch)

    @staticmethod
    def _no_conflict(seen: dict[str, Any], key: str, item: Any, raw: RawRecord, *, what: str) -> None:
        if key in seen and seen[key][0] != item:
            first = seen[key][1]
            raise InvalidData(
                f"duplicate {what} '{key}' with different data (first at row {first.row})",
                file=raw.file,
                row=raw.row,
                field="id",
            )

    def add(
        self,
        data: dict[str, Any],
        *,
        section: str = "nodes",
        sources: Iterable[str] = (),
        source_kind: str | None = None,
        summary: str | None = None,
    ) -> Result:
        """Add or update one node (or a link, with ``section="links"``) from a dict of fields,
        citing ``sources``: ``src:`` ids, or titles/URLs that become new sources. A person
        gets a fresh opaque id, never one made from their name."""
        data = dict(data)
        types = data.get("types") or data.get("type") or []
        if (
            section != "links"
            and "id" not in data
            and any(str(t).lower() == "person" for t in ([types] if isinstance(types, str) else types))
        ):
            data["id"] = new_person_id()
        ids, new = cited_sources(self._store, sources, source_kind)
        if ids:
            data["sources"] = list(dict.fromkeys([*parse_list(data.get("sources")), *ids]))
        records = [RawRecord("", None, "sources", s) for s in new]
        records.append(RawRecord("", None, section, data))
        what = "link" if section == "links" else "node"
        return self.load_records(records, summary=summary or f"add {what}")

    def add_node(self, data: dict[str, Any], *, section: str = "nodes") -> Result:
        """Add or update one node from a dict of fields (persons get a fresh opaque id)."""
        return self.add(data, section=section)

    def add_link(self, data: dict[str, Any]) -> Result:
        """Add or update one link from a dict of fields (``type``, ``from``, ``to``, ...)."""
        return self.add(data, section="links")

    def remove(self, entity_id: str) -> Result:
        """Remove a node (with its links) or a link, as one change set."""
        node = self.backend.get_node(entity_id)
        link = None if node else self.backend.get_link(entity_id)
        if node is None and link is None:
            raise NodeNotFound(f"no node or link '{entity_id}'{self._store.suggest(entity_id)}")
        batch = self.log.new_batch("remove", f"remove {entity_id}")
        gone_links = self.backend.links_of(entity_id) if node else [link]
        privates = self.log.private_ids([end for g in gone_links if g for end in (g.source, g.target)])
        for gone in gone_links:
            assert gone is not None
            batch.delete_links.append(gone.id)
            self.log.record(batch, "delete", gone, None, privates)
        if node is not None:
            batch.delete_nodes.append(node.id)
            self.log.record(batch, "delete", node, None, privates)
        self.backend.apply(batch)
        return Result(changeset=batch.changeset.id, deleted=len(batch.changes), ids=[entity_id])

    def redo(self) -> Result:
        """Re-apply what the newest ``undo`` took back (undoing that undo), while no new change came after."""
        return self.undo(changeset_to_redo(self.backend), action="redo")

    def write_changes(
        self,
        nodes: list[StoredNode],
        links: list[StoredLink],
        *,
        delete_nodes: Iterable[str] = (),
        action: str,
        summary: str,
    ) -> Result:
        """Upsert validated nodes and links and delete nodes (with the links not upserted)
        as one change set, recorded in history and undoable (used by psp merge)."""
        batch, result = self._plan(nodes, links, action, summary)
        kept = {link.id for link in links}
        for node_id in delete_nodes:
            node = self.backend.get_node(node_id)
            if node is None:
                raise NodeNotFound(f"no node '{node_id}'{self._store.suggest(node_id)}")
            gone = [g for g in self.backend.links_of(node_id) if g.id not in kept]
            privates = self.log.private_ids([node_id, *(e for g in gone for e in (g.source, g.target))])
            for link in gone:
                batch.delete_links.append(link.id)
                self.log.record(batch, "delete", link, None, privates)
            batch.delete_nodes.append(node_id)
            self.log.record(batch, "delete", node, None, privates)
            result.deleted += 1 + len(gone)
        if batch.is_empty():
            return Result(unchanged=result.unchanged)
        result.changeset = batch.changeset.id
        self.backend.apply(batch)
        return result

    def undo(self, changeset: str, *, action: str = "undo") -> Result:
        """Apply the inverse of a change set (an id, or ``last``) as a new change set."""
        batch = undo_batch(self.backend, self.log, changeset, action=action)
        self.backend.apply(batch)
        ops = [c.op for c in batch.changes]
        return Result(
            changeset=batch.changeset.id,
            created=ops.count("create"),
            updated=ops.count("update"),
            deleted=ops.count("delete"),
            ids=[batch.changeset.undoes or changeset],
        )

    # -- erasure (orchestrated by psp_graph.erase) ---------------------------------
    def erase_records(
        self, node_ids: list[str], link_ids: list[str], words: list[str], summary: str
    ) -> tuple[str, str | None]:
        """Delete nodes and links for good: one ``erase`` change set holding only tombstones
        (hashes of the ids, so a sync can pass the erasure on), every earlier history entry
        about them forgotten, change-set summaries naming ``words`` blanked, and the store
        purged. Cannot be undone. Returns the change set id, and the store's line on what its
        files still hold (None when nothing)."""
        from psp_graph.backends.base import ErasableStore

        if not isinstance(self.backend, ErasableStore):
            raise PspGraphError(f"the store {self.backend.url} cannot erase (no forget/purge)")
        batch = self.log.new_batch("erase", summary)
        batch.delete_links.extend(link_ids)
        batch.delete_nodes.extend(node_ids)
        for kind, ids in (("link", link_ids), ("node", node_ids)):
            for entity_id in ids:
                batch.changes.append(
                    Change(
                        batch.changeset.id,
                        len(batch.changes),
                        "erase",
                        kind,
                        tombstone(entity_id),
                        None,
                        None,
                    )
                )
        self.backend.apply(batch)
        self.backend.forget([*node_ids, *link_ids], [*words, *node_ids, *link_ids])
        residue = self.backend.purge()
        return batch.changeset.id, residue

    # -- copying another store in (psp sync) ------------------------------------
    def copy_changeset(self, changeset: ChangeSet, changes: list[Change]) -> None:
        """Add another store's change set to this store's history, as it was."""
        self.backend.apply(Batch(changeset, changes=changes))

    def copy_records(self, records: list[StoredNode | StoredLink], summary: str) -> tuple[int, int, int]:
        """Write records exactly as another store holds them, in one ``sync`` change set
        (history without personal fields, like any write). Returns created, updated, unchanged."""
        nodes = self.backend.get_nodes(r.id for r in records if isinstance(r, StoredNode))
        links = self.backend.get_links(r.id for r in records if isinstance(r, StoredLink))
        current: dict[str, StoredNode | StoredLink] = {**nodes, **links}
        batch = self.log.new_batch("sync", summary)
        privates = self.log.private_in(records)
        created = updated = unchanged = 0
        for item in records:
            old = current.get(item.id)
            if old == item:
                unchanged += 1
                continue
            created += old is None
            updated += old is not None
            self.log.upsert(batch, old, item, privates)
        if not batch.is_empty():
            self.backend.apply(batch)
        return created, updated, unchanged

    def can_bulk_load(self) -> bool:
        """True when the store offers bulk loads (backends.base.BulkStore) and is empty."""
        from psp_graph.backends.base import BulkStore

        return isinstance(self.backend, BulkStore) and self.backend.is_empty()

    def bulk_copy(
        self,
        history: Iterable[tuple[ChangeSet, list[Change]]],
        chunks: Iterable[tuple[str, list[StoredNode | StoredLink]]],
    ) -> None:
        """Copy another store into this empty one in one bulk load, all or nothing: its change
        sets as they were, then each chunk of records (nodes before links) as one ``sync`` change
        set, exactly as :meth:`copy_records` writes it into an empty store."""
        from psp_graph.backends.base import BulkStore

        assert isinstance(self.backend, BulkStore)
        self.backend.bulk_apply(self.log.creation_batches(history, chunks))

    def set_meta(self, key: str, value: str) -> None:
        """Set a store-level setting (a saved map layout, the ``initialised`` mark)."""
        self.backend.set_meta(key, value)

    # -- planning ----------------------------------------------------------------
    def _plan(
        self, nodes: list[StoredNode], links: list[StoredLink], action: str, summary: str
    ) -> tuple[Batch, Result]:
        batch = self.log.new_batch(action, summary)
        result = Result(changeset=batch.changeset.id)
        self.plan_into(batch, result, nodes, links)
        if batch.is_empty():
            result.changeset = None
        return batch, result

    def plan_into(
        self,
        batch: Batch,
        result: Result,
        nodes: list[StoredNode],
        links: list[StoredLink],
        cites: dict[str, list[str]] | None = None,
    ) -> None:
        """Add the created and updated records to ``batch`` (stamped, with their history
        entries) and count them in ``result``; records that would not change are counted only.
        ``cites`` maps stored nodes to sources that also cite them (nothing else about them
        changes): each is a ``cite`` change, not a rewrite of the node (docs/design.md)."""
        stamp = {"recorded_by": batch.changeset.by, "recorded_at": batch.changeset.at}
        existing: dict[str, StoredNode | StoredLink] = {
            **self.backend.get_nodes([*(n.id for n in nodes), *(cites or ())]),
            **self.backend.get_links(link.id for link in links),
        }
        for node_id, sources in (cites or {}).items():
            old = existing.get(node_id)
            if not isinstance(old, StoredNode):
                raise InvalidData(f"no node '{node_id}' to cite a source for", field="id")
            added = [s for s in dict.fromkeys(sources) if s not in old.props.get("sources", [])]
            if not added:
                result.unchanged += 1
                continue
            result.ids.append(node_id)
            result.updated += 1
            self.log.cite(batch, old, added)
        items: list[StoredNode | StoredLink] = [*nodes, *links]
        privates = self.log.private_in(items)
        for item in items:
            old = existing.get(item.id)
            props = {**item.props}
            if old is not None and old.props.get("sources"):
                props["sources"] = list(dict.fromkeys([*old.props["sources"], *props.get("sources", [])]))
            new = dataclasses.replace(item, props={**props, **stamp})
            if old is not None and _same_record(old, new):
                result.unchanged += 1
                continue
            result.ids.append(item.id)
            result.created += old is None
            result.updated += old is not None
            self.log.upsert(batch, old, new, privates)

    def initialise(self, *, part: bool = False) -> None:
        """Add the ontology's issues to a new store (once), as the ``init`` change set
        (with ``part``, inside the transaction a :class:`PartWriter` opened)."""
        if self.backend.get_meta("initialised"):
            return
        batch = self.log.new_batch("init", "add the ontology's issues")
        stamp = {"recorded_by": "psp-graph", "recorded_at": batch.changeset.at}
        present = self.backend.get_nodes(self.onto.issues)
        from psp_graph.references import ontology_issue_nodes

        for node in ontology_issue_nodes(self.validator, self.onto.issues).values():
            if node.id not in present:
                node = dataclasses.replace(node, props={**node.props, **stamp})
                self.log.upsert(batch, None, node, set())
        if not batch.is_empty():
            if part:
                assert isinstance(self.backend, PartsStore)
                self.backend.apply_part(batch)
            else:
                self.backend.apply(batch)
        self.backend.set_meta("initialised", batch.changeset.at)
