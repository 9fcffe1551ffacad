"""psp init | load | validate: get data into the store."""

from __future__ import annotations

from pathlib import Path

import click

from psp_graph.cli.common import handle_errors, open_graph, progress_bar, session_sources, store_option
from psp_graph.exc import PspGraphError


@click.command()
@store_option
@handle_errors
def init(store: str | None) -> None:
    """Create the store and add the ontology's issues.

    Example: psp init --store sqlite:///team.db
    """
    with open_graph(store) as graph:
        graph.initialise()
        reader = graph.reader()
        stats = reader.stats()
        click.echo(f"store {reader.url} ready: {stats.nodes} nodes, {stats.links} links")


report_option = click.option(
    "--report",
    metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write every problem (file, sheet, row, level, field, value, message) to FILE: .json, else CSV.",
)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Load the valid records of each file in one change set and report the others.",
)
@click.option(
    "--source",
    "sources",
    multiple=True,
    help="Cite this source (title, URL or src: id) for every record that names none (default: PSP_SOURCE).",
)
@report_option
@store_option
@handle_errors
def load(
    files: tuple[Path, ...],
    skip_invalid: bool,
    sources: tuple[str, ...],
    report: Path | None,
    store: str | None,
) -> None:
    """Load FILES (YAML, CSV, XLSX, JSON, 360Giving, RDF; '-' reads YAML from stdin).

    Each file is loaded all-or-nothing: a file with an error writes nothing, and
    the files after it are not tried. With --skip-invalid the valid records load
    and the problems are written to --report (default: FILE.problems.csv beside it).

    Example: psp load seed_data/power_sharing_project.yaml
    """
    from psp_graph.io.load import load_file
    from psp_graph.io.problems import Problems

    everything = Problems()
    done: list[str] = []
    with open_graph(store, writes_facts=True) as graph:
        for index, path in enumerate(files):
            found = Problems()
            try:
                result = load_file(
                    graph,
                    path,
                    problems=found,
                    skip_invalid=skip_invalid,
                    progress=progress_bar,
                    default_sources=session_sources(sources),
                )
            except PspGraphError as err:
                everything.extend(found)
                if report is not None:
                    everything.write_report(report)
                rest = [str(p) for p in files[index + 1 :]]
                raise click.ClickException(_load_outcome(done, str(path), rest, str(err))) from None
            everything.extend(found)
            click.echo(f"{path}: {result.summary()}")
            if found.errors() or found.count("warning"):
                target = report or _beside(path)
                click.echo(
                    f"{path}: {found.count('error')} errors (those records not loaded), "
                    f"{found.count('warning')} warnings; see {target}",
                    err=True,
                )
                if report is None:
                    found.write_report(target)
            done.append(str(path))
    if report is not None:
        everything.write_report(report)


def _beside(path: Path) -> Path:
    return Path("stdin.problems.csv") if str(path) == "-" else path.with_name(path.name + ".problems.csv")


def _load_outcome(done: list[str], failed: str, rest: list[str], reason: str) -> str:
    parts = [f"loaded: {', '.join(done)}" if done else "loaded: none", f"failed: {reason}"]
    if rest:
        parts.append(f"not tried: {', '.join(rest)}")
    return "; ".join(parts)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@report_option
@store_option
@handle_errors
def validate(files: tuple[Path, ...], report: Path | None, store: str | None) -> None:
    """Check FILES against the ontology and the store; write nothing.

    Lists every problem, grouped and counted; --report writes each one.
    Exits with status 1 when any file has an error.

    Example: psp validate seed_data/illustrative_london.yaml
    """
    from psp_graph.backends import resolve_store_url
    from psp_graph.backends.sqlite import sqlite_path
    from psp_graph.io.load import check_file
    from psp_graph.io.problems import Problems

    url = resolve_store_url(store)
    path_of_store = sqlite_path(url)
    if path_of_store is not None and path_of_store != ":memory:" and not Path(path_of_store).exists():
        url = "sqlite://:memory:"  # nothing to check against, and validate never creates a store
    everything = Problems()
    with open_graph(url, read_only=True) as graph:
        for path in files:
            found = Problems()
            checked = check_file(graph, path, found)
            everything.extend(found)
            errors, warnings = found.count("error"), found.count("warning")
            if not found:
                result = checked.result
                click.echo(
                    f"{path}: ok; would create {result.created}, update {result.updated}, "
                    f"leave {result.unchanged} unchanged"
                )
                continue
            click.echo(f"{path}: {errors} errors, {warnings} warnings; {checked.valid} records are valid")
            for group in found.groups():
                rows = f" (rows {group.rows_text()})" if group.rows else ""
                sheet = f"sheet '{group.sheet}': " if group.sheet else ""
                click.echo(
                    f"  {group.count} × {group.level}: {sheet}{group.field or '-'}: {group.message}{rows}"
                )
    if report is not None:
        everything.write_report(report)
    failures = everything.errors()
    if failures:
        more = f" (and {len(failures) - 1} more errors, listed above)" if len(failures) > 1 else ""
        raise click.ClickException(failures[0].line() + more)
