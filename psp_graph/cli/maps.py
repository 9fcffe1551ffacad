"""psp map: draw a self-contained HTML network map for workshops."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import click

from psp_graph.cli.common import (
    check_output,
    follow_symlinks_option,
    handle_errors,
    open_graph,
    store_option,
    warn,
)


@click.command("map")
@click.option("--issue", help="Only this issue and its narrower issues, e.g. housing.")
@click.option("--ego", metavar="ACTOR", help="Only what is near this actor (id or exact name).")
@click.option("--hops", type=click.IntRange(1, 5), default=2, show_default=True, help="Steps from --ego.")
@click.option(
    "--types", metavar="T,T", help="Only these node types (Funder, Charity) and/or link types (FUNDS)."
)
@click.option("--highlight", type=click.Choice(["gaps", "power", "funding"]), help="What to bring forward.")
@click.option("--workshop", is_flag=True, help="Large type and high contrast, for a projector.")
@click.option("--layout", metavar="NAME", help="Reuse and update the layout saved under NAME in the store.")
@click.option("--include-private", is_flag=True, help="Show private persons' names (prints a warning).")
@click.option("--title", help="The map's title (default: from the selection).")
@click.option("--place", help="Only grants for this place or a place within it: E09000030, Tower Hamlets.")
@click.option("--as-of", metavar="DATE", help="Only links valid on this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option(
    "--format",
    "fmt",
    metavar="html|png|pdf|svg",
    help="File type (default: from the -o suffix, else html). png, pdf and svg draw a poster.",
)
@click.option(
    "--diff-from",
    metavar="DATE|CHANGESET",
    help="Draw links added (green), changed (orange) and removed (grey dashed) since then (HTML only).",
)
@click.option("--source", metavar="SRC", help="Only links citing this source or event (id or title).")
@click.option(
    "--perspective",
    metavar="EVENT|GROUP",
    help="Only links recorded at this event, or at the events this group took part in.",
)
@follow_symlinks_option
@click.option("--paper", default="A3", show_default=True, metavar="A4|A3|A2|A1", help="Poster sheet size.")
@click.option(
    "--orientation",
    default="landscape",
    show_default=True,
    metavar="landscape|portrait",
    help="Poster sheet.",
)
@click.option("-o", "--output", metavar="FILE", help="File to write (default map.html, or map.FORMAT).")
@store_option
@handle_errors
def map_command(
    issue: str | None,
    ego: str | None,
    hops: int,
    types: str | None,
    highlight: str | None,
    workshop: bool,
    layout: str | None,
    include_private: bool,
    title: str | None,
    place: str | None,
    as_of: str | None,
    fmt: str | None,
    diff_from: str | None,
    source: str | None,
    perspective: str | None,
    paper: str,
    orientation: str,
    output: str | None,
    store: str | None,
) -> None:
    """Draw a self-contained HTML network map (no internet needed to open it), or a poster.

    Example: psp map --issue housing --workshop -o housing.html

    Example: psp map --issue housing --paper A3 -o housing-poster.pdf

    Example: psp map --issue housing --perspective event:housing-round-2 -o round-2.html

    Example: psp map --issue housing --diff-from 2020-05-12 -o changes.html
    """
    from psp_graph.maps import MapOptions

    suffix = output.rsplit(".", 1)[-1].lower() if output and "." in output else ""
    fmt = (fmt or (suffix if suffix in {"html", "png", "pdf", "svg"} else "html")).lower()
    output = output or f"map.{fmt}"
    check_output(output)
    chosen = tuple(t.strip() for t in (types or "").split(",") if t.strip())
    options = MapOptions(
        issue,
        ego,
        hops,
        chosen,
        highlight,
        workshop,
        layout,
        include_private,
        title,
        as_of,
        place=place,
        diff_from=diff_from,
    )
    if fmt != "html":
        from psp_graph.exc import InvalidData

        if diff_from is not None:
            raise InvalidData("--diff-from draws an HTML map only (use -o FILE.html)", field="diff-from")
        from psp_graph.maps.poster import FORMATS, PosterOptions

        if fmt not in FORMATS:
            raise InvalidData(
                f"unknown format '{fmt}' (choose from html, {', '.join(FORMATS)})", field="format"
            )
        poster = PosterOptions(fmt, paper, orientation).checked()  # bad names fail before any work
    with open_graph(store, read_only=layout is None) as graph:
        if source is None and perspective is None:
            page = _draw(graph, options, fmt, poster if fmt != "html" else None, output)
        else:
            from psp_graph.perspective import cited_by, view_of

            cited = ", ".join(
                graph.reader().node(i).name
                for i in sorted(cited_by(graph, source=source, perspective=perspective))
            )
            options = replace(options, recorded_by=cited)
            if title is None:
                scope = f" on {issue}" if issue else ""
                options = replace(options, title=f"What {cited} recorded{scope}")
            with view_of(graph, source=source, perspective=perspective) as view:
                if layout:  # start from, and add to, the layout saved in the real store
                    view.set_meta(f"layout:{layout}", graph.reader().meta(f"layout:{layout}") or "{}")
                page = _draw(view, options, fmt, poster if fmt != "html" else None, output)
                if layout:
                    from psp_graph.maps import load_layout, save_layout

                    merged = {**load_layout(graph.reader(), layout), **load_layout(view.reader(), layout)}
                    save_layout(graph, layout, merged)
    if include_private:
        warn(f"{output} shows {page.caption.private_shown} private persons by name; do not share it")
    sheet = f" on {paper.upper()} {orientation.lower()}" if fmt != "html" else ""
    click.echo(f"wrote {output}{sheet}: {page.nodes} nodes, {page.links} links ({page.caption.scope})")


def _draw(graph: Any, options: Any, fmt: str, poster: Any, output: str) -> Any:
    """Write the HTML map or the poster of ``graph``."""
    from psp_graph.maps import write_map

    if poster is None:
        return write_map(graph, options, output)
    from psp_graph.maps.poster import write_poster

    return write_poster(graph, options, poster, output)
