"""Parity of power-ranking and brokers computed inside Neo4j (Graph Data Science) with
the Python path on the same store, within power_server.TOLERANCE: ids, counts, flags
and degrees exact; 0-1 values within the tolerance; ranks equal wherever an actor's
score is more than the tolerance away from every other actor's. And the Python path
still runs, unchanged, on stores without the library."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psp_graph.analysis import QUERIES, run_query
from psp_graph.analysis.power_server import TOLERANCE
from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.seed import load_seed

from .generate import generate_graph, load_generated

pytestmark = pytest.mark.neo4j

CASES: list[tuple[str, dict[str, Any]]] = [
    ("power-ranking", {}),
    ("power-ranking", {"issue": "housing"}),
    ("power-ranking", {"as_of": "2020-06-01", "w_money": 2, "w_reach": 0.5}),
    ("brokers", {}),
    ("brokers", {"issue": "food-poverty"}),
    ("brokers", {"as_of": "2020-06-01"}),
]


def assert_close_tables(name: str, python: list[dict[str, Any]], server: list[dict[str, Any]]) -> None:
    by_id = {row["id"]: row for row in python}
    theirs = {row["id"]: row for row in server}
    assert set(by_id) == set(theirs), f"{name}: other actors"
    scores = [row["score"] for row in python] if name == "power-ranking" else []
    for actor, row in by_id.items():
        other = theirs[actor]
        for column, value in row.items():
            if column == "rank":
                clear = sum(abs(s - row["score"]) <= TOLERANCE for s in scores) == 1
                if clear:  # no other score within the tolerance: the rank is the same
                    assert value == other[column], (name, actor, row, other)
            elif isinstance(value, float) or isinstance(other[column], float):
                assert value is not None and other[column] is not None, (name, actor, column)
                assert abs(value - other[column]) <= TOLERANCE, (name, actor, column, value, other[column])
            else:
                assert value == other[column], (name, actor, column, value, other[column])


def both_paths(graph: Graph, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    python = run_query(graph, name, params, analytics="python").rows
    server = run_query(graph, name, params, analytics="server").rows
    assert_close_tables(name, python, server)
    return server


def test_the_server_path_matches_the_python_path_on_the_seed_graph(neo4j_gds_store: str) -> None:
    with Graph.open(neo4j_gds_store) as graph, Graph.open("sqlite://:memory:") as embedded:
        load_seed(graph)
        load_seed(embedded)
        assert graph.reader().has_graph_algorithms
        for name, params in CASES:
            server = both_paths(graph, name, params)
            assert server, f"the seed graph has rows for {name} {params}"
            # auto takes the server path (GDS sums in parallel: equal to the last bits or so),
            # and the embedded store's twin agrees with it too
            assert_close_tables(name, run_query(graph, name, params).rows, server)
            assert_close_tables(name, run_query(embedded, name, params).rows, server)
        ranking = run_query(graph, "power-ranking", analytics="server").rows
        assert any(row["reach"] > 0 and row["brokerage"] > 0 for row in ranking), "components were computed"
        brokers = run_query(graph, "brokers", analytics="server").rows
        assert any(row["articulation_point"] for row in brokers)
        assert any(row["constraint"] is None for row in brokers) and any(row["constraint"] for row in brokers)


def test_sampled_betweenness_is_sampled_in_the_server_and_everything_else_matches(
    neo4j_gds_store: str,
) -> None:
    # GDS draws its own pivots, so sampled values are different estimates of the same
    # betweenness; the other columns do not depend on the sample.
    params = {"exact_below": 2, "samples": 7, "seed": 3}
    with Graph.open(neo4j_gds_store) as graph:
        load_seed(graph)
        python = {r["id"]: r for r in run_query(graph, "brokers", params, analytics="python").rows}
        server = {r["id"]: r for r in run_query(graph, "brokers", params, analytics="server").rows}
        again = {r["id"]: r for r in run_query(graph, "brokers", params, analytics="server").rows}
    assert_close_tables("brokers", list(server.values()), list(again.values()))  # the same seed, sample
    assert set(python) == set(server)
    for actor, row in python.items():
        assert server[actor]["sampled"] is row["sampled"] is True
        for column in ("degree", "articulation_point"):
            assert server[actor][column] == row[column]
        assert server[actor]["constraint"] == pytest.approx(row["constraint"], abs=TOLERANCE)


@settings(
    max_examples=4,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 10_000), actors=st.integers(0, 40), density=st.sampled_from([0.5, 3, 8]))
def test_the_server_path_matches_on_generated_graphs(
    neo4j_gds_store: str, seed: int, actors: int, density: float
) -> None:
    # Generated graphs include isolated actors, parallel links and every kind of link.
    from tests.neo4j_support import wipe_test_database

    wipe_test_database(neo4j_gds_store)
    nodes, links = generate_graph(actors, density, seed=seed)
    with Graph.open(neo4j_gds_store) as graph:
        load_generated(graph.backend, nodes, links)
        for name, params in CASES:
            both_paths(graph, name, params)


def test_a_store_without_the_library_keeps_the_python_path(neo4j_store: str) -> None:
    with Graph.open(neo4j_store) as graph:
        load_seed(graph)
        assert not graph.reader().has_graph_algorithms
        for name, params in CASES:
            assert (
                run_query(graph, name, params).rows == run_query(graph, name, params, analytics="python").rows
            )
            with pytest.raises(InvalidData, match=f"query {name}: this store cannot run graph algorithms"):
                run_query(graph, name, params, analytics="server")
        # Queries without graph algorithms ignore where they would run.
        assert run_query(graph, "funding-flows", analytics="server").rows


def test_analytics_must_be_auto_server_or_python() -> None:
    with Graph.open("sqlite://:memory:") as graph:
        with pytest.raises(InvalidData, match="analytics must be one of auto, server, python, not 'fast'"):
            run_query(graph, "brokers", analytics="fast")
        with pytest.raises(InvalidData, match="this store cannot run graph algorithms"):
            run_query(graph, "power-ranking", analytics="server")
    assert {"power-ranking", "brokers"} <= set(QUERIES)
