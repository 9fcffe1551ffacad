"""power-ranking and brokers computed inside the store's server (Neo4j with the Graph
Data Science library), so the links never travel to Python: only one row per actor
comes back.

The graphs are the ones :func:`psp_graph.analysis.projection.project` builds for the
Python path, projected in the server by queries/server/reach.cypher and
queries/server/brokerage.cypher and dropped afterwards. What runs where:

- counted components (money, resources, seats and authority): the query's own Cypher;
- reach: GDS PageRank (weighted, damping 0.85), scaled to sum 1;
- betweenness (brokerage): GDS betweenness, exact or sampled with the same pivot count;
- degree and articulation points: GDS;
- Burt's constraint: GDS has none, so plain Cypher (queries/server/constraint.cypher);
- the score and ranks: :func:`psp_graph.analysis.power.score_table`, in Python, over
  one row per actor.

The results equal the Python path's within :data:`TOLERANCE` (docs/design.md says why
not exactly).
"""

from __future__ import annotations

import math
from typing import Any

from psp_graph.analysis.cypher import cypher_text
from psp_graph.analysis.power import REACH_ROLES, score_table
from psp_graph.analysis.spec import BETWEENNESS_SEED, EXACT_BELOW, POWER_SAMPLES, Params, in_server
from psp_graph.ontology import Ontology
from psp_graph.reading import Reader

__all__ = ["TOLERANCE", "brokers_in_server", "power_ranking_in_server"]

TOLERANCE = 1e-6
"""Largest difference, in a 0-1 value (score, reach, normalised betweenness, constraint),
between the in-server and the Python path on the same store (exact betweenness)."""

# PageRank by power iteration until no score moves by more than this (PRPACK, in the
# Python path, solves the linear system directly).
_PAGERANK = {"dampingFactor": 0.85, "maxIterations": 1000, "tolerance": 1e-12}


def _actor_rows(reader: Reader, name: str, cypher_params: Params) -> list[dict[str, Any]]:
    rows = reader.cypher(cypher_text(name), {**cypher_params, "with_projection": False})
    return [row for row in rows if row["part"] == "actor"]


def _pagerank(reader: Reader, onto: Ontology, cypher_params: Params) -> dict[str, float]:
    """PageRank on the reach projection, as igraph gives it: GDS drops the rank of nodes
    with no way out where igraph spreads it evenly, and the two differ only by a constant
    factor (both teleport uniformly), so scaling GDS's values to sum 1 gives igraph's."""
    types = onto.relations_with_role(*REACH_ROLES)
    params = {
        **cypher_params,
        "pagerank_types": sorted(types),
        "flows": {t: onto.relations[t].power_flow or "shared" for t in types},
    }
    options = {**_PAGERANK, "relationshipWeightProperty": "weight"}
    found = reader.graph_algorithms(
        cypher_text("server/reach"), params, {"pageRank": options}, undirected=False
    )["pageRank"]
    total = math.fsum(found.values())
    return {node: value / total for node, value in found.items()} if total else found


def _betweenness(
    reader: Reader,
    cypher_params: Params,
    n: int,
    *,
    exact_below: int,
    samples: int,
    seed: int,
    more: tuple[str, ...],
) -> tuple[dict[str, float], bool, dict[str, dict[str, Any]]]:
    """Normalised betweenness on the brokerage projection of ``n`` actors, as
    :func:`psp_graph.analysis.projection.betweenness` gives it, with the other
    algorithms in ``more`` run on the same projection."""
    sampled = n >= exact_below and n > 2
    options: dict[str, Any] = {}
    k = min(samples, n)
    if sampled:
        # One thread: with more, GDS 2.13 draws other pivots for the same seed.
        options = {"samplingSize": k, "samplingSeed": seed, "concurrency": 1}
    found = reader.graph_algorithms(
        cypher_text("server/brokerage"),
        cypher_params,
        {"betweenness": options, **{name: {} for name in more}},
        undirected=True,
    )
    if n <= 2:
        return {node: 0.0 for node in found["betweenness"]}, False, found
    # As networkx and igraph normalise (GDS, like igraph, counts each pair once), and
    # scaled by n/k when sampled (GDS does not scale).
    scale = 2.0 / ((n - 1) * (n - 2)) * (n / k if sampled else 1.0)
    return {node: value * scale for node, value in found["betweenness"].items()}, sampled, found


@in_server("power-ranking")
def power_ranking_in_server(
    reader: Reader, onto: Ontology, cypher_params: Params, params: Params
) -> list[dict[str, Any]]:
    """The power-ranking table, its graph algorithms run in the server."""
    actors = _actor_rows(reader, "power-ranking", cypher_params)
    if not actors:
        return []
    reach = _pagerank(reader, onto, cypher_params)
    brokerage, _, _ = _betweenness(
        reader,
        cypher_params,
        len(actors),
        exact_below=EXACT_BELOW,
        samples=POWER_SAMPLES,
        seed=BETWEENNESS_SEED,
        more=(),
    )
    return score_table(actors, reach, brokerage, params)


@in_server("brokers")
def brokers_in_server(
    reader: Reader, onto: Ontology, cypher_params: Params, params: Params
) -> list[dict[str, Any]]:
    """The brokers table, every value computed in the server."""
    del onto  # the broker types are already in cypher_params
    actors = [row["id"] for row in _actor_rows(reader, "brokers", cypher_params)]
    if not actors:
        return []
    between, sampled, found = _betweenness(
        reader,
        cypher_params,
        len(actors),
        exact_below=int(params["exact_below"]),
        samples=int(params["samples"]),
        seed=int(params["seed"]),
        more=("degree", "articulationPoints"),
    )
    burt = {
        row["id"]: row["constraint"] for row in reader.cypher(cypher_text("server/constraint"), cypher_params)
    }
    cut, degree = found["articulationPoints"], found["degree"]
    return [
        {
            "id": node,
            "betweenness": float(between.get(node, 0.0)),
            "constraint": burt.get(node),
            "articulation_point": node in cut,
            "degree": int(degree.get(node, 0)),
            "sampled": sampled,
        }
        for node in sorted(actors)
    ]
