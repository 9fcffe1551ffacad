"""Analyses of who holds power and where the gaps are.

>>> from psp_graph.analysis import run_query
>>> table = run_query(graph, "power-ranking", {"issue": "housing"})  # doctest: +SKIP
"""

from __future__ import annotations

from psp_graph.analysis.runner import Table, run_query
from psp_graph.analysis.spec import QUERIES, QuerySpec

__all__ = ["QUERIES", "QuerySpec", "Table", "run_query"]
