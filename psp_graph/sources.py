"""Sources cited as people type them: an existing ``src:`` id, or text (a title or
URL) that becomes a new Source node.

>>> from psp_graph.graph import Graph
>>> with Graph.open("sqlite://:memory:") as graph:
...     cited_sources(graph.reader(), ["Community of practice session, March 2020"], "workshop")
(['src:community-of-practice-session-march-2020'], [{'id': 'src:community-of-practice-session-march-2020', 'name': 'Community of practice session, March 2020', 'types': ['Source'], 'kind': 'workshop'}])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from psp_graph.exc import InvalidData
from psp_graph.ids import slugify
from psp_graph.privacy import is_private, names_a_person, opaque_id
from psp_graph.reading import Reader
from psp_graph.records import RawRecord, StoredLink, StoredNode

if TYPE_CHECKING:
    from psp_graph.backends.base import Backend
    from psp_graph.validate import Validator

__all__ = ["check_sourced", "cited_sources", "private_cited_sources"]


def cited_sources(
    reader: Reader, texts: Iterable[str], kind: str | None
) -> tuple[list[str], list[dict[str, Any]]]:
    """The source ids for ``texts``, and the records of the sources to create."""
    ids: list[str] = []
    new: list[dict[str, Any]] = []
    for text in texts:
        if text.startswith(("src:", "event:")) and reader.has(text):  # an event a fact was heard at
            ids.append(text)
            continue
        source_id = text if text.startswith("src:") else f"src:{slugify(text)[:60]}"
        if not reader.has(source_id) and reader.has(opaque_id("src", text)):
            source_id = opaque_id("src", text)  # cited before, and made private as it names a person
        if not reader.has(source_id) and source_id not in {r["id"] for r in new}:
            record: dict[str, Any] = {"id": source_id, "name": text.removeprefix("src:"), "types": ["Source"]}
            if kind:
                record["kind"] = kind
            if text.startswith(("http://", "https://")):
                record["url"] = text
            new.append(record)
        ids.append(source_id)
    return ids, new


def private_cited_sources(
    validator: Validator, backend: Backend, nodes: list[StoredNode], links: list[StoredLink]
) -> tuple[list[StoredNode], list[StoredLink]]:
    """Sources the batch creates that name a private person it cites them for become
    private too, so a title such as "Interview with Amina" never shows the name."""
    new_sources = {n.id: n for n in nodes if "Source" in n.labels and not backend.get_node(n.id)}
    if not new_sources:
        return nodes, links
    people: dict[str, StoredNode] = {n.id: n for n in nodes if is_private(n)}
    ends = {e for link in links for e in (link.source, link.target)} - set(people)
    people.update({i: n for i, n in backend.get_nodes(ends).items() if is_private(n)})
    named: set[str] = set()
    items: list[StoredNode | StoredLink] = [*nodes, *links]
    for item in items:
        about = [item.id] if isinstance(item, StoredNode) else [item.source, item.target]
        names = [people[i].name for i in about if i in people]
        named.update(
            s
            for s in item.props.get("sources", [])
            if s in new_sources and names and names_a_person(new_sources[s].name, names)
        )
    if not named:
        return nodes, links
    private = {i: validator.made_private(new_sources[i]) for i in named}
    renamed = {i: n.id for i, n in private.items()}

    def cite(item: Any) -> Any:
        cited = item.props.get("sources")
        if not cited or not renamed.keys() & set(cited):
            return item
        return dataclasses.replace(item, props={**item.props, "sources": [renamed.get(s, s) for s in cited]})

    return [cite(private.get(n.id, n)) for n in nodes], [cite(link) for link in links]


# Node kinds that are vocabulary rather than claims: they need no source of their own.
_NOT_CLAIMS = frozenset({"Source", "Issue", "Place"})


def check_sourced(
    backend: Backend,
    nodes: dict[str, tuple[StoredNode, RawRecord]],
    links: dict[str, tuple[StoredLink, RawRecord]],
) -> None:
    """The sources policy: every fact cites a source (in the record, or already in the
    store); sources, issues and places are vocabulary, not claims."""
    records: list[tuple[StoredNode | StoredLink, RawRecord]] = [*nodes.values(), *links.values()]
    unsourced = [
        (item, raw)
        for item, raw in records
        if not item.props.get("sources")
        and not (isinstance(item, StoredNode) and set(item.labels) & _NOT_CLAIMS)
    ]
    if not unsourced:
        return
    stored: dict[str, StoredNode | StoredLink] = {
        **backend.get_nodes(i.id for i, _ in unsourced if isinstance(i, StoredNode)),
        **backend.get_links(i.id for i, _ in unsourced if isinstance(i, StoredLink)),
    }
    for item, raw in unsourced:
        if not stored.get(item.id, item).props.get("sources"):
            raise InvalidData(
                "no source for this fact: give --source TEXT (a title, URL or src: id), set PSP_SOURCE "
                "once for a session, or add a sources field; mark made-up data --illustrative too",
                file=raw.file or None,
                row=raw.row,
                field="sources",
            )
