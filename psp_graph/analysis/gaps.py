"""Where collaboration is missing, and who is near whom (ego networks)."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from typing import Any

from psp_graph.analysis.data import AnalysisData
from psp_graph.analysis.participation import actors_on_issues
from psp_graph.analysis.spec import Params, finisher, twin
from psp_graph.exc import InvalidData
from psp_graph.ontology import Ontology

PAIR_LIMIT = 1_000_000
"""Same-issue pairs above which collaboration-gaps needs an explicit limit."""

__all__ = [
    "PAIR_LIMIT",
    "SummaryRaw",
    "collaboration_gaps",
    "collaboration_summary_raw",
    "ego",
    "finish_collaboration_summary",
]


def _neighbours(data: AnalysisData, types: frozenset[str]) -> dict[str, set[str]]:
    adjacent: dict[str, set[str]] = defaultdict(set)
    for _, _, source, target in data.rows(types):
        adjacent[source].add(target)
        adjacent[target].add(source)
    return adjacent


@twin("collaboration-gaps")
def collaboration_gaps(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Three kinds of gap (see QUERIES["collaboration-gaps"]).

    no-collaboration checks every pair of actors on an issue: O(sum of squares of
    actors per issue x degree). Pairs come in the table's order, so with ``limit``
    only that many are made; without one, more than :data:`PAIR_LIMIT` pairs are
    refused (collaboration-summary counts them instead).
    """
    collab = _neighbours(data, data.onto.relations_with_role("collaboration"))
    rows: list[dict[str, Any]] = []
    limit = int(params.get("limit") or 0)
    on_issue = actors_on_issues(data, issues)
    pairs = sum(len(group) * (len(group) - 1) // 2 for group in on_issue.values())
    if not limit and pairs > PAIR_LIMIT:
        raise InvalidData(
            f"{pairs:,} pairs of actors share an issue: give a limit (--param limit=N) for the pair list,"
            " or run collaboration-summary for counts, the most isolated actors and the most promising pairs",
            field="limit",
        )
    for issue in sorted(on_issue):
        for a, b in combinations(sorted(on_issue[issue]), 2):
            near_a = collab.get(a, set())
            if b in near_a or near_a & collab.get(b, set()):
                continue
            rows.append({"gap": "no-collaboration", "a": a, "b": b, "issue": issue})
            if len(rows) == limit:  # the other kinds sort after these
                return rows

    funded = {row[3] for row in data.rows(data.onto.relations_with_role("money"))}
    actors = data.ids("Actor")
    affected: set[tuple[str, str]] = set()
    for _, _, community, issue in data.rows(data.onto.relations_with_role("affected")):
        if community in actors and (issues is None or issue in issues):
            affected.add((community, issue))
    for community, issue in affected:
        if community in funded or collab.get(community, set()) & funded:
            continue
        rows.append({"gap": "unfunded-affected", "a": community, "b": None, "issue": issue})

    controlled = {row[3] for row in data.rows(data.onto.relations_with_role("resources"))}
    working = {a for group in on_issue.values() for a in group}
    unmet: dict[tuple[str, str], None] = {}  # one gap per actor and resource, however many links say it
    for _, _, actor, resource in data.rows(data.onto.relations_with_role("needs")):
        if resource in controlled or (issues is not None and actor not in working):
            continue
        unmet[(actor, resource)] = None
    rows += [{"gap": "unmet-need", "a": actor, "b": resource, "issue": None} for actor, resource in unmet]
    return rows


@twin("ego")
def ego(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Nodes within ``hops`` of ``actor`` over any link, never passing through an issue.
    Breadth-first, one read of the links around each frontier: O(links within reach)."""
    actor, hops = str(params["actor"]), int(params["hops"])
    issue_nodes = data.ids("Issue")
    distance = {actor: 0}
    frontier = [] if actor in issue_nodes else [actor]
    for step in range(1, hops + 1):
        if not frontier:
            break
        here = set(frontier)
        frontier = []
        for _, _, source, target in data.around(data.onto.relations, here):
            for there in (source, target):  # one end is on the frontier, so already seen
                if there not in distance and there not in issue_nodes:
                    distance[there] = step
                    frontier.append(there)
    types = {n.id: list(n.types) for n in data.reader.nodes(distance).values()}
    return [{"id": n, "types": types[n], "distance": d} for n, d in distance.items()]


class SummaryRaw(list[dict[str, Any]]):
    """Raw rows of collaboration-summary in the embedded store's compact form: pairs
    of ids per part instead of a dict per row."""

    def __init__(self, parts: dict[str, list[tuple[str, str]]]) -> None:
        super().__init__()
        self.parts = parts


@twin("collaboration-summary")
def collaboration_summary_raw(
    data: AnalysisData, issues: list[str] | None, params: Params
) -> list[dict[str, Any]]:
    """Raw rows for collaboration-summary (the twin of collaboration-summary.cypher):
    who is on which issue (``member``), collaboration links (``collab``) and who
    funds or seats whom (``hub``: funder or decision space, actor). O(links read)."""
    onto = data.onto
    on_issue = actors_on_issues(data, issues)
    actors, spaces = data.ids("Actor"), data.ids("DecisionSpace")
    members = [(actor, issue) for issue, group in on_issue.items() for actor in group]
    collab = [(s, t) for _, _, s, t in data.rows(onto.relations_with_role("collaboration"))]
    hubs = [
        (s, t) for _, _, s, t in data.rows(onto.relations_with_role("money")) if s in actors and t in actors
    ]
    hubs += [
        (t, s) for _, _, s, t in data.rows(onto.relations_with_role("seats")) if s in actors and t in spaces
    ]
    return SummaryRaw({"member": members, "collab": collab, "hub": hubs})


def _parts(rows: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    if isinstance(rows, SummaryRaw):
        return rows.parts
    parts: dict[str, list[tuple[str, str]]] = {"member": [], "collab": [], "hub": []}
    for row in rows:
        parts[row["part"]].append((row["id"], row["target"]))
    return parts


@finisher("collaboration-summary")
def finish_collaboration_summary(
    rows: list[dict[str, Any]], params: dict[str, Any], onto: Ontology
) -> list[dict[str, Any]]:
    """Per issue: unconnected pairs counted (not listed), the ``top`` most isolated actors
    and the ``top`` pairs with no path that share the most funders and decision spaces.

    Reach within 2 collaboration hops comes from igraph (C); the counting is
    O(sum over actors on an issue of their 2-hop reach) and the pairs
    O(sum over hubs of min(actors on the issue, hub_limit)^2): both grow with the
    actors, never with their square, since hubs above ``hub_limit`` are skipped."""
    from psp_graph.analysis.projection import load_igraph

    igraph = load_igraph()

    parts = _parts(rows)
    top, hub_limit = int(params["top"]), int(params["hub_limit"])
    on_issue: dict[str, set[str]] = defaultdict(set)
    for actor, issue in parts["member"]:
        on_issue[issue].add(actor)
    names = sorted({*(a for a, _ in parts["member"]), *(e for pair in parts["collab"] for e in pair)})
    index = {name: i for i, name in enumerate(names)}
    graph = igraph.Graph(
        n=len(names), edges=[(index[s], index[t]) for s, t in parts["collab"] if s != t], directed=False
    )
    actors = sorted({a for group in on_issue.values() for a in group})
    reach = dict(zip(actors, graph.neighborhood([index[a] for a in actors], order=2, mindist=1), strict=True))
    hub_members: dict[str, set[str]] = defaultdict(set)
    for hub, actor in parts["hub"]:
        hub_members[hub].add(actor)
    table: list[dict[str, Any]] = []
    for issue in sorted(on_issue):
        group = on_issue[issue]
        positions = {index[a] for a in group}
        reached = {a: len(positions.intersection(reach[a])) for a in group}
        n = len(group)
        pairs = n * (n - 1) // 2
        table.append(
            _summary_row(issue, "unconnected-pairs", None, None, pairs - sum(reached.values()) // 2, pairs)
        )
        lonely = sorted(group, key=lambda a: (reached[a] - n, a))
        table += [
            _summary_row(issue, "isolated", a, None, n - 1 - reached[a], n - 1)
            for a in lonely[:top]
            if n - 1 - reached[a] > 0
        ]
        shared: Counter[tuple[str, str]] = Counter()
        for hub_group in hub_members.values():
            on = sorted(hub_group & group)
            if 2 <= len(on) <= hub_limit:
                shared.update(combinations(on, 2))
        found = 0
        for (a, b), count in sorted(shared.items(), key=lambda item: (-item[1], item[0])):
            if index[b] in set(reach[a]):
                continue
            table.append(_summary_row(issue, "promising-pair", a, b, count, None))
            found += 1
            if found == top:
                break
    return table


def _summary_row(
    issue: str, kind: str, a: str | None, b: str | None, count: int, of: int | None
) -> dict[str, Any]:
    return {"issue": issue, "kind": kind, "a": a, "b": b, "count": count, "of": of}
