"""Graph algorithms inside Neo4j, with the Graph Data Science library (GDS) when the
server has it: the :class:`~psp_graph.backends.base.GraphAlgorithmStore` ability of
:class:`~psp_graph.backends.neo4j.Neo4jBackend`.

A caller's read-only query is wrapped in a Cypher projection
(``gds.graph.project`` as an aggregation) under a fresh graph name; each algorithm
streams one value per node, read back by the node's ``id``; the projection is
dropped whatever happens. Procedure names come only from the whitelist
:data:`~psp_graph.backends.base.GRAPH_ALGORITHMS`; every value is a parameter.
Tested with GDS 2.13 (Community) on Neo4j 5.26.

Several graphs in one projection: when ``params`` holds
:data:`~psp_graph.backends.base.PROJECTION_TYPES` (a map from relationship type to
``"directed"`` or ``"undirected"``), the projection query also returns a ``type``
column naming one of them (an undirected type once per pair), nodes keep their store
labels, and each algorithm picks its part with the library's own ``relationshipTypes``
and ``nodeLabels`` options; an algorithm none of whose types was projected (no such
links) gets no values. One projection and one drop then serve several measures.

Burt's constraint (``constraint``; GDS has none) comes from GDS data too: the
degree of each node (mutated into the projection) and the triangles of the
undirected graph (``gds.triangles``), summed in the server, one row per node back:
with d(x) the neighbours of x and m(i, j) the sum of 1/d(q) over the common
neighbours q of i and j, constraint(i) = (d(i) + sum over j in N(i) of
(2 m(i, j) + m(i, j)^2)) / d(i)^2, and a common neighbour of two neighbours is
exactly a triangle. Cost: the triangles, not the paths of length two.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from neo4j import Session
from neo4j.exceptions import ClientError

from psp_graph.backends.base import GRAPH_ALGORITHMS, PROJECTION_TYPES
from psp_graph.exc import StoreUnavailable

if TYPE_CHECKING:
    from psp_graph.backends.neo4j import Neo4jBackend

__all__ = ["has_gds", "run_gds"]

_UNKNOWN = {"Neo.ClientError.Statement.SyntaxError", "Neo.ClientError.Procedure.ProcedureNotFound"}

# The projection's rows become graph, relationships carry their summed weight; a lone
# node (target null) carries none.
_PROJECT = """CALL {{
{projection}
}}
WITH source, target, weight
WITH gds.graph.project(
  $psp_graph, source, target,
  CASE WHEN target IS NULL THEN {{}} ELSE {{relationshipProperties: {{weight: toFloat(weight)}}}} END,
  $psp_config
) AS graph
RETURN graph.relationshipCount AS relationships"""

# The same with a relationship type per row, and the nodes' own labels (for nodeLabels).
_PROJECT_TYPED = """CALL {{
{projection}
}}
WITH source, target, weight, type
WITH gds.graph.project(
  $psp_graph, source, target,
  CASE WHEN target IS NULL THEN {{sourceNodeLabels: labels(source), targetNodeLabels: null}} ELSE {{
    sourceNodeLabels: labels(source), targetNodeLabels: labels(target),
    relationshipType: type, relationshipProperties: {{weight: toFloat(weight)}}
  }} END,
  $psp_config
) AS graph
RETURN graph.relationshipCount AS relationships"""

# Per node of the undirected graph: the sum over its neighbours j of 2 m + m^2, from the
# triangles (each once) and the degrees mutated as psp_degree; nodes in no triangle: none.
_CONSTRAINT_EXTRA = """CALL gds.triangles($psp_graph, $options) YIELD nodeA, nodeB, nodeC
WITH nodeA, nodeB, nodeC,
  1.0 / gds.util.nodeProperty($psp_graph, nodeA, 'psp_degree') AS a,
  1.0 / gds.util.nodeProperty($psp_graph, nodeB, 'psp_degree') AS b,
  1.0 / gds.util.nodeProperty($psp_graph, nodeC, 'psp_degree') AS c
UNWIND [[nodeA, nodeB, c], [nodeB, nodeA, c], [nodeA, nodeC, b], [nodeC, nodeA, b],
        [nodeB, nodeC, a], [nodeC, nodeB, a]] AS t
