"""How SQLiteBackend writes (the mixin :class:`SQLiteWrites`): a Batch in one
``BEGIN IMMEDIATE`` transaction (``apply``), or several batches in one transaction
(``begin``, ``apply_part``, ``commit``, ``rollback``: the ``PartsStore`` ability).

A batch deletes links and nodes, upserts nodes (with their labels, identifiers and
name-index rows) and links, then inserts its change set and changes; an integrity
error becomes one line of :class:`~psp_graph.exc.InvalidData` and rolls it all back.
Attributes are encoded to JSON once per record and reused for its history entry.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from psp_graph.backends.sqlite_schema import _INSERT_CHANGESET, _INSERT_PART_CHANGESET
from psp_graph.exc import InvalidData, cannot
from psp_graph.records import Batch, StoredLink, StoredNode, canonical_json, encode_snapshot

__all__ = ["SQLiteWrites"]


def _fts_rowid(node_id: str) -> int:
    """A node's rowid in the name index: 63 bits of SHA-256 of its id (stable, no look-up)."""
    return int.from_bytes(hashlib.sha256(node_id.encode()).digest()[:8], "big") >> 1


def _props_json(item: StoredNode | StoredLink, encoded: dict[int, str]) -> str:
    text = encoded[id(item.props)] = canonical_json(item.props)
    return text


def _snapshot_json(snapshot: dict[str, Any] | None, encoded: dict[int, str]) -> str | None:
    """A history snapshot as stored (the text of encode_snapshot), encoding a created or
    updated record's attributes once: its snapshot holds the same dict the record row was
    written from (the batch keeps both alive, so the id() cannot be reused meanwhile)."""
    if snapshot is None:
        return None
    props = encoded.get(id(snapshot.get("props")))
    if props is None:
        return encode_snapshot(snapshot)
    # Two encodings around "props" (keys sorted), not one per key: a load writes a snapshot per record.
    head = canonical_json({k: v for k, v in snapshot.items() if k < "props"})[1:-1]
    tail = canonical_json({k: v for k, v in snapshot.items() if k > "props"})[1:-1]
    return "{" + ",".join(p for p in (head, f'"props":{props}', tail) if p) + "}"


