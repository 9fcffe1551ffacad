"""power-ranking and brokers computed inside the store's server (Neo4j with the Graph
Data Science library), so the links never travel to Python: only one row per actor
comes back.

The graphs are the ones :func:`psp_graph.analysis.projection.project` builds for the
Python path, projected in the server and dropped afterwards: ONE projection per query
(power-ranking: queries/server/power.cypher, reach and brokerage as two relationship
types; brokers: queries/server/brokerage.cypher). What runs where:

- counted components (money, resources, seats and authority): the query's own Cypher;
- reach: GDS PageRank (weighted, damping 0.85), scaled to sum 1;
- betweenness (brokerage): GDS betweenness, exact or sampled with the same pivot count;
- degree and articulation points: GDS;
- Burt's constraint: GDS has none, so from GDS's degrees and triangles, summed in the
  server (psp_graph.backends.neo4j_gds);
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
from psp_graph.backends.base import PROJECTION_TYPES
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


def _reach(found: dict[str, float]) -> dict[str, float]:
    """PageRank as igraph gives it: GDS drops the rank of nodes with no way out where
    igraph spreads it evenly, and the two differ only by a constant factor (both teleport
    uniformly), so scaling GDS's values to sum 1 gives igraph's."""
    total = math.fsum(found.values())
    return {node: value / total for node, value in found.items()} if total else found


def _betweenness_options(
    n: int, *, exact_below: int, samples: int, seed: int
) -> tuple[dict[str, Any], float]:
    """GDS's betweenness options for ``n`` actors, as
    :func:`psp_graph.analysis.projection.betweenness` computes it, and the factor that
    normalises its values (0 when sampled is meaningless: n <= 2)."""
    sampled = n >= exact_below and n > 2
    k = min(samples, n)
    # One thread: with more, GDS 2.13 draws other pivots for the same seed.
    options = {"samplingSize": k, "samplingSeed": seed, "concurrency": 1} if sampled else {}
    if n <= 2:
        return options, 0.0
    # As networkx and igraph normalise (GDS, like igraph, counts each pair once), and
    # scaled by n/k when sampled (GDS does not scale).
    return options, 2.0 / ((n - 1) * (n - 2)) * (n / k if sampled else 1.0)


@in_server("power-ranking")
def power_ranking_in_server(
    reader: Reader, onto: Ontology, cypher_params: Params, params: Params
) -> list[dict[str, Any]]:
    """The power-ranking table, its graph algorithms run in the server on ONE projection
    (queries/server/power.cypher): PageRank on its REACH links, betweenness on its actors
    and BROKER links."""
    actors = _actor_rows(reader, "power-ranking", cypher_params)
    if not actors:
        return []
    types = onto.relations_with_role(*REACH_ROLES)
    projection_params = {
        **cypher_params,
        "pagerank_types": sorted(types),
        "flows": {t: onto.relations[t].power_flow or "shared" for t in types},
        PROJECTION_TYPES: {"REACH": "directed", "BROKER": "undirected"},
    }
    between, scale = _betweenness_options(
        len(actors), exact_below=EXACT_BELOW, samples=POWER_SAMPLES, seed=BETWEENNESS_SEED
    )
    found = reader.graph_algorithms(
        cypher_text("server/power"),
        projection_params,
        {
            "pageRank": {**_PAGERANK, "relationshipWeightProperty": "weight", "relationshipTypes": ["REACH"]},
            "betweenness": {**between, "relationshipTypes": ["BROKER"], "nodeLabels": ["Actor"]},
        },
        undirected=False,
    )
    brokerage = {node: value * scale for node, value in found["betweenness"].items()}
    # No reach link at all: PageRank of the actors alone, even (the server gives no values).
    reach = _reach(found["pageRank"]) or {row["id"]: 1.0 / len(actors) for row in actors}
    return score_table(actors, reach, brokerage, params)


@in_server("brokers")
def brokers_in_server(
    reader: Reader, onto: Ontology, cypher_params: Params, params: Params
) -> list[dict[str, Any]]:
    """The brokers table, every value computed in the server on one projection
    (queries/server/brokerage.cypher), Burt's constraint from its degrees and triangles."""
    del onto  # the broker types are already in cypher_params
    actors = [row["id"] for row in _actor_rows(reader, "brokers", cypher_params)]
    if not actors:
        return []
    n = len(actors)
    options, scale = _betweenness_options(
        n, exact_below=int(params["exact_below"]), samples=int(params["samples"]), seed=int(params["seed"])
    )
    found = reader.graph_algorithms(
        cypher_text("server/brokerage"),
        cypher_params,
        {"betweenness": options, "degree": {}, "articulationPoints": {}, "constraint": {}},
        undirected=True,
    )
    sampled = bool(options)
    between = {node: value * scale for node, value in found["betweenness"].items()}
    cut, degree, burt = found["articulationPoints"], found["degree"], found["constraint"]
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
