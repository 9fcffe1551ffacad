"""psp template: a blank spreadsheet with the ontology's columns and allowed values."""

from __future__ import annotations

from pathlib import Path

import click

from psp_graph.cli.common import handle_errors


@click.command()
@click.option(
    "-o", "--output", metavar="FILE", required=True, type=click.Path(path_type=Path, dir_okay=False)
)
@handle_errors
def template(output: Path) -> None:
    """Write a blank spreadsheet to fill in: a sheet per section, and the allowed values.

    Example: psp template -o workshop.xlsx
    """
    from psp_graph.io.template import write_template
    from psp_graph.ontology import load_ontology

    write_template(load_ontology(), output)
    click.echo(f"wrote {output}")