class SQLiteWrites:
    """The writes of :class:`~psp_graph.backends.sqlite.SQLiteBackend` (a mixin)."""

    conn: sqlite3.Connection
    url: str

    def apply(self, batch: Batch) -> None:
        cur = self.conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            self._write(cur, batch)
            cur.execute("COMMIT")
        except sqlite3.IntegrityError as err:
            cur.execute("ROLLBACK")
            raise InvalidData(self._explain(err)) from err
        except sqlite3.DatabaseError as err:
            if self.conn.in_transaction:
                cur.execute("ROLLBACK")
            raise cannot("write to", self.url, err) from err
        except BaseException:
            if self.conn.in_transaction:
                cur.execute("ROLLBACK")
            raise

    # -- one transaction over several batches (see PartsStore) --------------------
    def begin(self) -> None:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            # A part may hold links to nodes a later part writes: check references at commit.
            self.conn.execute("PRAGMA defer_foreign_keys = ON")
        except sqlite3.DatabaseError as err:
            raise cannot("write to", self.url, err) from err

    def apply_part(self, batch: Batch) -> None:
        """Write a batch inside the transaction :meth:`begin` opened; a batch of a change set
        already written adds to it (its changes continue the sequence)."""
        try:
            self._write(self.conn.cursor(), batch, part=True)
        except sqlite3.IntegrityError as err:
            self.rollback()
            raise InvalidData(self._explain(err)) from err
        except sqlite3.DatabaseError as err:
            self.rollback()
            raise cannot("write to", self.url, err) from err

    def commit(self) -> None:
        try:
            self.conn.execute("COMMIT")
        except sqlite3.IntegrityError as err:  # a deferred reference check failed: still open
            self.rollback()
            raise InvalidData(self._explain(err)) from err
        except sqlite3.DatabaseError as err:
            self.rollback()
            raise cannot("write to", self.url, err) from err

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def _write(self, cur: sqlite3.Cursor, batch: Batch, *, part: bool = False) -> None:
        cur.executemany("DELETE FROM links WHERE id = ?", [(i,) for i in batch.delete_links])
        if batch.delete_nodes:
            ids = [(i,) for i in batch.delete_nodes]
            cur.executemany(
                "DELETE FROM names_fts WHERE rowid = ?", [(_fts_rowid(i),) for i in batch.delete_nodes]
            )
            cur.executemany("DELETE FROM nodes WHERE id = ?", ids)
        encoded: dict[int, str] = {}  # id() of an attributes dict -> its JSON (see _snapshot_json)
        cited = [n for n in batch.upsert_nodes if n.id in batch.sources_only]
        # Only their sources changed: the row's attributes, not its labels, identifiers or search text.
        cur.executemany(
            "UPDATE nodes SET props = ? WHERE id = ?", [(canonical_json(n.props), n.id) for n in cited]
        )
        rest = (
            [n for n in batch.upsert_nodes if n.id not in batch.sources_only] if cited else batch.upsert_nodes
        )
        self._upsert_nodes(cur, rest, encoded)
        self._upsert_links(cur, batch.upsert_links, encoded)
        if batch.delete_nodes:
            # FTS5 keeps deleted tokens in older index segments until they merge: merge now, so
            # nothing of a removed node stays searchable or readable in the index.
            cur.execute("INSERT INTO names_fts(names_fts) VALUES ('optimize')")
        cs = batch.changeset
        cur.execute(  # a change set written in parts is inserted with its first part
            _INSERT_PART_CHANGESET if part else _INSERT_CHANGESET,
            (cs.id, cs.at, cs.by, cs.action, cs.summary, cs.undoes),
        )
        cur.executemany(
            "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.changeset_id,
                    c.seq,
                    c.op,
                    c.entity,
                    c.entity_id,
                    encode_snapshot(c.before),
                    _snapshot_json(c.after, encoded),
                )
                for c in batch.changes
            ],
        )

    @staticmethod
    def _explain(err: sqlite3.IntegrityError) -> str:
        text = str(err)
        if "identifiers.identifier" in text:
            return "an identifier is already used by another actor"
        if "FOREIGN KEY" in text:
            return "a link refers to a node that does not exist"
        return f"the store refused the change ({text})"

    def _upsert_nodes(self, cur: sqlite3.Cursor, nodes: list[StoredNode], encoded: dict[int, str]) -> None:
        if not nodes:
            return
        ids = [(n.id,) for n in nodes]
        cur.executemany(
            "INSERT INTO nodes(id, types, labels, name, props) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET types = excluded.types, labels = excluded.labels, "
            "name = excluded.name, props = excluded.props",
            [
                (n.id, json.dumps(list(n.types)), json.dumps(list(n.labels)), n.name, _props_json(n, encoded))
                for n in nodes
            ],
        )
        cur.executemany("DELETE FROM node_labels WHERE node_id = ?", ids)
        cur.executemany(
            "INSERT INTO node_labels(label, node_id) VALUES (?, ?)",
            [(label, n.id) for n in nodes for label in n.labels],
        )
        cur.executemany("DELETE FROM identifiers WHERE node_id = ?", ids)
        cur.executemany(
            "INSERT INTO identifiers(identifier, node_id) VALUES (?, ?)",
            [(ident, n.id) for n in nodes for ident in n.props.get("identifiers", [])],
        )
        # By rowid: node_id is an UNINDEXED column, and deleting by it scans the whole index.
        cur.executemany("DELETE FROM names_fts WHERE rowid = ?", [(_fts_rowid(n.id),) for n in nodes])
        cur.executemany(
            "INSERT INTO names_fts(rowid, node_id, name, description) VALUES (?, ?, ?, ?)",
            [(_fts_rowid(n.id), n.id, n.name, n.search_text()) for n in nodes],
        )

    def _upsert_links(self, cur: sqlite3.Cursor, links: list[StoredLink], encoded: dict[int, str]) -> None:
        cur.executemany(
            "INSERT INTO links(id, type, source, target, props) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET type = excluded.type, source = excluded.source, "
            "target = excluded.target, props = excluded.props",
            [(x.id, x.type, x.source, x.target, _props_json(x, encoded)) for x in links],
        )
