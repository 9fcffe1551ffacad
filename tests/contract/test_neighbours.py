"""The NeighbourStore ability: a node's links counted, read in id order a few at a time,
and their cited sources listed in the store, exactly as ``links_of`` gives them. Only
the stores that declare it (others get the Reader's fallback over ``links_of``, tested
in tests/test_show_many_links.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from psp_graph.backends import open_backend
from psp_graph.backends.base import NeighbourStore

from .test_backend_contract import link, org, write

NEIGHBOUR_STORES = ["sqlite-memory", "sqlite-file"]


@pytest.fixture(params=NEIGHBOUR_STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[NeighbourStore]:
    url = "sqlite://:memory:" if request.param == "sqlite-memory" else f"sqlite:///{tmp_path / 'n.db'}"
    backend = open_backend(url)
    assert isinstance(backend, NeighbourStore)
    try:
        yield backend
    finally:
        backend.close()


def test_pages_count_and_sources_agree_with_links_of(store: NeighbourStore) -> None:
    hub, others = org("hub"), [org(f"o{n:02d}") for n in range(30)]
    links = [link("FUNDS", hub.id, o.id, sources=[f"src:s{n % 3}"]) for n, o in enumerate(others[:20])]
    links += [link("MEMBER_OF", o.id, hub.id, sources=["src:s9", "src:s0"]) for o in others[20:]]
    links += [link("FUNDS", hub.id, hub.id, "link:self", sources=["src:self"])]  # counted once
    links += [link("FUNDS", others[0].id, others[1].id, sources=["src:elsewhere"])]  # not the hub's
    links += [link("PARTNERS_WITH", hub.id, others[2].id, "link:no-sources")]
    write(store, nodes=[hub, *others], links=links)  # type: ignore[arg-type]
    whole = store.links_of(hub.id)  # type: ignore[attr-defined]
    assert len(whole) == 32
    assert store.count_links_of(hub.id) == len(whole)
    assert list(store.iter_links_of(hub.id)) == whole
    assert list(store.iter_links_of(hub.id, 5)) == whole[:5]
    assert list(store.iter_links_of(hub.id, 0)) == []
    assert store.sources_cited_around(hub.id) == {"src:s0", "src:s1", "src:s2", "src:s9", "src:self"}
    assert store.count_links_of("org:nobody") == 0
    assert list(store.iter_links_of("org:nobody")) == []
    assert store.sources_cited_around("org:nobody") == set()
