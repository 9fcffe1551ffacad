"""The project's own learning: who takes part, burning issues, insight evidence,
recommendation targets and pilot change (Python twins of the queries/*.cypher files),
plus the shared selection rules the CLI listings and the brief use.

Privacy: these tables carry ids and counts; names are filled in by the runner with
privacy applied, so a private person is never named.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from psp_graph.analysis.data import AnalysisData, experience_of, is_valid_on
from psp_graph.analysis.spec import Params, twin

__all__ = [
    "EXPERIENCES",
    "burning_issues",
    "community_balance",
    "insight_evidence",
    "pilot_change",
    "recommendation_targets",
    "relevant_to_issues",
]

EXPERIENCES = ("lived", "learnt", "both")
LIVED = frozenset({"lived", "both"})
_COUNT_ATTRS = {x: f"participants_{x}" for x in EXPERIENCES}


def _ids(data: AnalysisData, label: str) -> set[str]:
    return {n.id for n in data.nodes.values() if label in n.labels}


def relevant_to_issues(data: AnalysisData, issues: list[str] | None) -> set[str] | None:
    """Learning nodes that concern a selected issue, or None when no issue is selected.

    A node concerns an issue when it is ABOUT the issue, ABOUT a burning issue that is
    ABOUT it, or RAISED_AT an event that is ABOUT it.
    """
    if issues is None:
        return None
    wanted = set(issues)
    about: dict[str, set[str]] = defaultdict(set)
    for link in data.of_type("ABOUT"):
        about[link.source].add(link.target)
    direct = {node for node, targets in about.items() if targets & wanted}
    burning = {b for b in direct if data.has(b, "BurningIssue")}
    via_burning = {node for node, targets in about.items() if targets & burning}
    events = {e for e in direct if data.has(e, "Event")}
    via_event = {link.source for link in data.of_type("RAISED_AT") if link.target in events}
    return direct | via_burning | via_event


def community_balance(data: AnalysisData, issues: list[str] | None) -> list[dict[str, Any]]:
    """Who takes part, per stage: participants by experience (an event's counts when it
    has any, else its named participants) and named participants by organisation type."""
    selected = relevant_to_issues(data, issues)
    events = {e for e in _ids(data, "Event") if selected is None or e in selected}
    named: dict[str, list[Any]] = defaultdict(list)
    for link in data.of_type("TAKES_PART_IN"):
        if link.target in events and link.source in data.nodes:
            named[link.target].append(link)
    totals: dict[tuple[str, str, str], list[Any]] = defaultdict(lambda: [0, set()])

    def add(key: tuple[str, str, str], count: int, event: str) -> None:
        if count > 0:
            totals[key][0] += count
            totals[key][1].add(event)

    for event_id in events:
        props = data.nodes[event_id].props
        stage = str(props.get("stage") or "unknown")
        counts = {x: props.get(attr) for x, attr in _COUNT_ATTRS.items()}
        if any(v is not None for v in counts.values()):
            for experience, count in counts.items():
                add((stage, "experience", experience), int(count or 0), event_id)
        else:
            for link in named[event_id]:
                experience = link.props.get("experience") or experience_of(data.nodes[link.source])
                add((stage, "experience", str(experience)), 1, event_id)
        for link in named[event_id]:
            add((stage, "actor type", data.nodes[link.source].types[0]), 1, event_id)
    return [
        {"stage": s, "dimension": d, "group": g, "participants": n, "events": len(evs)}
        for (s, d, g), (n, evs) in totals.items()
    ]


def burning_issues(data: AnalysisData, issues: list[str] | None) -> list[dict[str, Any]]:
    """Burning issues with how many distinct events and sources raised them."""
    selected = relevant_to_issues(data, issues)
    raised: dict[str, set[str]] = defaultdict(set)
    for link in data.of_type("RAISED_AT"):
        raised[link.source].add(link.target)
    insights: dict[str, int] = defaultdict(int)
    for link in data.of_type("ABOUT"):
        if data.has(link.source, "Insight"):
            insights[link.target] += 1
    rows = []
    for burning_id in _ids(data, "BurningIssue"):
        if selected is not None and burning_id not in selected:
            continue
        node = data.nodes[burning_id]
        cited = raised[burning_id] | set(node.props.get("sources", []))
        events = {c for c in cited if data.has(c, "Event")}
        sources = {c for c in cited if data.has(c, "Source")}
        stages = sorted(
            {str(data.nodes[e].props["stage"]) for e in events if data.nodes[e].props.get("stage")}
        )
        rows.append(
            {
                "burning_id": burning_id,
                "polarity": node.props.get("polarity"),
                "events": len(events),
                "sources": len(sources),
                "mentions": len(events) + len(sources),
                "insights": insights[burning_id],
                "stages": stages,
            }
        )
    return rows


def insight_evidence(data: AnalysisData, issues: list[str] | None, stage: str | None) -> list[dict[str, Any]]:
    """Each insight with where it was raised and what evidences it; unevidenced ones flagged."""
    selected = relevant_to_issues(data, issues)
    evidence: dict[str, set[str]] = defaultdict(set)
    for link in data.of_type("EVIDENCED_BY"):
        evidence[link.source].add(link.target)
    raised: dict[str, set[str]] = defaultdict(set)
    for link in data.of_type("RAISED_AT"):
        raised[link.source].add(link.target)
    rows = []
    for insight_id in _ids(data, "Insight"):
        node = data.nodes[insight_id]
        if selected is not None and insight_id not in selected:
            continue
        if stage is not None and str(node.props.get("stage")) != stage:
            continue
        found = evidence[insight_id]

        def count(label: str, found: set[str] = found) -> int:
            return sum(1 for e in found if data.has(e, label))

        rows.append(
            {
                "insight_id": insight_id,
                "kind": node.props.get("kind"),
                "stage": node.props.get("stage"),
                "raised_at": len(raised[insight_id]),
                "evidence": len(found),
                "events": count("Event"),
                "sources": count("Source"),
                "pinboard": count("PinboardItem"),
                "evidence_ids": sorted(found),
                "unevidenced": not found,
            }
        )
    return rows


def recommendation_targets(data: AnalysisData, issues: list[str] | None) -> list[dict[str, Any]]:
    """Every (recommendation, target) pair, with the recommendation's evidence count;
    the runner joins the targets' power ranking."""
    selected = relevant_to_issues(data, issues)
    evidence: dict[str, int] = defaultdict(int)
    for link in data.of_type("EVIDENCED_BY"):
        evidence[link.source] += 1
    rows = []
    seen = set()
    for link in data.of_type("ADDRESSED_TO"):
        if not data.has(link.source, "Recommendation") or link.target not in data.nodes:
            continue
        if selected is not None and link.source not in selected:
            continue
        if (link.source, link.target) in seen:
            continue
        seen.add((link.source, link.target))
        rows.append(
            {
                "recommendation_id": link.source,
                "target_id": link.target,
                "target_type": data.nodes[link.target].types[0],
                "evidence": evidence[link.source],
            }
        )
    return rows


