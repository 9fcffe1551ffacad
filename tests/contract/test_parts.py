"""The PartsStore ability: one transaction over several batches of one change set, so a
big file is written in parts and still all-or-nothing. A store without it gets the parts
as one batch (psp_graph.graph_parts); both paths are checked through the Graph service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from psp_graph.backends import open_backend
from psp_graph.backends.base import PartsStore
from psp_graph.records import Batch, Change

from .test_backend_contract import changeset, link, org

# Only the stores that declare the ability (a store without it gets the parts as one batch
# from psp_graph.graph_parts, tested through the Graph service in tests/test_giving360_parts.py).
PARTS_STORES = ["sqlite-memory", "sqlite-file"]


@pytest.fixture(params=PARTS_STORES)
def parts_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PartsStore]:
    url = "sqlite://:memory:" if request.param == "sqlite-memory" else f"sqlite:///{tmp_path / 'parts.db'}"
    store = open_backend(url)
    assert isinstance(store, PartsStore)
    try:
        yield store
    finally:
        store.close()


def _part(cs, first_seq: int, nodes=(), links=()) -> Batch:  # type: ignore[no-untyped-def]
    batch = Batch(cs, list(nodes), list(links), first_seq=first_seq)
    items = [*nodes, *links]
    batch.changes = [
        Change(cs.id, first_seq + i, "create", "node" if i < len(nodes) else "link", x.id, None, {"id": x.id})
        for i, x in enumerate(items)
    ]
    return batch


def test_parts_commit_as_one_change_set_with_one_sequence(parts_store: PartsStore) -> None:
    backend: Any = parts_store
    cs = changeset()
    a, b = org("alpha"), org("beta")
    backend.begin()
    # A link may come before the node it ends at; references are checked at commit.
    backend.apply_part(_part(cs, 0, links=[link("FUNDS", a.id, b.id)]))
    backend.apply_part(_part(cs, 1, nodes=[a, b]))
    backend.commit()
    assert set(backend.get_nodes([a.id, b.id])) == {a.id, b.id}
    assert [c.seq for c in backend.changes(cs.id)] == [0, 1, 2]
    assert [c.id for c in backend.changesets()] == [cs.id]


def test_a_rolled_back_transaction_leaves_nothing_of_any_part(parts_store: PartsStore) -> None:
    backend: Any = parts_store
    cs = changeset()
    backend.begin()
    backend.apply_part(_part(cs, 0, nodes=[org("alpha")]))
    backend.apply_part(_part(cs, 1, nodes=[org("beta")]))
    backend.rollback()
    assert backend.get_nodes(["org:alpha", "org:beta"]) == {}
    assert backend.changesets() == [] and backend.changes(cs.id) == []
    backend.rollback()  # nothing open: nothing happens


def test_a_link_to_a_node_no_part_wrote_fails_at_commit_and_writes_nothing(parts_store: PartsStore) -> None:
    backend: Any = parts_store
    from psp_graph.exc import InvalidData

    cs = changeset()
    backend.begin()
    backend.apply_part(_part(cs, 0, nodes=[org("alpha")], links=[link("FUNDS", "org:alpha", "org:ghost")]))
    with pytest.raises(InvalidData, match="refers to a node that does not exist"):
        backend.commit()
    assert backend.get_node("org:alpha") is None and backend.changesets() == []
