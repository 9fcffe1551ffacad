"""The ColumnStore ability (links and nodes as columns, filtered in the store) and the
read door's columns on every backend: the same rows whether the store filters or the
reader does."""

from __future__ import annotations

from pathlib import Path

import pytest

from psp_graph.backends import Backend
from psp_graph.backends.base import ColumnStore
from psp_graph.backends.sqlite import SQLiteBackend
from psp_graph.ontology import load_ontology
from psp_graph.reading import Reader
from psp_graph.records import StoredNode

from .test_backend_contract import link, org, write


def issue(slug: str) -> StoredNode:
    return StoredNode(f"issue:{slug}", ("Issue",), ("Issue",), slug, {})


@pytest.fixture
def filled(backend: Backend) -> Backend:
    write(
        backend,
        nodes=[org("a", experience="lived"), org("b"), org("c", experience="learnt"), issue("housing")],
        links=[
            link("FUNDS", "org:a", "org:b", "l1", amount_minor=500, currency="GBP", issues=["issue:housing"]),
            link(
                "FUNDS",
                "org:a",
                "org:c",
                "l2",
                amount_minor=70,
                valid_from="2020-01-01",
                valid_to="2021-12-31",
            ),
            link("FUNDS", "org:b", "org:c", "l3", valid_from="2023"),
            link("WORKS_ON", "org:b", "issue:housing", "l4"),
            link("PARTNERS_WITH", "org:a", "org:c", "l5", valid_to="2019-12-31"),
        ],
    )
    return backend


def columns(backend: Backend, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
    reader = Reader(backend, load_ontology(), include_private=True)
    return sorted(reader.link_columns(*args, **kwargs))  # type: ignore[arg-type]


def test_the_embedded_store_reads_columns_itself() -> None:
    assert isinstance(SQLiteBackend("sqlite://:memory:"), ColumnStore)


def test_link_columns_give_the_asked_attributes_with_none_when_absent(filled: Backend) -> None:
    assert columns(filled, {"FUNDS"}, ("amount_minor", "issues")) == [
        ("l1", "FUNDS", "org:a", "org:b", 500, ["issue:housing"]),
        ("l2", "FUNDS", "org:a", "org:c", 70, None),
        ("l3", "FUNDS", "org:b", "org:c", None, None),
    ]


def test_link_columns_without_ids_are_the_same_rows_with_no_id(filled: Backend) -> None:
    with_ids = columns(filled, {"FUNDS", "WORKS_ON"}, ("amount_minor",), as_of="2021-06-01")
    without = columns(filled, {"FUNDS", "WORKS_ON"}, ("amount_minor",), as_of="2021-06-01", ids=False)
    assert len(with_ids) == 3
    assert sorted(without, key=repr) == sorted(((None, *row[1:]) for row in with_ids), key=repr)


def test_link_columns_keep_only_links_valid_on_the_date(filled: Backend) -> None:
    ids = [row[0] for row in columns(filled, {"FUNDS", "PARTNERS_WITH"}, as_of="2021-06-01")]
    assert ids == ["l1", "l2"]
    ids = [row[0] for row in columns(filled, {"FUNDS", "PARTNERS_WITH"}, as_of="2019-01-01")]
    assert ids == ["l1", "l5"]


def test_link_columns_keep_links_that_concern_the_issues_by_attribute_or_target(filled: Backend) -> None:
    rows = columns(filled, {"FUNDS", "WORKS_ON"}, issues=["issue:housing"])
    assert [row[0] for row in rows] == ["l1", "l4"]
    assert columns(filled, {"FUNDS"}, issues=["issue:food-poverty"]) == []


def test_node_columns_by_label(filled: Backend) -> None:
    reader = Reader(filled, load_ontology(), include_private=True)
    assert sorted(reader.node_columns("Actor", ("experience",))) == [
        ("org:a", "lived"),
        ("org:b", None),
        ("org:c", "learnt"),
    ]
    assert sorted(reader.node_columns("Issue")) == [("issue:housing",)]


def test_personal_attributes_are_refused_without_include_private(filled: Backend) -> None:
    with pytest.raises(ValueError, match="personal"):
        Reader(filled, load_ontology()).link_columns({"MEMBER_OF"}, ("role",))


def test_an_attribute_name_never_reaches_sql_as_text() -> None:
    store = SQLiteBackend("sqlite://:memory:")
    with pytest.raises(ValueError, match="not an attribute name"):
        store.link_columns({"FUNDS"}, ("x') FROM links; --",))


def test_names_come_from_briefs_with_privacy_applied(filled: Backend) -> None:
    person = StoredNode(
        "person:k7q2m9xa3b",
        ("Person",),
        ("Actor", "Person"),
        "Amina Yusuf",
        {"privacy": "private", "pseudonym": "Person MPZRF", "location": "Ashmere"},
    )
    write(filled, nodes=[person])
    onto = load_ontology()
    shown = Reader(filled, onto).names(["org:a", person.id, "org:missing"])
    assert shown == {"org:a": "A", person.id: "Person MPZRF"}
    assert Reader(filled, onto, include_private=True).names([person.id]) == {person.id: "Amina Yusuf"}
    # The same names as the records the read door shows.
    assert shown[person.id] == Reader(filled, onto).node(person.id).name


def test_link_columns_touching_give_each_link_with_an_end_among_the_nodes_once(filled: Backend) -> None:
    ids = [row[0] for row in columns(filled, {"FUNDS", "WORKS_ON", "PARTNERS_WITH"}, touching=["org:b"])]
    assert ids == ["l1", "l3", "l4"]
    # Both ends among the nodes: still once; with the date filter as well.
    ids = [
        row[0]
        for row in columns(
            filled, {"FUNDS", "PARTNERS_WITH"}, touching=["org:a", "org:c"], as_of="2021-06-01"
        )
    ]
    assert ids == ["l1", "l2"]
    assert columns(filled, {"FUNDS"}, touching=[]) == []
    assert columns(filled, {"FUNDS"}, touching=["no:such-node"]) == []


def test_brief_rows_are_the_same_from_the_brief_index_or_from_the_rows(tmp_path: Path) -> None:
    """The embedded store reads names from its nodes_brief index; a store made before the
    index (opened read-only, so it cannot be added) reads the same rows from the nodes."""
    store = SQLiteBackend(f"sqlite:///{tmp_path / 'b.db'}")
    person = StoredNode(
        "person:k7q2m9xa3b", ("Person",), ("Actor", "Person"), "Amina Yusuf", {"privacy": "private"}
    )
    write(store, nodes=[org("a"), org("b", consent=True), person])
    ids = ["org:a", "org:b", person.id, "org:missing"]
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM nodes INDEXED BY nodes_brief WHERE id = 'x'"
    ).fetchall()
    assert "nodes_brief" in str(plan)
    indexed = sorted(store.brief_rows(ids))
    store.conn.execute("DROP INDEX nodes_brief")
    store.close()
    older = SQLiteBackend(f"sqlite:///{tmp_path / 'b.db'}", read_only=True)
    assert not older._has("nodes_brief")
    assert sorted(older.brief_rows(ids)) == indexed
    assert [row.id for row in indexed] == ["org:a", "org:b", person.id]
    assert indexed[1].consent == 1 and indexed[2].privacy == "private"
