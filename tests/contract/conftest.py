"""The backend under test: every backend runs the same contract suite, unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from psp_graph.backends import Backend, open_backend
from psp_graph.backends.base import BulkStore
from psp_graph.records import Batch

BACKENDS = [
    "sqlite-memory",
    "sqlite-file",
    pytest.param("neo4j", marks=pytest.mark.neo4j),
    pytest.param("neo4j-bulk", marks=pytest.mark.neo4j),
]


class BulkLoadedFirst:
    """A Neo4j store whose writes go through the bulk path while it is empty: each test's
    first data is bulk-loaded, and every later read and write meets a bulk-loaded store."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.bulk_loads = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def apply(self, batch: Batch) -> None:
        if not (batch.delete_nodes or batch.delete_links) and self.inner.is_empty():
            self.inner.bulk_apply([batch])
            self.bulk_loads += 1
        else:
            self.inner.apply(batch)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite-memory":
        b = open_backend("sqlite://:memory:")
    elif request.param == "sqlite-file":
        b = open_backend(f"sqlite:///{tmp_path / 'contract.db'}")
    else:
        url = request.getfixturevalue("neo4j_store")
        b = open_backend(url)
        if request.param == "neo4j-bulk":
            assert isinstance(b, BulkStore)
            b = BulkLoadedFirst(b)
    try:
        yield b
    finally:
        b.close()
