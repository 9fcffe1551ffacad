"""Loading a file: read its records (psp_graph.io.readers) and hand them to the
Graph service, which validates and writes them all-or-nothing.

Data flows one way, file → records → Graph service → store; the service never
opens files, and the caller brings its own progress display.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from psp_graph.changes import Result
from psp_graph.graph import Graph
from psp_graph.io.readers import read_records

__all__ = ["Progress", "load_file"]

Progress = Callable[[str, int], AbstractContextManager[Callable[[], None] | None]]
"""``progress(label, total)`` gives a context whose value is called once per record (or None)."""


def load_file(
    graph: Graph, path: Path | str, *, dry_run: bool = False, progress: Progress | None = None
) -> Result:
    """Load one file (YAML, CSV, XLSX, JSON, 360Giving, RDF) all-or-nothing.

    With ``dry_run`` everything is checked and nothing is written.
    """
    path = Path(path)
    records = list(read_records(path, owner_of=graph.reader(include_private=True).owner_of))
    summary = f"load {path.name}"
    if progress is None:
        return graph.load_records(records, summary=summary, dry_run=dry_run)
    with progress(f"checking {path.name}", len(records)) as tick:
        return graph.load_records(records, summary=summary, dry_run=dry_run, on_record=tick)
