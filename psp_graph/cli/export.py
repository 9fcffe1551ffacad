"""psp export: the graph for other tools (Gephi, yEd, Kumu, RDF stores)."""

from __future__ import annotations

import click

from psp_graph.cli.common import (
    emit_text,
    follow_symlinks_option,
    handle_errors,
    open_graph,
    store_option,
    warn,
)
from psp_graph.io.writers import EXPORT_FORMATS


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="graphml",
    show_default=True,
    help="graphml (yEd, Gephi), gexf (Gephi), json (node-link), kumu (Kumu blueprint), ttl or jsonld (RDF).",
)
@click.option("-o", "--output", metavar="FILE", default="-", help="Write to FILE instead of stdout ('-').")
@follow_symlinks_option
@click.option(
    "--include-private", is_flag=True, help="Keep private persons' names and personal fields (warns)."
)
@store_option
@handle_errors
def export(fmt: str, output: str, include_private: bool, store: str | None) -> None:
    """Write the whole graph; private persons appear by their pseudonym.

    Example: psp export --format gexf -o power.gexf
    """
    from psp_graph.io.writers import export_graph

    if include_private:
        warn("the export holds private persons' names; do not share it")
    with open_graph(store, read_only=True) as graph:
        emit_text(export_graph(graph, fmt, include_private=include_private), output)
