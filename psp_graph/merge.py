"""Join two nodes for one organisation: ``merge(graph, OLD, NEW)``.

NEW keeps its id and name; OLD's names and identifiers become NEW's aliases and
identifiers, its sources and roles are added, its links are moved to NEW (same
link ids, so a grant keeps its 360Giving id), and OLD is deleted — all in one
change set, recorded in history and undone with ``psp undo``. A link between
OLD and NEW would become a loop and is removed.
"""

from __future__ import annotations

import dataclasses

from psp_graph.exc import InvalidData
from psp_graph.graph import Graph, Result
from psp_graph.records import StoredLink, StoredNode

__all__ = ["merge"]


def _union(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(item for items in lists for item in items))


def merged_node(graph: Graph, old: StoredNode, new: StoredNode) -> StoredNode:
    """NEW with OLD's names, identifiers, sources and roles added."""
    props = dict(new.props)
    aliases = _union(new.props.get("aliases", []), [old.name], old.props.get("aliases", []))
    props["aliases"] = [a for a in aliases if a.casefold() != new.name.casefold()]
    for key in ("identifiers", "sources"):
        joined = _union(new.props.get(key, []), old.props.get(key, []))
        if joined:
            props[key] = joined
    if props.get("identifiers"):
        props.pop("unregistered", None)  # it has a registered identifier now
    roles = [t for t in old.types if graph.onto.node_type(t).is_role]
    types = tuple(_union(list(new.types), roles))
    return dataclasses.replace(new, types=types, labels=graph.onto.labels_for(list(types)), props=props)


def merge(graph: Graph, old_id: str, new_id: str) -> Result:
    """Merge node OLD into node NEW as one undoable change set (see the module doc)."""
    store = graph.reader(include_private=True)
    old, new = store.node(old_id), store.node(new_id)
    if old.id == new.id:
        raise InvalidData(f"cannot merge {old.id} into itself")
    old_kind, new_kind = (graph.onto.node_type(n.types[0]).kind for n in (old, new))
    if old_kind != new_kind or old_kind != "Actor":
        raise InvalidData(
            f"only actors can be merged; {old.id} is a {old.types[0]}, {new.id} a {new.types[0]}"
        )
    if "Person" in old.types or "Person" in new.types:
        raise InvalidData("persons are not merged (their ids are opaque); remove the duplicate instead")
    moved: list[StoredLink] = []
    for link in store.links_of(old.id):
        source = new.id if link.source == old.id else link.source
        target = new.id if link.target == old.id else link.target
        if source == target:
            continue  # a link between OLD and NEW: deleted with OLD
        if graph.onto.relations[link.type].symmetric and target < source:
            source, target = target, source
        moved.append(dataclasses.replace(link, source=source, target=target))
    return graph.write_changes(
        [merged_node(graph, old, new)],
        moved,
        delete_nodes=[old.id],
        action="merge",
        summary=f"merge {old.id} into {new.id}",
    )
