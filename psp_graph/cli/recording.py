"""The shared parts of the commands that record the project's learning (psp record in
psp_graph/cli/record.py, psp pin in psp_graph/cli/learning.py): what a record cites, one
all-or-nothing write of a node with its links, and resolving what the user typed."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import click

from psp_graph.cli.common import session_sources
from psp_graph.cli.edit import with_source_options

__all__ = [
    "Citation",
    "about_links",
    "citing",
    "done",
    "exists",
    "issue_option",
    "need_name",
    "node_id_for",
    "raised_option",
    "resolve",
    "resolve_all",
    "write_record",
]


@dataclass(frozen=True)
class Citation:
    """What a record command cites: its sources (--source, else PSP_SOURCE), the kind of a
    new source, and whether the record is made-up example data."""

    sources: tuple[str, ...]
    kind: str | None
    illustrative: bool | None


def citing(func: Any) -> Any:
    """--source, --source-kind, --confidence and --illustrative, handed to the command as
    one ``cite`` (a Citation); --confidence stays with the record's fields."""

    @functools.wraps(func)
    def wrapper(
        *args: Any,
        sources: tuple[str, ...] = (),
        source_kind: str | None = None,
        illustrative: bool | None = None,
        **kwargs: Any,
    ) -> Any:
        return func(*args, cite=Citation(session_sources(sources), source_kind, illustrative), **kwargs)

    return with_source_options(wrapper)


def write_record(
    graph: Any,
    node: dict[str, Any] | None,
    section: str,
    links: list[dict[str, Any]],
    cite: Citation,
    summary: str,
) -> Any:
    """One change set: new sources, the node and its links (all cite the same sources)."""
    from psp_graph.sources import cited_sources
    from psp_graph.validate import RawRecord

    sources, source_kind, illustrative = cite.sources, cite.kind, cite.illustrative
    ids, new_sources = cited_sources(graph.reader(include_private=True), sources, source_kind)
    records = [RawRecord("", None, "sources", s) for s in new_sources]
    extra: dict[str, Any] = {}
    if ids:
        extra["sources"] = ids
    if illustrative is not None:
        extra["illustrative"] = illustrative
    if node is not None:
        records.append(RawRecord("", None, section, {**node, **extra}))
    records += [RawRecord("", None, "links", {**link, **extra}) for link in links]
    return graph.load_records(records, summary=summary)


def node_id_for(graph: Any, prefix: str, name: str, given: str | None) -> str:
    from psp_graph.ids import slugify

    if given:
        return given if ":" in given else f"{prefix}:{given}"
    return f"{prefix}:{slugify(name)}"


def resolve(graph: Any, text: str) -> str:
    return str(graph.reader().resolve(text))


def resolve_all(graph: Any, texts: tuple[str, ...]) -> list[str]:
    return [resolve(graph, text) for text in texts]


def about_links(graph: Any, node_id: str, issues: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"type": "ABOUT", "from": node_id, "to": resolve(graph, text)} for text in issues]


def need_name(name: str | None, what: str) -> str:
    if not name or not name.strip():
        raise click.ClickException(f"{what} needs a title")
    return name.strip()


def exists(graph: Any, node_id: str) -> bool:
    from psp_graph.exc import NodeNotFound

    try:
        graph.reader(include_private=True).node(node_id)
    except NodeNotFound:
        return False
    return True


def done(result: Any, node_id: str) -> None:
    click.echo(f"{node_id}: {result.summary()}")


issue_option = click.option(
    "--issue",
    "issues",
    multiple=True,
    help="What it is about: a topical issue (food-poverty) or a burning issue (burning:...); repeatable.",
)
raised_option = click.option(
    "--raised-at", "raised_at", multiple=True, help="An event (or source) it was raised at; repeatable."
)
