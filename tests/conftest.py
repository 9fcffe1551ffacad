"""Shared fixtures: stores, a CLI runner, and a way to compare a store before and after."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from psp_graph.graph import Graph

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def graph() -> Iterator[Graph]:
    """A Graph over an in-memory SQLite store."""
    with Graph.open("sqlite://:memory:") as g:
        yield g


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """A fresh SQLite file store."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    """A CLI runner in a temporary folder, with no PSP_STORE from the environment."""
    monkeypatch.delenv("PSP_STORE", raising=False)
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def store_state(g: Graph) -> dict[str, Any]:
    """Everything a store holds, to compare before and after a failed write."""
    b = g.backend
    return {
        "nodes": [n.as_dict() for n in b.iter_nodes()],
        "links": [link.as_dict() for link in b.iter_links()],
        "changesets": [cs.id for cs in b.changesets()],
    }


def state_of(url: str) -> dict[str, Any]:
    with Graph.open(url) as g:
        return store_state(g)
