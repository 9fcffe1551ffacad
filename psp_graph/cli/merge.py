"""psp merge OLD NEW: join two nodes for one organisation."""

from __future__ import annotations

import click

from psp_graph.cli.common import handle_errors, open_graph, store_option


@click.command()
@click.argument("old")
@click.argument("new")
@store_option
@handle_errors
def merge(old: str, new: str, store: str | None) -> None:
    """Merge OLD into NEW: links move to NEW, OLD's names and identifiers become
    NEW's aliases and identifiers, OLD is deleted. One change set; psp undo reverts it.

    OLD and NEW are ids, org-ids or exact names.

    Example: psp merge org:unreg-k3j5q2ab-fenwold-renters-drop-in XX-ILLUSTRATIVE-CHC-7000001
    """
    from psp_graph.merge import merge as merge_nodes

    with open_graph(store) as graph:
        reader = graph.reader()
        result = merge_nodes(graph, reader.resolve(old), reader.resolve(new))
        click.echo(result.summary())
