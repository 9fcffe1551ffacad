"""Run a named query on any backend and get the same table.

On a backend that runs Cypher server-side (Neo4j: it has ``run_cypher``), the
query's queries/NAME.cypher runs there; on the embedded store its Python twin
computes the same rows. Hybrid queries then share one Python finishing step.
Display names (with privacy), sorting and limits are applied here, once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from psp_graph.analysis import funding, gaps, learning, participation, power
from psp_graph.analysis.data import AnalysisData, load_data, select_issues
from psp_graph.analysis.projection import roles_of
from psp_graph.analysis.spec import QUERIES, QuerySpec, coerce_param
from psp_graph.exc import InvalidData
from psp_graph.graph import Graph, display_name
from psp_graph.ontology import Ontology, did_you_mean
from psp_graph.resources import resource_path

__all__ = ["Table", "cypher_parameters", "cypher_text", "parse_header", "run_query"]


@dataclass
class Table:
    """A query result: its name, columns in order, and rows as dicts."""

    name: str
    columns: list[str]
    rows: list[dict[str, Any]]


Twin = Callable[[AnalysisData, list[str] | None, dict[str, Any]], list[dict[str, Any]]]

TWINS: dict[str, Twin] = {
    "funding-flows": lambda d, i, p: funding.funding_flows(d, i),
    "funding-concentration": lambda d, i, p: funding.funding_concentration(d, i),
    "decision-spaces": lambda d, i, p: participation.decision_spaces(d, i),
    "participation": lambda d, i, p: participation.participation(d, i),
    "balance": lambda d, i, p: participation.balance(d, i),
    "ego": lambda d, i, p: gaps.ego(d, p["actor"], int(p["hops"])),
    "collaboration-gaps": lambda d, i, p: gaps.collaboration_gaps(d, i),
    "power-ranking": lambda d, i, p: power.power_raw(d, i, str(p["currency"])),
    "brokers": lambda d, i, p: power.brokers_raw(d, i),
    "community-balance": lambda d, i, p: learning.community_balance(d, i),
    "burning-issues": lambda d, i, p: learning.burning_issues(d, i),
    "insight-evidence": lambda d, i, p: learning.insight_evidence(d, i, p.get("stage")),
    "recommendation-targets": lambda d, i, p: learning.recommendation_targets(d, i),
    "pilot-change": lambda d, i, p: learning.pilot_change(d, p.get("pilot"), p.get("from"), p.get("to")),
}

FINISH: dict[str, Callable[[list[dict[str, Any]], dict[str, Any], Ontology], list[dict[str, Any]]]] = {
    "power-ranking": power.finish_power_ranking,
    "brokers": power.finish_brokers,
}


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


@cache
def cypher_text(name: str) -> str:
    """The text of queries/NAME.cypher."""
    return resource_path("queries", f"{name}.cypher").read_text(encoding="utf-8")


def parse_header(text: str) -> dict[str, str]:
    """The ``// key: value`` lines at the top of a .cypher file."""
    header: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"^//\s*([a-z-]+):\s*(.*)$", line)
        if not match:
            if line.strip() and not line.startswith("//"):
                break
            continue
        header[match.group(1)] = match.group(2).strip()
    return header


def cypher_parameters(onto: Ontology, params: dict[str, Any], issues: list[str] | None) -> dict[str, Any]:
    """Everything a .cypher file may use: user parameters plus ontology-derived lists, all as parameters."""
    ladder = onto.vocabularies["ArnsteinLadder"]
    authority = sorted(
        n for n, r in onto.relations.items() if "authority" in r.analysis_roles and r.power_flow == "source"
    )
    return {
        **params,
        "issues": issues,
        "issue_types": sorted(roles_of(onto, ("issue",))),
        "affected_types": sorted(roles_of(onto, ("affected",))),
        "collaboration_types": sorted(roles_of(onto, ("collaboration",))),
        "reach_types": sorted(roles_of(onto, power.REACH_ROLES + power.BROKER_ROLES)),
        "broker_types": sorted(roles_of(onto, power.BROKER_ROLES)),
        "authority_types": authority,
        "rung_ranks": dict(ladder.ranks),
        "rung_groups": dict(ladder.groups),
    }


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def run_query(
    graph: Graph, name: str, params: dict[str, Any] | None = None, *, include_private: bool = False
) -> Table:
    """Run the named query on ``graph``'s store and return its table.

    Raises InvalidData for an unknown query, parameter or issue (with suggestions).
    """
    spec = QUERIES.get(name)
    if spec is None:
        raise InvalidData(f"no query '{name}'{did_you_mean(name, sorted(QUERIES))}")
    values = resolve_params(spec, params or {})
    issues = select_issues(graph, values.get("issue"))
    if "actor" in values:
        if not values["actor"]:
            raise InvalidData(f"query {name} needs an actor (--param actor=ID)", field="actor")
        values["actor"] = graph.resolve(str(values["actor"]), include_private=include_private)
    run_cypher = getattr(graph.backend, "run_cypher", None)
    if run_cypher is not None:
        rows = run_cypher(cypher_text(name), cypher_parameters(graph.onto, values, issues))
    else:
        rows = TWINS[name](load_data(graph, values.get("as_of")), issues, values)
    if name in FINISH:
        rows = FINISH[name](rows, values, graph.onto)
    if name == "recommendation-targets":
        _join_power_ranking(graph, rows, include_private)
    rows = [{c: _clean(row.get(c)) for c in spec.raw_columns} for row in rows]
    _fill_names(graph, spec, rows, include_private)
    _sort(spec, rows)
    limit = int(values.get("limit") or 0)
    if limit:
        rows = rows[:limit]
    return Table(name, list(spec.column_names), [{c: row.get(c) for c in spec.column_names} for row in rows])


def _join_power_ranking(graph: Graph, rows: list[dict[str, Any]], include_private: bool) -> None:
    """Add each target's rank and score from power-ranking over the whole graph (same on every backend)."""
    if not rows:
        return
    ranking = {r["id"]: r for r in run_query(graph, "power-ranking", include_private=include_private).rows}
    for row in rows:
        ranked = ranking.get(row["target_id"])
        row["power_rank"] = ranked["rank"] if ranked else None
        row["power_score"] = ranked["score"] if ranked else None


def _fill_names(graph: Graph, spec: QuerySpec, rows: list[dict[str, Any]], include_private: bool) -> None:
    name_columns = [c for c in spec.columns if c.name_of]
    if not name_columns or not rows:
        return
    ids = {row[c.name_of] for row in rows for c in name_columns if c.name_of and row.get(c.name_of)}
    nodes = graph.backend.get_nodes(ids)
    for row in rows:
        for column in name_columns:
            node = nodes.get(str(row.get(column.name_of or "")))
            row[column.name] = display_name(node, include_private=include_private) if node else None


def _sort(spec: QuerySpec, rows: list[dict[str, Any]]) -> None:
    for key in reversed(spec.sort):
        column = key.lstrip("-")
        # None sorts last in both directions.
        present = [r for r in rows if r.get(column) is not None]
        missing = [r for r in rows if r.get(column) is None]
        present.sort(key=lambda r: r[column], reverse=key.startswith("-"))
        rows[:] = present + missing
