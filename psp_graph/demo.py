"""What ``psp demo`` shows: the seed graph loaded into its own store, who holds the
money and the seats, the top of the power ranking and the food-poverty gaps."""

from __future__ import annotations

from typing import Any

from psp_graph.analysis import run_query
from psp_graph.analysis.overview import money_holders, seat_holders
from psp_graph.graph import Graph
from psp_graph.seed import load_seed

__all__ = ["demo_tables"]


def demo_tables(graph: Graph, *, limit: int = 8) -> dict[str, Any]:
    """Load the seed graph and gather what ``psp demo`` shows: money, seats, the
    top of power-ranking and the collaboration gaps on food poverty."""
    loaded = [f"{path.name}: {result.summary()}" for path, result in load_seed(graph)]
    reader = graph.reader()
    stats = reader.stats()
    loaded.append(f"{reader.url}: {stats.nodes} nodes, {stats.links} links")
    gaps = run_query(graph, "collaboration-gaps", {"issue": "food-poverty"}).rows
    count = {
        kind: sum(1 for r in gaps if r["gap"] == kind)
        for kind in ("no-collaboration", "unfunded-affected", "unmet-need")
    }
    return {
        "loaded": loaded,
        "money": money_holders(reader, limit=limit),
        "seats": seat_holders(reader, limit=limit),
        "ranking": run_query(graph, "power-ranking", {"limit": limit}).rows,
        "gap_summary": (
            f"Collaboration gaps on food poverty: {count['no-collaboration']} pairs on the same issue with no "
            f"collaboration path, {count['unfunded-affected']} affected groups with no funded ally, "
            f"{count['unmet-need']} needs that nobody controls."
        ),
        "gaps": [r for r in gaps if r["gap"] != "no-collaboration"][:limit],
    }
