"""The project's learning, read back: psp pin, psp pinboard, psp insights, psp brief.

Recording (events, insights, recommendations, ...) is psp record, in psp_graph/cli/record.py.
"""

from __future__ import annotations

from typing import Any

import click

from psp_graph.cli.common import emit, emit_text, handle_errors, open_graph, store_option, warn
from psp_graph.cli.recording import (
    Citation,
    about_links,
    citing,
    done,
    issue_option,
    need_name,
    node_id_for,
    resolve,
    write_record,
)

_LIST_FORMATS = click.Choice(["table", "csv", "json", "md", "html"])


@click.command()
@click.argument("title", required=False)
@click.option("--url", help="Where to read, hear or watch it (http or https).")
@click.option("--kind", help="article, report, podcast, video or toolkit.")
@click.option("--by", "pinned_by", help="Who pinned it (id or exact name).")
@click.option("--date", "pinned_on", help="When it was pinned (YYYY-MM-DD).")
@click.option("--published", "date", help="When it was published.")
@click.option("--publisher")
@click.option("--id", "node_id", help="An id such as pin:social-change-grid.")
@issue_option
@citing
@store_option
@handle_errors
def pin(
    store: str | None,
    title: str | None,
    url: str | None,
    node_id: str | None,
    pinned_by: str | None,
    pinned_on: str | None,
    issues: tuple[str, ...],
    cite: Citation,
    **fields: Any,
) -> None:
    """Pin a resource on the Resource Pinboard (needs a title and a URL).

    Example: psp pin "The Social Change Grid" --url https://example.org/grid --kind toolkit --by "Sheila McKechnie Foundation (SMK)"
    """
    name = need_name(title, "a pin")
    if not url or not url.strip().lower().startswith(("http://", "https://")):
        raise click.ClickException("a pin needs a URL starting with http:// or https:// (--url)")
    node: dict[str, Any] = {"name": name, "types": ["PinboardItem"], "url": url.strip()}
    node.update({k: v for k, v in fields.items() if v is not None})
    with open_graph(store) as graph:
        node["id"] = node_id_for(graph, "pin", name, node_id)
        links = about_links(graph, node["id"], issues)
        if pinned_by:
            link: dict[str, Any] = {"type": "PINNED", "from": resolve(graph, pinned_by), "to": node["id"]}
            if pinned_on:
                link["date"] = pinned_on
            links.append(link)
        result = write_record(graph, node, "pinboard", links, cite, "pin")
        done(result, node["id"])


def _list_options(func: Any) -> Any:
    func = click.option(
        "-o", "--output", metavar="FILE", default="-", help="Write to FILE instead of stdout."
    )(func)
    func = click.option("--format", "fmt", type=_LIST_FORMATS, default="table", show_default=True)(func)
    func = click.option("--issue", help="Only what concerns this issue (and its narrower issues).")(func)
    return func


def _emit_list(
    rows: list[dict[str, Any]], columns: tuple[str, ...], fmt: str, output: str, title: str
) -> None:
    from psp_graph.learning import render_rows

    if fmt in ("table", "json"):
        emit(rows, columns, fmt, output, title=title)
    else:
        emit_text(render_rows(rows, columns, fmt, title), output)


@click.command()
@_list_options
@click.option("--include-private", is_flag=True, help="Show private names (prints a warning).")
@store_option
@handle_errors
def pinboard(store: str | None, issue: str | None, fmt: str, output: str, include_private: bool) -> None:
    """The Resource Pinboard: what the community is reading, listening to and watching.

    Example: psp pinboard --issue food-poverty --format md -o pinboard.md
    """
    from psp_graph.learning import PINBOARD_COLUMNS, pinboard_rows

    if include_private:
        warn("showing private names: do not share this output")
    with open_graph(store) as graph:
        rows = pinboard_rows(graph, issue, include_private=include_private)
    _emit_list(rows, PINBOARD_COLUMNS, fmt, output, "Resource Pinboard")


@click.command()
@_list_options
@click.option("--stage", help="Only insights of this stage (1-5).")
@click.option("--include-private", is_flag=True, help="Show private names (prints a warning).")
@store_option
@handle_errors
def insights(
    store: str | None, issue: str | None, stage: str | None, fmt: str, output: str, include_private: bool
) -> None:
    """Insights with where they were raised and their evidence; unevidenced ones say so.

    Example: psp insights --stage 2 --format html -o insights.html
    """
    from psp_graph.learning import INSIGHT_COLUMNS, insight_rows

    if include_private:
        warn("showing private names: do not share this output")
    with open_graph(store) as graph:
        if stage is not None and graph.onto.vocabularies["Stage"].code(stage) is None:
            raise click.ClickException(f"no stage '{stage}'; stages are 1 to 5")
        code = graph.onto.vocabularies["Stage"].code(stage) if stage else None
        rows = insight_rows(graph, issue, code, include_private=include_private)
    _emit_list(rows, INSIGHT_COLUMNS, fmt, output, "Insights")


@click.command()
@click.option("--issue", required=True, help="The deep dive's issue, e.g. food-poverty.")
@click.option(
    "--format", "fmt", type=click.Choice(["html", "md"]), help="html or md (default: from -o, else md)."
)
@click.option("-o", "--output", metavar="FILE", default="-", help="Write to FILE instead of stdout.")
@click.option("--map", "map_link", metavar="PATH", help="Link this map (e.g. from psp map) in the brief.")
@store_option
@handle_errors
def brief(store: str | None, issue: str, fmt: str | None, output: str, map_link: str | None) -> None:
    """A publishable brief of one deep dive (stage 5): who holds money and seats, the gaps,
    burning issues, insights with evidence, recommendations and their targets, sources.
    Private people appear only as counts.

    Example: psp brief --issue food-poverty -o brief.html
    """
    from psp_graph.brief import build_brief, render_brief

    fmt = fmt or ("html" if output.lower().endswith((".html", ".htm")) else "md")
    if (
        map_link
        and ":" in map_link.split("/")[0]
        and not map_link.lower().startswith(("http://", "https://"))
    ):
        raise click.ClickException("--map takes a file path or an http(s) URL")
    with open_graph(store) as graph:
        text = render_brief(build_brief(graph, issue, map_link=map_link), fmt)
    emit_text(text, output)
    if output != "-":
        click.echo(f"wrote {output}", err=True)