def _rank(data: AnalysisData, rung: Any) -> int | None:
    return data.onto.vocabularies["ArnsteinLadder"].ranks.get(str(rung)) if rung else None


def pilot_change(
    data: AnalysisData, pilot: str | None, start: str | None, end: str | None
) -> list[dict[str, Any]]:
    """For each pilot (or one), what changed at its organisation between two dates (by
    default the pilot's own valid_from and valid_to): the highest Arnstein rung with each
    lived-experience actor it involves, the lived-experience share of seats in its decision
    spaces (those it chairs, hosts or leads, or the pilot changes), and money it gives to
    lived-experience actors (FUNDS and SUPPORTS, minor units)."""
    rows: list[dict[str, Any]] = []
    piloted: dict[str, set[str]] = defaultdict(set)
    for link in data.of_type("PILOTED_BY"):
        piloted[link.source].add(link.target)
    changes: dict[str, set[str]] = defaultdict(set)
    for link in data.of_type("CHANGES"):
        if data.has(link.target, "DecisionSpace"):
            changes[link.source].add(link.target)

    for pilot_id in _ids(data, "Pilot"):
        if pilot is not None and pilot_id != pilot:
            continue
        props = data.nodes[pilot_id].props
        days = (start or props.get("valid_from"), end or props.get("valid_to"))
        for org in sorted(piloted[pilot_id]):
            rows.extend(_org_change(data, pilot_id, org, days, changes[pilot_id]))
    return rows


def _lived(data: AnalysisData, actor: str) -> bool:
    return actor in data.nodes and experience_of(data.nodes[actor]) in LIVED


def _org_change(
    data: AnalysisData, pilot_id: str, org: str, days: tuple[str | None, str | None], changed: set[str]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def row(measure: str, subject: str | None, values: list[float | None]) -> None:
        before, after = values
        rows.append(
            {
                "pilot_id": pilot_id,
                "organisation_id": org,
                "measure": measure,
                "subject_id": subject,
                "before": before,
                "after": after,
                "changed": before != after,
            }
        )

    involves = [link for link in data.of_type("INVOLVES") if link.source == org and _lived(data, link.target)]
    for group in sorted({link.target for link in involves}):
        values: list[float | None] = []
        for day in days:
            ranks = [
                _rank(data, link.props.get("rung"))
                for link in involves
                if link.target == group and is_valid_on(link.props, day)
            ]
            found = [r for r in ranks if r is not None]
            values.append(float(max(found)) if found else None)
        row("highest_rung", group, values)
    spaces = set(changed)
    for link in data.links:
        chairs = link.type == "SITS_IN" and link.props.get("seat_type") == "chair"
        if (
            link.source == org
            and data.has(link.target, "DecisionSpace")
            and (chairs or link.type in ("HOSTS", "LEADS"))
        ):
            spaces.add(link.target)
    for space in sorted(spaces):
        values = []
        for day in days:
            seats = [
                link
                for link in data.of_type("SITS_IN")
                if link.target == space and is_valid_on(link.props, day)
            ]
            values.append(
                sum(1 for link in seats if _lived(data, link.source)) / len(seats) if seats else None
            )
        row("lived_seat_share", space, values)
    money: list[float | None] = []
    for day in days:
        given = [
            int(link.props.get("amount_minor") or 0)
            for link in data.of_type("FUNDS", "SUPPORTS")
            if link.source == org and _lived(data, link.target) and is_valid_on(link.props, day)
        ]
        money.append(float(sum(given)))
    row("money_to_lived_minor", None, money)
    return rows


# -- the twins of queries/*.cypher -----------------------------------------------------------
@twin("community-balance")
def _community_balance(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    return community_balance(data, issues)


@twin("burning-issues")
def _burning_issues(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    return burning_issues(data, issues)


@twin("insight-evidence")
def _insight_evidence(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    return insight_evidence(data, issues, params.get("stage"))


@twin("recommendation-targets")
def _recommendation_targets(
    data: AnalysisData, issues: list[str] | None, params: Params
) -> list[dict[str, Any]]:
    return recommendation_targets(data, issues)


@twin("pilot-change")
def _pilot_change(data: AnalysisData, issues: list[str] | None, params: Params) -> list[dict[str, Any]]:
    return pilot_change(data, params.get("pilot"), params.get("from"), params.get("to"))
