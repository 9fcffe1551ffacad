"""What many commands share: --store, output options, errors as one line."""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from psp_graph.exc import PspGraphError
from psp_graph.views import cell_text

__all__ = [
    "check_output",
    "emit",
    "emit_chunks",
    "emit_text",
    "follow_symlinks_option",
    "handle_errors",
    "open_graph",
    "output_options",
    "progress_bar",
    "remember_group_store",
    "store_option",
    "terminal_safe",
    "warn",
]

F = TypeVar("F", bound=Callable[..., Any])


def _store_from_either_side(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``psp --store X cmd`` and ``psp cmd --store X`` both work; after the command wins, and either
    wins over PSP_STORE."""
    from click.core import ParameterSource

    given_before = ctx.meta.get("psp_store")
    source = ctx.get_parameter_source(param.name or "store")
    if given_before and source in (ParameterSource.DEFAULT, ParameterSource.ENVIRONMENT, None):
        return str(given_before)
    return value


def remember_group_store(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """The group's --store (before the command), handed to the command's own option."""
    if value:
        ctx.meta["psp_store"] = value
    return value


store_option = click.option(
    "--store",
    metavar="URL",
    envvar="PSP_STORE",
    default=None,
    callback=_store_from_either_side,
    help="sqlite:///FILE.db (default sqlite:///psp.db), sqlite://:memory: or neo4j://HOST:PORT.",
)


def _remember_follow(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["psp_follow_symlinks"] = True
    return value


follow_symlinks_option = click.option(
    "--follow-symlinks",
    is_flag=True,
    expose_value=False,
    callback=_remember_follow,
    help="Let -o write through a symbolic link to its target (refused otherwise).",
)

# Control characters (C0 but tab and newline, DEL, C1) shown as visible \xNN text on a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Spreadsheets run a cell starting with these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def terminal_safe(text: str) -> str:
    """Text with control characters (escape codes) made visible, never interpreted."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def csv_safe(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: formula-like text gets a leading apostrophe."""
    if type(value) is str:  # most cells
        return "'" + value if value.startswith(_FORMULA_START) else value
    text = cell_text(value)
    if not isinstance(value, int | float) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def check_output(output: str) -> None:
    """Refuse to write through a symbolic link unless --follow-symlinks was given."""
    ctx = click.get_current_context(silent=True)
    follow = bool(ctx and ctx.find_root().meta.get("psp_follow_symlinks"))
    if output != "-" and not follow and os.path.islink(output):
        raise click.ClickException(
            f"{terminal_safe(output)} is a symbolic link; refusing to overwrite its target "
            "(give --follow-symlinks to write there anyway)"
        )


def output_options(func: F) -> F:
    """--format table|csv|json, -o FILE ('-' for stdout) and --follow-symlinks."""
    func = follow_symlinks_option(func)
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
            raise click.ClickException(terminal_safe(str(err))) from None
        except OSError as err:
            where = f" {err.filename}" if err.filename else ""
            raise click.ClickException(f"cannot write{where}: {err.strerror or err}") from None

    return wrapper  # type: ignore[return-value]


def open_graph(store: str | None, *, read_only: bool = False, writes_facts: bool = False) -> Any:
    """Open the Graph service (imported here so --help stays light); ``read_only`` for reads;
    ``writes_facts`` for commands that record what the team learns (the sources policy)."""
    from psp_graph.graph import Graph

    return Graph.open(store, read_only=read_only, require_sources=writes_facts)


def session_sources(given: tuple[str, ...]) -> tuple[str, ...]:
    """The sources given with --source, else the session's source from PSP_SOURCE (one
    title, URL or src: id, set once for a workshop)."""
    import os

    session = os.environ.get("PSP_SOURCE", "").strip()
    return given or ((session,) if session else ())


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
    limit: int | None = None,
) -> None:
    """Write rows as a table, CSV or JSON to stdout or a file (``append`` adds to the file).

    A table shows the first rows (``limit``, else 100) and says how many more there are; CSV and JSON
    carry every row and are written row by row (psp_graph.cli.output)."""
    from psp_graph.cli import output as out

    if fmt in ("json", "csv"):
        buffer = io.StringIO() if output == "-" and sys.stdout.isatty() else None
        if output != "-":
            check_output(output)
        ctx = click.get_current_context(silent=True)
        follow = bool(ctx and ctx.find_root().meta.get("psp_follow_symlinks"))
        stream = out.open_output(output, append=append, follow=follow)
        with stream if buffer is None else contextlib.nullcontext(buffer) as handle:
            if fmt == "json":
                out.write_json(handle, rows, columns)
            else:
                out.write_csv(handle, rows, columns, csv_safe)
        if buffer is not None:  # a terminal sees no raw escape codes
            emit_text(buffer.getvalue(), output)
        return
    shown, more = out.capped(rows, limit or out.TABLE_ROWS)
    formatted = [{c: terminal_safe(cell_text(_rounded(r.get(c)))) for c in columns} for r in shown]
    title = terminal_safe(title) if title else title
    emit_text(out.table(formatted, columns, title) + more, output, append=append)


def emit_chunks(chunks: Iterable[str], output: str) -> None:
    """Write text made a piece at a time to stdout or a file, as :func:`emit_text` writes
    it (a terminal sees no raw escape codes; no symlinks followed unless --follow-symlinks),
    without joining the pieces first."""
    from psp_graph.cli import output as out

    if output == "-" and sys.stdout.isatty():
        emit_text("".join(chunks), output)
        return
    if output != "-":
        check_output(output)
    ctx = click.get_current_context(silent=True)
    follow = bool(ctx and ctx.find_root().meta.get("psp_follow_symlinks"))
    with out.open_output(output, follow=follow) as handle:
        out.write_buffered(handle, chunks)


def emit_text(text: str, output: str, *, append: bool = False) -> None:
    """Write text to stdout ('-'; a terminal sees no raw escape codes) or a file (no symlinks followed
    unless --follow-symlinks)."""
    if output == "-":
        click.echo(terminal_safe(text) if sys.stdout.isatty() else text, nl=False)
        return
    check_output(output)
    ctx = click.get_current_context(silent=True)
    follow = bool(ctx and ctx.find_root().meta.get("psp_follow_symlinks"))
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    with open(os.open(output, flags, 0o666), "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _rounded(value: Any) -> Any:
    """Floats to four decimals for people; CSV and JSON keep full precision."""
    return f"{value:.4f}" if isinstance(value, float) else value
