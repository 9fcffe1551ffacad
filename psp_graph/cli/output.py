"""Writing rows for people and programs: tables capped, CSV and JSON streamed.

A table is for reading, so it shows at most :data:`TABLE_ROWS` rows and says how
many more there are; CSV and JSON are for programs, so they carry every row and
are written row by row (no second copy of a large result as one string).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

__all__ = ["TABLE_ROWS", "capped", "open_output", "write_csv", "write_json"]

TABLE_ROWS = 100
"""Rows a table shows before it says how many more there are."""


@contextmanager
def open_output(output: str, *, append: bool = False, follow: bool = False) -> Iterator[IO[str]]:
    """stdout for '-', else the file (appended to with ``append``; a symbolic link is
    not followed unless ``follow``)."""
    if output == "-":
        yield sys.stdout
        return
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    with open(os.open(output, flags, 0o666), "w", encoding="utf-8", newline="") as handle:
        yield handle


def write_csv(out: IO[str], rows: Sequence[dict[str, Any]], columns: Sequence[str], cell: Any) -> None:
    """A header and one line per row, written as they are made."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])


def write_json(out: IO[str], rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """A JSON array of objects (two-space indent, as before), one row at a time."""
    if not rows:
        out.write("[]\n")
        return
    out.write("[\n")
    for n, row in enumerate(rows):
        text = json.dumps({c: row.get(c) for c in columns}, indent=2, ensure_ascii=False)
        out.write("  " + text.replace("\n", "\n  ") + (",\n" if n < len(rows) - 1 else "\n"))
    out.write("]\n")


def capped(rows: Sequence[dict[str, Any]], limit: int = TABLE_ROWS) -> tuple[Sequence[dict[str, Any]], str]:
    """The rows a table shows, and the line that says what was left out ('' when nothing)."""
    if len(rows) <= limit:
        return rows, ""
    more = len(rows) - limit
    return rows[:limit], f"… {more:,} more rows; use --format csv or --limit\n"


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None, width: int = 120) -> str:
    """A boxed text table (heavy header, long cells folded to fit ``width``), drawn
    without rich: a table of 100 rows takes milliseconds and imports nothing."""
    if not rows:
        return f"{title + ': ' if title else ''}no results\n"
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    natural = [
        max([len(c), *(max(map(len, r[i].splitlines() or [""])) for r in cells)])
        for i, c in enumerate(columns)
    ]
    widths = _fit(natural, width - 3 * len(columns) - 1)
    lines = [title] if title else []
    lines.append("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓")
    lines += _cells_lines(list(columns), widths, "┃")
    lines.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    for row in cells:
        lines += _cells_lines(row, widths, "│")
    lines.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return "\n".join(lines) + "\n"


def _fit(natural: list[int], room: int) -> list[int]:
    """Column widths: the natural ones when they fit, else the widest shrunk first."""
    widths = list(natural)
    while sum(widths) > max(room, len(widths)) and max(widths) > 1:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return widths


def _cells_lines(values: list[str], widths: list[int], bar: str) -> list[str]:
    folded = [_fold(v, w) for v, w in zip(values, widths, strict=True)]
    height = max(len(f) for f in folded)
    return [
        bar
        + bar.join(f" {(f[i] if i < len(f) else ''):<{w}} " for f, w in zip(folded, widths, strict=True))
        + bar
        for i in range(height)
    ]


def _fold(text: str, width: int) -> list[str]:
    import textwrap

    out: list[str] = []
    for line in text.splitlines() or [""]:
        out += textwrap.wrap(line, width, break_long_words=True, break_on_hyphens=False) or [""]
    return out
