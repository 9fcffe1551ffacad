"""Graph algorithms inside Neo4j, with the Graph Data Science library (GDS) when the
server has it: the :class:`~psp_graph.backends.base.GraphAlgorithmStore` ability of
:class:`~psp_graph.backends.neo4j.Neo4jBackend`.

A caller's read-only query is wrapped in a Cypher projection
(``gds.graph.project`` as an aggregation) under a fresh graph name; each algorithm
streams one value per node, read back by the node's ``id``; the projection is
dropped whatever happens. Procedure names come only from the whitelist
:data:`~psp_graph.backends.base.GRAPH_ALGORITHMS`; every value is a parameter.
Tested with GDS 2.13 (Community) on Neo4j 5.26.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from neo4j.exceptions import ClientError

from psp_graph.backends.base import GRAPH_ALGORITHMS
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
    config = {"undirectedRelationshipTypes": ["*"]} if undirected else {}
    results: dict[str, dict[str, Any]] = {}
    with backend._errors("run graph algorithms on"), backend._session() as session:
        try:
            projected = session.run(
                _PROJECT.format(projection=projection), {**params, "psp_graph": name, "psp_config": config}
            ).single(strict=True)
            for algorithm, options in algorithms.items():
                if algorithm == "articulationPoints" and not projected["relationships"]:
                    results[algorithm] = {}  # none without links (and GDS 2.13 fails on that graph)
                    continue
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
                try:
                    records = session.run(query, {"psp_graph": name, "options": dict(options)})
                    results[algorithm] = {record["id"]: record["value"] for record in records}
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
