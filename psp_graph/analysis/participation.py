"""Who is in the room: decision spaces, Arnstein's ladder, lived versus learnt experience."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from psp_graph.analysis.data import AnalysisData, experience_of
from psp_graph.analysis.spec import Params, twin

__all__ = ["balance", "decision_spaces", "participation", "spaces_on_issues"]

LIVED = frozenset({"lived", "both"})
VOTING = frozenset({"chair", "voting"})


def spaces_on_issues(data: AnalysisData, issues: list[str] | None) -> set[str]:
    """Decision spaces that work or decide on a selected issue (all of them when issues is None)."""
    spaces = {n.id for n in data.nodes.values() if "DecisionSpace" in n.labels}
    if issues is None:
        return spaces
    wanted = set(issues)
    found = set()
    for link in data.of_type("WORKS_ON", "DECIDES_ON"):
        if link.source in spaces and (link.target in wanted or wanted & set(link.props.get("issues", []))):
            found.add(link.source)
    return found


@twin("decision-spaces")
def decision_spaces(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Seats and the lived-experience share of seats per decision space. O(links)."""
    spaces = spaces_on_issues(data, issues)
    seats: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for link in data.of_type(*data.onto.relations_with_role("seats")):
        if link.target in spaces:
            seats[link.target].append((link.source, link.props.get("seat_type")))
    rows = []
    for space_id in spaces:
        node = data.nodes[space_id]
        held = seats.get(space_id, [])
        lived = [s for s in held if experience_of(data.nodes[s[0]]) in LIVED]
        voting = [s for s in held if s[1] in VOTING]
        lived_voting = [s for s in lived if s[1] in VOTING]
        rows.append(
            {
                "space_id": space_id,
                "space": node.props.get("space"),
                "level": node.props.get("level"),
                "members": sorted({s[0] for s in held}),
                "seats": len(held),
                "voting_seats": len(voting),
                "lived_seats": len(lived),
                "lived_voting_seats": len(lived_voting),
                "lived_share": len(lived) / len(held) if held else None,
                "lived_voting_share": len(lived_voting) / len(voting) if voting else None,
            }
        )
    return rows


@twin("participation")
def participation(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Highest Arnstein rung per (involving actor, issue). O(INVOLVES links)."""
    ladder = data.onto.vocabularies["ArnsteinLadder"]
    best: dict[tuple[str, str], int] = {}
    involved: dict[tuple[str, str], set[str]] = defaultdict(set)
    for link in data.of_type(*data.onto.relations_with_role("participation")):
        link_issues = link.props.get("issues", [])
        if issues is None:
            keys = link_issues or ["*"]
        else:
            keys = [i for i in link_issues if i in issues]
        rank = ladder.ranks[link.props["rung"]]
        for issue in keys:
            key = (link.source, issue)
            best[key] = max(best.get(key, 0), rank)
            involved[key].add(link.target)
    by_rank = {rank: code for code, rank in ladder.ranks.items()}
    return [
        {
            "actor": actor,
            "issue": issue,
            "highest_rung": by_rank[rank],
            "rank": rank,
            "ladder_group": ladder.groups[by_rank[rank]],
            "involved": len(involved[(actor, issue)]),
            "stops_at_tokenism": rank <= data.onto.tokenism_top,
        }
        for (actor, issue), rank in best.items()
    ]


def _counts(data: AnalysisData, actors: set[str]) -> dict[str, Any]:
    kinds = [experience_of(data.nodes[a]) for a in actors]
    lived, learnt, both = kinds.count("lived"), kinds.count("learnt"), kinds.count("both")
    known = lived + learnt + both
    return {
        "lived": lived,
        "learnt": learnt,
        "both": both,
        "unknown": kinds.count("unknown"),
        "lived_share": (lived + both) / known if known else None,
    }


@twin("balance")
def balance(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Lived/learnt counts per issue (actors linked to it) and per decision space (members)."""
    issue_types = data.onto.relations_with_role("issue")
    on_issue: dict[str, set[str]] = defaultdict(set)
    for link in data.of_type(*issue_types):
        if data.has(link.source, "Actor") and (issues is None or link.target in issues):
            on_issue[link.target].add(link.source)
    spaces = spaces_on_issues(data, issues)
    members: dict[str, set[str]] = defaultdict(set)
    for link in data.of_type(*data.onto.relations_with_role("seats")):
        if link.target in spaces and data.has(link.source, "Actor"):
            members[link.target].add(link.source)
    rows = [{"scope": "issue", "scope_id": i, **_counts(data, a)} for i, a in on_issue.items()]
    rows += [{"scope": "decision_space", "scope_id": s, **_counts(data, m)} for s, m in members.items()]
    return rows
