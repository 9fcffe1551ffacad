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


def _ends(data: AnalysisData, rel_type: str) -> list[tuple[str, str]]:
    """(source, target) of the links of one type valid on the date."""
    return [(source, target) for _, _, source, target in data.rows({rel_type}, ids=False)]


def _lived_actors(data: AnalysisData) -> set[str]:
    """Actors with lived experience (as :func:`experience_of`), read once."""
    return {a for a, e in data.experience(data.ids("Actor")).items() if e in LIVED}


def relevant_to_issues(data: AnalysisData, issues: list[str] | None) -> set[str] | None:
    """Learning nodes that concern a selected issue, or None when no issue is selected.

    A node concerns an issue when it is ABOUT the issue, ABOUT a burning issue that is
    ABOUT it, or RAISED_AT an event that is ABOUT it.
    """
    if issues is None:
        return None
    wanted = set(issues)
    about: dict[str, set[str]] = defaultdict(set)
    for source, target in _ends(data, "ABOUT"):
        about[source].add(target)
    direct = {node for node, targets in about.items() if targets & wanted}
    burning = direct & data.ids("BurningIssue")
    via_burning = {node for node, targets in about.items() if targets & burning}
    events = direct & data.ids("Event")
    via_event = {source for source, target in _ends(data, "RAISED_AT") if target in events}
    return direct | via_burning | via_event


def community_balance(data: AnalysisData, issues: list[str] | None) -> list[dict[str, Any]]:
    """Who takes part, per stage: participants by experience (an event's counts when it
    has any, else its named participants) and named participants by organisation type."""
    selected = relevant_to_issues(data, issues)
    attributes = ("stage", *_COUNT_ATTRS.values())
    events = {e: v for e, v in data.values("Event", *attributes).items() if selected is None or e in selected}
    named: dict[str, list[tuple[str, Any]]] = defaultdict(list)  # event -> (participant, experience)
    for _, _, source, target, experience in data.rows({"TAKES_PART_IN"}, ("experience",), ids=False):
        if target in events:
            named[target].append((source, experience))
    participants = data.reader.nodes({source for links in named.values() for source, _ in links})
    totals: dict[tuple[str, str, str], list[Any]] = defaultdict(lambda: [0, set()])

    def add(key: tuple[str, str, str], count: int, event: str) -> None:
        if count > 0:
            totals[key][0] += count
            totals[key][1].add(event)

    for event_id, (stage_value, *counted) in events.items():
        stage = str(stage_value or "unknown")
        counts = dict(zip(_COUNT_ATTRS, counted, strict=True))
        links = [(source, e) for source, e in named[event_id] if source in participants]
        if any(v is not None for v in counts.values()):
            for experience, count in counts.items():
                add((stage, "experience", experience), int(count or 0), event_id)
        else:
            for source, link_experience in links:
                experience = link_experience or experience_of(participants[source])
                add((stage, "experience", str(experience)), 1, event_id)
        for source, _ in links:
            add((stage, "actor type", participants[source].types[0]), 1, event_id)
    return [
        {"stage": s, "dimension": d, "group": g, "participants": n, "events": len(evs)}
        for (s, d, g), (n, evs) in totals.items()
    ]


