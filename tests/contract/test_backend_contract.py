"""The contract every backend must pass: store, fetch, upsert, cascade, search, stats, history."""

from __future__ import annotations

import pytest

from psp_graph.backends import Backend
from psp_graph.exc import PspGraphError
from psp_graph.records import Batch, Change, ChangeSet, StoredLink, StoredNode

_SEQ = iter(range(1_000_000))


def changeset(action: str = "load") -> ChangeSet:
    n = next(_SEQ)
    return ChangeSet(
        f"cs-test-{n:06d}", f"2026-01-01T00:00:{n % 60:02d}.{n:06d}+00:00", "tester", action, f"test {n}"
    )


def org(slug: str, name: str | None = None, **props: object) -> StoredNode:
    return StoredNode(
        f"org:{slug}", ("Charity",), ("Actor", "Charity", "Organisation"), name or slug.title(), dict(props)
    )


def link(rel: str, source: str, target: str, lid: str | None = None, **props: object) -> StoredLink:
    return StoredLink(
        lid or f"link:{rel}-{source}-{target}".replace(":", "-"), rel, source, target, dict(props)
    )


def write(backend: Backend, *, nodes=(), links=(), delete_nodes=(), delete_links=(), changes=()) -> ChangeSet:
    cs = changeset()
    backend.apply(
        Batch(
            cs,
            list(nodes),
            list(links),
            list(delete_links),
            list(delete_nodes),
            [Change(cs.id, i, *c) for i, c in enumerate(changes)],
        )
    )
    return cs


def test_add_and_get_nodes_and_links_round_trip_every_field(backend: Backend) -> None:
    a = org("alpha", "Alpha Trust", amount_minor=123, sources=["src:x"], nested={"k": [1, 2]})
    b = org("beta")
    ab = link("FUNDS", a.id, b.id, amount_minor=2500000, currency="GBP", issues=["issue:housing"])
    write(backend, nodes=[a, b], links=[ab])
    assert backend.get_node(a.id) == a
    assert backend.get_link(ab.id) == ab
    assert backend.get_nodes([a.id, b.id, "org:missing"]) == {a.id: a, b.id: b}
    assert backend.get_links([ab.id, "link:missing"]) == {ab.id: ab}
    assert backend.get_node("org:missing") is None
    assert backend.get_link("link:missing") is None


def test_upsert_is_idempotent_and_updates_in_place(backend: Backend) -> None:
    a, b = org("alpha"), org("beta")
    ab = link("PARTNERS_WITH", a.id, b.id)
    for _ in range(3):
        write(backend, nodes=[a, b], links=[ab])
    assert backend.stats().nodes == 2 and backend.stats().links == 1
    renamed = org("alpha", "Alpha Renamed", location="Northbank")
    write(backend, nodes=[renamed])
    assert backend.get_node(a.id) == renamed
    assert backend.stats().nodes == 2


def test_parallel_links_between_the_same_ends_are_kept_apart(backend: Backend) -> None:
    a, b = org("funder"), org("grantee")
    grant = link("FUNDS", a.id, b.id, "link:grant-1", amount_minor=100)
    second = link("FUNDS", a.id, b.id, "link:grant-2", amount_minor=200)
    seat = link("MEMBER_OF", a.id, b.id, "link:board")
    write(backend, nodes=[a, b], links=[grant, second, seat])
    assert [x.id for x in backend.links_of(a.id)] == ["link:board", "link:grant-1", "link:grant-2"]
    assert backend.stats().links_by_type == {"FUNDS": 2, "MEMBER_OF": 1}


def test_links_of_returns_both_directions_sorted(backend: Backend) -> None:
    a, b, c = org("a"), org("b"), org("c")
    write(
        backend,
        nodes=[a, b, c],
        links=[link("FUNDS", a.id, b.id), link("FUNDS", c.id, a.id), link("FUNDS", b.id, c.id)],
    )
    around_a = backend.links_of(a.id)
    assert {(x.source, x.target) for x in around_a} == {(a.id, b.id), (c.id, a.id)}
    assert [x.id for x in around_a] == sorted(x.id for x in around_a)
    assert backend.links_of("org:nobody") == []


def test_deleting_a_node_cascades_to_its_links_only(backend: Backend) -> None:
    a, b, c = org("a"), org("b"), org("c")
    write(
        backend,
        nodes=[a, b, c],
        links=[link("FUNDS", a.id, b.id), link("FUNDS", b.id, c.id), link("FUNDS", a.id, c.id)],
    )
    write(backend, delete_nodes=[b.id])
    assert backend.get_node(b.id) is None
    assert [(x.source, x.target) for x in backend.iter_links()] == [("org:a", "org:c")]
    assert backend.search("B") == []


