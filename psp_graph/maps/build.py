"""Which nodes and links a map shows, and what it highlights.

A map draws the nodes that relationships can join (actors, decision spaces,
initiatives, resources). Issues are not drawn: a link to an issue, or a link
that carries ``issues``, *tags* its ends with that issue, and a node with no
tag of its own takes the tags of its neighbours. ``--issue housing`` keeps
the nodes tagged with housing or a narrower issue, and the links between them
that concern no other issue; the page's issue filter applies the same rule.
Sources are not drawn either: they appear in tooltips and the caption.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from psp_graph.analysis import run_query
from psp_graph.analysis.data import is_valid_on, select_issues, select_places
from psp_graph.exc import InvalidData, PspGraphError
from psp_graph.graph import Graph
from psp_graph.maps.style import drawable_kinds
from psp_graph.ontology import Ontology, did_you_mean
from psp_graph.reading import Reader
from psp_graph.records import StoredLink, StoredNode
from psp_graph.values import parse_date

__all__ = ["HIGHLIGHTS", "Gap", "MapOptions", "Selection", "select_map"]

HIGHLIGHTS = ("gaps", "power", "funding")


@dataclass(frozen=True)
class MapOptions:
    """What to draw: ``psp map``'s options."""

    issue: str | None = None
    ego: str | None = None
    hops: int = 2
    types: tuple[str, ...] = ()
    highlight: str | None = None
    workshop: bool = False
    layout: str | None = None
    include_private: bool = False
    title: str | None = None
    as_of: str | None = None  # only links (and nodes) valid on this date: YYYY, YYYY-MM or YYYY-MM-DD
    place: str | None = None  # only grants for this place (or a place within it) and their ends
    diff_from: str | None = None  # a date or change set: draw links added, removed, changed since then
    recorded_by: str | None = None  # --source/--perspective: the sources or events whose record this is


@dataclass(frozen=True)
class Gap:
    """A collaboration gap: a pair with no collaboration path, or an affected community alone."""

    kind: str
    a: str
    b: str | None
    issues: tuple[str, ...]


@dataclass
class Selection:
    """The nodes and links of one map, with their issue tags, power scores and gaps."""

    nodes: dict[str, StoredNode]
    links: list[StoredLink]
    tags: dict[str, set[str]]
    issues: dict[str, StoredNode]
    sources: dict[str, StoredNode]
    scope: list[str] | None = None
    centre: str | None = None
    as_of: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    diff: dict[str, str] | None = None  # link id -> added | changed | removed (with --diff-from)


def _kind(onto: Ontology, node: StoredNode) -> str | None:
    """The top-level kind (Actor, Resource, ...) of a node's class."""
    return next((onto.classes[t].kind for t in node.types if t in onto.classes), None)


def _issue_tags(
    nodes: dict[str, StoredNode], links: list[StoredLink], issues: set[str]
) -> dict[str, set[str]]:
    """Issue tags of every drawn node: its own, else its neighbours'. O(links)."""
    own: dict[str, set[str]] = defaultdict(set)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for link in links:
        for end, other in ((link.source, link.target), (link.target, link.source)):
            if end in nodes and other in issues:
                own[end].add(other)
        carried = set(link.props.get("issues", []))
        for end in (link.source, link.target):
            if end in nodes:
                own[end] |= carried
        if link.source in nodes and link.target in nodes:
            neighbours[link.source].add(link.target)
            neighbours[link.target].add(link.source)
    tags: dict[str, set[str]] = {}
    for node in nodes:
        inherited = set().union(*(own.get(m, set()) for m in neighbours.get(node, ())))
        tags[node] = set(own[node]) if own.get(node) else inherited
    return tags


