"""psp sync: copy the store to another store (e.g. a Neo4j server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from psp_graph.cli.common import handle_errors, open_graph, store_option

BIG_STORE = 5_000  # records: above this a progress bar shows on stderr


@click.command()
@click.option("--to", "target", metavar="URL", help="The store to copy into, e.g. neo4j://host:7687.")
@click.option(
    "--import-files",
    "import_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Instead of --to: write files for neo4j-admin database import (a new, stopped database).",
)
@store_option
@handle_errors
def sync(target: str | None, import_dir: Path | None, store: str | None) -> None:
    """Copy the store (--store) into the store at --to: nodes, links and history.

    Adds what is missing and updates what differs; keeps (and counts) anything only
    the target has. Running it again with no change in between writes nothing.
    Into an empty Neo4j it bulk-loads (faster, all or nothing). With --import-files
    it writes the same first load as files for Neo4j's offline importer instead.

    Example: psp sync --store sqlite:///psp.db --to bolt://127.0.0.1:7687
    """
    from psp_graph.sync import sync as sync_stores

    if (target is None) == (import_dir is None):
        raise click.UsageError("give exactly one of --to URL and --import-files DIR")
    if import_dir is not None:
        _write_import_files(store, import_dir)
        return
    assert target is not None
    with open_graph(store) as source, open_graph(target) as destination:
        stats = source.reader().stats()
        if stats.nodes + stats.links <= BIG_STORE:
            result = sync_stores(source, destination)
        else:
            result = _with_progress_bar(source, destination)
    click.echo(result.summary())


def _with_progress_bar(source: Any, destination: Any) -> Any:
    from rich.console import Console
    from rich.progress import Progress

    from psp_graph.sync import sync as sync_stores

    with Progress(console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"copying {stage}", total=total)
            bar.update(tasks[stage], completed=done)

        return sync_stores(source, destination, progress=report)


def _write_import_files(store: str | None, folder: Path) -> None:
    from psp_graph.sync import write_import

    with open_graph(store) as source:
        files = write_import(source, folder)
    click.echo(
        f"wrote {len(files.files)} files for {files.nodes} nodes, {files.links} links and "
        f"{files.changesets} change sets to {files.folder}"
    )
    click.echo(
        "load them into a new, stopped database: neo4j-admin database import full DATABASE "
        f"@{files.args_file}  (the project's own server: python tools/neo4j/server.py --import {files.folder})"
    )
