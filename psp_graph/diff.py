"""What changed between two workshop rounds: links added, removed and changed.

The links as they stood at a point (a date, or just after a change set) are
rebuilt by replaying the history log up to that point, read through the
:class:`~psp_graph.reading.Reader` door. The log holds no personal data, and
the ends of each link are named by the reader, so a private person appears by
pseudonym. O(changes in the log).

>>> from psp_graph.graph import Graph
>>> with Graph.open("sqlite://:memory:") as graph:
...     for name, kind in (("Northbank Council", "PublicBody"), ("Quillmead Renters Forum", "CommunityGroup")):
...         _ = graph.add({"name": name, "types": [kind]}, section="actors")
...     first = graph.add({"type": "INVOLVES", "from": "org:northbank-council",
...                        "to": "org:quillmead-renters-forum", "rung": "informing"}, section="links").changeset
...     _ = graph.add({"type": "INVOLVES", "from": "org:northbank-council",
...                    "to": "org:quillmead-renters-forum", "rung": "partnership"}, section="links")
...     [(d.status, d.details) for d in link_diff(graph.reader(), first, None)]
[('changed', 'rung: informing → partnership')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.history import PROVENANCE_KEYS
from psp_graph.reading import Reader
from psp_graph.records import ChangeSet
from psp_graph.values import parse_date

__all__ = ["LinkChange", "diff_rows", "link_diff", "links_at"]

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T[\d:.]+")


@dataclass(frozen=True)
class LinkChange:
    """One link added, removed or changed between two points, with its ends as the reader shows them."""

    status: str  # added | removed | changed
    link: str
    type: str
    source: str
    target: str
    details: str


def _cut(reader: Reader, point: str | None) -> tuple[list[ChangeSet], str]:
    """The change sets up to ``point`` (oldest first) and how the point reads in a title."""
    every = sorted(reader.changesets(), key=lambda cs: (cs.at, cs.id))
    if point is None or point in ("now", "last"):
        return every, "now"
    back = re.fullmatch(r"last~(\d+)", point)
    if back:  # the state before the newest N change sets
        return every[: max(0, len(every) - int(back.group(1)))], point
    if point.startswith("cs-"):
        ids = [cs.id for cs in every]
        if point not in ids:
            raise InvalidData(f"no change set '{point}' (see psp history)", field="from/to")
        return every[: ids.index(point) + 1], point
    if _TIMESTAMP.match(point):
        return [cs for cs in every if cs.at[: len(point)] <= point], point
    try:
        day = parse_date(point).isoformat()
    except InvalidData as err:
        raise InvalidData(
            f"{err.reason} (or give a change set id cs-…, or last~N)", field="from/to"
        ) from None
    prefix = day[: len(point)] if len(point) in (4, 7) else day  # 2020 or 2020-05: the whole year or month
    return [cs for cs in every if cs.at[: len(prefix)] <= prefix], point


def links_at(reader: Reader, point: str | None) -> dict[str, dict[str, Any]]:
    """Every link as the history log held it at ``point`` (a date, a timestamp, a change set id,
    ``last~N`` for before the newest N change sets, or None for now): ``{link_id: {"type", "source", "target", "props"}}``."""
    links: dict[str, dict[str, Any]] = {}
    for changeset in _cut(reader, point)[0]:
        for change in reader.changes(changeset.id):
            if change.entity != "link" or change.op == "erase":
                continue
            if change.op == "delete" or change.after is None:
                links.pop(change.entity_id, None)
            else:
                links[change.entity_id] = change.after
    return links


def _fact(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k not in PROVENANCE_KEYS and k != "redacted"}


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(map(str, value)) or "—"
    return "—" if value in (None, "") else str(value)


def link_diff(reader: Reader, start: str | None, end: str | None) -> list[LinkChange]:
    """Links added, removed and changed from ``start`` to ``end`` (None: now), sorted by status and link."""
    if start is None:
        raise InvalidData("say where to compare from: --from DATE or --from CHANGESET", field="from")
    before, after = links_at(reader, start), links_at(reader, end)
    changes: list[LinkChange] = []
    for link_id in sorted(before.keys() | after.keys()):
        old, new = before.get(link_id), after.get(link_id)
        if old is not None and new is not None:
            a, b = _fact(old.get("props") or {}), _fact(new.get("props") or {})
            moved = [
                f"{k}: {_show(a.get(k))} → {_show(b.get(k))}"
                for k in sorted(a.keys() | b.keys())
                if a.get(k) != b.get(k)
            ]
            if not moved:
                continue
            changes.append(
                LinkChange("changed", link_id, new["type"], new["source"], new["target"], ", ".join(moved))
            )
        else:
            item = new if new is not None else old
            assert item is not None
            status = "added" if new is not None else "removed"
            facts = _fact(item.get("props") or {})
            details = ", ".join(
                f"{k}={_show(v)}"
                for k, v in sorted(facts.items())
                if k != "sources" and v not in (None, "", [], False)
            )
            changes.append(LinkChange(status, link_id, item["type"], item["source"], item["target"], details))
    order = {"added": 0, "changed": 1, "removed": 2}
    return sorted(changes, key=lambda c: (order[c.status], c.link))


def diff_rows(reader: Reader, changes: list[LinkChange]) -> list[dict[str, Any]]:
    """Rows for a table: ends named by the reader (pseudonyms for private nodes, ids for deleted ones)."""
    ends = reader.nodes({e for c in changes for e in (c.source, c.target)})
    return [
        {
            "change": c.status,
            "type": c.type,
            "from": ends[c.source].name if c.source in ends else c.source,
            "to": ends[c.target].name if c.target in ends else c.target,
            "details": c.details,
            "link": c.link,
        }
        for c in changes
    ]
