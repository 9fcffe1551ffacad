"""The ``psp`` command line: thin commands over the psp_graph library.

Commands live one group per module and are imported only when run, so
``psp --help`` stays fast and imports no heavy library.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

__all__ = ["main"]

# name -> (module, attribute, one-line help shown by ``psp --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("data", "init", "Create the store and add the ontology's issues."),
    "load": ("data", "load", "Load YAML, JSON, CSV, XLSX, 360Giving or RDF files, each all-or-nothing."),
    "validate": ("data", "validate", "Check files against the ontology; write nothing."),
    "add": ("edit", "add", "Add an actor, a link or an issue."),
    "remove": ("edit", "remove", "Remove a node (with its links) or a link."),
    "undo": ("edit", "undo", "Undo a change set ('last': step back through history)."),
    "redo": ("edit", "redo", "Redo what the last undo took back."),
    "erase": ("erase", "erase", "Erase a person for good: store, history, index and files."),
    "merge": ("merge", "merge", "Merge two nodes for one organisation (recorded, undoable)."),
    "show": ("browse", "show", "Show a node or a link, its links and sources."),
    "search": ("browse", "search", "Search names and descriptions."),
    "stats": ("browse", "stats", "Count nodes and links."),
    "history": ("browse", "history", "List change sets, or the changes of one."),
    "diff": ("diff", "diff", "Links added, removed and changed between two dates or change sets."),
    "query": ("query", "query", "Run a named query: who holds power, where the gaps are."),
    "map": ("maps", "map_command", "Draw a self-contained HTML network map for workshops."),
    "export": ("export", "export", "Write the graph as GraphML, GEXF, JSON, Kumu or RDF (Turtle, JSON-LD)."),
    "template": ("template", "template", "Write a blank spreadsheet with the ontology's columns and values."),
    "demo": ("demo", "demo", "Load the seed graph into psp-demo.db and show who holds power."),
    "workshop": ("workshop", "workshop", "Serve the map for live capture in a workshop (local web server)."),
    "sync": ("sync", "sync", "Copy the store to another store (e.g. Neo4j)."),
    "record": ("record", "record", "Record events, who took part, burning issues, insights, stories."),
    "pin": ("learning", "pin", "Pin a resource on the Resource Pinboard."),
    "pinboard": ("learning", "pinboard", "List the Resource Pinboard."),
    "insights": ("learning", "insights", "List insights with their evidence."),
    "brief": ("learning", "brief", "Write a publishable brief of one deep dive (HTML or Markdown)."),
    "generate": ("generate", "generate", "Make up a realistic graph of any size (to a file or the store)."),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(f"psp_graph.cli.{module}"), attribute)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            from psp_graph.ontology import did_you_mean

            raise click.UsageError(f"no command '{name}'{did_you_mean(name, list(COMMANDS))}")
        return super().resolve_command(ctx, args)

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Every user error, usage errors included, is one line on stderr and exit status 1."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            return super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as err:
            command = err.ctx.command_path if err.ctx else "psp"
            click.echo(f"Error: {err.format_message()} (see '{command} --help')", err=True)
        except click.ClickException as err:
            err.show()
        except click.Abort:
            click.echo("Aborted.", err=True)
        sys.exit(1)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, _, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _group_store(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from psp_graph.cli.common import remember_group_store

    return remember_group_store(ctx, param, value)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="psp-graph")
@click.option(
    "--store",
    metavar="URL",
    expose_value=False,
    callback=_group_store,
    help="The store, for any command (as the command's own --store).",
)
def main(**_: Any) -> None:
    """psp: map who holds power in civil society, and where people with lived
    experience are left out (the Power Sharing Project knowledge graph).

    The store is --store URL, else PSP_STORE, else sqlite:///psp.db.
    """
