"""psp query: run a named query (psp query list shows them)."""

from __future__ import annotations

import click

from psp_graph.cli.common import emit, handle_errors, open_graph, output_options, store_option, warn


@click.command()
@click.argument("name")
@click.option("--issue", help="Only this issue and its narrower issues, e.g. housing.")
@click.option("--place", help="Only grants for this place or a place within it: E09000030, Tower Hamlets.")
@click.option("--funder", help="Only this funder's grants (funding-flows): an id or exact name.")
@click.option("--as-of", help="Only links valid on this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(min=0), help="At most this many rows (as --param limit=N).")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--include-private", is_flag=True, help="Show private persons' names (prints a warning).")
@click.option("--source", metavar="SRC", help="Only links citing this source or event (id or title).")
@click.option(
    "--perspective",
    metavar="EVENT|GROUP",
    help="Only links recorded at this event, or at the events this group took part in.",
)
@click.option(
    "--analytics",
    type=click.Choice(["auto", "server", "python"]),
    default="auto",
    show_default=True,
    help="Where power-ranking's and brokers' graph algorithms run: in a Neo4j server with Graph Data Science "
    "when it has it (auto), there or fail (server), or in Python (the same numbers on every store).",
)
@store_option
@output_options
@handle_errors
def query(
    name: str,
    issue: str | None,
    place: str | None,
    funder: str | None,
    as_of: str | None,
    limit: int | None,
    params: tuple[str, ...],
    include_private: bool,
    source: str | None,
    perspective: str | None,
    analytics: str,
    store: str | None,
    fmt: str,
    output: str,
) -> None:
    """Run the named query NAME ('list' shows every query and its parameters).

    Example: psp query power-ranking --issue housing --param limit=10

    Example: psp query funding-flows --funder "Larchwood Foundation" --issue housing

    Example: psp query power-ranking --perspective event:housing-round-2
    """
    from psp_graph.analysis import QUERIES, run_query

    if name == "list":
        rows = [
            {"query": s.name, "description": s.description, "parameters": ", ".join(s.param_names)}
            for s in QUERIES.values()
        ]
        emit(rows, ["query", "description", "parameters"], fmt, output, title="queries")
        return
    values: dict[str, str] = {}
    for pair in params:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.ClickException(f"--param takes KEY=VALUE, got '{pair}'")
        values[key.strip()] = value.strip()
    values.update(
        {
            k: v
            for k, v in {"issue": issue, "place": place, "funder": funder, "as_of": as_of}.items()
            if v is not None
        }
    )
    if limit is not None:
        values["limit"] = str(limit)
    if include_private:
        warn("showing private persons by name; do not share this output")
    with open_graph(store, read_only=True) as graph:
        if source is None and perspective is None:
            table = run_query(graph, name, values, include_private=include_private, analytics=analytics)
        else:
            from psp_graph.perspective import view_of

            with view_of(graph, source=source, perspective=perspective) as view:
                table = run_query(view, name, values, include_private=include_private, analytics=analytics)
    emit(table.rows, table.columns, fmt, output, title=name)
