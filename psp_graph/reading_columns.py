"""The rows of the read door's column reads that are made in Python: for a store
without the ``ColumnStore`` ability, links filtered by date, issue and end as
``(id, type, source, target, *attribute values)``; for any store, list values
decoded from the JSON text the store gives. No privacy here: :class:`~psp_graph.reading.Reader`
checks which attributes may be read before it calls these.

>>> from psp_graph.records import StoredLink
>>> links = [StoredLink("l1", "FUNDS", "org:a", "org:b", {"amount_minor": 500, "valid_to": "2019-12-31"})]
>>> link_columns_of(links, ["amount_minor"])
[('l1', 'FUNDS', 'org:a', 'org:b', 500)]
>>> link_columns_of(links, ["amount_minor"], as_of="2020-06-01")
[]
>>> decoded_rows([("l1", '["issue:housing"]')], [1])
[('l1', ['issue:housing'])]
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from psp_graph.records import StoredLink

__all__ = ["decoded_rows", "link_columns_of"]


def link_columns_of(
    links: Iterable[StoredLink],
    attributes: Sequence[str],
    *,
    as_of: str | None = None,
    issues: Collection[str] | None = None,
    ids: bool = True,
    touching: Collection[str] | None = None,
) -> list[tuple[Any, ...]]:
    """The links as the rows of :meth:`psp_graph.reading.Reader.link_columns`, in the
    order given: those that hold on ``as_of``, concern one of ``issues`` (their target
    is one, or their ``issues`` attribute names one) and have an end among ``touching``,
    when given; absent values are None; the id is None with ``ids=False``."""
    wanted = None if issues is None else set(issues)
    ends = None if touching is None else set(touching)
    found = []
    for link in links:
        if ends is not None and link.source not in ends and link.target not in ends:
            continue
        props = link.props
        if as_of is not None:
            start, end = props.get("valid_from"), props.get("valid_to")
            if (start is not None and start > as_of) or (end is not None and end < as_of):
                continue
        if wanted is not None and link.target not in wanted and not wanted & set(props.get("issues", [])):
            continue
        found.append(
            (
                link.id if ids else None,
                link.type,
                link.source,
                link.target,
                *(props.get(a) for a in attributes),
            )
        )
    return found


def decoded_rows(rows: list[tuple[Any, ...]], positions: list[int]) -> list[tuple[Any, ...]]:
    """The rows with the lists at these positions decoded from JSON. Few distinct
    lists recur over many rows (``["housing"]``): each text is decoded once, and
    every row gets its own copy."""
    decoded: dict[str, Any] = {}
    found = []
    for row in rows:
        values = list(row)
        for i in positions:
            text = values[i]
            if text is not None:
                value = decoded.get(text)
                if value is None:
                    value = decoded[text] = json.loads(text)
                values[i] = value.copy() if isinstance(value, list | dict) else value
        found.append(tuple(values))
    return found
