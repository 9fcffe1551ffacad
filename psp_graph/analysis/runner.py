"""Run a named query on any backend and get the same table.

On a store that runs Cypher itself (Neo4j: a ``CypherStore``), the
query's queries/NAME.cypher runs there; on the embedded store its Python twin
computes the same rows. Hybrid queries then share one Python finishing step.
Display names (with privacy), sorting and limits are applied here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from psp_graph.analysis import power
from psp_graph.analysis.cypher import cypher_text, parse_header
from psp_graph.analysis.data import load_data, select_issues, select_places
from psp_graph.analysis.spec import FINISHERS, IN_SERVER, QUERIES, TWINS, QuerySpec, coerce_param
from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.ontology import Ontology, did_you_mean
from psp_graph.reading import Reader

__all__ = ["ANALYTICS", "Table", "cypher_parameters", "cypher_text", "parse_header", "run_query"]

ANALYTICS = ("auto", "server", "python")
"""Where graph algorithms run: in the store's server when it can (auto), there or fail
(server), or in Python (python: the same numbers on every store, to the last bit)."""


@dataclass
class Table:
    """A query result: its name, columns in order, and rows as dicts."""

    name: str
    columns: list[str]
    rows: list[dict[str, Any]]


def resolve_params(spec: QuerySpec, given: dict[str, Any]) -> dict[str, Any]:
    """Defaults filled in, names checked ("did you mean"), values coerced to their types."""
    params = {p.name: p.default for p in spec.params}
    by_name = {p.name: p for p in spec.params}
    for key, value in given.items():
        name = key.replace("-", "_")
        if name not in by_name:
            raise InvalidData(
                f"query {spec.name} has no parameter '{key}'{did_you_mean(name, spec.param_names)}", field=key
            )
        params[name] = coerce_param(by_name[name], value)
    return params


def cypher_parameters(onto: Ontology, params: dict[str, Any], issues: list[str] | None) -> dict[str, Any]:
    """Everything a .cypher file may use: user parameters plus ontology-derived lists, all as parameters."""
    ladder = onto.vocabularies["ArnsteinLadder"]
    return {
        **params,
        "issues": issues,
        "issue_types": sorted(onto.relations_with_role("issue")),
        "affected_types": sorted(onto.relations_with_role("affected")),
        "collaboration_types": sorted(onto.relations_with_role("collaboration")),
        "money_types": sorted(onto.relations_with_role("money")),
        "seat_types": sorted(onto.relations_with_role("seats")),
        "reach_types": sorted(onto.relations_with_role(*power.REACH_ROLES, *power.BROKER_ROLES)),
        "broker_types": sorted(onto.relations_with_role(*power.BROKER_ROLES)),
        "authority_types": sorted(onto.relations_with_role("authority", power_flow="source")),
        "rung_ranks": dict(ladder.ranks),
        "rung_groups": dict(ladder.groups),
        "tokenism_top": onto.tokenism_top,
        "with_projection": True,
    }


def run_query(
    graph: Graph,
    name: str,
    params: dict[str, Any] | None = None,
    *,
    include_private: bool = False,
    analytics: str = "auto",
) -> Table:
    """Run the named query on ``graph``'s store and return its table.

    ``analytics`` says where power-ranking's and brokers' graph algorithms run (see
    ANALYTICS): with ``auto`` in the server when the store has the Graph Data Science
    library, else in Python. Raises InvalidData for an unknown query, parameter or
    issue (with suggestions), or ``server`` on a store that cannot.
    """
    spec = QUERIES.get(name)
    if spec is None:
        raise InvalidData(f"no query '{name}'{did_you_mean(name, sorted(QUERIES))}")
    if analytics not in ANALYTICS:
        raise InvalidData(
            f"analytics must be one of {', '.join(ANALYTICS)}, not '{analytics}'", field="analytics"
        )
    values = resolve_params(spec, params or {})
    shown = graph.reader(include_private=include_private)  # names, with privacy applied
    store = graph.reader(include_private=True)  # counts and scores need every node as it is
    issues = select_issues(store, values.get("issue"))
    if "place" in values:
        values["places"] = select_places(store, values["place"])
    if "actor" in values and not values["actor"]:
        raise InvalidData(f"query {name} needs an actor (--param actor=ID)", field="actor")
    for param in spec.params:  # ids or exact names, resolved with suggestions
        if param.type == "node" and values.get(param.name):
            values[param.name] = shown.resolve(str(values[param.name]))
    in_server = name in IN_SERVER and analytics != "python" and store.has_graph_algorithms
    if analytics == "server" and name in IN_SERVER and not in_server:
        raise InvalidData(
            f"query {name}: this store cannot run graph algorithms itself "
            "(Neo4j with the Graph Data Science library can)",
            field="analytics",
        )
    if in_server:
        rows = IN_SERVER[name](store, graph.onto, cypher_parameters(graph.onto, values, issues), values)
    elif store.runs_cypher:
        rows = store.cypher(cypher_text(name), cypher_parameters(graph.onto, values, issues))
    else:
        rows = TWINS[name](load_data(store, values.get("as_of")), issues, values)
    if name in FINISHERS and not in_server:
        rows = FINISHERS[name](rows, values, graph.onto)
    if name == "recommendation-targets":  # targets joined to power-ranking, the same on every store
        _join_power_ranking(graph, rows, include_private, analytics)
    rows = _in_column_order(spec, rows)
    _sort(spec, rows)  # sort keys are never name columns, so names can wait for the limit
    limit = int(values.get("limit") or 0)
    if limit:
        rows = rows[:limit]
    _fill_names(shown, spec, rows)
    return Table(name, list(spec.column_names), rows)


def _join_power_ranking(
    graph: Graph, rows: list[dict[str, Any]], include_private: bool, analytics: str
) -> None:
    """Add each target's rank and score from power-ranking over the whole graph."""
    if not rows:
        return
    table = run_query(graph, "power-ranking", include_private=include_private, analytics=analytics)
    ranking = {r["id"]: r for r in table.rows}
    for row in rows:
        ranked = ranking.get(row["target_id"])
        row["power_rank"] = ranked["rank"] if ranked else None
        row["power_score"] = ranked["score"] if ranked else None


