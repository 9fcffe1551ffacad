"""What many commands share: --store, output options, errors as one line."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from psp_graph.exc import PspGraphError

__all__ = [
    "emit",
    "emit_text",
    "handle_errors",
    "open_graph",
    "output_options",
    "progress_bar",
    "store_option",
    "warn",
]

F = TypeVar("F", bound=Callable[..., Any])

store_option = click.option(
    "--store",
    metavar="URL",
    envvar="PSP_STORE",
    default=None,
    help="sqlite:///FILE.db (default sqlite:///psp.db), sqlite://:memory: or neo4j://HOST:PORT.",
)


def output_options(func: F) -> F:
    """--format table|csv|json and -o FILE ('-' for stdout)."""
    func = click.option(
        "-o", "--output", metavar="FILE", default="-", help="Write to FILE instead of stdout ('-')."
    )(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default="table",
        show_default=True,
        help="Output format.",
    )(func)
    return func


def handle_errors(func: F) -> F:
    """Turn psp-graph errors into a one-line message and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PspGraphError as err:
            raise click.ClickException(str(err)) from None
        except OSError as err:
            where = f" {err.filename}" if err.filename else ""
            raise click.ClickException(f"cannot write{where}: {err.strerror or err}") from None

    return wrapper  # type: ignore[return-value]


def open_graph(store: str | None) -> Any:
    """Open the Graph service (imported here so --help stays light)."""
    from psp_graph.graph import Graph

    return Graph.open(store)


BIG_FILE = 5_000  # records: above this a load shows a progress bar on stderr


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[], None] | None]:
    """A progress bar on stderr for big jobs; yields the function to call per item (or None)."""
    if total <= BIG_FILE:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)


def emit(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    output: str,
    *,
    title: str | None = None,
    append: bool = False,
) -> None:
    """Write rows as a table, CSV or JSON to stdout or a file (``append`` adds to the file).

    A table shows the first rows and says how many more there are; CSV and JSON
    carry every row and are streamed (psp_graph.cli.output)."""
    from psp_graph.cli import output as out

    if fmt in ("json", "csv"):
        with out.open_output(output, append=append) as handle:
            if fmt == "json":
                out.write_json(handle, rows, columns)
            else:
                out.write_csv(handle, rows, columns, _cell)
        return
    shown, more = out.capped(rows)
    formatted = [{c: _cell(_rounded(r.get(c))) for c in columns} for r in shown]
    emit_text(out.table(formatted, columns, title) + more, output, append=append)


def emit_text(text: str, output: str, *, append: bool = False) -> None:
    """Write text to stdout ('-') or a file."""
    if output == "-":
        click.echo(text, nl=False)
        return
    with open(output, "a" if append else "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def _rounded(value: Any) -> Any:
    """Floats to four decimals for people; CSV and JSON keep full precision."""
    return f"{value:.4f}" if isinstance(value, float) else value
