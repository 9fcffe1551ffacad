"""Sources cited as people type them: an existing ``src:`` id, or text (a title or
URL) that becomes a new Source node.

>>> from psp_graph.graph import Graph
>>> with Graph.open("sqlite://:memory:") as graph:
...     cited_sources(graph.reader(), ["Community of practice session, March 2020"], "workshop")
(['src:community-of-practice-session-march-2020'], [{'id': 'src:community-of-practice-session-march-2020', 'name': 'Community of practice session, March 2020', 'types': ['Source'], 'kind': 'workshop'}])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from psp_graph.ids import slugify
from psp_graph.privacy import opaque_id
from psp_graph.reading import Reader

__all__ = ["cited_sources"]


def cited_sources(
    reader: Reader, texts: Iterable[str], kind: str | None
) -> tuple[list[str], list[dict[str, Any]]]:
    """The source ids for ``texts``, and the records of the sources to create."""
    ids: list[str] = []
    new: list[dict[str, Any]] = []
    for text in texts:
        if text.startswith(("src:", "event:")) and reader.has(text):  # an event a fact was heard at
            ids.append(text)
            continue
        source_id = text if text.startswith("src:") else f"src:{slugify(text)[:60]}"
        if not reader.has(source_id) and reader.has(opaque_id("src", text)):
            source_id = opaque_id("src", text)  # cited before, and made private as it names a person
        if not reader.has(source_id) and source_id not in {r["id"] for r in new}:
            record: dict[str, Any] = {"id": source_id, "name": text.removeprefix("src:"), "types": ["Source"]}
            if kind:
                record["kind"] = kind
            if text.startswith(("http://", "https://")):
                record["url"] = text
            new.append(record)
        ids.append(source_id)
    return ids, new
