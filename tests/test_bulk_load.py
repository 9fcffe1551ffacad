"""Bulk loads into Neo4j: the online fast path of psp sync, and files for the offline importer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from psp_graph import sync as sync_module
from psp_graph.backends.base import BulkStore
from psp_graph.backends.neo4j import Neo4jBackend
from psp_graph.cli import main
from psp_graph.exc import InvalidData, PspGraphError
from psp_graph.graph import Graph
from psp_graph.records import MAX_INDEXED_BYTES, Batch, ChangeSet, StoredLink, StoredNode
from psp_graph.seed import load_seed
from psp_graph.sync import write_import

from .neo4j_support import neo4j_tools, require_java


def psp(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def seeded(tmp_path: Path) -> str:
    """A SQLite store holding the seed graph (with its private persons)."""
    url = f"sqlite:///{tmp_path / 'seeded.db'}"
    with Graph.open(url) as graph:
        load_seed(graph)
    return url


def history(url: str) -> dict[str, list[tuple[str, str, str]]]:
    """Every change set's action and summary with its changes' ops and entity ids."""
    with Graph.open(url) as graph:
        reader = graph.reader(include_private=True)
        return {
            cs.id: [(cs.action, cs.summary, "")]
            + [(c.op, c.entity, c.entity_id) for c in reader.changes(cs.id)]
            for cs in reader.changesets()
        }


def records(url: str) -> dict[str, Any]:
    with Graph.open(url) as graph:
        reader = graph.reader(include_private=True)
        return {"nodes": list(reader.iter_nodes()), "links": list(reader.iter_links())}


def same_history_as_a_sync(source: str, target: str) -> None:
    """The target holds the source's change sets as they were, plus one sync change set per
    chunk whose changes create every record: what sync into any empty store writes."""
    theirs, ours = history(source), history(target)
    assert {k: v for k, v in ours.items() if k in theirs} == theirs
    added = [v for k, v in ours.items() if k not in theirs]
    assert added and all(v[0][0] == "sync" for v in added)
    created = sorted(entity_id for v in added for op, _, entity_id in v[1:] if op == "create")
    everything = records(source)
    assert created == sorted(x.id for kind in ("nodes", "links") for x in everything[kind])


def created_snapshots(url: str) -> dict[str, Any]:
    """The snapshot of every record a sync change set created, by record id."""
    with Graph.open(url) as graph:
        reader = graph.reader(include_private=True)
        return {
            c.entity_id: c.after
            for cs in reader.changesets()
            if cs.action == "sync"
            for c in reader.changes(cs.id)
            if c.op == "create"
        }


@pytest.mark.neo4j
def test_psp_sync_into_an_empty_neo4j_takes_the_fast_path_with_the_same_result(
    runner: CliRunner, seeded: str, neo4j_store: str, tmp_path: Path
) -> None:
    first = psp(runner, "sync", "--store", seeded, "--to", neo4j_store)
    assert first.exit_code == 0, first.output
    assert "fast path: bulk load" in first.output
    assert records(neo4j_store) == records(seeded)
    same_history_as_a_sync(seeded, neo4j_store)
    # The ordinary path into an empty SQLite store writes the same change sets.
    plain = f"sqlite:///{tmp_path / 'plain.db'}"
    assert "fast path" not in psp(runner, "sync", "--store", seeded, "--to", plain).output
    assert records(plain) == records(neo4j_store)
    second = psp(runner, "sync", "--store", seeded, "--to", neo4j_store)
    assert "0 changes" in second.output and "fast path" not in second.output


@pytest.mark.neo4j
def test_psp_sync_into_a_neo4j_that_holds_data_takes_the_ordinary_path(
    runner: CliRunner, seeded: str, neo4j_store: str
) -> None:
    with Graph.open(neo4j_store) as graph:
        graph.add_node({"name": "Only In Target", "types": ["Charity"]})
        assert not graph.can_bulk_load()
    result = psp(runner, "sync", "--store", seeded, "--to", neo4j_store)
    assert result.exit_code == 0 and "fast path" not in result.output
    assert "kept in the target only (not deleted): 1 nodes" in result.output
    with Graph.open(neo4j_store) as graph:
        assert graph.reader().find("org:only-in-target") is not None


@pytest.mark.neo4j
def test_a_bulk_sync_the_store_refuses_part_way_leaves_the_target_empty(
    runner: CliRunner, tmp_path: Path, neo4j_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An older store can hold a name too long for Neo4j's index (SQLite has no such limit).
    source_url = f"sqlite:///{tmp_path / 'older.db'}"
    with Graph.open(source_url) as graph:
        for i in range(60):
            graph.add_node({"name": f"Actor {i:02d}", "types": ["Charity"]})
        cs = ChangeSet("cs-older", "2026-01-02T00:00:00+00:00", "tester", "load", "older")
        long_name = "z" * (MAX_INDEXED_BYTES + 1)
        bad = StoredNode("org:zz-too-long", ("Charity",), ("Actor", "Charity", "Organisation"), long_name, {})
        graph.backend.apply(Batch(cs, upsert_nodes=[bad]))
    monkeypatch.setattr(sync_module, "BATCH_SIZE", 10)  # six chunks go in before the bad one
    result = runner.invoke(main, ["sync", "--store", source_url, "--to", neo4j_store])
    assert result.exit_code == 1
    assert "org:zz-too-long" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr
    with Graph.open(neo4j_store) as graph:
        assert graph.can_bulk_load()  # empty again: no node, link, change set or identifier
        stats = graph.reader(include_private=True).stats()
        assert (stats.nodes, stats.links, stats.changesets) == (0, 0, 0)


def _org(i: int, **props: Any) -> StoredNode:
    return StoredNode(f"org:b-{i}", ("Charity",), ("Actor", "Charity", "Organisation"), f"B {i}", props)


def _odd_link(issue: str) -> StoredLink:
    return StoredLink("link:odd", "PARTNERS_WITH", "org:b-1", "org:b-2", {"issues": [issue]})


def _cs(n: int) -> ChangeSet:
    return ChangeSet(f"cs-bulk-{n}", f"2026-01-01T00:00:0{n}+00:00", "tester", "load", f"bulk {n}")


@pytest.mark.neo4j
def test_bulk_apply_undoes_committed_transactions_when_the_server_refuses_a_later_one(
    neo4j_store: str,
) -> None:
    store = Neo4jBackend(neo4j_store)
    try:
        assert isinstance(store, BulkStore) and store.is_empty()
        nodes = Batch(_cs(1), upsert_nodes=[_org(i, identifiers=[f"GB-CHC-{i}"]) for i in range(30)])
        dangling = Batch(_cs(2), upsert_links=[StoredLink("link:x", "FUNDS", "org:b-1", "org:missing", {})])
        with pytest.raises(InvalidData, match="does not exist"):
            store.bulk_apply([nodes, dangling])
        assert store.is_empty() and store.stats().nodes == 0 and not store.changesets()
        # An identifier claimed by two batches: refused by the server's uniqueness constraint.
        twice = Batch(_cs(3), upsert_nodes=[_org(99, identifiers=["GB-CHC-1"])])
        with pytest.raises(InvalidData, match="identifier"):
            store.bulk_apply([nodes, twice])
        assert store.is_empty()
        store.bulk_apply([nodes])
        assert store.stats().nodes == 30 and store.node_for_identifier("GB-CHC-7") == "org:b-7"
        with pytest.raises(PspGraphError, match="empty store"):
            store.bulk_apply([Batch(_cs(4), upsert_nodes=[_org(500)])])
        assert store.get_node("org:b-500") is None
    finally:
        store.close()


def test_import_files_refuse_a_value_they_cannot_hold_naming_the_option(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'odd.db'}"
    with Graph.open(url) as graph:
        cs = ChangeSet("cs-odd", "2026-01-02T00:00:00+00:00", "tester", "load", "odd")
        odd = _org(1, aliases=["one\x1ftwo"])
        graph.backend.apply(Batch(cs, upsert_nodes=[odd]))
    result = runner.invoke(main, ["sync", "--store", url, "--import-files", str(tmp_path / "files")])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "org:b-1" in result.stderr and "U+001F" in result.stderr
    assert not (tmp_path / "files").exists()  # nothing half-written is left
    with Graph.open(url) as graph:  # a link's list attribute, read as a row of JSON text
        cs = ChangeSet("cs-odd-2", "2026-01-03T00:00:00+00:00", "tester", "load", "odd link")
        graph.backend.apply(Batch(cs, upsert_nodes=[_org(1), _org(2)], upsert_links=[_odd_link("a\x1fb")]))
    result = runner.invoke(main, ["sync", "--store", url, "--import-files", str(tmp_path / "files")])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "link:odd" in result.stderr and "U+001F" in result.stderr
    assert not (tmp_path / "files").exists()
    both = runner.invoke(main, ["sync", "--store", url, "--to", url, "--import-files", "x"])
    assert both.exit_code != 0 and "exactly one of --to URL and --import-files DIR" in both.stderr


@pytest.mark.neo4j
def test_a_database_made_by_the_offline_importer_holds_what_a_sync_gives_and_works_after(
    seeded: str, tmp_path: Path
) -> None:
    require_java()
    with Graph.open(seeded) as source:
        source.add_node({"name": "Registered Trust", "types": ["Charity"], "identifiers": ["GB-CHC-1234567"]})
        files = write_import(source, tmp_path / "files")
    assert files.args_file.is_file() and files.nodes == len(records(seeded)["nodes"])
    with neo4j_tools().Neo4jServer(timeout=300, import_from=files.folder) as server:
        url = server.uri
        assert records(url) == records(seeded)
        same_history_as_a_sync(seeded, url)
        # The snapshots the files hold (links' made around their stored JSON text, private
        # ones redacted) are those an ordinary sync into an empty store writes.
        plain = f"sqlite:///{tmp_path / 'plain.db'}"
        with Graph.open(seeded) as source, Graph.open(plain) as target:
            sync_module.sync(source, target)
        assert created_snapshots(url) == created_snapshots(plain)
        with Graph.open(url) as graph:
            reader = graph.reader(include_private=True)
            some = reader.node("org:registered-trust")
            assert reader.owner_of("GB-CHC-1234567") == some.id
            assert [n.id for n in reader.search(some.name)][:5].count(some.id) == 1
            with pytest.raises(InvalidData, match="identifier"):
                graph.add_node(
                    {"name": "Copycat", "types": ["Charity"], "identifiers": some.props["identifiers"][:1]}
                )
            graph.add_node({"name": "Added After Import", "types": ["Charity"]})
            assert graph.reader().find("org:added-after-import") is not None


def test_the_importer_runs_on_the_quick_compiler_only_for_small_files(tmp_path: Path) -> None:
    tools = neo4j_tools()
    (tmp_path / "links-0000.csv").write_text('":START_ID",":END_ID",":TYPE"\n')
    (tmp_path / "neo4j-admin-import.args").write_text("x" * 1000)  # not a CSV file: not counted
    assert tools.import_java_flags(tmp_path) == ("-XX:TieredStopAtLevel=1",)
    with (tmp_path / "nodes-0001.csv").open("wb") as big:  # sparse: no disk used
        big.truncate(tools.IMPORT_QUICK_BYTES)
    assert tools.import_java_flags(tmp_path) == ()
