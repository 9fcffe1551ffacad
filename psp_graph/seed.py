"""The starter graph shipped in seed_data/, loaded in dependency order."""

from __future__ import annotations

from pathlib import Path

from psp_graph.changes import Result
from psp_graph.graph import Graph
from psp_graph.io.load import load_file
from psp_graph.resources import resource_path

__all__ = ["SEED_FILES", "load_seed", "seed_paths"]

# Facts with sources first; the illustrative network refers to their issues and initiatives.
SEED_FILES = ("power_sharing_project.yaml", "illustrative_london.yaml", "community_of_practice.yaml")


def seed_paths() -> list[Path]:
    """Paths of the seed files, in load order."""
    return [resource_path("seed_data", name) for name in SEED_FILES]


def load_seed(graph: Graph) -> list[tuple[Path, Result]]:
    """Load every seed file (each all-or-nothing); loading twice changes nothing."""
    return [(path, load_file(graph, path)) for path in seed_paths()]
