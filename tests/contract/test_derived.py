"""The DerivedStore ability (data derived from the graph, kept in the store until the next
change set), on the embedded store: in memory, in a file, and in a file opened read-only."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from psp_graph.backends.base import DerivedStore
from psp_graph.backends.sqlite import SQLiteBackend
from psp_graph.backends.sqlite_derived import KEEP_AT_MOST

from .test_backend_contract import link, org, write


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> SQLiteBackend:
    url = "sqlite://:memory:" if request.param == "memory" else f"sqlite:///{tmp_path / 'd.db'}"
    backend = SQLiteBackend(url)
    write(backend, nodes=[org("a"), org("b")], links=[link("FUNDS", "org:a", "org:b", "l1")])
    return backend


def test_the_embedded_store_keeps_derived_data() -> None:
    assert isinstance(SQLiteBackend("sqlite://:memory:"), DerivedStore)


def test_kept_data_comes_back_until_the_next_change_set(store: SQLiteBackend) -> None:
    version = store.data_version()
    assert store.derived("table", version) is None
    assert store.keep_derived("table", version, b"\x00columns")
    assert store.derived("table", version) == b"\x00columns"
    assert store.derived("other", version) is None
    write(store, links=[link("FUNDS", "org:b", "org:a", "l2")])
    later = store.data_version()
    assert later != version
    assert store.derived("table", later) is None  # the graph changed: never the old columns
    assert store.keep_derived("table", later, b"new")
    assert store.derived("table", later) == b"new"
    assert store.derived("table", version) is None  # keeping drops what was derived before


def test_data_derived_before_a_write_is_not_kept(store: SQLiteBackend) -> None:
    """The version is taken before deriving: a write meanwhile makes the data stale."""
    version = store.data_version()
    write(store, nodes=[org("c")])
    assert store.keep_derived("table", version, b"stale") is False
    assert store.derived("table", version) is None
    assert store.derived("table", store.data_version()) is None


def test_only_the_newest_few_are_kept(store: SQLiteBackend) -> None:
    version = store.data_version()
    for n in range(KEEP_AT_MOST + 2):
        assert store.keep_derived(f"key{n}", version, bytes([n]))
    kept = [n for n in range(KEEP_AT_MOST + 2) if store.derived(f"key{n}", version) is not None]
    assert kept == list(range(2, KEEP_AT_MOST + 2))


def test_forgetting_for_an_erasure_drops_everything_kept(store: SQLiteBackend) -> None:
    version = store.data_version()
    store.keep_derived("table", version, b"org:a org:b")
    store.forget(["org:a"], ["A"])
    assert store.derived("table", store.data_version()) is None
    assert store.conn.execute("SELECT count(*) FROM derived").fetchone()[0] == 0


def test_a_read_only_store_reads_what_was_kept_and_keeps_nothing_without_an_error(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    writable = SQLiteBackend(f"sqlite:///{path}")
    write(writable, nodes=[org("a")])
    version = writable.data_version()
    writable.keep_derived("table", version, b"kept")
    writable.close()
    os.chmod(path, 0o444)
    try:
        reader = SQLiteBackend(f"sqlite:///{path}", read_only=True)
        assert reader.derived("table", version) == b"kept"
        if os.geteuid() != 0:  # root writes through file modes; the lock test below covers it
            assert reader.keep_derived("other", version, b"x") is False
        reader.close()
    finally:
        os.chmod(path, 0o644)


def test_keeping_waits_only_briefly_for_a_store_another_process_is_writing(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    store = SQLiteBackend(f"sqlite:///{path}")
    write(store, nodes=[org("a")])
    version = store.data_version()
    loader = sqlite3.connect(path, isolation_level=None)
    loader.execute("BEGIN IMMEDIATE")  # a long load holds the write lock
    try:
        assert store.keep_derived("table", version, b"x") is False
    finally:
        loader.execute("ROLLBACK")
        loader.close()
    assert store.keep_derived("table", version, b"x") is True


def test_a_store_without_derived_data_yet_answers_none_read_only(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    writable = SQLiteBackend(f"sqlite:///{path}")
    write(writable, nodes=[org("a")])
    writable.close()
    reader = SQLiteBackend(f"sqlite:///{path}", read_only=True)
    assert reader.derived("table", reader.data_version()) is None  # no derived table at all
    reader.close()
