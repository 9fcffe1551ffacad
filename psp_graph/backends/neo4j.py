"""The server store: Neo4j 5 (or newer) over Bolt, for a team server, Aura or a cluster.

Every node is ``:Entity`` plus its ontology labels; every link is a relationship of
its ontology type. The exact attributes are kept as canonical JSON (``psp_props``,
the source of truth for round trips) and, flattened, as native properties (scalars
and lists of scalars) so Cypher queries can use them. History lives in
``:PspChangeSet``/``:PspChange`` nodes, settings in ``:PspMeta`` and external
identifiers in ``:PspIdentifier`` (unique) — none of them ``:Entity`` and none
linked, so analyses see only the graph.

Labels and relationship types reach Cypher text only from the ontology whitelist;
every value is a parameter. A batch is one managed transaction (retried on
transient errors) of ``UNWIND $rows`` statements grouped by label set and type
(see neo4j_writes.py). Reads are index seeks, or pages of ``PAGE`` records in id
order for the iterators, so memory stays bounded on large stores. Needs Neo4j
5.7 or newer (2025.x included). Credentials come only from ``PSP_NEO4J_USER``,
``PSP_NEO4J_PASSWORD`` and ``PSP_NEO4J_DATABASE``; the password never appears in
a message.
"""

from __future__ import annotations

