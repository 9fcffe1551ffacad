"""How Neo4jBackend writes a Batch: checked in Python, then ``UNWIND`` statements in one transaction.

``BatchWriter.plan`` refuses, before any Cypher runs, labels and relationship
types outside the ontology (they are the only names that reach Cypher text) and
an identifier claimed twice. ``BatchWriter.write`` is the transaction function:
deletes, then nodes grouped by label set, identifiers, links grouped by type,
then the change set and its changes, in statements of ``ROWS_PER_STATEMENT``
rows with every value a parameter. An error raised inside rolls the whole
batch back. Cost: about one index seek per row and record, and one extra seek
per link and type only for links whose id is not derived from their content.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from neo4j import ManagedTransaction

from psp_graph.exc import InvalidData
from psp_graph.ontology import Ontology
from psp_graph.records import (
    MAX_INDEXED_BYTES,
    Batch,
    Change,
    ChangeSet,
    StoredLink,
    StoredNode,
    canonical_json,
    check_index_limits,
    chunked,
    encode_snapshot,
)

__all__ = [
    "BatchWriter",
    "WritePlan",
    "change_properties",
    "changeset_properties",
    "check_indexable",
    "count_query",
    "fold",
    "link_by_id",
    "link_properties",
    "node_properties",
    "quote",
]

ROWS_PER_STATEMENT = 5000  # UNWIND batch size: large enough to amortise, small enough for a 1 GiB heap
# Kept only in psp_props: our own property names, and the when/by-whom stamps no query needs.
_LINK_RESERVED = frozenset({"id", "psp_props", "recorded_at", "recorded_by"})
_NODE_RESERVED = _LINK_RESERVED | {"name", "types", "labels", "psp_folded"}


def quote(name: str) -> str:
    """A whitelisted label or type as a Cypher identifier."""
    return "`" + name.replace("`", "``") + "`"


def link_by_id(rel: str) -> str:
    """MATCH the link of type ``rel`` with id ``lid``, by its index (a plan cached while the type
    was empty would otherwise scan every link of the type for each id)."""
    return f"MATCH (s)-[r:{quote(rel)} {{id: lid}}]->(t) USING INDEX r:{quote(rel)}(id)"


def check_indexable(item: StoredNode | StoredLink) -> None:
    """Refuse a record whose id, name or identifier is too long for a store index
    (records.check_index_limits), naming the record. The Graph service checks this too;
    a sync from an older store or an import meets it here. A link id that cannot be too
    long (4 bytes a character at most) is not encoded."""
    if type(item) is StoredLink and len(item.id) * 4 <= MAX_INDEXED_BYTES:
        return
    try:
        check_index_limits(item)
    except InvalidData as err:
        raise InvalidData(f"{item.id[:60]}: {err}") from None


def native(props: dict[str, Any], reserved: frozenset[str]) -> dict[str, Any]:
    """The attributes Neo4j can hold as properties: scalars and lists of one scalar type."""

    def storable(value: Any) -> bool:
        if isinstance(value, int) and not isinstance(value, bool):
            return -(2**63) <= value < 2**63
        return isinstance(value, str | float | bool)

    out: dict[str, Any] = {}
    for key, value in props.items():
        if key in reserved or value is None:
            continue
        if isinstance(value, list):
            if all(storable(v) for v in value) and len({type(v) for v in value}) <= 1:
                out[key] = value
        elif storable(value):
            out[key] = value
    return out


def node_properties(n: StoredNode) -> dict[str, Any]:
    """What a node holds in Neo4j: its attributes as JSON, the native ones again, and search text."""
    props = {
        **native(n.props, _NODE_RESERVED),
        "id": n.id,
        "name": n.name,
        "types": list(n.types),
        "labels": list(n.labels),
        "psp_props": canonical_json(n.props),
    }
    text = f"{n.name} {n.search_text()}"
    folded = fold(text)
    if folded != text.lower() or "aliases" in n.props or "identifiers" in n.props:
        # accented names need the folded copy; aliases and identifiers are only there
        props["psp_folded"] = folded
    return props


def link_properties(x: StoredLink) -> dict[str, Any]:
    """What a link holds in Neo4j: its attributes as JSON and the native ones again."""
    return {**native(x.props, _LINK_RESERVED), "id": x.id, "psp_props": canonical_json(x.props)}


def changeset_properties(cs: ChangeSet) -> dict[str, Any]:
    """A change set's node properties."""
    return {
        "id": cs.id,
        "at": cs.at,
        "by": cs.by,
        "action": cs.action,
        "summary": cs.summary,
        "undoes": cs.undoes,
    }


