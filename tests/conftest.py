"""Shared fixtures: stores, a CLI runner, and a way to compare a store before and after."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from psp_graph.graph import Graph

pytest_plugins = ["tests.neo4j_support", "tests.browser_support"]

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI nothing may skip: a skipped test fails the run, and is named."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if IN_CI and reporter is not None else []
    if skipped and exitstatus == 0:
        for report in skipped:
            reporter.write_line(f"CI=true, but skipped: {report.nodeid}", red=True)
        session.exitstatus = 1


@pytest.fixture(params=["sqlite-memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def graph(request: pytest.FixtureRequest) -> Iterator[Graph]:
    """A Graph over an empty store: in-memory SQLite, then the test Neo4j."""
    url = "sqlite://:memory:" if request.param == "sqlite-memory" else request.getfixturevalue("neo4j_store")
    with Graph.open(url) as g:
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