import heapq
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from neo4j import Driver, GraphDatabase, ManagedTransaction, RoutingControl, Session
from neo4j.exceptions import (
    AuthError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from psp_graph.backends import safe_url
from psp_graph.backends.neo4j_writes import BatchWriter, count_query, fold, link_by_id, quote
from psp_graph.exc import InvalidData, PspGraphError, StoreUnavailable, cannot
from psp_graph.ontology import Ontology, load_ontology
from psp_graph.records import (
    Batch,
    Change,
    ChangeSet,
    Stats,
    StoredLink,
    StoredNode,
    decode_snapshot,
)

__all__ = ["Neo4jBackend"]

PAGE = 5000  # rows fetched per read round trip
CONNECT_SECONDS = 5.0
RETRY_SECONDS = 3.0
# The driver logs each retry as a warning; with no handler Python would print them all to stderr.
# psp reports an outage in one line instead (a NullHandler stops logging's last-resort printing).
logging.getLogger("neo4j").addHandler(logging.NullHandler())
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_NODE_FIELDS = "n.id AS id, n.types AS types, n.labels AS labels, n.name AS name, n.psp_props AS props"
_CS_FIELDS = (
    "c.id AS id, c.at AS at, c.by AS by, c.action AS action, c.summary AS summary, c.undoes AS undoes"
)
_LINK_FIELDS = "r.id AS id, type(r) AS type, s.id AS source, t.id AS target, r.psp_props AS props"
_CHANGE_FIELDS = (
    "x.changeset_id AS changeset_id, x.seq AS seq, x.op AS op, x.entity AS entity, "
    "x.entity_id AS entity_id, x.before AS before, x.after AS after"
)


def _node(record: dict[str, Any]) -> StoredNode:
    return StoredNode(
        id=record["id"],
        types=tuple(record["types"]),
        labels=tuple(record["labels"]),
        name=record["name"],
        props=json.loads(record["props"]),
    )


def _link(record: dict[str, Any]) -> StoredLink:
    return StoredLink(
        id=record["id"],
        type=record["type"],
        source=record["source"],
        target=record["target"],
        props=json.loads(record["props"]),
    )


def _change(record: dict[str, Any]) -> Change:
    return Change(
        **{**record, "before": decode_snapshot(record["before"]), "after": decode_snapshot(record["after"])}
    )


class Neo4jBackend:
    """Stores the graph in Neo4j; opening it checks the server and sets up the schema."""

    def __init__(self, url: str, onto: Ontology | None = None, *, read_only: bool = False) -> None:
        self.url = url
        self.read_only = read_only
        onto = onto or load_ontology()
        self._writer = BatchWriter(onto)
        self.labels, self.rel_types = self._writer.labels, self._writer.rel_types
        self._kind_labels = sorted({c.kind for c in onto.classes.values()} & self.labels)
        try:
            netloc = urlsplit(url).netloc
        except ValueError as err:  # e.g. an unclosed IPv6 bracket
            raise cannot("open", safe_url(url), err) from None
        if "@" in netloc:
            raise StoreUnavailable(
                f"{self._safe_url()}: put credentials in PSP_NEO4J_USER and PSP_NEO4J_PASSWORD, not in the URL"
            )
        user = os.environ.get("PSP_NEO4J_USER") or "neo4j"
        password = os.environ.get("PSP_NEO4J_PASSWORD")
        self.database = os.environ.get("PSP_NEO4J_DATABASE") or None
        self._driver: Driver | None = None
        self._gds: bool | None = None  # has the server Graph Data Science? asked once
        try:
            with self._errors("connect to"):
                self._driver = GraphDatabase.driver(
                    url,
                    auth=(user, password) if password else None,
                    user_agent="psp-graph",
                    # An outage is one line within seconds: short, quiet, bounded retries.
                    connection_timeout=CONNECT_SECONDS,
                    connection_acquisition_timeout=CONNECT_SECONDS,
                    max_transaction_retry_time=RETRY_SECONDS,
                    notifications_min_severity="OFF",
                )
                self._driver.verify_connectivity()
                self._check_version()
                if not read_only:  # a read sets nothing up
                    self._ensure_schema()
        except ValueError as err:  # the driver's verdict on a malformed URL
            self.close()
            raise cannot("open", self._safe_url(), err) from err
        except BaseException:
            self.close()
            raise

    def _safe_url(self) -> str:
        return safe_url(self.url)

    # -- connection and errors -----------------------------------------------
    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn driver errors into one-line StoreUnavailable/InvalidData naming the URL."""
        url = self._safe_url()
        try:
            yield
        except PspGraphError:
            raise
        except AuthError as err:
            if err.code and "AuthenticationRateLimit" in err.code:
                raise StoreUnavailable(
                    f"Neo4j at {url} refuses logins for a while after failed attempts: wait a few "
                    "seconds, then try again with the right PSP_NEO4J_PASSWORD"
                ) from err
            raise StoreUnavailable(
                f"Neo4j at {url} refused the credentials: check PSP_NEO4J_USER and PSP_NEO4J_PASSWORD"
            ) from err
        except (ServiceUnavailable, SessionExpired) as err:
            raise StoreUnavailable(
                f"cannot reach Neo4j at {url}: is the server running, and are the host, port and scheme right?"
            ) from err
        except ConstraintError as err:
            raise InvalidData(self._explain(err)) from err
        except Neo4jError as err:
            if err.code and "AuthenticationRateLimit" in err.code:
                raise StoreUnavailable(
                    f"Neo4j at {url} refuses logins for a while after failed attempts: wait a few "
                    "seconds, then try again with the right PSP_NEO4J_PASSWORD"
                ) from err
            if err.code and "DatabaseNotFound" in err.code:
                raise StoreUnavailable(
                    f"Neo4j at {url} has no database '{self.database}': check PSP_NEO4J_DATABASE"
                ) from err
            raise cannot(doing, url, err.code) from err
        except DriverError as err:
            reason = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise cannot(doing, url, reason) from err

    @staticmethod
    def _explain(err: ConstraintError) -> str:
        text = err.message or ""
        if "PspIdentifier" in text:
            return "an identifier is already used by another actor"
        if "PspChangeSet" in text:
            return "that change set is already in the store"
        return "the store refused the change (a uniqueness constraint)"

    @property
    def driver(self) -> Driver:
        if self._driver is None:
            raise StoreUnavailable(f"the Neo4j store {self._safe_url()} is closed")
        return self._driver

    def _session(self) -> Session:
        return self.driver.session(
            database=self.database, bookmark_manager=self.driver.execute_query_bookmark_manager
        )

    def _read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        with self._errors("read"):
            records, _, _ = self.driver.execute_query(
                query, params, database_=self.database, routing_=RoutingControl.READ
            )
        return [r.data() for r in records]

    def run_cypher(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Run a read-only named query (queries/*.cypher) server-side; values only as parameters."""
        return self._read(query, **params)

    def has_graph_algorithms(self) -> bool:
        """True when the server has the Graph Data Science library (asked once)."""
        if self._gds is None:
            from psp_graph.backends.neo4j_gds import has_gds

            self._gds = has_gds(self)
        return self._gds

    def run_graph_algorithms(
        self,
        projection: str,
        params: dict[str, Any],
        algorithms: Mapping[str, Mapping[str, Any]],
        *,
        undirected: bool,
    ) -> dict[str, dict[str, Any]]:
        """Graph algorithms in the server (GraphAlgorithmStore; see neo4j_gds.py)."""
        from psp_graph.backends.neo4j_gds import run_gds

        return run_gds(self, projection, params, algorithms, undirected=undirected)

    def _write(self, query: str, **params: Any) -> None:
        with self._errors("write to"):
            self.driver.execute_query(query, params, database_=self.database)

    def _check_version(self) -> None:
        rows = self._read("CALL dbms.components() YIELD name, versions RETURN name, versions")
        version = next((r["versions"][0] for r in rows if r["name"] == "Neo4j Kernel"), "unknown")
        found = re.match(r"(\d+)\.(\d+)", version)
        major_minor = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
        # 5.7 brought uniqueness constraints on relationships; 2025.x and on are 5's successors.
        if major_minor < (5, 7):
            raise StoreUnavailable(
                f"Neo4j at {self._safe_url()} is version {version}; psp-graph needs Neo4j 5.7 or newer "
                "(check with CALL dbms.components())"
            )

    def _schema(self) -> dict[str, str]:
        """Constraint and index names to the statement that creates them."""
        s = {
            "psp_entity_id": "FOR (n:Entity) REQUIRE n.id IS UNIQUE",
            "psp_changeset_id": "FOR (c:PspChangeSet) REQUIRE c.id IS UNIQUE",
            "psp_meta_key": "FOR (m:PspMeta) REQUIRE m.key IS UNIQUE",
            "psp_identifier_value": "FOR (i:PspIdentifier) REQUIRE i.value IS UNIQUE",
        }
        schema = {name: f"CREATE CONSTRAINT {name} IF NOT EXISTS {rule}" for name, rule in s.items()}
        for rel in sorted(self.rel_types):
            name = f"psp_rel_{rel.lower()}_id"
            schema[name] = (
                f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR ()-[r:{quote(rel)}]-() REQUIRE r.id IS UNIQUE"
            )
        indexes = {
            "psp_identifier_node": "(i:PspIdentifier) ON (i.node_id)",
            "psp_change_changeset": "(x:PspChange) ON (x.changeset_id)",
            "psp_change_entity": "(x:PspChange) ON (x.entity_id)",
            "psp_changeset_at": "(c:PspChangeSet) ON (c.at)",
            "psp_entity_name": "(n:Entity) ON (n.name)",
            **{f"psp_{k.lower()}_id": f"(n:{quote(k)}) ON (n.id)" for k in self._kind_labels},
        }
        schema.update({name: f"CREATE INDEX {name} IF NOT EXISTS FOR {on}" for name, on in indexes.items()})
        # No stop words (a name like "The Open Pot" must be found by every word); accents are
        # folded in Python into psp_folded, as SQLite's remove_diacritics does.
        schema["psp_entity_text"] = (
            "CREATE FULLTEXT INDEX psp_entity_text IF NOT EXISTS FOR (n:Entity) "
            "ON EACH [n.name, n.description, n.psp_folded] "
            "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}}"
        )
        return schema

    def _ensure_schema(self) -> None:
        """Create whatever constraints and indexes are missing (idempotent; two queries when none are).

        All of them in ONE transaction: on a bulk-imported database the server then builds
        them together instead of one population job (and one commit) per statement, about
        half the wall time of the first open (docs/benchmarks.md, "Session 6")."""
        present = {r["name"] for r in self._read("SHOW CONSTRAINTS YIELD name RETURN name")}
        present |= {r["name"] for r in self._read("SHOW INDEXES YIELD name RETURN name")}
        missing = [stmt for name, stmt in self._schema().items() if name not in present]
        if not missing:
            return

        def create(tx: ManagedTransaction) -> None:
            for statement in missing:
                tx.run(statement).consume()

        with self._errors("set up the schema of"), self._session() as session:
            session.execute_write(create)
        self._write("CALL db.awaitIndexes(300)")

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    # -- writes ----------------------------------------------------------------
    def apply(self, batch: Batch) -> None:
        plan = self._writer.plan(batch)  # raises InvalidData (index limits too) before any Cypher runs
        with self._errors("write to"), self._session() as session:
            session.execute_write(self._writer.write, plan)

    # -- bulk loads: an empty store only (neo4j_bulk.py) -------------------------
    def is_empty(self) -> bool:
        from psp_graph.backends.neo4j_bulk import is_empty

        return is_empty(self)

    def bulk_apply(self, batches: Iterable[Batch]) -> None:
        from psp_graph.backends.neo4j_bulk import bulk_apply

        bulk_apply(self, self._writer, batches)

    # -- reads -----------------------------------------------------------------
    def get_node(self, node_id: str) -> StoredNode | None:
        return self.get_nodes([node_id]).get(node_id)

    def get_nodes(self, node_ids: Iterable[str]) -> dict[str, StoredNode]:
        ids = list(dict.fromkeys(node_ids))
        found: dict[str, StoredNode] = {}
        for start in range(0, len(ids), PAGE):
            rows = self._read(
                f"UNWIND $ids AS nid MATCH (n:Entity {{id: nid}}) RETURN {_NODE_FIELDS}",
                ids=ids[start : start + PAGE],
            )
            found.update((r["id"], _node(r)) for r in rows)
        return found

    def get_link(self, link_id: str) -> StoredLink | None:
        return self.get_links([link_id]).get(link_id)

    def get_links(self, link_ids: Iterable[str]) -> dict[str, StoredLink]:
        ids = list(dict.fromkeys(link_ids))
        types = self._types_in_store()
        found: dict[str, StoredLink] = {}
        if not types:
            return found
        # One index seek per type (ids are unique per type); a union keeps it one round trip.
        query = " UNION ALL ".join(
            f"UNWIND $ids AS lid {link_by_id(rel)} RETURN {_LINK_FIELDS}" for rel in types
        )
        for start in range(0, len(ids), PAGE):
            found.update((r["id"], _link(r)) for r in self._read(query, ids=ids[start : start + PAGE]))
        return found

    def _types_in_store(self) -> list[str]:
        return [r["type"] for r in self._read(count_query("type", self.rel_types)) if r["count"]]

    def links_of(self, node_id: str) -> list[StoredLink]:
        rows = self._read(
            "MATCH (:Entity {id: $id})-[r]-() WITH DISTINCT r MATCH (s)-[r]->(t) "
            f"RETURN {_LINK_FIELDS} ORDER BY r.id",
            id=node_id,
        )
        return [_link(r) for r in rows]

    def _pages(self, query: str, convert: Callable[[dict[str, Any]], Any], **params: Any) -> Iterator[Any]:
        """Rows of a query ``WHERE x.id > $after ... ORDER BY x.id LIMIT $page``, a page at a time."""
        after = ""
        while True:
            rows = self._read(query, after=after, page=PAGE, **params)
            yield from (convert(r) for r in rows)
            if len(rows) < PAGE:
                return
            after = rows[-1]["id"]

    def iter_nodes(self, label: str | None = None) -> Iterator[StoredNode]:
        if label is not None and label not in self.labels:
            return iter(())
        match = "(n:Entity)" if label is None else f"(n:Entity:{quote(label)})"
        return self._pages(
            f"MATCH {match} WHERE n.id > $after RETURN {_NODE_FIELDS} ORDER BY n.id LIMIT $page", _node
        )

    def iter_links(self, rel_type: str | None = None) -> Iterator[StoredLink]:
        types = self._types_in_store()
        if rel_type is not None:
            types = [t for t in types if t == rel_type]
        pagers = [
            self._pages(
                f"MATCH (s)-[r:{quote(rel)}]->(t) WHERE r.id > $after RETURN {_LINK_FIELDS} ORDER BY r.id LIMIT $page",
                _link,
            )
            for rel in types
        ]
        return heapq.merge(*pagers, key=lambda x: x.id)

    def node_for_identifier(self, identifier: str) -> str | None:
        rows = self._read("MATCH (i:PspIdentifier {value: $v}) RETURN i.node_id AS id", v=identifier)
        return rows[0]["id"] if rows else None

    def search(self, text: str, limit: int = 20) -> list[StoredNode]:
        words = [fold(w) for w in re.findall(r"\w+", text)]
        if not words:
            return []
        # Every word must match as a word or a word prefix; a whole-word match scores higher.
        terms = [_LUCENE_SPECIAL.sub(r"\\\1", w) for w in words]
        query = " ".join(f"+({t}^2 OR {t}*)" for t in terms)
        rows = self._read(
            "CALL db.index.fulltext.queryNodes('psp_entity_text', $q) YIELD node AS n, score "
            f"RETURN {_NODE_FIELDS} ORDER BY score DESC, n.id LIMIT $limit",
            q=query,
            limit=limit,
        )
        return [_node(r) for r in rows]

    def stats(self) -> Stats:
        by_label = {
            r["label"]: r["count"] for r in self._read(count_query("label", self.labels)) if r["count"]
        }
        by_type = {
            r["type"]: r["count"] for r in self._read(count_query("type", self.rel_types)) if r["count"]
        }
        totals = self._read(
            "CALL { MATCH (n:Entity) RETURN count(n) AS nodes } CALL { MATCH ()-[r]->() RETURN count(r) AS links } "
            "CALL { MATCH (c:PspChangeSet) RETURN count(c) AS changesets } RETURN nodes, links, changesets"
        )[0]
        return Stats(
            nodes=totals["nodes"],
            links=totals["links"],
            nodes_by_label=dict(sorted(by_label.items())),
            links_by_type=dict(sorted(by_type.items())),
            changesets=totals["changesets"],
        )

    def changesets(self, entity_id: str | None = None, limit: int | None = None) -> list[ChangeSet]:
        match = "MATCH (c:PspChangeSet) "
        if entity_id is not None:
            match = (
                "MATCH (x:PspChange {entity_id: $entity}) WITH DISTINCT x.changeset_id AS cid "
                "MATCH (c:PspChangeSet {id: cid}) "
            )
        tail = " LIMIT $limit" if limit is not None else ""
        rows = self._read(
            f"{match}RETURN {_CS_FIELDS} ORDER BY c.at DESC, c.id DESC{tail}", entity=entity_id, limit=limit
        )
        return [ChangeSet(**r) for r in rows]

    def get_changeset(self, changeset_id: str) -> ChangeSet | None:
        rows = self._read(f"MATCH (c:PspChangeSet {{id: $id}}) RETURN {_CS_FIELDS}", id=changeset_id)
        return ChangeSet(**rows[0]) if rows else None

    def changes(self, changeset_id: str) -> list[Change]:
        rows = self._read(
            f"MATCH (x:PspChange {{changeset_id: $id}}) RETURN {_CHANGE_FIELDS} ORDER BY x.seq",
            id=changeset_id,
        )
        return [_change(r) for r in rows]

    def entity_changes(self, entity_ids: Iterable[str], since: str | None = None) -> list[Change]:
        later = ""
        if since is not None:
            later = (
                "OPTIONAL MATCH (o:PspChangeSet {id: $since}) "
                "WITH x, c, o WHERE o IS NULL OR c.at > o.at OR (c.at = o.at AND c.id > o.id) "
            )
        rows = self._read(
            "MATCH (x:PspChange) WHERE x.entity_id IN $ids MATCH (c:PspChangeSet {id: x.changeset_id}) "
            f"{later}RETURN {_CHANGE_FIELDS} ORDER BY c.at, c.id, x.seq",
            ids=list(dict.fromkeys(entity_ids)),
            since=since,
        )
        return [_change(r) for r in rows]

    def get_meta(self, key: str) -> str | None:
        rows = self._read("MATCH (m:PspMeta {key: $key}) RETURN m.value AS value", key=key)
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        self._write("MERGE (m:PspMeta {key: $key}) SET m.value = $value", key=key, value=value)

    def forget(self, entity_ids: Iterable[str], words: Iterable[str]) -> None:
        self._write(
            "MATCH (x:PspChange) WHERE x.entity_id IN $ids DETACH DELETE x",
            ids=list(dict.fromkeys(entity_ids)),
        )
        self._write(
            "MATCH (c:PspChangeSet) WHERE any(w IN $words WHERE toLower(c.summary) CONTAINS toLower(w)) "
            "SET c.summary = c.action + ' (erased)'",
            words=[w for w in dict.fromkeys(words) if w],
        )

    def purge(self) -> str:
        """Ask for a checkpoint, so the transaction logs before it become prunable (kept as long as
        the server's db.tx_log.rotation.retention_policy says; see docs/trust.md). Community
        Edition has no db.checkpoint(): it checkpoints on its own schedule and at shutdown.
        Neo4j never zeroes freed records or index pages, and its current log still holds the
        erased text: the returned line says how to compact the stopped server's folder."""
        try:
            with self._errors("checkpoint"):
                self.driver.execute_query("CALL db.checkpoint()", database_=self.database)
        except StoreUnavailable as err:
            if "ProcedureNotFound" not in str(err):
                raise
        return (
            "Neo4j still holds traces in its files (transaction log, freed records, index pages) "
            "until the stopped server's folder is compacted: "
            "python tools/neo4j/server.py --compact --data DIR (docs/trust.md)"
        )
