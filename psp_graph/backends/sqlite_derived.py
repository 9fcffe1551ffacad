"""Derived data kept inside a SQLite store (the ``DerivedStore`` ability).

A whole-graph analysis on a million links spends most of its time turning rows into
integer columns; the columns are kept in the store's own ``derived`` table, under the
store's version, so the next analysis of the same data reads them in a fraction of a
second. The version is taken from the change sets (never deleted, one per write), so
a row kept before any later write is never returned. The table travels with the file,
``psp erase`` empties it, and at most :data:`KEEP_AT_MOST` rows are kept.

Writing never holds up a read: it uses its own connection with a short lock timeout,
and keeps nothing when the file cannot be written (read-only, locked by a load).
"""

from __future__ import annotations

import sqlite3

__all__ = ["KEEP_AT_MOST", "derived", "forget_derived", "keep", "version"]

KEEP_AT_MOST = 8  # e.g. link columns and money totals for a few dates (20 MB a table at 1M links)
_TABLE = (
    "CREATE TABLE IF NOT EXISTS derived (key TEXT PRIMARY KEY, version TEXT NOT NULL, data BLOB NOT NULL)"
)


def version(conn: sqlite3.Connection) -> str:
    """The store's version: the last change set's row number, id and the number of them."""
    row = conn.execute(
        "SELECT rowid, id, (SELECT count(*) FROM changesets) FROM changesets ORDER BY rowid DESC LIMIT 1"
    ).fetchone()
    return "empty" if row is None else f"{row[0]}:{row[1]}:{row[2]}"


def derived(conn: sqlite3.Connection, key: str, at: str) -> bytes | None:
    """The data kept under ``key`` for version ``at``, else None (also with no table yet)."""
    try:
        row = conn.execute("SELECT data FROM derived WHERE key = ? AND version = ?", (key, at)).fetchone()
    except sqlite3.OperationalError:  # no derived table: nothing kept yet
        return None
    return None if row is None else bytes(row[0])


def keep(conn: sqlite3.Connection, key: str, at: str, data: bytes) -> bool:
    """Keep ``data`` under ``key`` for version ``at`` through ``conn`` (a connection of its
    own, with a short timeout); drop rows of other versions and all but the newest few.
    False, and nothing kept, when the file cannot be written or the store has changed."""
    try:
        conn.execute("PRAGMA secure_delete = ON")  # dropped rows leave no bytes behind
        conn.execute(_TABLE)
        conn.execute("BEGIN IMMEDIATE")
        if version(conn) != at:  # written meanwhile: the data is already old
            conn.execute("ROLLBACK")
            return False
        conn.execute("DELETE FROM derived WHERE version != ?", (at,))
        conn.execute("INSERT OR REPLACE INTO derived(key, version, data) VALUES (?, ?, ?)", (key, at, data))
        conn.execute(
            "DELETE FROM derived WHERE rowid NOT IN (SELECT rowid FROM derived ORDER BY rowid DESC LIMIT ?)",
            (KEEP_AT_MOST,),
        )
        conn.execute("COMMIT")
    except sqlite3.Error:  # read-only file, a long load holding the lock, a full disk
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        return False
    return True


def forget_derived(conn: sqlite3.Connection) -> None:
    """Drop everything kept (inside the caller's transaction): ``psp erase`` runs this, as
    kept columns hold the ids of the records it removes."""
    if conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'derived'").fetchone()[0]:
        conn.execute("DELETE FROM derived")
