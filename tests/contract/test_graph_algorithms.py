"""The GraphAlgorithmStore ability (graph algorithms run in the store's server, on a
projection it drops afterwards): Neo4j has it when the server has the Graph Data
Science library, says no without it, and the embedded store does not claim it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from psp_graph.analysis.projection import Projection, betweenness, constraint, pagerank
from psp_graph.backends import Backend, open_backend
from psp_graph.backends.base import PROJECTION_TYPES, GraphAlgorithmStore
from psp_graph.exc import StoreUnavailable

from .test_backend_contract import link, org, write

# Every actor alone, then its PARTNERS_WITH and FUNDS links with their strength as weight.
PROJECTION = """
MATCH (a:Actor) RETURN a AS source, null AS target, null AS weight
UNION ALL
MATCH (s:Actor)-[r]->(t:Actor) WHERE type(r) IN $types
RETURN s AS source, t AS target, sum(coalesce(r.strength, 1)) AS weight
"""


@pytest.fixture(params=["sqlite-memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def plain(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """A store whose server has no graph algorithms."""
    url = "sqlite://:memory:" if request.param == "sqlite-memory" else request.getfixturevalue("neo4j_store")
    backend = open_backend(url)
    try:
        yield backend
    finally:
        backend.close()


@pytest.fixture
def gds(neo4j_gds_store: str) -> Iterator[Backend]:
    backend = open_backend(neo4j_gds_store)
    try:
        yield backend
    finally:
        backend.close()


def projections(backend: Backend) -> list[str]:
    assert isinstance(backend, GraphAlgorithmStore)
    rows = backend.run_cypher("CALL gds.graph.list() YIELD graphName RETURN graphName", {})  # type: ignore[attr-defined]
    return [r["graphName"] for r in rows]


def path_with_a_loner(backend: Backend) -> None:
    """a - b - c in a line (b funds c twice), d alone."""
    write(
        backend,
        nodes=[org("a"), org("b"), org("c"), org("d")],
        links=[
            link("PARTNERS_WITH", "org:a", "org:b"),
            link("FUNDS", "org:b", "org:c", "g1", strength=2),
            link("FUNDS", "org:b", "org:c", "g2"),
        ],
    )


def test_a_store_without_the_library_does_not_run_graph_algorithms(plain: Backend) -> None:
    if isinstance(plain, GraphAlgorithmStore):  # Neo4j: the ability is there, the server says no
        assert plain.has_graph_algorithms() is False
        with pytest.raises(StoreUnavailable, match="no Graph Data Science library"):
            plain.run_graph_algorithms(PROJECTION, {"types": []}, {"degree": {}}, undirected=True)
    else:
        assert type(plain).__name__ == "SQLiteBackend"


@pytest.mark.neo4j
def test_undirected_algorithms_match_the_python_path_and_the_projection_is_dropped(gds: Backend) -> None:
    assert isinstance(gds, GraphAlgorithmStore) and gds.has_graph_algorithms()
    path_with_a_loner(gds)
    found = gds.run_graph_algorithms(
        PROJECTION,
        {"types": ["PARTNERS_WITH", "FUNDS"]},
        {"betweenness": {}, "degree": {}, "articulationPoints": {}},
        undirected=True,
    )
    assert found["betweenness"] == {"org:a": 0.0, "org:b": 1.0, "org:c": 0.0, "org:d": 0.0}
    assert found["degree"] == {"org:a": 1.0, "org:b": 2.0, "org:c": 1.0, "org:d": 0.0}
    assert found["articulationPoints"] == {"org:b": True}
    python, _ = betweenness(
        Projection(
            ["org:a", "org:b", "org:c", "org:d"], {("org:a", "org:b"): 1, ("org:b", "org:c"): 3}, False
        ),
        exact_below=10,
        samples=1,
        seed=0,
    )
    assert python["org:b"] == pytest.approx(found["betweenness"]["org:b"] * 2 / (3 * 2))
    assert projections(gds) == []


@pytest.mark.neo4j
def test_weighted_pagerank_scaled_to_one_is_the_python_pagerank(gds: Backend) -> None:
    assert isinstance(gds, GraphAlgorithmStore)
    path_with_a_loner(gds)
    found = gds.run_graph_algorithms(
        PROJECTION,
        {"types": ["PARTNERS_WITH", "FUNDS"]},
        {"pageRank": {"relationshipWeightProperty": "weight", "maxIterations": 500, "tolerance": 1e-12}},
        undirected=False,
    )["pageRank"]
    total = sum(found.values())
    # c is a dangling node: GDS drops its rank, igraph spreads it; scaled, they agree.
    python = pagerank(
        Projection(["org:a", "org:b", "org:c", "org:d"], {("org:a", "org:b"): 1, ("org:b", "org:c"): 3}, True)
    )
    assert {k: v / total for k, v in found.items()} == pytest.approx(python, rel=1e-9)
    assert projections(gds) == []


@pytest.mark.neo4j
def test_a_failing_algorithm_still_drops_the_projection_and_names_are_whitelisted(gds: Backend) -> None:
    assert isinstance(gds, GraphAlgorithmStore)
    path_with_a_loner(gds)
    with pytest.raises(ValueError, match="no graph algorithm louvain"):
        gds.run_graph_algorithms(PROJECTION, {"types": []}, {"louvain": {}}, undirected=True)
    with pytest.raises(StoreUnavailable):  # an option GDS does not know
        gds.run_graph_algorithms(PROJECTION, {"types": []}, {"degree": {"noSuchOption": 1}}, undirected=True)
    assert projections(gds) == []


# Each pair of actors once (lower id first), whatever its links: a simple undirected graph.
PAIRS = """
MATCH (a:Actor) RETURN a AS source, null AS target, null AS weight
UNION ALL
MATCH (s:Actor)-[r]->(t:Actor) WHERE type(r) IN $types
WITH DISTINCT CASE WHEN s.id < t.id THEN [s, t] ELSE [t, s] END AS pair
RETURN pair[0] AS source, pair[1] AS target, 1.0 AS weight
"""

# The same pairs as BROKER, and each REACH-typed link as REACH: two types in one projection.
TYPED = """
MATCH (a:Actor) RETURN a AS source, null AS target, null AS weight, null AS type
UNION ALL
MATCH (s:Actor)-[r]->(t:Actor) WHERE type(r) IN $types
WITH DISTINCT CASE WHEN s.id < t.id THEN [s, t] ELSE [t, s] END AS pair
RETURN pair[0] AS source, pair[1] AS target, 1.0 AS weight, 'BROKER' AS type
UNION ALL
MATCH (s:Actor)-[r]->(t:Actor) WHERE type(r) IN $reach
RETURN s AS source, t AS target, 1.0 AS weight, 'REACH' AS type
"""


@pytest.mark.neo4j
def test_constraint_from_degrees_and_triangles_is_the_python_paths(gds: Backend) -> None:
    assert isinstance(gds, GraphAlgorithmStore)
    # a, b, c a triangle; c - d a tail (two links); e alone
    write(
        gds,
        nodes=[org(x) for x in "abcde"],
        links=[
            link("PARTNERS_WITH", "org:a", "org:b"),
            link("PARTNERS_WITH", "org:b", "org:c"),
            link("FUNDS", "org:c", "org:a", "g1"),
            link("FUNDS", "org:c", "org:d", "g2"),
            link("FUNDS", "org:d", "org:c", "g3"),
        ],
    )
    params = {"types": ["PARTNERS_WITH", "FUNDS"], "reach": []}
    found = gds.run_graph_algorithms(PAIRS, params, {"constraint": {}}, undirected=True)["constraint"]
    edges = {("org:a", "org:b"): 1, ("org:b", "org:c"): 1, ("org:a", "org:c"): 1, ("org:c", "org:d"): 1}
    python = constraint(Projection([f"org:{x}" for x in "abcde"], edges, False))
    assert python.pop("org:e") is None and "org:e" not in found  # no neighbour, no value
    assert found == pytest.approx(python, abs=1e-12)
    assert found["org:d"] == 1.0 and found["org:a"] != found["org:c"]
    # The same on a projection of two types, the undirected one chosen by relationshipTypes;
    # a type that was not projected (no REACH link here) gives no values.
    both = gds.run_graph_algorithms(
        TYPED,
        {**params, PROJECTION_TYPES: {"BROKER": "undirected", "REACH": "directed"}},
        {
            "constraint": {"relationshipTypes": ["BROKER"]},
            "betweenness": {"relationshipTypes": ["BROKER"], "nodeLabels": ["Actor"]},
            "pageRank": {"relationshipTypes": ["REACH"]},
        },
        undirected=False,
    )
    assert both["constraint"] == pytest.approx(found, abs=1e-12)
    assert both["betweenness"]["org:c"] == 2.0 and both["pageRank"] == {}
    with_reach = gds.run_graph_algorithms(
        TYPED,
        {**params, "reach": ["FUNDS"], PROJECTION_TYPES: {"BROKER": "undirected", "REACH": "directed"}},
        {"pageRank": {"relationshipTypes": ["REACH"]}, "degree": {"relationshipTypes": ["REACH"]}},
        undirected=False,
    )
    assert with_reach["degree"] == {"org:a": 0.0, "org:b": 0.0, "org:c": 2.0, "org:d": 1.0, "org:e": 0.0}
    assert projections(gds) == []
