"""Bulk loads into an empty Neo4j store over Bolt: ``CREATE`` only, transactions in parallel.

A first load (``psp sync`` into an empty server) needs none of what makes an
upsert safe on a store that already holds data: no lookup of an existing node or
link, no stale labels, no old identifiers. ``bulk_apply`` writes the batches of
such a load with plain ``CREATE`` statements (``UNWIND $rows``, every value a
parameter, labels and types only from the ontology whitelist, checked by the
same ``BatchWriter.plan`` as an ordinary write), in transactions of at most
``ROWS_PER_TRANSACTION`` rows run by ``WORKERS`` sessions at once, so the
client's encoding of one overlaps the server's work on another.

All or nothing, as a whole: a transaction the server refuses (a uniqueness
constraint, an outage) stops the load, and everything the load wrote is deleted
again. That is safe because the load starts only on an empty store (no
``:Entity``, history or identifier node); settings (``:PspMeta``) are left alone.
A writer that adds data to the same store during a failed bulk load loses it.

Links are written after every node batch before them has committed (a link's
ends must exist); change sets and their changes go in transactions of their own.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from neo4j import ManagedTransaction

from psp_graph.backends.neo4j_writes import (
    BatchWriter,
    change_properties,
    changeset_properties,
    link_properties,
    node_properties,
    quote,
)
from psp_graph.exc import InvalidData, PspGraphError
from psp_graph.records import Batch, StoredLink, StoredNode, chunked

if TYPE_CHECKING:
    from psp_graph.backends.neo4j import Neo4jBackend

__all__ = ["OWN_LABELS", "ROWS_PER_TRANSACTION", "WORKERS", "bulk_apply", "is_empty"]

WORKERS = 2  # sessions writing at once: one encodes while the server works on the other
ROWS_PER_TRANSACTION = 10_000
# Every node a load writes has one of these labels; an empty store has none of them.
OWN_LABELS = ("Entity", "PspIdentifier", "PspChangeSet", "PspChange")

Job = Callable[[ManagedTransaction], None]


def is_empty(store: Neo4jBackend) -> bool:
    """True when the store holds no node, link, history or identifier (settings aside)."""
    query = " UNION ALL ".join(f"MATCH (n:{label}) RETURN 1 AS found LIMIT 1" for label in OWN_LABELS)
    return not store.run_cypher(query, {})


def bulk_apply(store: Neo4jBackend, writer: BatchWriter, batches: Iterable[Batch]) -> None:
    """Write ``batches`` (creations only) into an empty store, all or nothing as a whole.

    Raises PspGraphError when the store is not empty, InvalidData for a record the
    store refuses (nothing stays written), StoreUnavailable when the server fails.
    Memory: one batch plus ``2 * WORKERS`` transactions' rows.
    """
    if not is_empty(store):
        raise PspGraphError(f"a bulk load needs an empty store; {store.url} already holds data")
    pending: deque[Future[None]] = deque()
    nodes_pending = False
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="psp-bulk") as pool:

        def submit(job: Job) -> None:
            pending.append(pool.submit(_run, store, job))
            while len(pending) > 2 * WORKERS:
                pending.popleft().result()

        def drain() -> None:
            while pending:
                pending.popleft().result()

        try:
            for batch in batches:
                node_jobs, link_jobs = _plan(writer, batch)
                for job in node_jobs:
                    submit(job)
                nodes_pending = nodes_pending or bool(batch.upsert_nodes)
                if link_jobs and nodes_pending:
                    drain()  # every node a link may end at is committed first
                    nodes_pending = False
                for job in link_jobs:
                    submit(job)
            drain()
        except BaseException:
            for future in pending:
                future.cancel()
            for future in pending:
                if not future.cancelled():
                    future.exception()  # wait for it: its rows must be gone before the clean-up
            _delete_everything(store)
            raise


def _run(store: Neo4jBackend, job: Job) -> None:
    with store._errors("write to"), store._session() as session:
        session.execute_write(job)


def _plan(writer: BatchWriter, batch: Batch) -> tuple[list[Job], list[Job]]:
    """The transactions that create what ``batch`` holds: nodes, identifiers and history, then
    links. Raises InvalidData before any runs."""
    if batch.delete_nodes or batch.delete_links:
        raise PspGraphError("a bulk load only creates records; it cannot delete")
    plan = writer.plan(batch)  # the index limits too
    jobs: list[Job] = [_create_nodes(chunk) for chunk in chunked(plan.nodes, ROWS_PER_TRANSACTION)]
    claims = [{"value": value, "node_id": owner} for value, owner in plan.claims.items()]
    jobs += [_create_identifiers(chunk) for chunk in chunked(claims, ROWS_PER_TRANSACTION)]
    jobs.append(_create_history(batch))
    return jobs, [_create_links(chunk) for chunk in chunked(plan.links, ROWS_PER_TRANSACTION)]


def _create_nodes(nodes: list[StoredNode]) -> Job:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for n in nodes:
        groups.setdefault(tuple(sorted(set(n.labels))), []).append(node_properties(n))

    def job(tx: ManagedTransaction) -> None:
        for labels, rows in groups.items():
            add = "".join(f":{quote(lb)}" for lb in labels)
            tx.run(f"UNWIND $rows AS row CREATE (n:Entity{add}) SET n = row", rows=rows).consume()

    return job


def _create_identifiers(pairs: list[dict[str, str]]) -> Job:
    def job(tx: ManagedTransaction) -> None:
        tx.run(
            "UNWIND $pairs AS p CREATE (:PspIdentifier {value: p.value, node_id: p.node_id})", pairs=pairs
        ).consume()

    return job


def _create_links(links: list[StoredLink]) -> Job:
    groups: dict[str, list[dict[str, Any]]] = {}
    for x in links:
        groups.setdefault(x.type, []).append({"s": x.source, "t": x.target, "props": link_properties(x)})

    def job(tx: ManagedTransaction) -> None:
        for rel, rows in groups.items():
            done = tx.run(
                "UNWIND $rows AS row MATCH (s:Entity {id: row.s}) MATCH (t:Entity {id: row.t}) "
                f"CREATE (s)-[r:{quote(rel)}]->(t) SET r = row.props RETURN count(*) AS n",
                rows=rows,
            ).single()
            if done is None or done["n"] != len(rows):
                raise InvalidData("a link refers to a node that does not exist")

    return job


def _create_history(batch: Batch) -> Job:
    cs = changeset_properties(batch.changeset)
    rows = [change_properties(c) for c in batch.changes]

    def job(tx: ManagedTransaction) -> None:
        tx.run("CREATE (c:PspChangeSet) SET c = $cs", cs=cs).consume()
        for chunk in chunked(rows, ROWS_PER_TRANSACTION):
            tx.run("UNWIND $rows AS row CREATE (x:PspChange) SET x = row", rows=chunk).consume()

    return job


def _delete_everything(store: Neo4jBackend) -> None:
    """Undo a failed load: the store was empty before it, so every node of ours goes."""
    with store._errors("clean up a failed bulk load in"), store._session() as session:
        for label in OWN_LABELS:
            session.run(
                f"MATCH (n:{label}) CALL {{ WITH n DETACH DELETE n }} IN TRANSACTIONS OF 5000 ROWS"
            ).consume()
