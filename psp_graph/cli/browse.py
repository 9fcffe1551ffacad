"""psp show | search | stats | history: look at what the store holds."""

from __future__ import annotations

from typing import Any

import click

from psp_graph.cli.common import (
    emit,
    emit_chunks,
    handle_errors,
    open_graph,
    output_options,
    store_option,
    warn,
)

include_private_option = click.option(
    "--include-private", is_flag=True, help="Show private persons' names (prints a warning)."
)


@click.command()
@click.argument("entity_id", metavar="ID")
@click.option(
    "--limit",
    type=click.IntRange(1, None),
    default=None,
    help="Show the first N links (by id): in a table instead of the first 100, in CSV and JSON instead of all.",
)
@store_option
@output_options
@include_private_option
@handle_errors
def show(
    entity_id: str, limit: int | None, store: str | None, fmt: str, output: str, include_private: bool
) -> None:
    """Show a node (or link) by id or exact name: attributes, links and sources.

    Example: psp show org:sheila-mckechnie-foundation
    """
    from psp_graph.views import describe

    if include_private:
        warn("showing private persons by name; do not share this output")
    with open_graph(store, read_only=True) as graph:  # open while the link rows are read
        reader = graph.reader(include_private=include_private)
        view = describe(reader, reader.resolve(entity_id), lazy=True)
        _emit_view(view, fmt, output, limit)


def _emit_view(view: dict[str, Any], fmt: str, output: str, limit: int | None) -> None:
    if limit is not None and fmt != "table" and "node" in view:
        view = {**view, "links": view["links"][:limit]}  # reads only these
    if fmt == "json":
        from psp_graph.cli.output import json_chunks

        emit_chunks(json_chunks(view), output)
        return
    link_columns = ["id", "type", "direction", "other", "other_id", "attributes", "valid", "sources"]
    if fmt == "csv":  # one table: the links, which is what spreadsheets want
        links = view["links"] if "node" in view else [view["link"]]
        emit(links, link_columns, fmt, output)
        return
    if "node" in view:
        node = view["node"]
        emit([node], ["id", "name", "types", "attributes", "sources"], fmt, output, title=node["name"])
        emit(view["links"], link_columns[1:], fmt, output, title="links", append=True, limit=limit)
    else:
        columns = ["id", "type", "from", "to", "attributes", "valid", "sources", "confidence"]
        emit([view["link"]], columns, fmt, output, title="link")
    emit(view["sources"], ["id", "name", "kind", "date", "url"], fmt, output, title="sources", append=True)


@click.command()
@click.argument("text")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@store_option
@output_options
@include_private_option
@handle_errors
def search(text: str, limit: int, store: str | None, fmt: str, output: str, include_private: bool) -> None:
    """Search names and descriptions (word prefixes).

    Example: psp search "food bank"
    """
    from psp_graph.views import search_rows

    if include_private:
        warn("showing private persons by name; do not share this output")
    with open_graph(store, read_only=True) as graph:
        rows = search_rows(graph.reader(include_private=include_private), text, limit=limit)
    emit(rows, ["id", "name", "types", "attributes"], fmt, output, title=f"search: {text}")


@click.command()
@store_option
@output_options
@handle_errors
def stats(store: str | None, fmt: str, output: str) -> None:
    """Count nodes by label and links by type.

    Example: psp stats --format json
    """
    with open_graph(store, read_only=True) as graph:
        result = graph.reader().stats()
    rows = [{"what": "nodes", "name": "all", "count": result.nodes}]
    rows += [{"what": "nodes", "name": k, "count": v} for k, v in result.nodes_by_label.items()]
    rows += [{"what": "links", "name": "all", "count": result.links}]
    rows += [{"what": "links", "name": k, "count": v} for k, v in result.links_by_type.items()]
    rows += [{"what": "history", "name": "change sets", "count": result.changesets}]
    emit(rows, ["what", "name", "count"], fmt, output, title="store")


@click.command()
@click.argument("entity_id", metavar="[ID]", required=False)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100000))
@store_option
@output_options
@handle_errors
def history(entity_id: str | None, limit: int, store: str | None, fmt: str, output: str) -> None:
    """List change sets (newest first), those touching ID, or the changes of change set ID.

    Example: psp history org:sheila-mckechnie-foundation
    """
    from psp_graph.views import history_rows

    with open_graph(store, read_only=True) as graph:
        reader = graph.reader()
        if entity_id and not entity_id.startswith("cs-"):
            entity_id = reader.resolve(entity_id)
        rows = history_rows(reader, entity_id, limit=limit)
    if entity_id and entity_id.startswith("cs-"):
        # The table's title names the change set; CSV and JSON carry it on every row.
        columns = (
            ["seq", "op", "entity", "id"] if fmt == "table" else ["changeset", "seq", "op", "entity", "id"]
        )
        emit(rows, columns, fmt, output, title=f"changes in {entity_id}")
    else:
        emit(rows, ["changeset", "at", "by", "action", "summary", "changes"], fmt, output, title="history")
