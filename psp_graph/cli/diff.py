"""psp diff: links added, removed and changed between two dates or change sets."""

from __future__ import annotations

import click

from psp_graph.cli.common import emit, handle_errors, open_graph, output_options, store_option


@click.command("diff")
@click.option(
    "--from",
    "start",
    required=True,
    metavar="DATE|CHANGESET",
    help="The earlier point: YYYY[-MM[-DD]], cs-… or last~N (before the newest N change sets).",
)
@click.option("--to", "end", metavar="DATE|CHANGESET", help="The later point (default: now).")
@click.option("--include-private", is_flag=True, help="Show private persons' names (prints a warning).")
@output_options
@store_option
@handle_errors
def diff(
    start: str, end: str | None, include_private: bool, fmt: str, output: str, store: str | None
) -> None:
    """Show the links added, removed and changed between two points, e.g. two workshop rounds.

    Example: psp diff --from 2020-05-12 --to 2020-06-30

    Example: psp diff --from last~3
    """
    from psp_graph.cli.common import warn
    from psp_graph.diff import diff_rows, link_diff

    with open_graph(store, read_only=True) as graph:
        reader = graph.reader(include_private=include_private)
        rows = diff_rows(reader, link_diff(reader, start, end))
    if include_private:
        warn("the output may name private persons; do not share it")
    title = f"links changed from {start} to {end or 'now'}: {len(rows)}"
    emit(rows, ["change", "type", "from", "to", "details", "link"], fmt, output, title=title)
