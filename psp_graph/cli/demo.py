"""psp demo: load the seed graph into its own store and show who holds power."""

from __future__ import annotations

import click

from psp_graph.cli.common import emit, handle_errors, open_graph


@click.command()
@click.option(
    "--store",
    metavar="URL",
    default="sqlite:///psp-demo.db",
    show_default=True,
    help="Where the demo graph goes (its own store, never PSP_STORE).",
)
@click.option("--limit", default=8, show_default=True, type=click.IntRange(1, 100))
@handle_errors
def demo(store: str, limit: int) -> None:
    """Load the seed graph and print who holds the most money and decision seats.

    Example: psp demo
    """
    from psp_graph.analysis.overview import money_holders, seat_holders
    from psp_graph.seed import load_seed

    with open_graph(store) as graph:
        for path, result in load_seed(graph):
            click.echo(f"{path.name}: {result.summary()}")
        stats = graph.stats()
        click.echo(f"\n{graph.backend.url}: {stats.nodes} nodes, {stats.links} links\n")
        money = money_holders(graph, limit=limit)
        seats = seat_holders(graph, limit=limit)
    emit(money, ["name", "granted", "grants", "grantees"], "table", "-", title="Who holds the money (FUNDS)")
    click.echo()
    emit(
        seats,
        ["name", "seats", "chairs", "decides_on", "experience"],
        "table",
        "-",
        title="Who holds the decision seats (SITS_IN, DECIDES_ON)",
    )
    click.echo("\nMost names here are illustrative (invented) data; see seed_data/README.md.")
