"""psp add actor|link|issue, psp remove, psp undo: what the team learns, recorded."""

from __future__ import annotations

import sys
from typing import Any

import click

from psp_graph.cli.common import handle_errors, open_graph, session_sources, store_option


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(value: Any, prompt: str, option: str) -> Any:
    """A missing required option: prompt when a person is at the terminal, else a clear error."""
    if value:
        return value
    if _interactive():
        return click.prompt(prompt)
    raise click.ClickException(f"missing option '{option}'")


source_options = [
    click.option(
        "--source",
        "sources",
        multiple=True,
        help="A src: id, or text/URL that becomes a new source (repeatable; default: PSP_SOURCE).",
    ),
    click.option(
        "--source-kind",
        help="Kind of a new source: workshop, interview, literature, public_record, grant_360, web_page.",
    ),
    click.option("--confidence", help="high, medium or low."),
    click.option("--illustrative", is_flag=True, default=None, help="Mark as made-up example data."),
]


def with_source_options(func: Any) -> Any:
    for option in reversed(source_options):
        func = option(func)
    return func


def _commit(
    graph: Any, record: dict[str, Any], section: str, sources: tuple[str, ...], kind: str | None, summary: str
) -> Any:
    return graph.add(
        record, section=section, sources=session_sources(sources), source_kind=kind, summary=summary
    )


@click.group()
def add() -> None:
    """Add an actor, a link or an issue (validated against the ontology)."""


@add.command("actor")
@click.option("--name", help="The actor's name.")
@click.option("--type", "types", multiple=True, help="Class and roles, e.g. --type charity --type funder.")
@click.option(
    "--id", "node_id", help="An id such as org:northbank-tenants-union (made from the name if left out)."
)
@click.option("--description")
@click.option("--experience", help="lived, learnt or both.")
@click.option("--identifier", "identifiers", multiple=True, help="External id, e.g. GB-CHC-1234567.")
@click.option("--privacy", help="public, internal or private (persons default to private).")
@click.option("--consent", is_flag=True, default=None, help="The person agreed to be shown by name.")
@with_source_options
@store_option
@handle_errors
def add_actor(
    store: str | None,
    name: str | None,
    types: tuple[str, ...],
    node_id: str | None,
    sources: tuple[str, ...],
    source_kind: str | None,
    **fields: Any,
) -> None:
    """Add (or update) an actor.

    Example: psp add actor --name "Northbank Tenants Union" --type community-group --illustrative
    """
    record: dict[str, Any] = {
        "name": _ask(name, "Name", "--name"),
        "types": list(types) or [_ask(None, "Type (e.g. charity)", "--type")],
    }
    record.update(
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in fields.items() if v not in (None, ())}
    )
    with open_graph(store, writes_facts=True) as graph:
        if node_id:
            record["id"] = node_id
        result = _commit(graph, record, "actors", sources, source_kind, "add actor")
        click.echo(f"{(result.ids or [record.get('id', '')])[-1]}: {result.summary()}")


@add.command("link")
@click.option("--type", "rel_type", help="Relationship type, e.g. FUNDS, SITS_IN, INVOLVES.")
@click.option("--from", "source", help="Id or exact name of the node the link starts at.")
@click.option("--to", "target", help="Id or exact name of the node the link ends at.")
@click.option(
    "--set",
    "attributes",
    multiple=True,
    metavar="KEY=VALUE",
    help="An attribute, e.g. amount=25000 or rung=consultation (repeatable).",
)
@click.option("--valid-from", help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--valid-to", help="YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--note")
@with_source_options
@store_option
@handle_errors
def add_link(
    store: str | None,
    rel_type: str | None,
    source: str | None,
    target: str | None,
    attributes: tuple[str, ...],
    sources: tuple[str, ...],
    source_kind: str | None,
    **fields: Any,
) -> None:
    """Add (or update) a link between two nodes.

    Example: psp add link --type funds --from org:a --to org:b --set amount=25000 --source "Workshop, May 2020"
    """
    record: dict[str, Any] = {"type": _ask(rel_type, "Relationship type", "--type")}
    for pair in attributes:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.ClickException(f"--set takes KEY=VALUE, got '{pair}'")
        record[key.strip()] = value.strip()
    record.update({k: v for k, v in fields.items() if v is not None})
    with open_graph(store, writes_facts=True) as graph:
        reader = graph.reader()
        record["from"] = reader.resolve(_ask(source, "From (id or name)", "--from"))
        record["to"] = reader.resolve(_ask(target, "To (id or name)", "--to"))
        result = _commit(graph, record, "links", sources, source_kind, "add link")
        click.echo(f"{(result.ids or ['link'])[-1]}: {result.summary()}")


@add.command("issue")
@click.argument("name")
@click.option("--broader", help="The broader issue, e.g. housing.")
@click.option("--id", "node_id", help="An id such as issue:rent-arrears (made from the name if left out).")
@click.option("--description")
@with_source_options
@store_option
@handle_errors
def add_issue(
    name: str,
    broader: str | None,
    node_id: str | None,
    description: str | None,
    store: str | None,
    sources: tuple[str, ...],
    source_kind: str | None,
    **fields: Any,
) -> None:
    """Add a narrower issue without editing the ontology.

    Example: psp add issue "Rent arrears" --broader housing
    """
    record: dict[str, Any] = {"name": name, "types": ["Issue"]}
    record.update(
        {
            k: v
            for k, v in {"id": node_id, "broader": broader, "description": description, **fields}.items()
            if v is not None
        }
    )
    with open_graph(store) as graph:
        if broader:
            record["broader"] = graph.reader().resolve(broader)
        result = _commit(graph, record, "issues", sources, source_kind, "add issue")
        click.echo(f"{(result.ids or [''])[-1]}: {result.summary()}")


@click.command()
@click.argument("entity_id", metavar="ID")
@store_option
@handle_errors
def remove(entity_id: str, store: str | None) -> None:
    """Remove a node (with all its links) or a link. Undo with psp undo.

    Example: psp remove org:northbank-tenants-union
    """
    with open_graph(store) as graph:
        result = graph.remove(graph.reader().resolve(entity_id))
        click.echo(f"removed {entity_id}: {result.summary()}")


@click.command()
@click.argument("changeset", metavar="CHANGESET")
@store_option
@handle_errors
def undo(changeset: str, store: str | None) -> None:
    """Undo a change set (an id from psp history, or 'last') with a new change set.

    Example: psp undo last
    """
    with open_graph(store) as graph:
        result = graph.undo(changeset)
        click.echo(f"undid {result.ids[0]}: {result.summary()}")


@click.command()
@store_option
@handle_errors
def redo(store: str | None) -> None:
    """Redo what the last undo took back (after 'psp undo last', before any new change).

    Example: psp redo
    """
    with open_graph(store) as graph:
        result = graph.redo()
        click.echo(f"redid {result.ids[0]}: {result.summary()}")