def change_properties(c: Change) -> dict[str, Any]:
    """A change's node properties (snapshots as canonical JSON text)."""
    return {
        "changeset_id": c.changeset_id,
        "seq": c.seq,
        "op": c.op,
        "entity": c.entity,
        "entity_id": c.entity_id,
        "before": encode_snapshot(c.before),
        "after": encode_snapshot(c.after),
    }


def fold(text: str) -> str:
    """Lower case without accents: "Café" -> "cafe"."""
    if text.isascii():  # nothing to decompose
        return text.lower()
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


def count_query(kind: str, names: frozenset[str]) -> str:
    """Counts of nodes by label (``kind="label"``) or links by type, from the count store."""
    if kind == "type":
        parts = [
            f"MATCH ()-[r:{quote(t)}]->() RETURN '{t}' AS type, count(r) AS count" for t in sorted(names)
        ]
    else:
        parts = [f"MATCH (n:{quote(lb)}) RETURN '{lb}' AS label, count(n) AS count" for lb in sorted(names)]
    return " UNION ALL ".join(parts)


def _chunks(rows: Iterable[Any]) -> Iterator[list[Any]]:
    return chunked(rows, ROWS_PER_STATEMENT)


@dataclass
class WritePlan:
    """A checked batch: upserts without repeats (the last one wins, as in SQL) and claimed identifiers."""

    batch: Batch
    nodes: list[StoredNode]
    links: list[StoredLink]
    claims: dict[str, str]  # identifier -> node id
    given: dict[str, str]  # link id -> type, for ids not derived from the link's own content


