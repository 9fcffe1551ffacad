"""The QuerySpec registry: the single source of each named query's name,
description, parameters and output columns.

queries/NAME.cypher repeats name, parameters and columns in its header; a test
checks the header against this registry.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from psp_graph.exc import InvalidData

if TYPE_CHECKING:
    from psp_graph.analysis.data import AnalysisData
    from psp_graph.ontology import Ontology
    from psp_graph.reading import Reader

__all__ = [
    "FINISHERS",
    "IN_SERVER",
    "QUERIES",
    "TWINS",
    "ColumnSpec",
    "ParamSpec",
    "Params",
    "QuerySpec",
    "coerce_param",
    "finisher",
    "in_server",
    "twin",
]

Params = dict[str, Any]
Rows = list[dict[str, Any]]
Twin = Callable[["AnalysisData", list[str] | None, Params], Rows]
Finisher = Callable[[Rows, Params, "Ontology"], Rows]
TWINS: dict[str, Twin] = {}
"""The Python twin of each named query: the same rows as its .cypher, on stores without Cypher."""
FINISHERS: dict[str, Finisher] = {}
"""For graph-algorithm queries: one step that finishes the rows on every store."""
InServer = Callable[["Reader", "Ontology", Params, Params], Rows]
IN_SERVER: dict[str, InServer] = {}
"""For graph-algorithm queries: the finished rows with the algorithms run in the store's
server (a GraphAlgorithmStore), given (reader, ontology, Cypher parameters, parameters)."""


def twin(name: str) -> Callable[[Twin], Twin]:
    """Register the decorated function as the Python twin of query ``name``."""

    def register(func: Twin) -> Twin:
        TWINS[name] = func
        return func

    return register


def finisher(name: str) -> Callable[[Finisher], Finisher]:
    """Register the decorated function as the shared finishing step of query ``name``."""

    def register(func: Finisher) -> Finisher:
        FINISHERS[name] = func
        return func

    return register


def in_server(name: str) -> Callable[[InServer], InServer]:
    """Register the decorated function as query ``name``'s in-server path."""

    def register(func: InServer) -> InServer:
        IN_SERVER[name] = func
        return func

    return register


@dataclass(frozen=True)
class ParamSpec:
    """A user-facing parameter of a named query."""

    name: str
    type: str  # str | int | float | date | issue | node
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class ColumnSpec:
    """An output column. ``name_of`` marks a display-name column filled from an id column."""

    name: str
    type: str  # id | name | str | int | float | bool | list | date
    description: str
    name_of: str | None = None


@dataclass(frozen=True)
class QuerySpec:
    """A named query: what it answers, its parameters, its columns, how rows sort,
    and the key columns that identify a row (the parity test matches rows by them)."""

    name: str
    description: str
    params: tuple[ParamSpec, ...]
    columns: tuple[ColumnSpec, ...]
    keys: tuple[str, ...]
    sort: tuple[str, ...] = field(default_factory=tuple)  # "-col" sorts descending

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def raw_columns(self) -> tuple[str, ...]:
        """Columns the .cypher returns (names are filled in afterwards)."""
        return tuple(c.name for c in self.columns if c.name_of is None)


def coerce_param(spec: ParamSpec, value: Any) -> Any:
    """Turn a parameter given as text (from the CLI) into its type, or raise InvalidData."""
    if value is None:
        return None
    try:
        if spec.type == "int":
            number: float = int(value)
        elif spec.type == "float":
            number = float(value)
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError(value)
        elif spec.type == "date":
            from psp_graph.values import parse_date

            return (
                parse_date(value).isoformat() if not isinstance(value, datetime.date) else value.isoformat()
            )
        else:
            return str(value)
    except (TypeError, ValueError):
        raise InvalidData(
            f"'{value}' is not {'an' if spec.type == 'int' else 'a'} {spec.type}", field=spec.name
        ) from None
    except InvalidData as err:
        raise InvalidData(err.reason, field=spec.name) from None
    if spec.minimum is not None and number < spec.minimum:
        raise InvalidData(f"must be at least {spec.minimum:g}, got {value}", field=spec.name)
    if spec.maximum is not None and number > spec.maximum:
        raise InvalidData(f"must be at most {spec.maximum:g}, got {value}", field=spec.name)
    return number