def burning_issues(data: AnalysisData, issues: list[str] | None) -> list[dict[str, Any]]:
    """Burning issues with how many distinct events and sources raised them."""
    selected = relevant_to_issues(data, issues)
    raised: dict[str, set[str]] = defaultdict(set)
    for source, target in _ends(data, "RAISED_AT"):
        raised[source].add(target)
    insights: dict[str, int] = defaultdict(int)
    insight_ids = data.ids("Insight")
    for source, target in _ends(data, "ABOUT"):
        if source in insight_ids:
            insights[target] += 1
    event_stages = {e: v[0] for e, v in data.values("Event", "stage").items()}
    source_ids = data.ids("Source")
    rows = []
    for burning_id, (polarity, cited_sources) in data.values("BurningIssue", "polarity", "sources").items():
        if selected is not None and burning_id not in selected:
            continue
        cited = raised[burning_id] | set(cited_sources or [])
        events = {c for c in cited if c in event_stages}
        sources = cited & source_ids
        stages = sorted({str(event_stages[e]) for e in events if event_stages[e]})
        rows.append(
            {
                "burning_id": burning_id,
                "polarity": polarity,
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
    for source, target in _ends(data, "EVIDENCED_BY"):
        evidence[source].add(target)
    raised: dict[str, set[str]] = defaultdict(set)
    for source, target in _ends(data, "RAISED_AT"):
        raised[source].add(target)
    rows = []
    for insight_id, (kind, insight_stage) in data.values("Insight", "kind", "stage").items():
        if selected is not None and insight_id not in selected:
            continue
        if stage is not None and str(insight_stage) != stage:
            continue
        found = evidence[insight_id]
        rows.append(
            {
                "insight_id": insight_id,
                "kind": kind,
                "stage": insight_stage,
                "raised_at": len(raised[insight_id]),
                "evidence": len(found),
                "events": len(found & data.ids("Event")),
                "sources": len(found & data.ids("Source")),
                "pinboard": len(found & data.ids("PinboardItem")),
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
    for source, _ in _ends(data, "EVIDENCED_BY"):
        evidence[source] += 1
    recommendations = data.ids("Recommendation")
    pairs = [
        (source, target)
        for source, target in _ends(data, "ADDRESSED_TO")
        if source in recommendations and (selected is None or source in selected)
    ]
    targets = data.reader.nodes({target for _, target in pairs})
    rows = []
    seen = set()
    for source, target in pairs:
        if target not in targets or (source, target) in seen:
            continue
        seen.add((source, target))
        rows.append(
            {
                "recommendation_id": source,
                "target_id": target,
                "target_type": targets[target].types[0],
                "evidence": evidence[source],
            }
        )
    return rows


def _rank(data: AnalysisData, rung: Any) -> int | None:
    return data.onto.vocabularies["ArnsteinLadder"].ranks.get(str(rung)) if rung else None


_DATES = ("valid_from", "valid_to")


def _holds(start: str | None, end: str | None, day: str | None) -> bool:
    return is_valid_on({"valid_from": start, "valid_to": end}, day)


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
    for source, target in _ends(data, "PILOTED_BY"):
        piloted[source].add(target)
    changes: dict[str, set[str]] = defaultdict(set)
    spaces = data.ids("DecisionSpace")
    for source, target in _ends(data, "CHANGES"):
        if target in spaces:
            changes[source].add(target)
    lived: set[str] | None = None
    for pilot_id, (pilot_start, pilot_end) in data.values("Pilot", *_DATES).items():
        if pilot is not None and pilot_id != pilot:
            continue
        days = (start or pilot_start, end or pilot_end)
        for org in sorted(piloted[pilot_id]):
            lived = _lived_actors(data) if lived is None else lived
            rows.extend(_org_change(data, lived, pilot_id, org, days, changes[pilot_id]))
    return rows


def _org_change(
    data: AnalysisData,
    lived: set[str],
    pilot_id: str,
    org: str,
    days: tuple[str | None, str | None],
    changed: set[str],
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

    involves = [
        (target, rung, link_start, link_end)
        for _, _, source, target, rung, link_start, link_end in data.rows(
            {"INVOLVES"}, ("rung", *_DATES), ids=False
        )
        if source == org and target in lived
    ]
    for group in sorted({target for target, *_ in involves}):
        values: list[float | None] = []
        for day in days:
            ranks = [
                _rank(data, rung)
                for target, rung, link_start, link_end in involves
                if target == group and _holds(link_start, link_end, day)
            ]
            found = [r for r in ranks if r is not None]
            values.append(float(max(found)) if found else None)
        row("highest_rung", group, values)
    spaces = set(changed)
    decision_spaces = data.ids("DecisionSpace")
    for _, rel_type, source, target, seat_type in data.rows(
        {"SITS_IN", "HOSTS", "LEADS"}, ("seat_type",), ids=False
    ):
        chairs = rel_type == "SITS_IN" and seat_type == "chair"
        if source == org and target in decision_spaces and (chairs or rel_type in ("HOSTS", "LEADS")):
            spaces.add(target)
    seats_rows = data.rows({"SITS_IN"}, _DATES, ids=False)
    for space in sorted(spaces):
        values = []
        for day in days:
            seats = [
                source
                for _, _, source, target, link_start, link_end in seats_rows
                if target == space and _holds(link_start, link_end, day)
            ]
            values.append(sum(1 for source in seats if source in lived) / len(seats) if seats else None)
        row("lived_seat_share", space, values)
    money: list[float | None] = []
    grants = data.rows({"FUNDS", "SUPPORTS"}, ("amount_minor", *_DATES), ids=False)
    for day in days:
        given = [
            int(amount or 0)
            for _, _, source, target, amount, link_start, link_end in grants
            if source == org and target in lived and _holds(link_start, link_end, day)
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
