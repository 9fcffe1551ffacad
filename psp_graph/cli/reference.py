"""Generate docs/cli.md, the CLI reference, from the commands themselves.

Run ``python -m psp_graph.cli.reference > docs/cli.md``; tests/test_docs.py fails
when the checked-in reference is out of date.
"""

from __future__ import annotations

import click

from psp_graph.cli import COMMANDS, main

__all__ = ["generate_reference"]


def _help(command: click.Command, path: str) -> str:
    ctx = click.Context(
        command, info_name=path, terminal_width=100, max_content_width=100, help_option_names=["-h", "--help"]
    )
    return command.get_help(ctx)


def generate_reference() -> str:
    """Markdown with the --help of every command and subcommand."""
    out = [
        "# psp command reference",
        "",
        "Generated from the code by `python -m psp_graph.cli.reference > docs/cli.md`; do not edit.",
        "",
        "```text",
        _help(main, "psp"),
        "```",
        "",
    ]
    for name in COMMANDS:
        command = main.get_command(click.Context(main), name)
        assert command is not None
        out += [f"## psp {name}", "", "```text", _help(command, f"psp {name}"), "```", ""]
        if isinstance(command, click.Group):
            for sub in command.list_commands(click.Context(command)):
                subcommand = command.get_command(click.Context(command), sub)
                assert subcommand is not None
                out += [
                    f"### psp {name} {sub}",
                    "",
                    "```text",
                    _help(subcommand, f"psp {name} {sub}"),
                    "```",
                    "",
                ]
    return "\n".join(out)


if __name__ == "__main__":
    click.echo(generate_reference(), nl=False)
