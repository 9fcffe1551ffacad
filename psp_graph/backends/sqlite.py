"""The embedded store: one SQLite file (WAL, busy timeout, FTS5 name search).

Nodes and links keep their attributes as JSON; labels, identifiers and the
full-text index live in side tables so look-ups stay indexed.

Erasure: ``secure_delete`` is on (freed pages are zeroed), a batch that deletes
nodes merges the full-text index so no token of them stays in it, and purge()
checkpoints the write-ahead log, VACUUMs and truncates the log.

``read_only=True`` opens an existing file with a read-only connection: no schema
writes, no write lock, so reads never wait behind a long load (WAL readers do not
block), and a missing file is an error instead of a new empty store.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from psp_graph.backends.base import LinkRow
from psp_graph.exc import InvalidData, StoreUnavailable, cannot
from psp_graph.records import (
    Batch,
    BriefRow,
    Change,
    ChangeSet,
    Stats,
    StoredLink,
    StoredNode,
    canonical_json,
    decode_snapshot,
    encode_snapshot,
)

__all__ = ["SQLiteBackend", "sqlite_path"]

SCHEMA_VERSION = "1"
_ATTRIBUTE = re.compile(r"^[a-z_][a-z0-9_]*$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT PRIMARY KEY, types TEXT NOT NULL, labels TEXT NOT NULL,
    name TEXT NOT NULL, props TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS node_labels (
    label TEXT NOT NULL, node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    PRIMARY KEY (label, node_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS node_labels_node ON node_labels(node_id);
CREATE TABLE IF NOT EXISTS identifiers (
    identifier TEXT PRIMARY KEY,
    node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS identifiers_node ON identifiers(node_id);
CREATE TABLE IF NOT EXISTS links (
    id TEXT PRIMARY KEY, type TEXT NOT NULL,
    source TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    target TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
    props TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS links_source ON links(source);
CREATE INDEX IF NOT EXISTS links_target ON links(target);
CREATE INDEX IF NOT EXISTS links_type ON links(type);
-- Type first, then the ends: analyses read the ends of the links of some types from
-- this index alone, without the rows' attributes. links_type stays for reading whole
-- rows of a type: its entries are in row order, so the rows are read in order too.
CREATE INDEX IF NOT EXISTS links_type_ends ON links(type, source, target);
CREATE VIRTUAL TABLE IF NOT EXISTS names_fts USING fts5(
    node_id UNINDEXED, name, description, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS changesets (
    id TEXT PRIMARY KEY, at TEXT NOT NULL, by TEXT NOT NULL, action TEXT NOT NULL,
    summary TEXT NOT NULL, undoes TEXT);
CREATE TABLE IF NOT EXISTS changes (
    changeset_id TEXT NOT NULL REFERENCES changesets(id), seq INTEGER NOT NULL,
    op TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
    before TEXT, after TEXT, PRIMARY KEY (changeset_id, seq));
CREATE INDEX IF NOT EXISTS changes_entity ON changes(entity_id);
"""


# A node's links: UNION ALL with the self-links left out of the second half (a plain
# UNION would compare whole rows, attributes and all, to drop duplicates).
_LINKS_AROUND = (
    "SELECT id, type, source, target, props FROM links WHERE source = ? UNION ALL "
    "SELECT id, type, source, target, props FROM links WHERE target = ? AND source != ? ORDER BY id"
)
_COUNT_AROUND = (
    "SELECT count(*) FROM (SELECT 1 FROM links WHERE source = ? UNION ALL "
    "SELECT 1 FROM links WHERE target = ? AND source != ?)"
)
_SOURCES_AROUND = (
    "SELECT DISTINCT json_type(props, '$.sources'), json_extract(props, '$.sources') FROM ("
    "SELECT props FROM links WHERE source = ? UNION ALL "
    "SELECT props FROM links WHERE target = ? AND source != ?)"
)
_INSERT_CHANGESET = "INSERT INTO changesets(id, at, by, action, summary, undoes) VALUES (?, ?, ?, ?, ?, ?)"
_INSERT_PART_CHANGESET = _INSERT_CHANGESET + " ON CONFLICT(id) DO NOTHING"


def sqlite_path(url: str) -> str | None:
    """The file a SQLite store URL (or bare path) names, ':memory:', or None for another store."""
    if url.startswith("sqlite:"):
        return _path_from_url(url)
    return None if "://" in url else url


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


