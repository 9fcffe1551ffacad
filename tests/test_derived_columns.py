"""power-ranking and brokers keep their links as integer columns in the embedded store
(DerivedStore) and read them back in the next run: the same answers as building them
anew, never the columns of an older graph, and a damaged row is built again."""

from __future__ import annotations

from pathlib import Path

import pytest

from psp_graph.analysis import power, run_query
from psp_graph.analysis.projection import EdgeTable
from psp_graph.graph import Graph

from .generate import generate_graph, load_generated


@pytest.fixture
def graph(tmp_path: Path) -> Graph:
    graph = Graph.open(f"sqlite:///{tmp_path / 'g.db'}")
    nodes, links = generate_graph(400, seed=11)
    load_generated(graph.backend, nodes, links)
    return graph


def _kept(graph: Graph) -> int:
    conn = graph.backend.conn  # type: ignore[attr-defined]
    found = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'derived'").fetchone()[0]
    return conn.execute("SELECT count(*) FROM derived").fetchone()[0] if found else 0


def _fresh(graph: Graph, name: str) -> list[dict[str, object]]:
    """The table with nothing kept: the columns built from the links."""
    graph.backend.conn.execute("DROP TABLE IF EXISTS derived")  # type: ignore[attr-defined]
    return run_query(graph, name).rows


def test_the_second_run_reads_the_kept_columns_and_answers_the_same(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = {name: _fresh(graph, name) for name in ("brokers", "power-ranking")}
    # One link table serves both queries; power-ranking's money totals and its betweenness.
    assert _kept(graph) == 3
    assert run_query(graph, "brokers").rows == first["brokers"]  # computes and keeps brokers' betweenness
    assert _kept(graph) == 4
    # Building a table from links or searching from pivots now fails: the next runs must
    # read what was kept.
    monkeypatch.setattr(EdgeTable, "__init__", lambda *a, **k: pytest.fail("built again"))
    monkeypatch.setattr(EdgeTable, "of_columns", lambda *a, **k: pytest.fail("built again"))
    monkeypatch.setattr(power, "betweenness", lambda *a, **k: pytest.fail("searched again"))
    for name, rows in first.items():
        assert run_query(graph, name).rows == rows


def test_a_kept_betweenness_is_for_its_own_nodes_and_parameters(graph: Graph) -> None:
    """An issue selection projects other nodes and brokers' pivot count is a parameter:
    neither may read the betweenness kept for the whole graph."""
    whole = _fresh(graph, "brokers")
    housing = run_query(graph, "brokers", {"issue": "housing"}).rows
    fewer = run_query(graph, "brokers", {"samples": 7, "exact_below": 10}).rows
    graph.backend.conn.execute("DROP TABLE derived")  # type: ignore[attr-defined]
    assert housing == run_query(graph, "brokers", {"issue": "housing"}).rows
    assert fewer == run_query(graph, "brokers", {"samples": 7, "exact_below": 10}).rows
    assert {r["id"] for r in housing} < {r["id"] for r in whole}
    assert [r["betweenness"] for r in fewer] != [r["betweenness"] for r in whole]


def test_after_a_change_the_kept_columns_are_not_used(graph: Graph) -> None:
    before = _fresh(graph, "power-ranking")
    assert _kept(graph) == 3
    top = before[0]["id"]
    newcomer = graph.add_node({"type": "Charity", "name": "Newcomer Trust", "illustrative": True})
    for n in range(3):  # a new hub: the three highest-ranked actors partner with it
        source = before[n]["id"]
        graph.add_link({"type": "PARTNERS_WITH", "from": source, "to": newcomer.ids[0], "illustrative": True})
    after = run_query(graph, "power-ranking").rows
    assert after == _fresh(graph, "power-ranking")  # the same as built from the new links
    assert after != before and top in {r["id"] for r in after}


def test_a_damaged_kept_table_is_built_again(graph: Graph) -> None:
    rows = _fresh(graph, "brokers")
    graph.backend.conn.execute("UPDATE derived SET data = x'504b0304dead'")  # type: ignore[attr-defined]
    assert run_query(graph, "brokers").rows == rows
    assert run_query(graph, "brokers", {"as_of": "2020-01-01"}).rows != rows
    assert _kept(graph) == 4  # link table and betweenness: the whole graph, and on the date
