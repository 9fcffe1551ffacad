"""Where collaboration is missing, and who is near whom (ego networks)."""

from __future__ import annotations

from collections import defaultdict, deque
from itertools import combinations
from typing import Any

from psp_graph.analysis.data import AnalysisData
from psp_graph.analysis.spec import Params, twin

__all__ = ["collaboration_gaps", "ego"]


def _neighbours(data: AnalysisData, types: frozenset[str]) -> dict[str, set[str]]:
    adjacent: dict[str, set[str]] = defaultdict(set)
    for link in data.of_type(*types):
        adjacent[link.source].add(link.target)
        adjacent[link.target].add(link.source)
    return adjacent


@twin("collaboration-gaps")
def collaboration_gaps(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Three kinds of gap (see QUERIES["collaboration-gaps"]).

    no-collaboration checks every pair of actors on an issue: O(sum of squares of
    actors per issue x degree).
    """
    collab = _neighbours(data, data.onto.relations_with_role("collaboration"))
    rows: list[dict[str, Any]] = []

    on_issue: dict[str, set[str]] = defaultdict(set)
    for link in data.of_type(*data.onto.relations_with_role("issue")):
        if data.has(link.source, "Actor") and (issues is None or link.target in issues):
            on_issue[link.target].add(link.source)
    for issue, actors in on_issue.items():
        for a, b in combinations(sorted(actors), 2):
            near_a = collab.get(a, set())
            if b in near_a or near_a & collab.get(b, set()):
                continue
            rows.append({"gap": "no-collaboration", "a": a, "b": b, "issue": issue})

    funded = {link.target for link in data.of_type(*data.onto.relations_with_role("money"))}
    affected: set[tuple[str, str]] = set()
    for link in data.of_type(*data.onto.relations_with_role("affected")):
        if data.has(link.source, "Actor") and (issues is None or link.target in issues):
            affected.add((link.source, link.target))
    for community, issue in affected:
        if community in funded or collab.get(community, set()) & funded:
            continue
        rows.append({"gap": "unfunded-affected", "a": community, "b": None, "issue": issue})

    controlled = {link.target for link in data.of_type(*data.onto.relations_with_role("resources"))}
    working = {a for actors in on_issue.values() for a in actors}
    for link in data.of_type(*data.onto.relations_with_role("needs")):
        if link.target in controlled or (issues is not None and link.source not in working):
            continue
        rows.append({"gap": "unmet-need", "a": link.source, "b": link.target, "issue": None})
    return rows


@twin("ego")
def ego(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Nodes within ``hops`` of ``actor`` over any link, never passing through an issue. O(reach)."""
    actor, hops = str(params["actor"]), int(params["hops"])
    adjacent: dict[str, set[str]] = defaultdict(set)
    for link in data.links:
        if data.has(link.source, "Issue") or data.has(link.target, "Issue"):
            continue
        adjacent[link.source].add(link.target)
        adjacent[link.target].add(link.source)
    distance = {actor: 0}
    queue = deque([actor])
    while queue:
        here = queue.popleft()
        if distance[here] == hops:
            continue
        for there in adjacent.get(here, ()):
            if there not in distance:
                distance[there] = distance[here] + 1
                queue.append(there)
    return [{"id": n, "types": list(data.nodes[n].types), "distance": d} for n, d in distance.items()]
