"""One projection from links to the networkx graph an analysis needs, for every backend.

Which relationship types an analysis uses, and which way power flows along
them, come from the ontology (``psp:analysisRole``, ``psp:powerFlow``).
"""

from __future__ import annotations

import networkx as nx

from psp_graph.ontology import Ontology

__all__ = ["betweenness", "project", "roles_of"]

Edge = tuple[str, str, str, float]  # source, target, relationship type, weight


def roles_of(onto: Ontology, roles: tuple[str, ...] | list[str]) -> set[str]:
    """Relationship types that have any of the analysis roles."""
    wanted = set(roles)
    return {name for name, rel in onto.relations.items() if wanted & set(rel.analysis_roles)}


def project(
    edges: list[Edge],
    onto: Ontology,
    roles: tuple[str, ...],
    *,
    directed: bool,
    nodes: list[str] | None = None,
) -> nx.Graph:
    """Build a graph from links with the given roles; parallel links collapse with summed weights.

    Directed graphs point every edge *towards the end that holds the power* the
    link expresses (funder, influencer, seat holder), so PageRank flows to power
    holders; ``shared`` links point both ways. Nodes and edges are added in
    sorted order so results do not depend on the order a backend returns rows.
    O(edges).
    """
    types = roles_of(onto, roles)
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(sorted(nodes or []))
    for source, target, rel_type, weight in sorted(edges):
        if rel_type not in types or source == target:
            continue
        flow = onto.relations[rel_type].power_flow
        if not directed:
            pairs = [(source, target)]
        elif flow == "source":
            pairs = [(target, source)]
        elif flow == "target":
            pairs = [(source, target)]
        else:
            pairs = [(source, target), (target, source)]
        for u, v in pairs:
            if graph.has_edge(u, v):
                graph[u][v]["weight"] += weight
            else:
                graph.add_edge(u, v, weight=weight)
    return graph


def betweenness(
    graph: nx.Graph, *, exact_below: int, samples: int, seed: int
) -> tuple[dict[str, float], bool]:
    """Normalised betweenness: exact below ``exact_below`` nodes, else estimated from
    ``samples`` pivots drawn with ``seed`` (same seed, same result). Returns (values, sampled)."""
    n = len(graph)
    if n == 0:
        return {}, False
    if n < exact_below:
        return nx.betweenness_centrality(graph, normalized=True), False
    return nx.betweenness_centrality(graph, k=min(samples, n), seed=seed, normalized=True), True
