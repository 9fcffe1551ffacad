"""``psp erase PERSON``: remove a person, their links and the sources only about them, for good."""

from __future__ import annotations

import click

from psp_graph.cli.common import handle_errors, open_graph, store_option


@click.command()
@click.argument("person", metavar="PERSON")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@store_option
@handle_errors
def erase(person: str, yes: bool, store: str | None) -> None:
    """Erase a person (id or exact name) from the store, its history, the search index and
    the store's files; cannot be undone. Run psp sync afterwards to pass it on.

    Example: psp erase person:x4k9m2p7qz --yes
    """
    from psp_graph.erase import erase_person

    if not yes:
        click.confirm(f"Erase {person} for good (this cannot be undone)?", abort=True, err=True)
    with open_graph(store) as graph:
        result = erase_person(graph, person)
    click.echo(result.summary())
