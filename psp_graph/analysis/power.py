"""Power ranking and brokers: the graph algorithms shared by every backend.

Each backend produces the same *raw rows* (Neo4j from queries/power-ranking.cypher
and queries/brokers.cypher, the embedded store from :func:`power_raw` and
:func:`brokers_raw`); :func:`finish_power_ranking` and :func:`finish_brokers`
turn them into the table with one implementation.

Raw rows have a ``part``: ``actor`` rows carry an actor and its counted
components; ``edge`` rows carry one link (source, target, type, weight).
"""

from __future__ import annotations

import math
from typing import Any

from psp_graph.analysis.data import AnalysisData
from psp_graph.analysis.projection import (
    Edge,
    EdgeTable,
    articulation_points,
    betweenness,
    constraint,
    pagerank,
    project,
)
from psp_graph.analysis.spec import (
    BETWEENNESS_SEED,
    EXACT_BELOW,
    POWER_SAMPLES,
    Params,
    finisher,
    twin,
)
from psp_graph.ontology import Ontology

__all__ = [
    "RawGraph",
    "brokers_raw",
    "finish_brokers",
    "finish_power_ranking",
    "power_raw",
    "score_table",
    "selected_actors",
]

REACH_ROLES = ("money", "influence", "authority")
BROKER_ROLES = ("collaboration", "money", "influence")
COMPONENTS = ("money_granted_minor", "resources", "seats_authority", "reach", "brokerage")
WEIGHTS = ("w_money", "w_resources", "w_seats", "w_reach", "w_brokerage")


class RawGraph(list[dict[str, Any]]):
    """Raw rows in the embedded store's compact form: the actor rows, with the edge
    rows beside them as ``(source, target, type, weight)`` tuples (a million edges
    need no million dicts)."""

    def __init__(self, actors: list[dict[str, Any]], edges: list[Edge]) -> None:
        super().__init__(actors)
        self.edges = edges


def selected_actors(data: AnalysisData, issues: list[str] | None) -> set[str]:
    """All actors, or those linked to a selected issue by an issue-role link."""
    actors = data.ids("Actor")
    if issues is None:
        return set(actors)
    wanted = set(issues)
    links = data.rows(data.onto.relations_with_role("issue"), (), issues, ids=False)
    return {source for _, _, source, target in links if source in actors and target in wanted}


def _edges(data: AnalysisData, nodes: set[str], types: frozenset[str]) -> list[Edge]:
    weighted = types & {name for name, rel in data.onto.relations.items() if "strength" in rel.attributes}
    edges = [
        (source, target, rel_type, 1.0 if strength is None else float(strength))
        for _, rel_type, source, target, strength in data.rows(weighted, ("strength",), ids=False)
        if source in nodes and target in nodes
    ]
    # The other types carry no weight: read only their ends.
    edges += [
        (source, target, rel_type, 1.0)
        for _, rel_type, source, target in data.rows(types - weighted, ids=False)
        if source in nodes and target in nodes
    ]
    return edges


@twin("power-ranking")
def power_raw(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Raw rows for power-ranking on the embedded store (the twin of power-ranking.cypher).

    Reads the money links of the selected issues and the reach and broker links
    (ends, type, strength) as columns: O(links read), no per-link records."""
    currency = str(params["currency"])
    actors = selected_actors(data, issues)
    onto = data.onto
    authority = onto.relations_with_role("authority", power_flow="source")
    money, resources = onto.relations_with_role("money"), onto.relations_with_role("resources")
    counts: dict[str, dict[str, int]] = {a: {"money": 0, "resources": 0, "authority": 0} for a in actors}
    for _, _, source, _, link_currency, amount in data.rows(
        money, ("currency", "amount_minor"), issues, ids=False
    ):
        if source in counts and link_currency == currency and amount is not None:
            counts[source]["money"] += int(amount)
    for _, _, source, _ in data.rows(resources - money, ids=False):
        if source in counts:
            counts[source]["resources"] += 1
    for _, _, source, _ in data.rows(authority, ids=False):
        if source in counts:
            counts[source]["authority"] += 1
    rows = [
        {
            "part": "actor",
            "id": a,
            "money_minor": c["money"],
            "resources": c["resources"],
            "seats_authority": c["authority"],
        }
        for a, c in counts.items()
    ]
    spaces = data.ids("DecisionSpace") | data.ids("Initiative")
    return RawGraph(
        rows, _edges(data, actors | spaces, onto.relations_with_role(*REACH_ROLES, *BROKER_ROLES))
    )


@twin("brokers")
def brokers_raw(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Raw rows for brokers on the embedded store (the twin of brokers.cypher)."""
    actors = selected_actors(data, issues)
    rows: list[dict[str, Any]] = [{"part": "actor", "id": a} for a in actors]
    return RawGraph(rows, _edges(data, actors, data.onto.relations_with_role(*BROKER_ROLES)))


def _split(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Edge]]:
    if isinstance(rows, RawGraph):
        return sorted(rows, key=lambda r: r["id"]), rows.edges
    actors = sorted((r for r in rows if r["part"] == "actor"), key=lambda r: r["id"])
    edges = sorted(
        (r["id"], r["target"], r["type"], float(r["weight"] if r["weight"] is not None else 1))
        for r in rows
        if r["part"] == "edge"
    )
    return actors, edges