class BatchWriter:
    """Writes batches for one ontology (its labels and relationship types are the whitelist)."""

    def __init__(self, onto: Ontology) -> None:
        self.labels = onto.allowed_labels()
        self.rel_types = frozenset(onto.relations)

    def plan(self, batch: Batch) -> WritePlan:
        """Check a batch; raises InvalidData before any Cypher runs."""
        for node in batch.upsert_nodes:
            check_indexable(node)
        for link in batch.upsert_links:
            check_indexable(link)
        nodes = list({n.id: n for n in batch.upsert_nodes}.values())
        links = list({x.id: x for x in batch.upsert_links}.values())
        bad = sorted({lb for n in nodes for lb in n.labels if lb not in self.labels})
        if bad:
            raise InvalidData(f"label {bad[0]} is not in the ontology; the store takes only its labels")
        bad = sorted({x.type for x in links if x.type not in self.rel_types})
        if bad:
            raise InvalidData(f"relationship type {bad[0]} is not in the ontology")
        claims: dict[str, str] = {}
        for n in nodes:
            for ident in n.props.get("identifiers", []):
                if claims.setdefault(ident, n.id) != n.id:
                    raise InvalidData("an identifier is already used by another actor")
        # Ids hashed from their own type and ends can never belong to a link of another type,
        # so only ids the service says were given (a grant's own id) are looked up under every type.
        given = {x.id: x.type for x in links if x.id in batch.given_link_ids}
        return WritePlan(batch, nodes, links, claims, given)

    def write(self, tx: ManagedTransaction, plan: WritePlan) -> None:
        """The transaction function (may run again on a transient error)."""
        batch, nodes, links, given = plan.batch, plan.nodes, plan.links, plan.given
        run = tx.run
        # A link id is unique across types: drop the old link when an id now has another type.
        present = []
        if batch.delete_links or given:
            present = [r["type"] for r in tx.run(count_query("type", self.rel_types)).data() if r["count"]]
        for rel in present:
            ids = batch.delete_links + [i for i, rel_type in given.items() if rel_type != rel]
            for chunk in _chunks(ids):
                run(f"UNWIND $ids AS lid {link_by_id(rel)} DELETE r", ids=chunk).consume()
        for chunk in _chunks(batch.delete_nodes):
            run("UNWIND $ids AS nid MATCH (n:Entity {id: nid}) DETACH DELETE n", ids=chunk).consume()
        upserted = batch.delete_nodes + [n.id for n in nodes]
        for chunk in _chunks(upserted):
            run("UNWIND $ids AS nid MATCH (i:PspIdentifier {node_id: nid}) DELETE i", ids=chunk).consume()
        self._write_nodes(tx, nodes)
        pairs = [{"value": value, "node_id": owner} for value, owner in plan.claims.items()]
        for chunk in _chunks(pairs):
            taken = run(
                "UNWIND $pairs AS p MATCH (i:PspIdentifier {value: p.value}) RETURN count(i) AS n",
                pairs=chunk,
            ).single()
            if taken and taken["n"]:
                raise InvalidData("an identifier is already used by another actor")
            run(
                "UNWIND $pairs AS p CREATE (:PspIdentifier {value: p.value, node_id: p.node_id})", pairs=chunk
            ).consume()
        self._write_links(tx, links)
        run("CREATE (c:PspChangeSet) SET c = $cs", cs=changeset_properties(batch.changeset)).consume()
        rows = [change_properties(c) for c in batch.changes]
        for chunk in _chunks(rows):
            run("UNWIND $rows AS row CREATE (x:PspChange) SET x = row", rows=chunk).consume()

    def _write_nodes(self, tx: ManagedTransaction, nodes: list[StoredNode]) -> None:
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for n in nodes:
            groups.setdefault(tuple(sorted(set(n.labels))), []).append(
                {"id": n.id, "props": node_properties(n)}
            )
        # Labels a node loses (its types changed): found first, so new nodes skip the REMOVE.
        stale: dict[tuple[str, ...], list[str]] = {}
        new = {n.id: set(n.labels) for n in nodes}
        for chunk in _chunks(list(new)):
            found = tx.run(
                "UNWIND $ids AS nid MATCH (n:Entity {id: nid}) RETURN n.id AS id, n.labels AS labels",
                ids=chunk,
            ).data()
            for row in found:
                gone = tuple(sorted((set(row["labels"] or []) - new[row["id"]]) & self.labels))
                if gone:
                    stale.setdefault(gone, []).append(row["id"])
        for gone, ids in stale.items():
            remove = "".join(f":{quote(lb)}" for lb in gone)
            tx.run(f"UNWIND $ids AS nid MATCH (n:Entity {{id: nid}}) REMOVE n{remove}", ids=ids).consume()
        for labels, rows in groups.items():
            add = "".join(f":{quote(lb)}" for lb in labels)
            query = "UNWIND $rows AS row MERGE (n:Entity {id: row.id}) SET n = row.props"
            query += f" SET n{add}" if add else ""
            for chunk in _chunks(rows):
                tx.run(query, rows=chunk).consume()

    def _write_links(self, tx: ManagedTransaction, links: list[StoredLink]) -> None:
        groups: dict[str, list[dict[str, Any]]] = {}
        for x in links:
            groups.setdefault(x.type, []).append(
                {"id": x.id, "source": x.source, "target": x.target, "props": link_properties(x)}
            )
        for rel, rows in groups.items():
            t = quote(rel)
            # Index seeks only: MERGE on a pattern would expand every link of a hub.
            query = (
                "UNWIND $rows AS row MATCH (s:Entity {id: row.source}) MATCH (t:Entity {id: row.target}) "
                f"OPTIONAL MATCH (a)-[old:{t} {{id: row.id}}]->(b) USING INDEX old:{t}(id) "
                "WITH row, s, t, old, coalesce(a = s AND b = t, false) AS same "
                "FOREACH (_ IN CASE WHEN same THEN [1] ELSE [] END | SET old = row.props) "
                "FOREACH (_ IN CASE WHEN old IS NOT NULL AND NOT same THEN [1] ELSE [] END | DELETE old) "
                f"FOREACH (_ IN CASE WHEN same THEN [] ELSE [1] END | CREATE (s)-[r:{t}]->(t) SET r = row.props) "
                "RETURN count(*) AS n"
            )
            for chunk in _chunks(rows):
                done = tx.run(query, rows=chunk).single()
                if done is None or done["n"] != len(chunk):
                    raise InvalidData("a link refers to a node that does not exist")
