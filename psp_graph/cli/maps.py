"""psp map: draw a self-contained HTML network map for workshops."""

from __future__ import annotations

import click

from psp_graph.cli.common import (
    check_output,
    follow_symlinks_option,
    handle_errors,
    open_graph,
    store_option,
    warn,
)


@click.command("map")
@click.option("--issue", help="Only this issue and its narrower issues, e.g. housing.")
@click.option("--ego", metavar="ACTOR", help="Only what is near this actor (id or exact name).")
@click.option("--hops", type=click.IntRange(1, 5), default=2, show_default=True, help="Steps from --ego.")
@click.option(
    "--types", metavar="T,T", help="Only these node types (Funder, Charity) and/or link types (FUNDS)."
)
@click.option("--highlight", type=click.Choice(["gaps", "power", "funding"]), help="What to bring forward.")
@click.option("--workshop", is_flag=True, help="Large type and high contrast, for a projector.")
@click.option("--layout", metavar="NAME", help="Reuse and update the layout saved under NAME in the store.")
@click.option("--include-private", is_flag=True, help="Show private persons' names (prints a warning).")
@click.option("--title", help="The map's title (default: from the selection).")
@click.option(
    "-o", "--output", metavar="FILE", default="map.html", show_default=True, help="HTML file to write."
)
@follow_symlinks_option
@store_option
@handle_errors
def map_command(
    issue: str | None,
    ego: str | None,
    hops: int,
    types: str | None,
    highlight: str | None,
    workshop: bool,
    layout: str | None,
    include_private: bool,
    title: str | None,
    output: str,
    store: str | None,
) -> None:
    """Draw a self-contained HTML network map (no internet needed to open it).

    Example: psp map --issue housing --workshop -o housing.html
    """
    from psp_graph.maps import MapOptions, write_map

    check_output(output)

    chosen = tuple(t.strip() for t in (types or "").split(",") if t.strip())
    options = MapOptions(issue, ego, hops, chosen, highlight, workshop, layout, include_private, title)
    with open_graph(store, read_only=layout is None) as graph:
        page = write_map(graph, options, output)
    if include_private:
        warn(f"{output} shows {page.caption.private_shown} private persons by name; do not share it")
    click.echo(f"wrote {output}: {page.nodes} nodes, {page.links} links ({page.caption.scope})")