@finisher("power-ranking")
def finish_power_ranking(
    rows: list[dict[str, Any]], params: dict[str, Any], onto: Ontology
) -> list[dict[str, Any]]:
    """Score every actor from raw rows: normalise each component by its maximum, then
    take the weighted mean. Reach is PageRank (alpha 0.85) on links pointing towards
    power holders; brokerage is betweenness on the undirected actor network."""
    actors, edges = _split(rows)
    ids = [a["id"] for a in actors]
    links = EdgeTable(edges, ids)  # both projections index the links once
    reach = pagerank(project(links, onto, REACH_ROLES, directed=True, nodes=ids))
    broker_graph = project(links, onto, BROKER_ROLES, directed=False, nodes=ids, within=ids)
    brokerage, _ = betweenness(
        broker_graph, exact_below=EXACT_BELOW, samples=POWER_SAMPLES, seed=BETWEENNESS_SEED
    )
    return score_table(actors, reach, brokerage, params)


def score_table(
    actors: list[dict[str, Any]], reach: dict[str, float], brokerage: dict[str, float], params: dict[str, Any]
) -> list[dict[str, Any]]:
    """The power-ranking table from the actor rows (counted components), reach and
    brokerage by actor id: each component normalised by its maximum, then the weighted
    mean; ranked by score, then id. Shared by the Python and the in-server paths."""
    ids = [a["id"] for a in actors]
    # One list per component, in the actors' order.
    columns: dict[str, list[Any]] = {
        "money_granted_minor": [int(a["money_minor"] or 0) for a in actors],
        "resources": [int(a["resources"] or 0) for a in actors],
        "seats_authority": [int(a["seats_authority"] or 0) for a in actors],
        "reach": [float(reach.get(i, 0.0)) for i in ids],
        "brokerage": [float(brokerage.get(i, 0.0)) for i in ids],
    }
    weights = [float(params[w]) for w in WEIGHTS]
    total_weight = sum(weights)
    scores: list[float | None] = [None] * len(ids)
    if total_weight != 0:
        scaled = []
        for component, w in zip(COMPONENTS, weights, strict=True):
            top = max(columns[component], default=0)
            scaled.append([w * (x / top) for x in columns[component]] if top else [0.0] * len(ids))
        scores = [math.fsum(parts) / total_weight for parts in zip(*scaled, strict=True)]
    order = sorted(range(len(ids)), key=lambda k: (-(scores[k] or 0.0), ids[k]))
    # Every column in the spec's order, names filled later: the runner keeps these rows.
    return [
        {
            "rank": rank,
            "id": ids[k],
            "name": None,
            "score": scores[k],
            **{c: columns[c][k] for c in COMPONENTS},
        }
        for rank, k in enumerate(order, start=1)
    ]


@finisher("brokers")
def finish_brokers(
    rows: list[dict[str, Any]], params: dict[str, Any], onto: Ontology
) -> list[dict[str, Any]]:
    """Betweenness, Burt's constraint, articulation points and degree from raw rows."""
    actors, edges = _split(rows)
    graph = project(edges, onto, BROKER_ROLES, directed=False, nodes=[a["id"] for a in actors])
    between, sampled = betweenness(
        graph,
        exact_below=int(params["exact_below"]),
        samples=int(params["samples"]),
        seed=int(params["seed"]),
    )
    burt = constraint(graph)
    cut = articulation_points(graph)
    degree = dict.fromkeys(graph.nodes, 0)
    for u, v in graph.edges:
        degree[u] += 1
        degree[v] += 1
    return [
        {  # in the spec's column order, names filled later
            "id": node,
            "name": None,
            "betweenness": float(between.get(node, 0.0)),
            "constraint": burt.get(node),
            "articulation_point": node in cut,
            "degree": degree[node],
            "sampled": sampled,
        }
        for node in graph.nodes
    ]
