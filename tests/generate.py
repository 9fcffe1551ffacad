"""Seeded synthetic graphs for the parity suite and the query benchmarks.

The generator ships in the package (psp_graph.generate, ``psp generate``);
this module adds the fast loader that writes its records straight to a
backend, without history, so a million links load in seconds.
"""

from __future__ import annotations

from psp_graph.backends import Backend
from psp_graph.generate import generate_graph
from psp_graph.records import Batch, ChangeSet, StoredLink, StoredNode

__all__ = ["generate_graph", "load_generated"]


def load_generated(
    backend: Backend, nodes: list[StoredNode], links: list[StoredLink], *, chunk: int = 50_000
) -> None:
    """Write generated records straight to a backend, in batches (no history entries)."""
    for start in range(0, max(len(nodes), len(links), 1), chunk):
        cs = ChangeSet(
            f"cs-generated-{start}", "2026-01-01T00:00:00+00:00", "generator", "load", "generated graph"
        )
        backend.apply(Batch(cs, upsert_nodes=nodes[start : start + chunk]))
    for start in range(0, len(links), chunk):
        cs = ChangeSet(
            f"cs-generated-links-{start}", "2026-01-01T00:00:00+00:00", "generator", "load", "generated"
        )
        backend.apply(Batch(cs, upsert_links=links[start : start + chunk]))