def _in_column_order(spec: QuerySpec, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row with every column in order (name columns empty until filled), and NaN
    (the one value unequal to itself) as None in the number columns, the only ones that
    can hold it. A row already in column order is kept as it is (checked in C), so a
    twin that builds its rows that way saves a copy per row."""
    columns = tuple(spec.column_names)
    floats = [c.name for c in spec.columns if c.type in ("float", "int")]
    found = [row if tuple(row) == columns else {c: row.get(c) for c in columns} for row in rows]
    for row in found if floats else ():
        for column in floats:
            value = row[column]
            if value != value:
                row[column] = None
    return found


def _fill_names(reader: Reader, spec: QuerySpec, rows: list[dict[str, Any]]) -> None:
    name_columns = [c for c in spec.columns if c.name_of]
    if not name_columns or not rows:
        return
    pairs = [(c.name, c.name_of) for c in name_columns if c.name_of]
    ids: set[Any] = set()
    for _, of in pairs:
        ids.update(map(itemgetter(of), rows))  # read in C: 138,000 rows in milliseconds
    names = reader.names(str(i) for i in ids if i)
    for name, of in pairs:
        for row, shown in zip(rows, map(names.get, map(str, map(itemgetter(of), rows))), strict=True):
            row[name] = shown


def _sort(spec: QuerySpec, rows: list[dict[str, Any]]) -> None:
    """Sort by the spec's keys (``-`` for descending), None last in both directions.

    Stable sorts from the last key to the first, keys read in C; neighbouring keys of
    one direction with no None share one sort on a tuple of them (funding-flows' four
    keys are two sorts)."""
    passes: list[tuple[list[str], bool, bool]] = []  # columns, descending, some None
    for key in spec.sort:
        column, descending = key.lstrip("-"), key.startswith("-")
        missing = None in map(itemgetter(column), rows)
        if passes and not missing and not passes[-1][2] and passes[-1][1] == descending:
            passes[-1][0].append(column)
        else:
            passes.append(([column], descending, missing))
    for columns, descending, missing in reversed(passes):
        if not missing:
            rows.sort(key=itemgetter(*columns), reverse=descending)  # reverse keeps ties in order
            continue
        present = [r for r in rows if r[columns[0]] is not None]
        present.sort(key=itemgetter(columns[0]), reverse=descending)
        rows[:] = present + [r for r in rows if r[columns[0]] is None]