def _resolve_types(onto: Ontology, names: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """Split ``--types`` into node types (classes or roles) and relationship types."""
    node_types: set[str] = set()
    link_types: set[str] = set()
    for text in names:
        try:
            node_types.add(onto.node_type(text).name)
            continue
        except InvalidData:
            pass
        try:
            link_types.add(onto.relation(text).name)
        except InvalidData:
            choices = sorted({*onto.classes, *onto.roles, *onto.relations} - {"Node"})
            raise InvalidData(f"unknown type '{text}'{did_you_mean(text, choices)}", field="types") from None
    return node_types, link_types


def select_map(graph: Graph, options: MapOptions) -> Selection:
    """Choose what one map shows. Reads the whole store once: O(nodes + links).

    Raises NodeNotFound / InvalidData (with "did you mean") for an unknown issue,
    actor or type, and PspGraphError when nothing is left to draw.
    """
    if options.highlight is not None and options.highlight not in HIGHLIGHTS:
        raise InvalidData(
            f"unknown highlight '{options.highlight}'{did_you_mean(options.highlight, HIGHLIGHTS)}"
        )
    onto = graph.onto
    as_of = _as_of(options.as_of)
    node_types, link_types = _resolve_types(onto, options.types)
    reader = graph.reader(include_private=options.include_private)
    scope = select_issues(reader, options.issue)
    places = select_places(graph.reader(include_private=True), options.place)
    centre = reader.resolve(options.ego) if options.ego else None
    everything = {n.id: n for n in reader.iter_nodes()}
    links = [link for link in reader.iter_links() if is_valid_on(link.props, as_of)]
    kinds = drawable_kinds(onto)
    issues = {i: n for i, n in everything.items() if "Issue" in n.labels}
    sources = {i: n for i, n in everything.items() if "Source" in n.labels}
    nodes = {i: n for i, n in everything.items() if _kind(onto, n) in kinds and is_valid_on(n.props, as_of)}
    tags = _issue_tags(nodes, links, set(issues))
    if centre is not None:
        if centre not in nodes:
            what = everything[centre].types[0] if centre in everything else "link"
            raise InvalidData(f"--ego needs an actor, not the {what} '{centre}'")
        ego_params: dict[str, Any] = {"actor": centre, "hops": options.hops}
        if as_of:
            ego_params["as_of"] = as_of
        reach = run_query(graph, "ego", ego_params).rows
        within = {str(row["id"]) for row in reach}
        nodes = {i: n for i, n in nodes.items() if i in within}
    if scope is not None:
        wanted = set(scope)
        nodes = {i: n for i, n in nodes.items() if tags[i] & wanted or i == centre}
    if node_types:
        nodes = {i: n for i, n in nodes.items() if set(n.labels) & node_types or i == centre}
    drawn = [
        link
        for link in links
        if link.source in nodes
        and link.target in nodes
        and (not link_types or link.type in link_types)
        and (scope is None or not link.props.get("issues") or set(link.props["issues"]) & set(scope))
        and (places is None or bool(set(link.props.get("places", [])) & set(places)))
    ]
    if places is not None:  # a place map shows the grants for the place and who gives and gets them
        ends = {e for link in drawn for e in (link.source, link.target)}
        nodes = {i: n for i, n in nodes.items() if i in ends or i == centre}
    if link_types:
        ends = {e for link in drawn for e in (link.source, link.target)}
        nodes = {i: n for i, n in nodes.items() if i in ends or i == centre}
    if not nodes:
        raise PspGraphError(f"nothing to map: {_describe(options)} selects no actors, spaces or resources")
    selection = Selection(
        nodes=dict(sorted(nodes.items())),
        links=drawn,
        tags={i: tags[i] for i in nodes},
        issues=issues,
        sources=sources,
        scope=scope,
        centre=centre,
        as_of=as_of,
    )
    if options.diff_from is not None:
        _add_diff(reader, options.diff_from, selection)
    _add_power(graph, options, selection)
    if options.highlight == "gaps":
        selection.gaps = _gaps(graph, options, selection)
    return selection


def _add_diff(reader: Reader, start: str, selection: Selection) -> None:
    """Mark the links added or changed since ``start``, and bring back those removed since
    (from the history log) when both their ends are on the map."""
    from psp_graph.diff import link_diff, links_at

    changes = link_diff(reader, start, None)
    selection.diff = {c.link: c.status for c in changes}
    before = links_at(reader, start)
    for change in changes:
        if (
            change.status == "removed"
            and change.source in selection.nodes
            and change.target in selection.nodes
        ):
            snapshot = {k: v for k, v in before[change.link].items() if k != "redacted"}
            selection.links.append(StoredLink.from_dict(snapshot))


def _as_of(text: str | None) -> str | None:
    """``--as-of`` as an ISO date (the first day of a year or month given alone)."""
    if text is None:
        return None
    try:
        return parse_date(text).isoformat()
    except InvalidData as err:
        raise InvalidData(err.reason, field="as-of") from None


def _query_params(options: MapOptions) -> dict[str, Any]:
    params: dict[str, Any] = {"issue": options.issue} if options.issue else {}
    if options.as_of:
        params["as_of"] = _as_of(options.as_of)
    return params


def _describe(options: MapOptions) -> str:
    parts = [f"--issue {options.issue}"] if options.issue else []
    if options.ego:
        parts.append(f"--ego {options.ego} --hops {options.hops}")
    if options.types:
        parts.append("--types " + ",".join(options.types))
    if options.as_of:
        parts.append(f"--as-of {options.as_of}")
    if options.place:
        parts.append(f"--place {options.place}")
    return " ".join(parts) or "the store"


def _add_power(graph: Graph, options: MapOptions, selection: Selection) -> None:
    for row in run_query(graph, "power-ranking", _query_params(options)).rows:
        if row["id"] in selection.nodes and row.get("score") is not None:
            selection.scores[row["id"]] = float(row["score"])
            selection.ranks[row["id"]] = int(row["rank"])


def _gaps(graph: Graph, options: MapOptions, selection: Selection) -> list[Gap]:
    merged: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)
    for row in run_query(graph, "collaboration-gaps", _query_params(options)).rows:
        a, b = row["a"], row.get("b")
        if a not in selection.nodes or (b is not None and b not in selection.nodes):
            continue
        if b is not None and row["gap"] == "no-collaboration":
            a, b = sorted((a, b))
        merged[(row["gap"], a, b)].update([row["issue"]] if row.get("issue") else [])
    return [
        Gap(kind, a, b, tuple(sorted(issues))) for (kind, a, b), issues in sorted(merged.items(), key=str)
    ]