_ISSUE = ParamSpec("issue", "issue", None, "Only this issue and its narrower issues (e.g. housing).")
_PLACE = ParamSpec(
    "place",
    "str",
    None,
    "Only grants for this place or a place within it (an ONS code such as E09000030, or a name).",
)
_AS_OF = ParamSpec("as_of", "date", None, "Only links valid on this date (YYYY, YYYY-MM or YYYY-MM-DD).")
_LIMIT = ParamSpec("limit", "int", 0, "At most this many rows (0: all).", minimum=0)


def _c(name: str, type_: str, description: str, name_of: str | None = None) -> ColumnSpec:
    return ColumnSpec(name, type_, description, name_of)


# The project's own learning (issue 12): counts and ids only; names filled in with privacy applied.
LEARNING_QUERIES = [
    QuerySpec(
        "community-balance",
        "Who takes part in the community of practice, per stage: participants by experience (counts) and named participants by actor type; never names.",
        (_ISSUE, _AS_OF),
        (
            _c("stage", "str", "The stage (1-5) of the events, or unknown."),
            _c(
                "dimension",
                "str",
                "experience (lived, learnt, both) or actor type (the participant's class).",
            ),
            _c("group", "str", "The experience or the actor type."),
            _c(
                "participants",
                "int",
                "How many took part (an event's counts when it has any, else its named participants).",
            ),
            _c("events", "int", "How many events they took part in."),
        ),
        keys=("stage", "dimension", "group"),
        sort=("stage", "dimension", "group"),
    ),
    QuerySpec(
        "burning-issues",
        "Burning issues (barriers and enablers of power sharing) ranked by how many distinct events and sources raised them.",
        (_ISSUE, _AS_OF),
        (
            _c("burning_id", "id", "The burning issue."),
            _c("burning_issue", "name", "Its name.", "burning_id"),
            _c("polarity", "str", "barrier or enabler."),
            _c("events", "int", "Distinct events it was raised at (or that are cited as its source)."),
            _c("sources", "int", "Distinct sources it was raised in or cites."),
            _c("mentions", "int", "events + sources."),
            _c("insights", "int", "Insights about it."),
            _c("stages", "list", "Stages of the events that raised it."),
        ),
        keys=("burning_id",),
        sort=("-mentions", "-events", "burning_id"),
    ),
    QuerySpec(
        "insight-evidence",
        "Each insight with where it was raised and what evidences it (events, sources, pinboard items, stories, practice examples, pilots); insights without evidence are flagged.",
        (_ISSUE, _AS_OF, ParamSpec("stage", "str", None, "Only insights of this stage (1-5).")),
        (
            _c("insight_id", "id", "The insight."),
            _c("insight", "name", "Its name.", "insight_id"),
            _c("kind", "str", "finding, good_practice, barrier or vision."),
            _c("stage", "str", "Its stage."),
            _c("raised_at", "int", "Events or sources it was raised at."),
            _c("evidence", "int", "Everything it is evidenced by."),
            _c("events", "int", "Evidence: events."),
            _c("sources", "int", "Evidence: sources."),
            _c("pinboard", "int", "Evidence: pinboard items."),
            _c("evidence_ids", "list", "Ids of the evidence."),
            _c("unevidenced", "bool", "True when nothing evidences it yet."),
        ),
        keys=("insight_id",),
        sort=("stage", "insight_id"),
    ),
    QuerySpec(
        "recommendation-targets",
        "Which actors and decision spaces the recommendations address, joined to the targets' power ranking (over the whole graph): are we asking the powerful to change?",
        (_ISSUE, _AS_OF),
        (
            _c("recommendation_id", "id", "The recommendation."),
            _c("recommendation", "name", "Its name.", "recommendation_id"),
            _c("target_id", "id", "An actor or decision space it is addressed to."),
            _c("target", "name", "Its name (a private person by pseudonym).", "target_id"),
            _c("target_type", "str", "The target's class."),
            _c("evidence", "int", "What the recommendation is evidenced by."),
            _c("power_rank", "int", "The target's rank in power-ranking (null for decision spaces)."),
            _c("power_score", "float", "The target's power score, 0-1 (null for decision spaces)."),
        ),
        keys=("recommendation_id", "target_id"),
        sort=("recommendation_id", "power_rank", "target_id"),
    ),
    QuerySpec(
        "pilot-change",
        "For a piloting organisation, what changed between two dates (default: the pilot's own start and end): the highest Arnstein rung with each lived-experience actor it involves, the lived-experience share of seats in its decision spaces, and money it gives to lived-experience actors.",
        (
            ParamSpec(
                "pilot", "str", None, "Only this pilot (an id such as pilot:...; all pilots if left out)."
            ),
            ParamSpec("from", "date", None, "The first date (default: the pilot's valid_from)."),
            ParamSpec("to", "date", None, "The second date (default: the pilot's valid_to)."),
        ),
        (
            _c("pilot_id", "id", "The pilot."),
            _c("pilot", "name", "Its name.", "pilot_id"),
            _c("organisation_id", "id", "The organisation piloting."),
            _c("organisation", "name", "Its name.", "organisation_id"),
            _c("measure", "str", "highest_rung (rank 1-8), lived_seat_share (0-1) or money_to_lived_minor."),
            _c(
                "subject_id",
                "id",
                "The lived-experience actor (rung) or decision space (seats); null for money.",
            ),
            _c("subject", "name", "Its name.", "subject_id"),
            _c("before", "float", "The measure on the first date (null: none)."),
            _c("after", "float", "The measure on the second date (null: none)."),
            _c("changed", "bool", "True when before and after differ."),
        ),
        keys=("pilot_id", "organisation_id", "measure", "subject_id"),
        sort=("pilot_id", "organisation_id", "measure", "subject_id"),
    ),
]

