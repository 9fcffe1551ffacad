"""psp sync: copy the store to another store (e.g. a Neo4j server)."""

from __future__ import annotations

from typing import Any

import click

from psp_graph.cli.common import handle_errors, open_graph, store_option

BIG_STORE = 5_000  # records: above this a progress bar shows on stderr


@click.command()
@click.option(
    "--to", "target", required=True, metavar="URL", help="The store to copy into, e.g. neo4j://host:7687."
)
@store_option
@handle_errors
def sync(target: str, store: str | None) -> None:
    """Copy the store (--store) into the store at --to: nodes, links and history.

    Adds what is missing and updates what differs; keeps (and counts) anything only
    the target has. Running it again with no change in between writes nothing.

    Example: psp sync --store sqlite:///psp.db --to bolt://127.0.0.1:7687
    """
    from psp_graph.sync import sync as sync_stores

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