def test_delete_link_keeps_its_ends(backend: Backend) -> None:
    a, b = org("a"), org("b")
    ab = link("FUNDS", a.id, b.id)
    write(backend, nodes=[a, b], links=[ab])
    write(backend, delete_links=[ab.id])
    assert backend.get_link(ab.id) is None and backend.stats().nodes == 2


def test_iter_filters_by_label_and_type(backend: Backend) -> None:
    issue = StoredNode("issue:housing", ("Issue",), ("Issue",), "Housing", {})
    a = org("a")
    write(backend, nodes=[issue, a], links=[link("WORKS_ON", a.id, issue.id)])
    assert [n.id for n in backend.iter_nodes("Issue")] == ["issue:housing"]
    assert [n.id for n in backend.iter_nodes("Organisation")] == ["org:a"]
    assert [n.id for n in backend.iter_nodes()] == ["issue:housing", "org:a"]
    assert [x.type for x in backend.iter_links("WORKS_ON")] == ["WORKS_ON"]
    assert list(backend.iter_links("FUNDS")) == []


def test_search_finds_word_prefixes_in_names_and_descriptions(backend: Backend) -> None:
    write(
        backend,
        nodes=[
            org("northbank", "Northbank Tenants Union"),
            org("kitchen", "Fernhill Community Kitchen", description="hot meals and a food bank"),
            org("other", "Unrelated Group"),
        ],
    )
    assert [n.id for n in backend.search("tenant")] == ["org:northbank"]
    assert [n.id for n in backend.search("food")] == ["org:kitchen"]
    assert backend.search("zzzz") == []
    # Search syntax in user text is treated as plain words.
    assert backend.search('" OR * NEAR(') == [] or all(
        n.id.startswith("org:") for n in backend.search('" OR * NEAR(')
    )


def test_identifiers_are_unique_across_nodes(backend: Backend) -> None:
    write(backend, nodes=[org("a", identifiers=["GB-CHC-1"])])
    assert backend.node_for_identifier("GB-CHC-1") == "org:a"
    assert backend.node_for_identifier("GB-CHC-2") is None
    with pytest.raises(PspGraphError):
        write(backend, nodes=[org("b", identifiers=["GB-CHC-1"])])
    assert backend.get_node("org:b") is None


def test_stats_count_nodes_by_label_and_links_by_type(backend: Backend) -> None:
    write(backend, nodes=[org("a"), org("b")], links=[link("FUNDS", "org:a", "org:b")])
    stats = backend.stats()
    assert (stats.nodes, stats.links, stats.changesets) == (2, 1, 1)
    assert stats.nodes_by_label == {"Actor": 2, "Charity": 2, "Organisation": 2}
    assert stats.links_by_type == {"FUNDS": 1}


def test_a_failing_batch_writes_nothing(backend: Backend) -> None:
    write(backend, nodes=[org("a")])
    before = ([n.id for n in backend.iter_nodes()], backend.stats().changesets)
    with pytest.raises(PspGraphError):
        write(
            backend,
            nodes=[org("b"), org("c")],
            links=[link("FUNDS", "org:b", "org:missing")],
            changes=[("create", "node", "org:b", None, {"id": "org:b"})],
        )
    assert ([n.id for n in backend.iter_nodes()], backend.stats().changesets) == before
    assert backend.changes(backend.changesets()[0].id) == []


def test_history_keeps_change_sets_newest_first_with_their_changes(backend: Backend) -> None:
    first = write(backend, nodes=[org("a")], changes=[("create", "node", "org:a", None, {"id": "org:a"})])
    second = write(
        backend,
        nodes=[org("a", "A2")],
        changes=[("update", "node", "org:a", {"id": "org:a"}, {"id": "org:a", "name": "A2"})],
    )
    other = write(backend, nodes=[org("b")], changes=[("create", "node", "org:b", None, {"id": "org:b"})])
    assert [c.id for c in backend.changesets()] == [other.id, second.id, first.id]
    assert [c.id for c in backend.changesets("org:a")] == [second.id, first.id]
    assert [c.id for c in backend.changesets(limit=1)] == [other.id]
    assert backend.get_changeset(first.id) == first
    assert backend.get_changeset("cs-missing") is None
    changes = backend.changes(second.id)
    assert [(c.op, c.entity, c.entity_id, c.before, c.after) for c in changes] == [
        ("update", "node", "org:a", {"id": "org:a"}, {"id": "org:a", "name": "A2"})
    ]


