"""The data an analysis reads on the embedded store: nodes and the links valid on a date.

Also the definitions both backends share: which issues an issue selection
covers, and who counts as a lived-experience actor.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from psp_graph.exc import InvalidData
from psp_graph.ontology import Ontology, did_you_mean
from psp_graph.reading import Reader
from psp_graph.records import StoredNode

if TYPE_CHECKING:
    from psp_graph.analysis.projection import EdgeTable

__all__ = [
    "AnalysisData",
    "LazyLink",
    "LinkLike",
    "Row",
    "experience_of",
    "is_valid_on",
    "load_data",
    "select_issues",
    "select_places",
]


def is_valid_on(props: dict[str, Any], as_of: str | None) -> bool:
    """True when a link holds on ``as_of`` (ISO date text); every link holds when as_of is None."""
    if as_of is None:
        return True
    start, end = props.get("valid_from"), props.get("valid_to")
    return (start is None or start <= as_of) and (end is None or end >= as_of)


def experience_of(node: StoredNode) -> str:
    """lived, learnt, both or unknown; lived-experience groups count as lived unless recorded otherwise."""
    experience = node.props.get("experience")
    if experience:
        return str(experience)
    return "lived" if "LivedExperienceGroup" in node.labels else "unknown"


class LinkLike(Protocol):
    """What analyses read of a link (StoredLink, or a LazyLink from the fast path)."""

    @property
    def id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def target(self) -> str: ...
    @property
    def props(self) -> dict[str, Any]: ...


class LazyLink:
    """A link whose attributes are decoded from JSON only when first read."""

    __slots__ = ("_props", "_raw", "id", "source", "target", "type")

    def __init__(self, link_id: str, rel_type: str, source: str, target: str, raw: str) -> None:
        self.id, self.type, self.source, self.target, self._raw = link_id, rel_type, source, target, raw
        self._props: dict[str, Any] | None = None

    @property
    def props(self) -> dict[str, Any]:
        if self._props is None:
            self._props = json.loads(self._raw)
        return self._props


Row = tuple[Any, ...]
"""A link as read by analyses: (id, type, source, target, *attribute values)."""

T = TypeVar("T")
DERIVED_FORMAT = 2  # raise when what analyses keep changes: what older versions kept is then ignored


@dataclass
class AnalysisData:
    """What an analysis reads of one store, on one date: links of the types it needs,
    with the attributes it needs, filtered in the store when it can
    (:meth:`Reader.link_columns`); node ids by label. Nothing else is read, and
    every read is made once."""

    reader: Reader
    as_of: str | None
    onto: Ontology
    _links: dict[tuple[Any, ...], list[Row]] = field(default_factory=dict)
    _labelled: dict[str, set[str]] = field(default_factory=dict)

    def rows(
        self,
        types: Iterable[str],
        attributes: tuple[str, ...] = (),
        issues: list[str] | None = None,
        *,
        ids: bool = True,
    ) -> list[Row]:
        """Links of these types valid on the date (concerning the issues, when given);
        the id column is None with ``ids=False``."""
        key = (frozenset(types), attributes, None if issues is None else tuple(issues), ids)
        if key not in self._links:
            self._links[key] = self.reader.link_columns(
                key[0], attributes, as_of=self.as_of, issues=issues, ids=ids
            )
        return self._links[key]

    def around(
        self,
        types: Iterable[str],
        nodes: Iterable[str],
        attributes: tuple[str, ...] = (),
        issues: list[str] | None = None,
        *,
        ids: bool = False,
    ) -> list[Row]:
        """Links of these types valid on the date (concerning the issues, when given) with
        an end among ``nodes``; not kept, as a traversal asks once per frontier."""
        return self.reader.link_columns(
            set(types), attributes, as_of=self.as_of, issues=issues, ids=ids, touching=list(nodes)
        )

    # -- whole records, read once when first asked (for analyses not yet on columns) --
    @cached_property
    def nodes(self) -> dict[str, StoredNode]:
        """Every node, by id (reads and decodes them all: prefer :meth:`ids` and :meth:`values`)."""
        return {n.id: n for n in self.reader.iter_nodes()}

    @cached_property
    def links(self) -> list[LinkLike]:
        """Every link valid on the date, attributes decoded when read (prefer :meth:`rows`)."""
        links: list[LinkLike] = [LazyLink(*row) for row in self.reader.link_rows()]
        if self.as_of is not None:
            links = [link for link in links if is_valid_on(link.props, self.as_of)]
        return links

    def of_type(self, *types: str) -> Iterable[LinkLike]:
        wanted = set(types)
        return (link for link in self.links if link.type in wanted)

    def has(self, node_id: str, label: str) -> bool:
        node = self.nodes.get(node_id)
        return node is not None and label in node.labels

    # -- columns -------------------------------------------------------------------
    @cached_property
    def version(self) -> str | None:
        """The store's version when this analysis first asked for kept data (None: the store
        keeps none). Everything kept or read back by :meth:`kept` is of this one version:
        a betweenness kept by a finisher belongs to the link table it was computed from."""
        return self.reader.data_version()

    def kept(
        self,
        what: list[Any],
        build: Callable[[], T],
        encode: Callable[[T], bytes],
        decode: Callable[[bytes], T],
    ) -> T:
        """``build()``, or what an earlier analysis of the same data kept in the store under
        ``what`` and the date (:class:`~psp_graph.backends.base.DerivedStore`; any change
        set makes it stale). Kept after building, for the next analysis in any process."""
        key = json.dumps([*what, DERIVED_FORMAT, self.as_of])
        version = self.version  # before reading: a write meanwhile makes it stale
        kept = None if version is None else self.reader.derived(key, version)
        if kept is not None:
            try:
                return decode(kept)
            except ValueError:  # damaged (a disk error): build it anew
                pass
        value = build()
        if version is not None:
            self.reader.keep_derived(key, version, encode(value))
        return value

    def edge_table(self, types: Iterable[str]) -> EdgeTable:
        """Every link of these types valid on the date as integer columns, weighted by its
        ``strength`` (1 without one), over the ids of their ends and of every actor.

        Built from the links' columns (O(links)), then kept in the store: the next
        analysis of the same data reads it back (at a million links about 0.3 s against
        4 to 6 s)."""
        from psp_graph.analysis.projection import EdgeTable

        wanted = frozenset(types)

        def build() -> EdgeTable:
            import numpy as np

            weighted = wanted & {n for n, rel in self.onto.relations.items() if "strength" in rel.attributes}
            strong = self.reader.link_columns(weighted, ("strength",), as_of=self.as_of, ids=False)
            # The other types carry no weight: read only their ends.
            plain = self.reader.link_columns(wanted - weighted, as_of=self.as_of, ids=False)
            rows = strong + plain  # (None, type, source, target[, strength])
            # An integer strength 1 to 5 or none (NaN here): 1.0 without one.
            strengths = np.array([row[4] for row in strong], dtype=np.float64)
            weights = np.concatenate([np.where(np.isnan(strengths), 1.0, strengths), np.ones(len(plain))])
            # Every actor, linked or not: no re-index per query.
            return EdgeTable.of_columns(
                map(itemgetter(2), rows),
                map(itemgetter(3), rows),
                map(itemgetter(1), rows),
                weights,
                self.ids("Actor"),
            )

        return self.kept(["edge-table", sorted(wanted)], build, EdgeTable.to_bytes, EdgeTable.from_bytes)

    def money_by_source(
        self, types: Iterable[str], currency: str, issues: list[str] | None
    ) -> dict[str, int]:
        """The summed ``amount_minor`` in ``currency`` of the links of these types (valid on
        the date, concerning the issues) by their source; kept in the store like
        :meth:`edge_table` (a million-link store's grants are read in about 1 s)."""
        wanted = sorted(types)

        def build() -> dict[str, int]:
            totals: dict[str, int] = {}
            for _, _, source, _, link_currency, amount in self.reader.link_columns(
                wanted, ("currency", "amount_minor"), as_of=self.as_of, issues=issues, ids=False
            ):
                if link_currency == currency and amount is not None:
                    totals[source] = totals.get(source, 0) + int(amount)
            return totals

        def decode(data: bytes) -> dict[str, int]:
            totals = json.loads(data)
            if not isinstance(totals, dict):
                raise ValueError("not a dict of totals")
            return totals

        return self.kept(
            ["money-by-source", wanted, currency, issues], build, lambda t: json.dumps(t).encode(), decode
        )

    def ids(self, label: str) -> set[str]:
        """Ids of the nodes with the label."""
        if label not in self._labelled:
            self._labelled[label] = {row[0] for row in self.reader.node_columns(label)}
        return self._labelled[label]

    def values(self, label: str, *attributes: str) -> dict[str, Row]:
        """The attributes of the nodes with the label, by id."""
        return {row[0]: row[1:] for row in self.reader.node_columns(label, attributes)}

    def experience(self, actors: Iterable[str]) -> dict[str, str]:
        """lived, learnt, both or unknown for each actor (as :func:`experience_of`)."""
        recorded = {i: v[0] for i, v in self.values("Actor", "experience").items()}
        groups = self.ids("LivedExperienceGroup")
        return {a: recorded.get(a) or ("lived" if a in groups else "unknown") for a in actors}


def load_data(reader: Reader, as_of: str | None) -> AnalysisData:
    """The data of one store on ``as_of`` (None: every link); nothing is read until asked."""
    return AnalysisData(reader, as_of, reader.onto)


def select_issues(reader: Reader, issue: str | None) -> list[str] | None:
    """The issue and all its narrower issues (from the store, so added issues count), sorted.

    None when no issue is given. Raises InvalidData with suggestions for an unknown issue.
    """
    if issue is None:
        return None
    issues = {n.id: n for n in reader.iter_nodes("Issue")}
    for concept in reader.onto.issues.values():  # a store not yet initialised still knows them
        issues.setdefault(
            concept.id,
            StoredNode(concept.id, ("Issue",), ("Issue",), concept.label, {"broader": concept.broader}),
        )
    wanted = issue if issue.startswith("issue:") else f"issue:{issue}"
    if wanted not in issues:
        by_name = [i for i, n in issues.items() if n.name.lower() == issue.lower()]
        if len(by_name) != 1:
            raise InvalidData(
                f"no issue '{issue}'{did_you_mean(wanted, sorted(issues), list_all=False)}", field="issue"
            )
        wanted = by_name[0]
    narrower: dict[str, list[str]] = {}
    for node in issues.values():
        broader = node.props.get("broader")
        if broader:
            narrower.setdefault(str(broader), []).append(node.id)
    selected, frontier = {wanted}, [wanted]
    while frontier:
        for child in narrower.get(frontier.pop(), []):
            if child not in selected:
                selected.add(child)
                frontier.append(child)
    return sorted(selected)


def select_places(reader: Reader, place: str | None) -> list[str] | None:
    """The codes of a place and every place within it (shipped table and the store's
    Place nodes), sorted; None when no place is given. ``place`` is a code, an id or a name.
    """
    if place is None:
        return None
    from psp_graph.io.places import place_id, read_places

    within: dict[str, str | None] = {}
    names: dict[str, str] = {}
    for code, (name, parent) in read_places().items():
        within[code], names[code] = parent, name
    for node in reader.iter_nodes("Place"):
        code = str(node.props.get("code") or node.id.split(":", 1)[1].upper())
        parent = node.props.get("within")
        within[code] = str(parent).split(":", 1)[1].upper() if parent else within.get(code)
        names[code] = node.name
    text = place.strip()
    by_id = {place_id(code): code for code in within}
    wanted = text.upper() if text.upper() in within else by_id.get(text.lower()) or by_id.get(place_id(text))
    if wanted is None:
        matches = [c for c, n in names.items() if n.casefold() == text.casefold()]
        if len(matches) != 1:
            raise InvalidData(
                f"no place '{place}'{did_you_mean(text, sorted(names.values()), list_all=False)}",
                field="place",
            )
        wanted = matches[0]
    children: dict[str, list[str]] = {}
    for code, parent in within.items():
        if parent:
            children.setdefault(parent, []).append(code)
    found, todo = set(), [wanted]
    while todo:
        code = todo.pop()
        if code not in found:
            found.add(code)
            todo.extend(children.get(code, []))
    return sorted(found)
