"""Who is in the room: decision spaces, Arnstein's ladder, lived versus learnt experience."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from psp_graph.analysis.data import AnalysisData
from psp_graph.analysis.spec import Params, twin

__all__ = ["actors_on_issues", "balance", "decision_spaces", "participation", "spaces_on_issues"]

LIVED = frozenset({"lived", "both"})
VOTING = frozenset({"chair", "voting"})


def spaces_on_issues(data: AnalysisData, issues: list[str] | None) -> set[str]:
    """Decision spaces that work or decide on a selected issue (all of them when issues is None)."""
    spaces = data.ids("DecisionSpace")
    if issues is None:
        return set(spaces)
    return {row[2] for row in data.rows(("WORKS_ON", "DECIDES_ON"), (), issues) if row[2] in spaces}


@twin("decision-spaces")
def decision_spaces(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Seats and the lived-experience share of seats per decision space. O(links)."""
    spaces = spaces_on_issues(data, issues)
    seats: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for _, _, holder, space, seat_type in data.rows(data.onto.relations_with_role("seats"), ("seat_type",)):
        if space in spaces:
            seats[space].append((holder, seat_type))
    kinds = data.values("DecisionSpace", "space", "level")
    experience = data.experience({h for held in seats.values() for h, _ in held})
    rows = []
    for space_id in spaces:
        space, level = kinds[space_id]
        held = seats.get(space_id, [])
        lived = [s for s in held if experience[s[0]] in LIVED]
        voting = [s for s in held if s[1] in VOTING]
        lived_voting = [s for s in lived if s[1] in VOTING]
        rows.append(
            {
                "space_id": space_id,
                "space": space,
                "level": level,
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
    wanted = None if issues is None else set(issues)
    for _, _, actor, target, rung, link_issues in data.rows(
        data.onto.relations_with_role("participation"), ("rung", "issues"), issues
    ):
        if wanted is None:
            keys = link_issues or ["*"]
        else:
            keys = [i for i in link_issues or [] if i in wanted]
        rank = ladder.ranks[rung]
        for issue in keys:
            key = (actor, issue)
            best[key] = max(best.get(key, 0), rank)
            involved[key].add(target)
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


def _counts(experience: dict[str, str], actors: set[str]) -> dict[str, Any]:
    kinds = [experience[a] for a in actors]
    lived, learnt, both = kinds.count("lived"), kinds.count("learnt"), kinds.count("both")
    known = lived + learnt + both
    return {
        "lived": lived,
        "learnt": learnt,
        "both": both,
        "unknown": kinds.count("unknown"),
        "lived_share": (lived + both) / known if known else None,
    }


def actors_on_issues(data: AnalysisData, issues: list[str] | None) -> dict[str, set[str]]:
    """The actors linked to each (selected) issue by an issue-role link."""
    actors = data.ids("Actor")
    on_issue: dict[str, set[str]] = defaultdict(set)
    wanted = None if issues is None else set(issues)
    for _, _, actor, issue in data.rows(data.onto.relations_with_role("issue"), (), issues):
        if actor in actors and (wanted is None or issue in wanted):
            on_issue[issue].add(actor)
    return on_issue


@twin("balance")
def balance(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    """Lived/learnt counts per issue (actors linked to it) and per decision space (members)."""
    on_issue = actors_on_issues(data, issues)
    spaces = spaces_on_issues(data, issues)
    actors = data.ids("Actor")
    members: dict[str, set[str]] = defaultdict(set)
    for _, _, holder, space in data.rows(data.onto.relations_with_role("seats")):
        if space in spaces and holder in actors:
            members[space].add(holder)
    experience = data.experience({a for group in (*on_issue.values(), *members.values()) for a in group})
    rows = [{"scope": "issue", "scope_id": i, **_counts(experience, a)} for i, a in on_issue.items()]
    rows += [{"scope": "decision_space", "scope_id": s, **_counts(experience, m)} for s, m in members.items()]
    return rows
