"""Readers (files -> records) and writers (store -> files).

The one list of what ``psp load`` and ``psp validate`` read, by file suffix; the
CLI help, the readers' dispatch and their "unknown file type" error all use it.

>>> input_formats_text()
'YAML, JSON, CSV, XLSX (360Giving grant files in JSON, CSV or XLSX too) and RDF (Turtle, N-Triples, RDF/XML, JSON-LD)'
"""

from __future__ import annotations

__all__ = ["INPUT_FORMATS", "input_formats_text"]

INPUT_FORMATS: dict[str, tuple[str, ...]] = {
    "yaml": ("yaml", "yml"),
    "json": ("json",),
    "csv": ("csv",),
    "xlsx": ("xlsx", "xlsm"),
    "rdf": ("ttl", "nt", "rdf", "jsonld"),
}
"""Reader name -> the file suffixes it reads (``-`` on the command line reads YAML)."""


def input_formats_text() -> str:
    """The readable formats, for help texts and errors."""
    return (
        "YAML, JSON, CSV, XLSX (360Giving grant files in JSON, CSV or XLSX too) "
        "and RDF (Turtle, N-Triples, RDF/XML, JSON-LD)"
    )
