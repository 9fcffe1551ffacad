"""The embedded store: one SQLite file (WAL, busy timeout, FTS5 name search).

Nodes and links keep their attributes as JSON; labels, identifiers and the
full-text index live in side tables so look-ups stay indexed.

Erasure: ``secure_delete`` is on (freed pages are zeroed), a batch that deletes
nodes merges the full-text index so no token of them stays in it, and purge()
checkpoints the write-ahead log, VACUUMs and truncates the log.

``read_only=True`` opens an existing file with a read-only connection: no schema
writes, no write lock, so reads never wait behind a long load (WAL readers do not
block), and a missing file is an error instead of a new empty store.

The schema and fixed SQL are in :mod:`psp_graph.backends.sqlite_schema`, the writes
in :mod:`psp_graph.backends.sqlite_writes`, the column reads (``ColumnStore``) in
:mod:`psp_graph.backends.sqlite_columns` and the derived data (``DerivedStore``) in
:mod:`psp_graph.backends.sqlite_derived`; :class:`SQLiteBackend` gathers them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from psp_graph.backends import sqlite_derived
from psp_graph.backends.base import LinkRow
from psp_graph.backends.sqlite_columns import SQLiteColumns
from psp_graph.backends.sqlite_schema import (
    _COUNT_AROUND,
    _LINKS_AROUND,
    _SOURCES_AROUND,
    LINK_ISSUES_FILL,
    SCHEMA_VERSION,
)
from psp_graph.backends.sqlite_schema import _SCHEMA as _SCHEMA  # benchmarks import it from here
from psp_graph.backends.sqlite_writes import SQLiteWrites, _fts_rowid
from psp_graph.backends.sqlite_writes import _snapshot_json as _snapshot_json  # tests import it from here
from psp_graph.exc import StoreUnavailable, cannot
from psp_graph.records import (
    Change,
    ChangeSet,
    Stats,
    StoredLink,
    StoredNode,
    decode_snapshot,
)

__all__ = ["SQLiteBackend", "sqlite_path"]


def sqlite_path(url: str) -> str | None:
    """The file a SQLite store URL (or bare path) names, ':memory:', or None for another store."""
    if url.startswith("sqlite:"):
        return _path_from_url(url)
    return None if "://" in url else url


def _path_from_url(url: str) -> str:
    rest = url.removeprefix("sqlite:")
    if rest in {"//:memory:", ":memory:", "///:memory:"}:
        return ":memory:"
    if rest.startswith("///"):
        return rest[3:]
    if rest.startswith("//"):
        return rest[2:]
    return rest


_ENTITY_CHANGES = (
    "SELECT c.changeset_id, c.seq, c.op, c.entity, c.entity_id, c.before, c.after, s.at "
    "FROM changes c INDEXED BY changes_entity JOIN changesets s ON s.id = c.changeset_id"
)


class SQLiteBackend(SQLiteWrites, SQLiteColumns):
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
            self._fill_link_issues()
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
            sqlite_derived.forget_derived(self.conn)  # kept columns hold the removed ids
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

    # -- derived data (DerivedStore) ------------------------------------------------
    def data_version(self) -> str:
        return sqlite_derived.version(self.conn)

    def derived(self, key: str, version: str) -> bytes | None:
        return sqlite_derived.derived(self.conn, key, version)

    def keep_derived(self, key: str, version: str, data: bytes) -> bool:
        if self.path == ":memory:":  # one connection per in-memory database
            return sqlite_derived.keep(self.conn, key, version, data)
        try:  # a connection of its own: a short wait for the lock, and writable when we are not
            conn = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
        except sqlite3.Error:
            return False
        try:
            return sqlite_derived.keep(conn, key, version, data)
        finally:
            conn.close()

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

    def _fill_link_issues(self) -> None:
        """Once per store made before the link_issues table: fill it from the links."""
        if self.get_meta("link_issues") == "1":
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("DELETE FROM link_issues")
        self.conn.execute(LINK_ISSUES_FILL)
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('link_issues', '1')")
        self.conn.execute("COMMIT")

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
        return [self._change(r) for r in rows]

    def entity_changes(self, entity_ids: Iterable[str], since: str | None = None) -> list[Change]:
        found: list[tuple[Any, ...]] = []
        unique = list(dict.fromkeys(entity_ids))
        later, after = "", []
        if since is not None:
            row = self.conn.execute("SELECT at, id FROM changesets WHERE id = ?", (since,)).fetchone()
            later, after = " AND (s.at, s.id) > (?, ?)", list(row or ("", ""))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"{_ENTITY_CHANGES} WHERE c.entity_id IN ({marks}){later}"
            found.extend(self.conn.execute(sql, [*chunk, *after]))
        found.sort(key=lambda r: (r[7], r[0], r[1]))
        return [self._change(r) for r in found]

    @staticmethod
    def _change(r: tuple[Any, ...]) -> Change:
        return Change(
            changeset_id=r[0],
            seq=r[1],
            op=r[2],
            entity=r[3],
            entity_id=r[4],
            before=decode_snapshot(r[5]),
            after=decode_snapshot(r[6]),
        )

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))
