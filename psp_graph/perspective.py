"""One source's or one group's view of the store, for maps and queries (``--source``, ``--perspective``).

A view is a throwaway in-memory store holding only the links that cite the
chosen sources, the nodes at their ends (and nodes that cite the sources
themselves), every issue, and the cited sources and events. Maps and named
queries then run on it unchanged, with privacy applied by its own reader, so
two groups' maps of the same issue can be laid side by side. O(nodes + links).

``--source SRC``: what a source or an event is cited for. ``--perspective X``:
X an event or a source, as ``--source``; X an actor (a group), what was
recorded at the events it took part in or organised.

>>> from psp_graph.graph import Graph
>>> with Graph.open("sqlite://:memory:") as graph:
...     for name in ("Northbank Council", "Eastgate Food Bank", "Quillmead Renters Forum"):
...         _ = graph.add({"name": name, "types": ["Charity"]}, section="actors")
...     _ = graph.add({"type": "PARTNERS_WITH", "from": "org:northbank-council", "to": "org:eastgate-food-bank"},
...                   section="links", sources=["Group A notes"])
...     _ = graph.add({"type": "PARTNERS_WITH", "from": "org:eastgate-food-bank",
...                    "to": "org:quillmead-renters-forum"}, section="links", sources=["Group B notes"])
...     with view_of(graph, source="Group A notes") as view:
...         sorted(n.name for n in view.reader().iter_nodes("Actor"))
['Eastgate Food Bank', 'Northbank Council']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from psp_graph.exc import InvalidData, NodeNotFound
from psp_graph.ids import slugify
from psp_graph.records import StoredLink, StoredNode

if TYPE_CHECKING:
    from psp_graph.graph import Graph
    from psp_graph.reading import Reader

__all__ = ["cited_by", "view_of"]

_ATTENDS = ("TAKES_PART_IN", "ORGANISES")


def _source_id(reader: Reader, text: str) -> str:
    """The id of a source or event: an id, an exact name, or a title as ``--source`` makes it."""
    for candidate in (text, f"src:{slugify(text)[:60]}"):
        if reader.has(candidate):
            return candidate
    try:
        return reader.resolve(text)
    except NodeNotFound as err:
        raise InvalidData(f"no source or event '{text}'{reader.suggest(text)}", field="source") from err


def cited_by(graph: Graph, *, source: str | None = None, perspective: str | None = None) -> set[str]:
    """The ids of the sources and events whose citations make the view."""
    reader = graph.reader()
    cited: set[str] = set()
    if source is not None:
        cited.add(_source_id(reader, source))
    if perspective is not None:
        chosen = _source_id(reader, perspective)
        node = reader.node(chosen)
        if "Actor" in node.labels:
            events = {k.target for k in reader.links_of(chosen) if k.source == chosen and k.type in _ATTENDS}
            if not events:
                raise InvalidData(
                    f"'{perspective}' took part in no recorded event (psp record participant)",
                    field="perspective",
                )
            cited |= events
        else:
            cited.add(chosen)
    for item in sorted(cited):
        labels = reader.node(item).labels
        if "Source" not in labels and "Event" not in labels:
            raise InvalidData(f"'{item}' is not a source or an event", field="source")
    return cited


def view_of(graph: Graph, *, source: str | None = None, perspective: str | None = None) -> Graph:
    """An in-memory Graph with only what ``source`` / ``perspective`` cite (see the module docs).
    Close it when done (it is a context manager)."""
    from psp_graph.graph import Graph

    cited = cited_by(graph, source=source, perspective=perspective)
    everything = graph.reader(include_private=True)  # copied as stored: the view's reader applies privacy
    links = [k for k in everything.iter_links() if cited & set(k.props.get("sources", []))]
    keep = {e for k in links for e in (k.source, k.target)} | cited
    nodes: list[StoredNode] = []
    for node in everything.iter_nodes():
        if node.id in keep or "Issue" in node.labels or cited & set(node.props.get("sources", [])):
            nodes.append(node)
    keep |= {n.id for n in nodes}
    cited_items: list[StoredNode | StoredLink] = [*nodes, *links]
    wanted = {s for item in cited_items for s in item.props.get("sources", [])} - keep
    nodes.extend(everything.nodes(wanted).values())
    view = Graph.open("sqlite://:memory:")
    records: list[StoredNode | StoredLink] = [*nodes, *links]
    view.copy_records(records, summary=f"view of {', '.join(sorted(cited))}")
    view.set_meta("initialised", "view")
    return view
