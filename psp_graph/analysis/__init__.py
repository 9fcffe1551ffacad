"""Analyses of who holds power and where the gaps are.

Each named query is one unit: its spec in :mod:`psp_graph.analysis.spec`, its
queries/NAME.cypher, and its Python twin registered beside the function that
computes it (``@twin("NAME")``). Importing this package registers every twin.

>>> from psp_graph.analysis import run_query
>>> table = run_query(graph, "power-ranking", {"issue": "housing"})  # doctest: +SKIP
"""

from __future__ import annotations

# The modules that hold the twins: imported so that their @twin registrations run.
from psp_graph.analysis import funding, gaps, learning, participation, power, power_server  # noqa: F401
from psp_graph.analysis.runner import Table, run_query
from psp_graph.analysis.spec import QUERIES, QuerySpec

__all__ = ["QUERIES", "QuerySpec", "Table", "run_query"]
