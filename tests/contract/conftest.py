"""The backend under test: every backend runs the same contract suite, unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from psp_graph.backends import Backend, open_backend

BACKENDS = ["sqlite-memory", "sqlite-file", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite-memory":
        b = open_backend("sqlite://:memory:")
    elif request.param == "sqlite-file":
        b = open_backend(f"sqlite:///{tmp_path / 'contract.db'}")
    else:
        url = request.getfixturevalue("neo4j_store")
        b = open_backend(url)
    try:
        yield b
    finally:
        b.close()