WITH t[0] AS i, t[1] AS j, sum(t[2]) AS m
WITH i, sum(2 * m + m * m) AS extra
RETURN gds.util.asNode(i).id AS id, extra AS value"""


def has_gds(backend: Neo4jBackend) -> bool:
    """True when ``RETURN gds.version()`` answers on this server (an unknown function
    is a client error, so a server without the plugin simply says no)."""
    try:
        with backend._errors("ask for graph algorithms on"):
            backend.driver.execute_query("RETURN gds.version() AS version", database_=backend.database)
    except StoreUnavailable as err:
        cause = err.__cause__
        if isinstance(cause, ClientError) and cause.code in _UNKNOWN:
            return False
        raise
    return True


def run_gds(
    backend: Neo4jBackend,
    projection: str,
    params: dict[str, Any],
    algorithms: Mapping[str, Mapping[str, Any]],
    *,
    undirected: bool,
) -> dict[str, dict[str, Any]]:
    """Project, stream each algorithm's values by node id, and drop the projection."""
    unknown = sorted(set(algorithms) - set(GRAPH_ALGORITHMS))
    if unknown:
        raise ValueError(f"no graph algorithm {', '.join(unknown)} (known: {', '.join(GRAPH_ALGORITHMS)})")
    if not backend.has_graph_algorithms():
        raise StoreUnavailable(
            f"Neo4j at {backend._safe_url()} has no Graph Data Science library (gds.version() is unknown)"
        )
    name = f"psp-{uuid.uuid4().hex}"
    types: Mapping[str, str] = params.get(PROJECTION_TYPES) or {}
    template = _PROJECT_TYPED if types else _PROJECT
    config = {"undirectedRelationshipTypes": ["*"]} if undirected and not types else {}
    results: dict[str, dict[str, Any]] = {}
    with backend._errors("run graph algorithms on"), backend._session() as session:
        try:
            projected = session.run(
                template.format(projection=projection), {**params, "psp_graph": name, "psp_config": config}
            ).single(strict=True)
            renamed = _undirect(session, name, types) if types else {}
            for algorithm, options in algorithms.items():
                chosen = dict(options)
                if "relationshipTypes" in chosen and types:
                    wanted = [renamed[t] for t in chosen["relationshipTypes"] if t in renamed]
                    if not wanted:  # none of its types was projected: no links, no values
                        results[algorithm] = {}
                        continue
                    chosen["relationshipTypes"] = wanted
                if algorithm in ("articulationPoints", "constraint") and not projected["relationships"]:
                    results[algorithm] = {}  # none without links (and GDS 2.13 fails on that graph)
                    continue
                try:
                    results[algorithm] = _stream(session, name, algorithm, chosen)
                except ClientError as err:  # e.g. an option the library does not know
                    why = (err.message or str(err.code)).splitlines()[0]
                    raise StoreUnavailable(
                        f"cannot run {algorithm} on store {backend._safe_url()}: {why}"
                    ) from err
        finally:
            session.run(
                "CALL gds.graph.drop($psp_graph, false) YIELD graphName RETURN graphName", {"psp_graph": name}
            ).consume()
    return results


def _undirect(session: Session, name: str, types: Mapping[str, str]) -> dict[str, str]:
    """The projected types, each by the name an algorithm must use: an undirected one as
    its undirected copy (a projection that names a type it then lacks fails, so every type
    is projected directed, one relationship per pair, and turned undirected here)."""
    present = session.run(
        "CALL gds.graph.list($psp_graph) YIELD schemaWithOrientation "
        "RETURN keys(schemaWithOrientation.relationships) AS types",
        {"psp_graph": name},
    ).single(strict=True)["types"]
    renamed: dict[str, str] = {}
    for rel in sorted(set(present) & set(types)):
        if types[rel] == "undirected":
            renamed[rel] = f"{rel}__undirected"
            session.run(
                "CALL gds.graph.relationships.toUndirected($psp_graph, $config) "
                "YIELD relationshipsWritten RETURN relationshipsWritten",
                {
                    "psp_graph": name,
                    "config": {"relationshipType": rel, "mutateRelationshipType": renamed[rel]},
                },
            ).consume()
        else:
            renamed[rel] = rel
    return renamed


def _by_id(session: Session, query: str, args: dict[str, Any]) -> dict[str, Any]:
    """``query``'s rows (``id``, ``value``) as one record of two lists: a row per node would
    cost the client far more to decode (a Bolt record each) than the values themselves."""
    record = session.run(
        f"CALL {{\n{query}\n}}\nRETURN collect(id) AS ids, collect(value) AS values", args
    ).single(strict=True)
    return dict(zip(record["ids"], record["values"], strict=True))


def _stream(session: Session, name: str, algorithm: str, options: dict[str, Any]) -> dict[str, Any]:
    """One algorithm's values by node id, on projection ``name``."""
    args = {"psp_graph": name, "options": options}
    if algorithm == "constraint":
        return _constraint(session, args)
    if algorithm == "articulationPoints":  # yields only the points themselves
        query = (
            "CALL gds.articulationPoints.stream($psp_graph, $options) YIELD nodeId "
            "RETURN gds.util.asNode(nodeId).id AS id, true AS value"
        )
    else:
        query = (
            f"CALL gds.{algorithm}.stream($psp_graph, $options) YIELD nodeId, score "
            "RETURN gds.util.asNode(nodeId).id AS id, score AS value"
        )
    return _by_id(session, query, args)


def _constraint(session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """Burt's constraint of every node with a neighbour (see the module's docstring)."""
    session.run(
        "CALL gds.degree.mutate($psp_graph, $mutate) YIELD nodePropertiesWritten RETURN nodePropertiesWritten",
        {**args, "mutate": {**args["options"], "mutateProperty": "psp_degree"}},
    ).consume()
    degree = _by_id(
        session,
        "CALL gds.graph.nodeProperty.stream($psp_graph, 'psp_degree', $labels) YIELD nodeId, propertyValue "
        "WITH nodeId, propertyValue WHERE propertyValue > 0 "
        "RETURN gds.util.asNode(nodeId).id AS id, propertyValue AS value",
        {**args, "labels": args["options"].get("nodeLabels", ["*"])},
    )
    extra = _by_id(session, _CONSTRAINT_EXTRA, args)
    return {node: (d + extra.get(node, 0.0)) / (d * d) for node, d in degree.items()}