def _path_from_url(url: str) -> str:
    rest = url.removeprefix("sqlite:")
    if rest in {"//:memory:", ":memory:", "///:memory:"}:
        return ":memory:"
    if rest.startswith("///"):
        return rest[3:]
    if rest.startswith("//"):
        return rest[2:]
    return rest


class SQLiteBackend:
    """Stores the graph in SQLite (stdlib sqlite3)."""

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        from psp_graph.backends import safe_url

        self.url = safe_url(url)  # any user:password@ never reaches a message
        if self.url != url:
            raise StoreUnavailable(
                f"{self.url}: a SQLite store takes no user or password; use sqlite:///path/to/file.db"
            )
        self.path = _path_from_url(url)
        self.read_only = read_only and self.path != ":memory:"
        if self.read_only:
            self._open_read_only()
            return
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().resolve().parent
            blocker = next((p for p in [parent, *parent.parents] if p.exists()), None)
            if blocker is not None and not blocker.is_dir():
                raise cannot("open", self.url, f"{blocker} is a file, not a folder")
            if not parent.exists():
                raise cannot("open", self.url, f"folder {parent} does not exist")
        try:
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 30000")
            self.conn.execute("PRAGMA secure_delete = ON")
            if self.path != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.executescript(_SCHEMA)
            self.conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
            )
            self._key_search_index_by_node()
        except sqlite3.DatabaseError as err:
            raise cannot("open", self.url, err) from err

    def _open_read_only(self) -> None:
        path = Path(self.path).expanduser()
        if not path.is_file():
            raise StoreUnavailable(
                f"no store at {self.url}: create one with 'psp init' (or 'psp load FILE', 'psp demo'), "
                "or point --store / PSP_STORE at an existing one"
            )
        try:
            self.conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5, isolation_level=None
            )
            self.conn.execute("PRAGMA busy_timeout = 5000")
            self.conn.execute("PRAGMA query_only = ON")
            if (
                self.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'nodes'").fetchone()[0]
                == 0
            ):
                raise StoreUnavailable(f"{self.url} is not a psp-graph store (no nodes table)")
        except sqlite3.DatabaseError as err:
            raise cannot("open", self.url, err) from err

    def close(self) -> None:
        self.conn.close()

    def forget(self, entity_ids: Iterable[str], words: Iterable[str]) -> None:
        ids = [(i,) for i in dict.fromkeys(entity_ids)]
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany("DELETE FROM changes WHERE entity_id = ?", ids)
            self.conn.executemany(
                "UPDATE changesets SET summary = action || ' (erased)' "
                "WHERE instr(lower(summary), lower(?)) > 0",
                [(w,) for w in dict.fromkeys(words) if w],
            )
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise cannot("write to", self.url, err) from err

    def purge(self) -> None:  # the files are clean afterwards
        """Leave nothing of removed data in the files: merge the full-text index, checkpoint the
        write-ahead log, VACUUM (secure_delete zeroes freed pages) and truncate the log."""
        if self.read_only:
            raise StoreUnavailable(f"{self.url} is open read-only")
        try:
            self.conn.execute("INSERT INTO names_fts(names_fts) VALUES ('optimize')")
            if self.path != ":memory:":
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.execute("VACUUM")
            if self.path != ":memory:":
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError as err:
            raise cannot("purge", self.url, err) from err

    def _key_search_index_by_node(self) -> None:
        """Once per store: rebuild the name index with rowids derived from node ids."""
        if self.get_meta("fts_rowid") == "sha256":
            return
        rows = self.conn.execute("SELECT id, types, labels, name, props FROM nodes").fetchall()
        nodes = [
            StoredNode(i, tuple(json.loads(t)), tuple(json.loads(lb)), n, json.loads(p))
            for i, t, lb, n, p in rows
        ]
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("DELETE FROM names_fts")
        self.conn.executemany(
            "INSERT INTO names_fts(rowid, node_id, name, description) VALUES (?, ?, ?, ?)",
            [(_fts_rowid(n.id), n.id, n.name, n.search_text()) for n in nodes],
        )
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fts_rowid', 'sha256')")
        self.conn.execute("COMMIT")

    # -- writes ----------------------------------------------------------------
    def apply(self, batch: Batch) -> None:
        cur = self.conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            self._write(cur, batch)
            cur.execute("COMMIT")
        except sqlite3.IntegrityError as err:
            cur.execute("ROLLBACK")
            raise InvalidData(self._explain(err, batch)) from err
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
            raise InvalidData(self._explain(err, batch)) from err
        except sqlite3.DatabaseError as err:
            self.rollback()
            raise cannot("write to", self.url, err) from err

    def commit(self) -> None:
        try:
            self.conn.execute("COMMIT")
        except sqlite3.IntegrityError as err:  # a deferred reference check failed: still open
            self.rollback()
            raise InvalidData(self._explain(err, None)) from err
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

    def _explain(self, err: sqlite3.IntegrityError, batch: Batch | None) -> str:
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

    # -- reads -----------------------------------------------------------------
    @staticmethod
    def _node(row: tuple[Any, ...]) -> StoredNode:
        return StoredNode(
            id=row[0],
            types=tuple(json.loads(row[1])),
            labels=tuple(json.loads(row[2])),
            name=row[3],
            props=json.loads(row[4]),
        )

    @staticmethod
    def _link(row: tuple[Any, ...]) -> StoredLink:
        return StoredLink(id=row[0], type=row[1], source=row[2], target=row[3], props=json.loads(row[4]))

    def get_node(self, node_id: str) -> StoredNode | None:
        row = self.conn.execute(
            "SELECT id, types, labels, name, props FROM nodes WHERE id = ?", (node_id,)
        ).fetchone()
        return self._node(row) if row else None

    def _rows_by_id(self, select: str, ids: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``SELECT ... WHERE id IN (...)`` for many ids, 500 placeholders at a time."""
        unique = list(dict.fromkeys(ids))
        if len(unique) > 20_000:  # a good part of the table: one scan beats a lookup per id
            table = select.rsplit(" FROM ", 1)[1]
            if len(unique) * 3 > self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:  # noqa: S608
                wanted = set(unique)
                yield from (row for row in self.conn.execute(select) if row[0] in wanted)
                return
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            yield from self.conn.execute(f"{select} WHERE id IN ({','.join('?' * len(chunk))})", chunk)

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, StoredNode]:
        rows = self._rows_by_id("SELECT id, types, labels, name, props FROM nodes", node_ids)
        return {row[0]: self._node(row) for row in rows}

    def get_link(self, link_id: str) -> StoredLink | None:
        row = self.conn.execute(
            "SELECT id, type, source, target, props FROM links WHERE id = ?", (link_id,)
        ).fetchone()
        return self._link(row) if row else None

    def get_links(self, link_ids: Iterable[str]) -> dict[str, StoredLink]:
        rows = self._rows_by_id("SELECT id, type, source, target, props FROM links", link_ids)
        return {row[0]: self._link(row) for row in rows}

    def links_of(self, node_id: str) -> list[StoredLink]:
        rows = self.conn.execute(_LINKS_AROUND, (node_id, node_id, node_id))
        return [self._link(r) for r in rows]

    # -- a node's links a few at a time (NeighbourStore) ---------------------------
    def count_links_of(self, node_id: str) -> int:
        return int(self.conn.execute(_COUNT_AROUND, (node_id, node_id, node_id)).fetchone()[0])

    def iter_links_of(self, node_id: str, limit: int | None = None) -> Iterator[StoredLink]:
        args: tuple[Any, ...] = (node_id, node_id, node_id)
        cursor = (
            self.conn.execute(_LINKS_AROUND, args)
            if limit is None
            else self.conn.execute(_LINKS_AROUND + " LIMIT ?", (*args, limit))
        )
        while rows := cursor.fetchmany(2000):
            yield from map(self._link, rows)

    def sources_cited_around(self, node_id: str) -> set[str]:
        # Few distinct lists (most links cite the same sources): each is decoded once.
        cited: set[str] = set()
        for kind, value in self.conn.execute(_SOURCES_AROUND, (node_id, node_id, node_id)):
            if kind == "array":
                cited.update(v for v in json.loads(value) if isinstance(v, str))
            elif kind == "text":
                cited.add(value)
        return cited

    def iter_nodes(self, label: str | None = None) -> Iterator[StoredNode]:
        if label is None:
            rows = self.conn.execute("SELECT id, types, labels, name, props FROM nodes ORDER BY id")
        else:
            rows = self.conn.execute(
                "SELECT n.id, n.types, n.labels, n.name, n.props FROM node_labels l "
                "JOIN nodes n ON n.id = l.node_id WHERE l.label = ? ORDER BY n.id",
                (label,),
            )
        for row in rows.fetchall():
            yield self._node(row)

    def iter_links(self, rel_type: str | None = None) -> Iterator[StoredLink]:
        if rel_type is None:
            rows = self.conn.execute("SELECT id, type, source, target, props FROM links ORDER BY id")
        else:
            rows = self.conn.execute(
                "SELECT id, type, source, target, props FROM links WHERE type = ? ORDER BY id", (rel_type,)
            )
        for row in rows.fetchall():
            yield self._link(row)

    def iter_link_rows(self) -> Iterator[LinkRow]:
        """Every link as a row with undecoded attributes, in storage order: a fast path
        for analyses, which decode attributes only for the links they need."""
        rows = self.conn.execute("SELECT id, type, source, target, props FROM links")
        return map(LinkRow._make, rows)

    @staticmethod
    def _extracts(attributes: Sequence[str], column: str) -> tuple[str, list[str]]:
        """``, json_extract(props, ?)…`` for the attributes, their paths as parameters."""
        for name in attributes:
            if not _ATTRIBUTE.match(name):
                raise ValueError(f"not an attribute name: {name!r}")
        return "".join(f", json_extract({column}, ?)" for _ in attributes), [f"$.{a}" for a in attributes]

    def link_columns(
        self,
        types: Collection[str],
        attributes: Sequence[str] = (),
        *,
        as_of: str | None = None,
        issues: Collection[str] | None = None,
        ids: bool = True,
        touching: Collection[str] | None = None,
    ) -> list[tuple[Any, ...]]:
        """Links as columns, filtered in SQL (see :class:`psp_graph.backends.base.ColumnStore`)."""
        types = sorted(types)
        if not types:
            return []
        extracts, args = self._extracts(attributes, "props")
        # Only placeholders and fixed text are formatted in; every value is a parameter.
        marks = ",".join("?" * len(types))
        first = "id" if ids else "NULL"
        scan, use = "", ""
        if touching is None and (bool(attributes) or as_of is not None or issues is not None or ids):
            # The rows themselves are needed (the ends alone come from links_type_ends). For
            # most of the table one scan reads them faster than a lookup per row; else through
            # links_type, whose entries are in row order (links_type_ends would visit the rows
            # in the order of their ends, all over the file).
            count = f"SELECT count(*) FROM links WHERE type IN ({marks})"  # noqa: S608
            wanted = self.conn.execute(count, types).fetchone()[0]
            if wanted * 3 > self.conn.execute("SELECT count(*) FROM links").fetchone()[0]:
                scan = "+"
            else:
                use = " INDEXED BY links_type"
        sql = f"SELECT {first}, type, source, target{extracts} FROM links{use} WHERE {scan}type IN ({marks})"  # noqa: S608
        args += types
        if as_of is not None:
            sql += (
                " AND coalesce(json_extract(props, '$.valid_from') <= ?, 1)"
                " AND coalesce(json_extract(props, '$.valid_to') >= ?, 1)"
            )
            args += [as_of, as_of]
        if issues is not None:
            marks = ",".join("?" * len(issues))
            sql += (
                f" AND (target IN ({marks}) OR EXISTS (SELECT 1 FROM json_each(props, '$.issues')"  # noqa: S608
                f" WHERE value IN ({marks})))"
            )
            args += [*issues, *issues]
        if touching is not None:
            # Through the index on each end; the second half leaves out the links the first
            # already gave. The ids go in as one JSON parameter (no limit on their number).
            ends = json.dumps(sorted(set(touching)))
            among = "IN (SELECT value FROM json_each(?))"
            sql = f"{sql} AND source {among} UNION ALL {sql} AND target {among} AND source NOT {among}"
            args = [*args, ends, *args, ends, ends]
        return self.conn.execute(sql, args).fetchall()

    def node_columns(self, label: str, attributes: Sequence[str] = ()) -> list[tuple[Any, ...]]:
        """Nodes with the label as columns (see :class:`psp_graph.backends.base.ColumnStore`)."""
        if not attributes:
            return self.conn.execute("SELECT node_id FROM node_labels WHERE label = ?", (label,)).fetchall()
        extracts, args = self._extracts(attributes, "n.props")
        return self.conn.execute(
            f"SELECT n.id{extracts} FROM node_labels l JOIN nodes n ON n.id = l.node_id WHERE l.label = ?",  # noqa: S608
            [*args, label],
        ).fetchall()

    def node_briefs(self, node_ids: Iterable[str]) -> dict[str, StoredNode]:
        """Nodes with only privacy, consent and pseudonym (see ColumnStore)."""
        return {row.id: row.as_node() for row in self.brief_rows(node_ids)}

    def brief_rows(self, node_ids: Iterable[str]) -> Iterator[BriefRow]:
        """The brief columns of the nodes among these ids (see ColumnStore)."""
        select = (
            "SELECT id, types, labels, name, json_extract(props, '$.privacy'),"
            " json_extract(props, '$.consent'), json_extract(props, '$.pseudonym') FROM nodes"
        )
        lists: dict[str, tuple[str, ...]] = {}  # few distinct type and label lists: decode each once
        for node_id, types, labels, name, privacy, consent, pseudonym in self._rows_by_id(select, node_ids):
            kinds = lists.get(types)
            if kinds is None:
                kinds = lists[types] = tuple(json.loads(types))
            marks = lists.get(labels)
            if marks is None:
                marks = lists[labels] = tuple(json.loads(labels))
            yield BriefRow(node_id, kinds, marks, name, privacy, consent, pseudonym)

    def node_for_identifier(self, identifier: str) -> str | None:
        row = self.conn.execute(
            "SELECT node_id FROM identifiers WHERE identifier = ?", (identifier,)
        ).fetchone()
        return row[0] if row else None

    def search(self, text: str, limit: int = 20) -> list[StoredNode]:
        words = re.findall(r"\w+", text)
        if not words:
            return []
        # Each word as a quoted prefix term: user text never reaches FTS syntax.
        query = " ".join('"' + w.replace('"', "") + '"*' for w in words)
        rows = self.conn.execute(
            "SELECT n.id, n.types, n.labels, n.name, n.props FROM names_fts f "
            "JOIN nodes n ON n.id = f.node_id WHERE names_fts MATCH ? ORDER BY f.rank, n.id LIMIT ?",
            (query, limit),
        )
        return [self._node(r) for r in rows]

    def stats(self) -> Stats:
        nodes = self.conn.execute("SELECT count(*) FROM nodes").fetchone()[0]
        links = self.conn.execute("SELECT count(*) FROM links").fetchone()[0]
        by_label = dict(
            self.conn.execute("SELECT label, count(*) FROM node_labels GROUP BY label ORDER BY label")
        )
        by_type = dict(self.conn.execute("SELECT type, count(*) FROM links GROUP BY type ORDER BY type"))
        changesets = self.conn.execute("SELECT count(*) FROM changesets").fetchone()[0]
        return Stats(
            nodes=nodes, links=links, nodes_by_label=by_label, links_by_type=by_type, changesets=changesets
        )

    @staticmethod
    def _changeset(row: tuple[Any, ...]) -> ChangeSet:
        return ChangeSet(id=row[0], at=row[1], by=row[2], action=row[3], summary=row[4], undoes=row[5])

    def changesets(self, entity_id: str | None = None, limit: int | None = None) -> list[ChangeSet]:
        sql = "SELECT id, at, by, action, summary, undoes FROM changesets"
        args: list[Any] = []
        if entity_id is not None:
            sql += " WHERE id IN (SELECT changeset_id FROM changes WHERE entity_id = ?)"
            args.append(entity_id)
        sql += " ORDER BY at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [self._changeset(r) for r in self.conn.execute(sql, args)]

    def get_changeset(self, changeset_id: str) -> ChangeSet | None:
        row = self.conn.execute(
            "SELECT id, at, by, action, summary, undoes FROM changesets WHERE id = ?", (changeset_id,)
        ).fetchone()
        return self._changeset(row) if row else None

    def changes(self, changeset_id: str) -> list[Change]:
        rows = self.conn.execute(
            "SELECT changeset_id, seq, op, entity, entity_id, before, after FROM changes "
            "WHERE changeset_id = ? ORDER BY seq",
            (changeset_id,),
        )
        return [
            Change(
                changeset_id=r[0],
                seq=r[1],
                op=r[2],
                entity=r[3],
                entity_id=r[4],
                before=decode_snapshot(r[5]),
                after=decode_snapshot(r[6]),
            )
            for r in rows
        ]

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
