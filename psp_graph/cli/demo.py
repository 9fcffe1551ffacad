"""psp demo: load the seed graph into its own store and show who holds power."""

from __future__ import annotations

import click

from psp_graph.cli.common import emit, handle_errors, open_graph
from psp_graph.cli.output import prose

# The money is in the first table; without it the ranking fits 80 columns as a table.
RANKING_COLUMNS = ["rank", "name", "score", "resources", "seats_authority", "reach", "brokerage"]


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
    """Load the seed graph and show who holds money, seats and power, and where the gaps are.

    Example: psp demo
    """
    from psp_graph.demo import demo_tables

    with open_graph(store) as graph:
        tables = demo_tables(graph, limit=limit)
    for line in tables["loaded"]:
        click.echo(line)
    emit(
        tables["money"],
        ["name", "granted", "grants", "grantees"],
        "table",
        "-",
        title="Who holds the money (FUNDS)",
    )
    emit(
        tables["seats"],
        ["name", "seats", "chairs", "decides_on", "experience"],
        "table",
        "-",
        title="Who holds the decision seats (SITS_IN, DECIDES_ON)",
    )
    emit(
        tables["ranking"],
        RANKING_COLUMNS,
        "table",
        "-",
        title="Power ranking (psp query power-ranking): a prompt for discussion, not a verdict",
    )
    click.echo(prose(tables["gap_summary"]))
    emit(tables["gaps"], ["gap", "a_name", "b_name", "issue"], "table", "-", title="Gaps for affected people")
    click.echo("Most names here are illustrative (invented) data; see seed_data/README.md.")
    click.echo(  # one command per line: each can be copied whole
        f"Next: psp --store {store} query power-ranking\n"
        f"      psp --store {store} show ID\n"
        f"      (or export PSP_STORE={store} first), psp query list, docs/queries.md"
    )