# Betweenness on big graphs: exact below EXACT_BELOW actors, else estimated from
# pivots (psp_graph.analysis.projection.betweenness): BETWEENNESS_SAMPLES by default
# for brokers, where betweenness is the answer; POWER_SAMPLES always for power-ranking,
# where it is one of five components of a score whose top ranks it does not move
# (docs/benchmarks.md has the accuracy of both, measured against exact betweenness).
EXACT_BELOW = 5000
BETWEENNESS_SAMPLES = 100
POWER_SAMPLES = 50
BETWEENNESS_SEED = 42

QUERIES: dict[str, QuerySpec] = {
    spec.name: spec
    for spec in [
        QuerySpec(
            "funding-flows",
            "Who funds whom: every FUNDS link with its amount, programme, issues and period.",
            (
                _ISSUE,
                _PLACE,
                ParamSpec("funder", "node", None, "Only this funder's grants (an id or exact name)."),
                _AS_OF,
                _LIMIT,
            ),
            (
                _c("funder", "id", "The funder's id."),
                _c("funder_name", "name", "The funder's name.", "funder"),
                _c("recipient", "id", "The recipient's id."),
                _c("recipient_name", "name", "The recipient's name.", "recipient"),
                _c("amount_minor", "int", "Amount in minor units (pence); null when not known."),
                _c("currency", "str", "ISO currency code."),
                _c("programme", "str", "Grant programme."),
                _c("issues", "list", "Issues the grant concerns."),
                _c("valid_from", "date", "Start."),
                _c("valid_to", "date", "End."),
                _c("link", "id", "The link's id."),
            ),
            keys=("link",),
            sort=("-amount_minor", "funder", "recipient", "link"),
        ),
        QuerySpec(
            "funding-concentration",
            "How concentrated money is among funders: HHI, Gini and top-5 share, overall, per issue and per year.",
            (_ISSUE, _PLACE, _AS_OF),
            (
                _c("issue", "id", "An issue id, or '*' for all selected grants."),
                _c("year", "str", "Year the grants start, or '*' for all years."),
                _c("currency", "str", "ISO currency code (currencies are never summed together)."),
                _c("funders", "int", "Number of funders."),
                _c("grants", "int", "Number of grants with an amount."),
                _c("total_minor", "int", "Total granted, minor units."),
                _c("hhi", "float", "Herfindahl-Hirschman index of funder shares, 0-1 (1: one funder)."),
                _c("gini", "float", "Gini coefficient of funder totals, 0-1."),
                _c("top5_share", "float", "Share of the total granted by the five largest funders."),
            ),
            keys=("issue", "year", "currency"),
            sort=("issue", "year", "currency"),
        ),
        QuerySpec(
            "decision-spaces",
            "Who sits in each decision space, its Powercube space and level, and the share of seats held by lived-experience actors.",
            (_ISSUE, _AS_OF),
            (
                _c("space_id", "id", "The decision space's id."),
                _c("space_name", "name", "Its name.", "space_id"),
                _c("space", "str", "closed, invited or claimed."),
                _c("level", "str", "household, local, national or global."),
                _c("members", "list", "Ids of the actors that sit in it."),
                _c("seats", "int", "Seats (SITS_IN links)."),
                _c("voting_seats", "int", "Seats of type chair or voting."),
                _c("lived_seats", "int", "Seats held by lived-experience actors."),
                _c("lived_voting_seats", "int", "Chair or voting seats held by lived-experience actors."),
                _c("lived_share", "float", "lived_seats / seats (null when no seats)."),
                _c("lived_voting_share", "float", "lived_voting_seats / voting_seats (null when none)."),
            ),
            keys=("space_id",),
            sort=("space_id",),
        ),
        QuerySpec(
            "participation",
            "Per actor and issue, the highest rung of Arnstein's ladder at which it involves affected people; flags those that stop at tokenism or below.",
            (_ISSUE, _AS_OF),
            (
                _c("actor", "id", "The actor (or space or initiative) that involves people."),
                _c("actor_name", "name", "Its name.", "actor"),
                _c("issue", "id", "The issue, or '*' when the link names none."),
                _c("highest_rung", "str", "The highest rung reached."),
                _c("rank", "int", "Its rank, 1 (manipulation) to 8 (citizen control)."),
                _c("ladder_group", "str", "non_participation, tokenism or citizen_power."),
                _c("involved", "int", "Number of distinct actors it involves on the issue."),
                _c("stops_at_tokenism", "bool", "True when the highest rung is placation (5) or lower."),
            ),
            keys=("actor", "issue"),
            sort=("rank", "actor", "issue"),
        ),
        QuerySpec(
            "balance",
            "Lived versus learnt experience among the actors on each issue and in each decision space.",
            (_ISSUE, _AS_OF),
            (
                _c("scope", "str", "'issue' or 'decision_space'."),
                _c("scope_id", "id", "The issue or decision space."),
                _c("scope_name", "name", "Its name.", "scope_id"),
                _c("lived", "int", "Actors with lived experience (including lived-experience groups)."),
                _c("learnt", "int", "Actors with learnt experience."),
                _c("both", "int", "Actors with both."),
                _c("unknown", "int", "Actors whose experience is not recorded."),
                _c("lived_share", "float", "(lived + both) / (lived + learnt + both); null when none known."),
            ),
            keys=("scope", "scope_id"),
            sort=("scope", "scope_id"),
        ),
        QuerySpec(
            "ego",
            "Everything within N hops of an actor (not passing through issue nodes).",
            (
                ParamSpec("actor", "node", None, "The actor at the centre (id or exact name)."),
                ParamSpec("hops", "int", 2, "How many hops (1-5).", minimum=1, maximum=5),
                _AS_OF,
            ),
            (
                _c("id", "id", "A node within reach."),
                _c("name", "name", "Its name.", "id"),
                _c("types", "list", "Its types."),
                _c("distance", "int", "Hops from the actor (0: the actor)."),
            ),
            keys=("id",),
            sort=("distance", "id"),
        ),
        QuerySpec(
            "collaboration-gaps",
            "Where collaboration is missing: actors on the same issue with no collaboration path of length 2 or less; affected communities with no funded ally; needs that nobody controls.",
            (_ISSUE, _AS_OF, _LIMIT),
            (
                _c("gap", "str", "no-collaboration, unfunded-affected or unmet-need."),
                _c("a", "id", "The first actor (or the affected community, or the actor in need)."),
                _c("a_name", "name", "Its name.", "a"),
                _c("b", "id", "The second actor, or the needed resource; null for unfunded-affected."),
                _c("b_name", "name", "Its name.", "b"),
                _c("issue", "id", "The shared issue (null for unmet-need)."),
            ),
            keys=("gap", "a", "b", "issue"),
            sort=("gap", "issue", "a", "b"),
        ),
        QuerySpec(
            "collaboration-summary",
            "Collaboration gaps at scale, per issue: how many pairs of actors on it have no collaboration path of length 2 or less, the most isolated actors, and the most promising pairs to introduce (no such path, but shared funders or decision spaces); top-k of each.",
            (
                _ISSUE,
                _AS_OF,
                ParamSpec("top", "int", 10, "Isolated actors and promising pairs kept per issue.", minimum=1),
                ParamSpec(
                    "hub_limit",
                    "int",
                    200,
                    "Funders and decision spaces with more actors than this on an issue are not counted as shared (they would make most pairs alike).",
                    minimum=2,
                ),
            ),
            (
                _c("issue", "id", "The issue."),
                _c("kind", "str", "unconnected-pairs, isolated or promising-pair."),
                _c("a", "id", "The isolated actor, or the first of the pair (null for unconnected-pairs)."),
                _c("a_name", "name", "Its name.", "a"),
                _c("b", "id", "The second of the pair (null otherwise)."),
                _c("b_name", "name", "Its name.", "b"),
                _c(
                    "count",
                    "int",
                    "Pairs with no path (unconnected-pairs); actors on the issue it has no path to (isolated); funders and spaces the pair shares (promising-pair).",
                ),
                _c("of", "int", "Out of: all pairs on the issue, or the other actors on it; null for pairs."),
            ),
            keys=("issue", "kind", "a", "b"),
            sort=("issue", "kind", "-count", "a", "b"),
        ),
        QuerySpec(
            "power-ranking",
            "An explainable power score per actor: money granted, resources controlled, seats and authority, reach (PageRank) and brokerage (betweenness), each a column.",
            (
                _ISSUE,
                _AS_OF,
                ParamSpec("currency", "str", "GBP", "Currency whose grants count as money."),
                ParamSpec("w_money", "float", 1.0, "Weight of money granted.", minimum=0),
                ParamSpec("w_resources", "float", 1.0, "Weight of resources controlled.", minimum=0),
                ParamSpec("w_seats", "float", 1.0, "Weight of seats and authority.", minimum=0),
                ParamSpec("w_reach", "float", 1.0, "Weight of reach (PageRank).", minimum=0),
                ParamSpec("w_brokerage", "float", 1.0, "Weight of brokerage (betweenness).", minimum=0),
                _LIMIT,
            ),
            (
                _c("rank", "int", "1 for the highest score."),
                _c("id", "id", "The actor."),
                _c("name", "name", "Its name.", "id"),
                _c("score", "float", "Weighted mean of the normalised components, 0-1."),
                _c("money_granted_minor", "int", "Money granted (FUNDS out), minor units."),
                _c("resources", "int", "Resources controlled (CONTROLS)."),
                _c("seats_authority", "int", "Seats (SITS_IN) plus DECIDES_ON, LEADS and HOSTS links."),
                _c(
                    "reach",
                    "float",
                    "PageRank over money, influence and authority links, towards power holders.",
                ),
                _c("brokerage", "float", "Normalised betweenness on the undirected actor network."),
            ),
            keys=("id",),
            sort=("rank",),
        ),
        QuerySpec(
            "brokers",
            "Who connects otherwise separate parts of the network: betweenness (exact, or sampled with a fixed seed on big graphs), Burt's constraint and articulation points.",
            (
                _ISSUE,
                _AS_OF,
                ParamSpec(
                    "exact_below", "int", EXACT_BELOW, "Exact betweenness below this many actors.", minimum=1
                ),
                ParamSpec(
                    "samples", "int", BETWEENNESS_SAMPLES, "Pivots for sampled betweenness.", minimum=1
                ),
                ParamSpec("seed", "int", BETWEENNESS_SEED, "Seed for sampled betweenness."),
                _LIMIT,
            ),
            (
                _c("id", "id", "The actor."),
                _c("name", "name", "Its name.", "id"),
                _c("betweenness", "float", "Normalised betweenness centrality."),
                _c("constraint", "float", "Burt's constraint (low: a broker; null for isolated actors)."),
                _c("articulation_point", "bool", "True when removing the actor splits the network."),
                _c("degree", "int", "Distinct neighbours."),
                _c("sampled", "bool", "True when betweenness was sampled."),
            ),
            keys=("id",),
            sort=("-betweenness", "id"),
        ),
        *LEARNING_QUERIES,
    ]
}
