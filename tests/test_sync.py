"""psp sync and psp load/demo on Neo4j: copying a store, idempotently, with counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from psp_graph import sync as sync_module
from psp_graph.cli import main
from psp_graph.exc import PspGraphError
from psp_graph.graph import Graph
from psp_graph.seed import load_seed, seed_paths
from psp_graph.sync import sync

from .conftest import store_state


def psp(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def seeded(tmp_path: Path) -> str:
    """A SQLite store holding the seed graph (with its private persons)."""
    url = f"sqlite:///{tmp_path / 'seeded.db'}"
    with Graph.open(url) as graph:
        load_seed(graph)
    return url


def full_state(url: str) -> dict[str, object]:
    with Graph.open(url) as graph:
        return store_state(graph)


def test_sync_copies_everything_and_a_second_sync_writes_nothing(seeded: str, tmp_path: Path) -> None:
    target_url = f"sqlite:///{tmp_path / 'copy.db'}"
    source, target = Graph.open(seeded), Graph.open(target_url)
    try:
        first = sync(source, target)
        assert (
            first.nodes.created == source.backend.stats().nodes
            and first.links.created == source.backend.stats().links
        )
        assert first.changesets_copied == len(source.backend.changesets())
        assert list(target.backend.iter_nodes()) == list(source.backend.iter_nodes())
        assert list(target.backend.iter_links()) == list(source.backend.iter_links())
        second = sync(source, target)
        assert second.changes == 0 and "0 changes" in second.summary()
        assert (
            second.extra_changesets == len(target.backend.changesets()) - len(source.backend.changesets()) > 0
        )
    finally:
        source.close()
        target.close()


def test_sync_updates_what_differs_and_keeps_extras_in_the_target(seeded: str, tmp_path: Path) -> None:
    target_url = f"sqlite:///{tmp_path / 'copy.db'}"
    with Graph.open(target_url) as graph:
        graph.add_node({"name": "Only In Target", "types": ["Charity"]})
    source, target = Graph.open(seeded), Graph.open(target_url)
    try:
        sync(source, target)
        source.add_node(
            {
                "id": "org:northbank-tenants-union",
                "name": "Northbank Tenants Union",
                "types": ["CommunityGroup"],
                "description": "renamed in the source",
            }
        )
        again = sync(source, target)
        assert (again.nodes.updated, again.nodes.created, again.links.created) == (1, 0, 0)
        assert again.nodes.extra == 1 and target.backend.get_node("org:only-in-target") is not None
        assert target.backend.get_node("org:northbank-tenants-union") == source.backend.get_node(
            "org:northbank-tenants-union"
        )
        latest = target.backend.changesets(limit=1)[0]
        assert latest.action == "sync"
        assert [c.entity_id for c in target.backend.changes(latest.id)] == ["org:northbank-tenants-union"]
    finally:
        source.close()
        target.close()


def test_sync_reports_progress_batch_by_batch(
    seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "BATCH_SIZE", 50)
    calls: list[tuple[str, int, int]] = []
    source, target = Graph.open(seeded), Graph.open(f"sqlite:///{tmp_path / 'copy.db'}")
    try:
        sync(source, target, progress=lambda stage, done, total: calls.append((stage, done, total)))
        nodes = [c for c in calls if c[0] == "nodes"]
        assert len(nodes) > 1 and nodes[-1][1] == nodes[-1][2] == source.backend.stats().nodes
        assert {c[0] for c in calls} == {"history", "nodes", "links"}
    finally:
        source.close()
        target.close()


def test_sync_refuses_to_copy_a_store_into_itself(seeded: str) -> None:
    backend = Graph.open(seeded)
    try:
        with pytest.raises(PspGraphError, match="same store"):
            sync(backend, backend)
    finally:
        backend.close()


@pytest.mark.neo4j
def test_psp_sync_moves_the_seed_graph_into_neo4j_and_again_changes_nothing(
    runner: CliRunner, seeded: str, neo4j_store: str
) -> None:
    first = psp(runner, "sync", "--store", seeded, "--to", neo4j_store)
    assert first.exit_code == 0, first.output
    assert "nodes: 175 created" in first.output or "created" in first.output
    assert full_state(neo4j_store)["nodes"] == full_state(seeded)["nodes"]  # private persons as stored
    assert full_state(neo4j_store)["links"] == full_state(seeded)["links"]
    second = psp(runner, "sync", "--store", seeded, "--to", neo4j_store)
    assert second.exit_code == 0 and ": 0 changes" in second.output


@pytest.mark.neo4j
def test_psp_load_and_demo_work_on_neo4j(runner: CliRunner, neo4j_store: str) -> None:
    loaded = psp(runner, "load", "--store", neo4j_store, *map(str, seed_paths()))
    assert loaded.exit_code == 0, loaded.output
    assert psp(runner, "load", "--store", neo4j_store, *map(str, seed_paths())).output.count(
        "nothing changed"
    ) == len(seed_paths())
    demo = psp(runner, "demo", "--store", neo4j_store)
    assert demo.exit_code == 0, demo.output
    assert neo4j_store in demo.output and "Who holds the money" in demo.output


def test_psp_sync_to_a_server_that_is_down_is_one_line(runner: CliRunner, seeded: str) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"bolt://127.0.0.1:{s.getsockname()[1]}"
    result = runner.invoke(main, ["sync", "--store", seeded, "--to", url])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and url in lines[0] and "Traceback" not in result.stderr