def test_entity_changes_are_every_change_to_the_records_oldest_first(backend: Backend) -> None:
    first = write(
        backend,
        nodes=[org("a"), org("b")],
        changes=[("create", "node", "org:a", None, None), ("create", "node", "org:b", None, None)],
    )
    second = write(
        backend,
        nodes=[org("a", "A2"), org("c")],
        changes=[
            ("create", "node", "org:c", None, None),
            ("update", "node", "org:a", {"id": "org:a"}, {"id": "org:a", "name": "A2"}),
        ],
    )
    third = write(
        backend, delete_nodes=["org:a"], changes=[("delete", "node", "org:a", {"id": "org:a"}, None)]
    )
    found = backend.entity_changes(["org:a", "org:c", "org:a", "org:missing"])
    assert [(c.changeset_id, c.seq, c.op, c.entity_id) for c in found] == [
        (first.id, 0, "create", "org:a"),
        (second.id, 0, "create", "org:c"),
        (second.id, 1, "update", "org:a"),
        (third.id, 0, "delete", "org:a"),
    ]
    assert found[2].before == {"id": "org:a"} and found[0].after is None
    assert backend.entity_changes([]) == []
    since = backend.entity_changes(["org:a", "org:c"], since=first.id)
    assert [(c.changeset_id, c.seq) for c in since] == [(second.id, 0), (second.id, 1), (third.id, 0)]
    assert [c.op for c in backend.entity_changes(["org:a"], since=third.id)] == []
    assert len(backend.entity_changes(["org:a"], since="cs-unknown")) == 3  # unknown: every change


def test_meta_settings_round_trip(backend: Backend) -> None:
    assert backend.get_meta("psp_test_key") is None
    backend.set_meta("psp_test_key", "yes")
    assert backend.get_meta("psp_test_key") == "yes"


def test_purge_leaves_nothing_of_a_removed_node_in_the_index_or_files(backend: Backend) -> None:
    """Issue 14, finding 3: after a removal and purge() no index, log or file holds the node's text."""
    from pathlib import Path

    gone = org("zebulon", "Zebulon Quux", description="marmalade smuggler")
    kept = org("kept", "Kept Org")
    write(backend, nodes=[gone, kept])
    assert [n.id for n in backend.search("Zebulon")] == [gone.id]
    write(backend, delete_nodes=[gone.id])
    assert backend.search("Zebulon") == [] and backend.search("marmalade") == []
    sqlite_conn = getattr(backend, "conn", None)
    if sqlite_conn is not None:  # the FTS5 shadow tables keep no token of it, even before purge
        blobs = b"".join(row[0] or b"" for row in sqlite_conn.execute("SELECT block FROM names_fts_data"))
        assert b"zebulon" not in blobs and b"marmalade" not in blobs
        assert sqlite_conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    backend.purge()
    assert backend.get_node(gone.id) is None and backend.get_node(kept.id) == kept
    path = getattr(backend, "path", ":memory:")
    if sqlite_conn is not None and path != ":memory:":
        for suffix in ("", "-wal", "-shm"):
            file = Path(path + suffix)
            if file.exists():
                data = file.read_bytes()
                assert b"Zebulon" not in data and b"zebulon" not in data and b"marmalade" not in data, suffix


def test_forget_deletes_history_about_ids_and_blanks_summaries_naming_words(backend: Backend) -> None:
    """Issue 14, erasure: ErasableStore.forget, the history half of psp erase."""
    gone, kept = org("gone", "Gone Org"), org("kept", "Kept Org")
    first = write(
        backend,
        nodes=[gone, kept],
        changes=[
            ("create", "node", gone.id, None, {"name": "x"}),
            ("create", "node", kept.id, None, {"name": "k"}),
        ],
    )
    backend.forget([gone.id], ["test"])
    assert [c.entity_id for c in backend.changes(first.id)] == [kept.id]
    summary = backend.get_changeset(first.id)
    assert summary is not None and summary.summary == "load (erased)"


def test_optional_abilities_agree_with_the_core_contract(backend: Backend) -> None:
    """A store that declares an optional ability (psp_graph.backends.base) gives the same
    answers through it as through the core methods."""
    from psp_graph.backends.base import CypherStore, LinkRow, LinkRowStore

    a, b = org("a"), org("b")
    backend.apply(
        Batch(changeset(), upsert_nodes=[a, b], upsert_links=[link("FUNDS", a.id, b.id, amount_minor=500)])
    )
    if isinstance(backend, LinkRowStore):
        rows = sorted(backend.iter_link_rows())
        assert rows == sorted(LinkRow.of(x) for x in backend.iter_links())
        assert all(isinstance(row, LinkRow) for row in rows)
    if isinstance(backend, CypherStore):
        found = backend.run_cypher("MATCH (n:Entity {id: $id}) RETURN n.id AS id", {"id": a.id})
        assert found == [{"id": a.id}]
    assert isinstance(backend, (LinkRowStore, CypherStore)), "each store offers one"
