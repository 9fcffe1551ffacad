"""``psp erase PERSON``: remove a person for good, over the Graph service.

What goes: the person's node, every link that starts or ends at them (with the
notes those links carry), and every source that is cited only by the person or
those links. Then, through :meth:`Graph.erase_records`, every history entry about
those records is forgotten (the erase change set keeps only hashed tombstones),
change-set summaries naming the person are blanked, and the store is purged
(SQLite: full-text index merged, WAL checkpointed and truncated, VACUUM with
secure_delete; Neo4j: a checkpoint where the edition offers one, and the summary says how to
compact the stopped server's folder, which Neo4j needs to forget). ``psp sync``
passes the erasure on: it erases, in the target, records whose tombstones the
source's history holds. Erasure cannot be undone.

>>> from psp_graph.graph import Graph
>>> with Graph.open("sqlite://:memory:") as graph:
...     result = graph.add({"name": "Dana Example", "types": ["Person"]})
...     person = graph.reader(include_private=True).resolve("Dana Example")
...     erased = erase_person(graph, "Dana Example")
...     (erased.nodes, graph.reader(include_private=True).search("Dana"))
(1, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from psp_graph.exc import PspGraphError
from psp_graph.graph import Graph

__all__ = ["Erasure", "erase_person", "erasure_words"]


@dataclass
class Erasure:
    """What an erasure removed (counts only: the log of it names nobody)."""

    changeset: str
    nodes: int
    links: int
    sources: int
    still_named_in: list[str] = field(default_factory=list)
    residue: str | None = None  # what the store's files still hold, and how to clear it

    def summary(self) -> str:
        purged = "history and store files purged" if self.residue is None else "history purged"
        text = (
            f"erased 1 person, {self.links} links and {self.sources} sources only about them; "
            f"{purged} ({self.changeset})"
        )
        if self.still_named_in:
            text += (
                f"; warning: the name still appears in {', '.join(self.still_named_in[:10])} "
                "(edit or remove those records too)"
            )
        if self.residue is not None:
            text += f"\nnote: {self.residue}"
        return text


def erase_person(graph: Graph, person: str) -> Erasure:
    """Erase the person named or identified by ``person`` (an id or their exact name)."""
    reader = graph.reader(include_private=True)
    person_id = reader.resolve(person)
    node = reader.node(person_id)
    if "Person" not in node.labels:
        raise PspGraphError(
            f"{person_id} is not a person; 'psp erase' is for people (use 'psp remove' for other nodes)"
        )
    links = reader.links_of(person_id)
    link_ids = {link.id for link in links}
    cited = set(node.props.get("sources", []))
    for link in links:
        cited.update(link.props.get("sources", []))
    # A source stays when anything else cites it: it is not only about this person.
    for other in reader.iter_nodes():
        if other.id != person_id and cited:
            cited.difference_update(other.props.get("sources", []))
    for link in reader.iter_links():
        if link.id not in link_ids and cited:
            cited.difference_update(link.props.get("sources", []))
    sources = sorted(s for s in cited if reader.find(s) is not None)
    words = erasure_words(node.name)
    changeset, residue = graph.erase_records(
        [person_id, *sources], sorted(link_ids), words, summary="erase a person"
    )
    still = (
        [n.id for n in graph.reader(include_private=True).search(node.name, limit=10)] if node.name else []
    )
    return Erasure(changeset, 1, len(link_ids), len(sources), still, residue)


def erasure_words(name: str | None) -> list[str]:
    """The name and its words long enough to name someone in a summary ("load dana-notes.csv")."""
    import re

    return [name, *(w for w in re.findall(r"\w+", name) if len(w) >= 4)] if name else []
