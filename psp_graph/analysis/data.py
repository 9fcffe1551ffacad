"""The data an analysis reads on the embedded store: nodes and the links valid on a date.

Also the definitions both backends share: which issues an issue selection
covers, and who counts as a lived-experience actor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.ontology import Ontology, did_you_mean
from psp_graph.reading import Reader
from psp_graph.records import StoredNode

__all__ = [
    "AnalysisData",
    "Row",
    "experience_of",
    "load_data",
    "select_issues",
]


def experience_of(node: StoredNode) -> str:
    """lived, learnt, both or unknown; lived-experience groups count as lived unless recorded otherwise."""
    experience = node.props.get("experience")
    if experience:
        return str(experience)
    return "lived" if "LivedExperienceGroup" in node.labels else "unknown"


Row = tuple[Any, ...]
"""A link as read by analyses: (id, type, source, target, *attribute values)."""


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

    def links(
        self, types: Iterable[str], attributes: tuple[str, ...] = (), issues: list[str] | None = None
    ) -> list[Row]:
        """Links of these types valid on the date (concerning the issues, when given)."""
        key = (frozenset(types), attributes, None if issues is None else tuple(issues))
        if key not in self._links:
            self._links[key] = self.reader.link_columns(key[0], attributes, as_of=self.as_of, issues=issues)
        return self._links[key]

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
