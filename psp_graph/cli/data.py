"""psp init | load | validate: get data into the store."""

from __future__ import annotations

from pathlib import Path

import click

from psp_graph.cli.common import handle_errors, open_graph, progress_bar, store_option


@click.command()
@store_option
@handle_errors
def init(store: str | None) -> None:
    """Create the store and add the ontology's issues.

    Example: psp init --store sqlite:///team.db
    """
    with open_graph(store) as graph:
        graph.initialise()
        reader = graph.reader()
        stats = reader.stats()
        click.echo(f"store {reader.url} ready: {stats.nodes} nodes, {stats.links} links")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@store_option
@handle_errors
def load(files: tuple[Path, ...], store: str | None) -> None:
    """Load FILES (YAML, CSV, XLSX, JSON; '-' reads YAML from stdin).

    Each file is loaded all-or-nothing: a file with an error writes nothing.

    Example: psp load seed_data/power_sharing_project.yaml
    """
    from psp_graph.io.load import load_file

    with open_graph(store) as graph:
        for path in files:
            result = load_file(graph, path, progress=progress_bar)
            click.echo(f"{path}: {result.summary()}")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@store_option
@handle_errors
def validate(files: tuple[Path, ...], store: str | None) -> None:
    """Check FILES against the ontology and the store; write nothing.

    Example: psp validate seed_data/illustrative_london.yaml
    """
    from psp_graph.backends import resolve_store_url
    from psp_graph.backends.sqlite import sqlite_path

    url = resolve_store_url(store)
    path_of_store = sqlite_path(url)
    if path_of_store is not None and path_of_store != ":memory:" and not Path(path_of_store).exists():
        url = "sqlite://:memory:"  # nothing to check against, and validate never creates a store
    from psp_graph.io.load import load_file

    with open_graph(url, read_only=True) as graph:
        for path in files:
            result = load_file(graph, path, dry_run=True)
            click.echo(
                f"{path}: ok; would create {result.created}, update {result.updated}, "
                f"leave {result.unchanged} unchanged"
            )
