"""The embedded store's index of links by issue (link_issues): kept by triggers on every
write, filled once for an older store, and giving the same rows as reading every link's
attributes (issue 13, item 3: a filtered query reads only what it needs)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psp_graph.backends.sqlite import SQLiteBackend
from psp_graph.backends.sqlite_schema import LINK_ISSUES_FILL
from tests.contract.test_backend_contract import link, org, write

ISSUES = ["issue:housing", "issue:food-poverty", "issue:housing-conditions"]


def indexed(store: SQLiteBackend) -> list[tuple[str, str]]:
    return store.conn.execute("SELECT issue, link_id FROM link_issues ORDER BY 1, 2").fetchall()


def recomputed(store: SQLiteBackend) -> list[tuple[str, str]]:
    """What the index should hold, from the links' attributes now."""
    store.conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS want (issue TEXT, link_id TEXT, PRIMARY KEY (issue, link_id))"
    )
    store.conn.execute("DELETE FROM want")
    store.conn.execute(LINK_ISSUES_FILL.replace("INTO link_issues", "INTO want"))
    return store.conn.execute("SELECT issue, link_id FROM want ORDER BY 1, 2").fetchall()


def by_attributes(
    store: SQLiteBackend, types: set[str], issues: list[str], **kw: Any
) -> list[tuple[Any, ...]]:
    """link_columns as a store without the index reads them (every link's attributes)."""
    assert store._has("link_issues")
    store._present["link_issues"] = False
    try:
        return sorted(store.link_columns(types, issues=issues, **kw), key=repr)
    finally:
        store._present["link_issues"] = True


LINKS = st.lists(
    st.tuples(
        st.integers(0, 5),  # which link
        st.sampled_from(["FUNDS", "WORKS_ON"]),
        st.integers(0, 2),  # target
        st.lists(st.sampled_from([*ISSUES, 7]), max_size=3),  # a number is no issue
        st.booleans(),  # remove instead
    ),
    max_size=15,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=LINKS, removed_node=st.booleans())
def test_the_index_follows_every_write_and_gives_the_same_rows(
    steps: list[tuple[int, str, int, list[Any], bool]], removed_node: bool
) -> None:
    store = SQLiteBackend("sqlite://:memory:")
    ends = [org("a"), org("b"), org("c")]
    write(store, nodes=ends)
    for which, rel, target, issues, remove in steps:
        lid = f"link:l{which}"
        if remove:
            write(store, delete_links=[lid])
        else:
            props: dict[str, Any] = {"issues": issues} if issues else {}
            write(store, links=[link(rel, "org:a", ends[target].id, lid, **props)])
    if removed_node:  # the node's links go by cascade
        write(store, delete_nodes=["org:b"])
    assert indexed(store) == recomputed(store)
    for issues in (["issue:housing"], ISSUES, ["org:c"], []):
        for kw in ({}, {"attributes": ("issues",)}, {"as_of": "2020-01-01", "ids": False}):
            fast = sorted(store.link_columns({"FUNDS", "WORKS_ON"}, issues=issues, **kw), key=repr)
            assert fast == by_attributes(store, {"FUNDS", "WORKS_ON"}, issues, **kw)


def test_a_filtered_read_goes_through_the_index(tmp_path: Path) -> None:
    store = SQLiteBackend(f"sqlite:///{tmp_path / 's.db'}")
    write(store, nodes=[org("a"), org("b")], links=[link("FUNDS", "org:a", "org:b", "l1", issues=ISSUES[:1])])
    traced: list[str] = []
    store.conn.set_trace_callback(traced.append)
    assert store.link_columns({"FUNDS"}, issues=["issue:housing"]) == [("l1", "FUNDS", "org:a", "org:b")]
    store.conn.set_trace_callback(None)
    (sql,) = [t for t in traced if "FROM links" in t]
    plan = str(store.conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall())
    assert "link_issues" in plan and "links_type" not in plan and "json_each" not in sql


def test_an_older_store_is_filled_when_opened_for_writing_and_read_alike_when_not(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SQLiteBackend(f"sqlite:///{path}")
    write(
        store,
        nodes=[org("a"), org("b")],
        links=[
            link("FUNDS", "org:a", "org:b", "l1", issues=["issue:housing"]),
            link("FUNDS", "org:b", "org:a", "l2", issues=["issue:food-poverty"]),
        ],
    )
    store.close()
    with sqlite3.connect(path) as conn:  # as a store made before the index
        for name in ("links_issues_insert", "links_issues_update", "links_issues_delete"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DROP TABLE link_issues")
        conn.execute("DELETE FROM meta WHERE key = 'link_issues'")
    reader = SQLiteBackend(f"sqlite:///{path}", read_only=True)
    assert not reader._has("link_issues")
    assert reader.link_columns({"FUNDS"}, issues=["issue:housing"]) == [("l1", "FUNDS", "org:a", "org:b")]
    reader.close()
    writer = SQLiteBackend(f"sqlite:///{path}")
    assert indexed(writer) == [("issue:food-poverty", "l2"), ("issue:housing", "l1")]
    assert writer.link_columns({"FUNDS"}, issues=["issue:housing"]) == [("l1", "FUNDS", "org:a", "org:b")]
