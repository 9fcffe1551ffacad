"""One projection from links to the graph an analysis needs, and the graph
algorithms every backend shares.

Which relationship types an analysis uses, and which way power flows along
them, come from the ontology (``psp:analysisRole``, ``psp:powerFlow``). The
algorithms run in igraph (C), so a million links take seconds; networkx is
available from :meth:`Projection.to_networkx` for anyone exploring.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from psp_graph.ontology import Ontology

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Projection",
    "articulation_points",
    "betweenness",
    "constraint",
    "pagerank",
    "project",
]

Edge = tuple[str, str, str, float]  # source, target, relationship type, weight


@dataclass
class Projection:
    """Sorted nodes and collapsed, weighted edges (``u < v`` when undirected)."""

    nodes: list[str]
    edges: dict[tuple[str, str], float]
    directed: bool

    def __len__(self) -> int:
        return len(self.nodes)

    def to_igraph(self) -> Any:
        import igraph

        index = {node: i for i, node in enumerate(self.nodes)}
        # Edges in the order they were collapsed: algorithm results do not depend on it
        # beyond float rounding, and sorting a million pairs costs seconds.
        graph = igraph.Graph(
            n=len(self.nodes), edges=[(index[u], index[v]) for u, v in self.edges], directed=self.directed
        )
        graph.es["weight"] = list(self.edges.values())
        return graph

    def to_networkx(self) -> nx.Graph:
        import networkx as nx

        graph: nx.Graph = nx.DiGraph() if self.directed else nx.Graph()
        graph.add_nodes_from(self.nodes)
        graph.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(self.edges.items()))
        return graph


def project(
    edges: list[Edge],
    onto: Ontology,
    roles: tuple[str, ...],
    *,
    directed: bool,
    nodes: list[str] | None = None,
) -> Projection:
    """Build a projection from links with the given roles; parallel links collapse with summed weights.

    Directed projections point every edge *towards the end that holds the power*
    the link expresses (funder, influencer, seat holder), so PageRank flows to
    power holders; ``shared`` links point both ways. Nodes are sorted, so results
    never depend on the order a backend returned rows. O(edges log edges).
    """
    types = onto.relations_with_role(*roles)
    flows = {name: onto.relations[name].power_flow for name in types}
    collapsed: dict[tuple[str, str], float] = {}
    members = set(nodes or [])
    for source, target, rel_type, weight in edges:
        if rel_type not in types or source == target:
            continue
        flow = flows[rel_type]
        if not directed:
            pairs = [(source, target) if source < target else (target, source)]
        elif flow == "source":
            pairs = [(target, source)]
        elif flow == "target":
            pairs = [(source, target)]
        else:
            pairs = [(source, target), (target, source)]
        for pair in pairs:
            collapsed[pair] = collapsed.get(pair, 0.0) + weight
        members.update((source, target))
    return Projection(sorted(members), collapsed, directed)


def pagerank(proj: Projection, *, damping: float = 0.85) -> dict[str, float]:
    """Weighted PageRank (dangling nodes spread their rank evenly). O(edges)."""
    if not proj.nodes:
        return {}
    values = proj.to_igraph().pagerank(weights="weight", damping=damping, directed=proj.directed)
    return dict(zip(proj.nodes, values, strict=True))


def betweenness(
    proj: Projection, *, exact_below: int, samples: int, seed: int
) -> tuple[dict[str, float], bool]:
    """Normalised, unweighted betweenness on an undirected projection: exact below
    ``exact_below`` nodes, else estimated from ``samples`` pivots drawn with
    ``seed`` from the sorted nodes (same seed, same result) and scaled by n/k, as
    networkx does. Returns (values, sampled). O(n·m) exact, O(k·m) sampled."""
    n = len(proj.nodes)
    if n <= 2:
        return dict.fromkeys(proj.nodes, 0.0), False
    graph = proj.to_igraph()
    scale = 2.0 / ((n - 1) * (n - 2))
    if n < exact_below:
        values = graph.betweenness(directed=False)
        return {node: v * scale for node, v in zip(proj.nodes, values, strict=True)}, False
    k = min(samples, n)
    pivots = random.Random(seed).sample(range(n), k)
    values = graph.betweenness(directed=False, sources=pivots)
    return {node: v * scale * n / k for node, v in zip(proj.nodes, values, strict=True)}, True


def constraint(proj: Projection) -> dict[str, float | None]:
    """Burt's constraint (unweighted); None for isolated nodes."""
    if not proj.nodes:
        return {}
    values = proj.to_igraph().constraint()
    return {node: None if math.isnan(v) else float(v) for node, v in zip(proj.nodes, values, strict=True)}


def articulation_points(proj: Projection) -> set[str]:
    """Nodes whose removal disconnects their component."""
    if not proj.nodes:
        return set()
    return {proj.nodes[i] for i in proj.to_igraph().articulation_points()}
