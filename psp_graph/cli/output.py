"""Writing rows for people and programs: tables capped, CSV and JSON streamed.

A table is for reading, so it shows at most :data:`TABLE_ROWS` rows and says how
many more there are; CSV and JSON are for programs, so they carry every row and
are written row by row (no second copy of a large result as one string).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

__all__ = [
    "TABLE_ROWS",
    "capped",
    "json_chunks",
    "open_output",
    "prose",
    "table",
    "write_buffered",
    "write_csv",
    "write_json",
]

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


_BLOCK = 1 << 16  # characters gathered before a write: one system call per block, not per row


def write_buffered(out: IO[str], pieces: Iterable[str]) -> None:
    """Write text pieces in blocks (an unbuffered stdout would otherwise make a system
    call for each)."""
    block: list[str] = []
    size = 0
    for piece in pieces:
        block.append(piece)
        size += len(piece)
        if size >= _BLOCK:
            out.write("".join(block))
            block, size = [], 0
    if block:
        out.write("".join(block))


def write_csv(out: IO[str], rows: Sequence[dict[str, Any]], columns: Sequence[str], cell: Any) -> None:
    """A header and one line per row, written as they are made (in blocks)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
        if buffer.tell() >= _BLOCK:
            out.write(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
    out.write(buffer.getvalue())


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


def json_chunks(value: Any) -> Iterator[str]:
    """The text of ``json.dumps(value, indent=2, ensure_ascii=False)`` and a newline, a
    piece at a time: a sequence that is not a list or tuple (rows read as they are used)
    is iterated once, so a node's 100,000 link rows are written without holding them all."""
    yield from _json_pieces(value, "")
    yield "\n"


def _json_pieces(value: Any, indent: str) -> Iterator[str]:
    inner = indent + "  "
    if isinstance(value, dict) and value:
        yield "{"
        for n, (key, item) in enumerate(value.items()):
            yield f"{',' if n else ''}\n{inner}{_dumps(_key(key))}: "
            yield from _json_pieces(item, inner)
        yield f"\n{indent}}}"
    elif isinstance(value, Sequence) and not isinstance(value, str | list | tuple):
        empty = True  # rows read as they are used: one at a time
        for item in value:
            yield f"{'[' if empty else ','}\n{inner}{_json_text(item, inner)}"
            empty = False
        yield "[]" if empty else f"\n{indent}]"
    else:
        yield _json_text(value, indent)


def _json_text(value: Any, indent: str) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` nested at ``indent`` (its own
    few lines for each row: the standard encoder is pure Python once it indents)."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ",".join(f"\n{inner}{_dumps(_key(k))}: {_json_text(v, inner)}" for k, v in value.items())
        return f"{{{items}\n{indent}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return f"[{','.join(f'{chr(10)}{inner}{_json_text(v, inner)}' for v in value)}\n{indent}]"
    return _dumps(value)


_dumps = json.JSONEncoder(ensure_ascii=False).encode


def _key(key: Any) -> str:
    """A dict key as JSON writes it (``True`` -> ``true``, ``1`` -> ``1``)."""
    return key if isinstance(key, str) else _dumps(key)


def capped(rows: Sequence[dict[str, Any]], limit: int = TABLE_ROWS) -> tuple[Sequence[dict[str, Any]], str]:
    """The rows a table shows, and the line that says what was left out ('' when nothing)."""
    if len(rows) <= limit:
        return rows, ""
    more = len(rows) - limit
    return rows[:limit], f"… {more:,} more rows; use --format csv or --limit\n"


def terminal_width() -> int:
    """The terminal's columns (``COLUMNS`` first); 80 when the output is a file or a pipe."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def prose(text: str, width: int | None = None) -> str:
    """A paragraph folded to the terminal's width (80 when piped); words never break."""
    import textwrap

    return textwrap.fill(text, width or terminal_width(), break_long_words=False, break_on_hyphens=False)


def table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str | None, width: int | None = None
) -> str:
    """A boxed text table (heavy header, long cells folded to fit ``width``, the terminal's
    by default), drawn without rich: a table of 100 rows takes milliseconds and imports
    nothing. Words and numbers are kept whole (up to 24 characters), and a header breaks
    only after its underscores (``money_granted_minor``); rows that cannot be shown so in
    ``width`` are shown as one block each instead (:func:`_records`)."""
    if not rows:
        return f"{title + ': ' if title else ''}no results\n"
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    content = [max(max(map(len, r[i].splitlines() or [""])) for r in cells) for i in range(len(columns))]
    natural = [max(len(c), content[i]) for i, c in enumerate(columns)]
    least = [
        min(
            natural[i],
            max(
                min(_WORD, max((len(w) for r in cells for w in _words(r[i])), default=0)),
                min(6, max(len(p) for p in _HEADER_PARTS.findall(c) or [""])),
                3,
            ),
        )
        for i, c in enumerate(columns)
    ]
    room = (width or terminal_width()) - 3 * len(columns) - 1
    # Headers stay whole (up to 12 characters) while cells fold between words: "betweenness"
    # rather than "betweenn" over "ess". When even that does not fit, one block per row.
    headers = [max(least[i], min(natural[i], _longest_part(c))) for i, c in enumerate(columns)]
    if sum(headers) > room and len(columns) > 1:
        return _records(cells, columns, title, width or terminal_width())
    # First only headers fold, after their underscores ("experience" stays whole); then the
    # widest columns shrink, keeping words whole; then words break, but numbers only last:
    # a number over two lines reads as two numbers.
    whole = [min(natural[i], max(content[i], least[i], _longest_part(c))) for i, c in enumerate(columns)]
    numbers = [
        content[i] if all(_NUMBER.fullmatch(r[i]) for r in cells if r[i]) else min(3, natural[i])
        for i in range(len(columns))
    ]
    widths = _fit(natural, whole, headers, least, numbers, room)
    lines = [title] if title else []
    lines.append("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓")
    lines += _cells_lines(list(columns), widths, "┃", header=True)
    lines.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    for row in cells:
        lines += _cells_lines(row, widths, "│")
    lines.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return "\n".join(lines) + "\n"


_WORD = 24  # a single word or number wider than this may be broken
_BREAKS = re.compile(r"\s+|(?<=[^\W\d]-)(?=[^\W\d])")  # spaces, and after a hyphen between letters


_HEADER_PARTS = re.compile(r"[^_]+_*|_+")
_NUMBER = re.compile(r"-?[\d.,]+(e[-+]?\d+)?%?")


def _longest_part(header: str) -> int:
    """The widest piece of a column name between underscores (at most 12)."""
    return min(12, max((len(p) for p in _HEADER_PARTS.findall(header)), default=0))


def _words(text: str) -> list[str]:
    """The pieces a cell may be folded between: "lived-experience" → "lived-", "experience"."""
    return _BREAKS.split(text)


def _fit(
    natural: list[int],
    content: list[int],
    headers: list[int],
    least: list[int],
    numbers: list[int],
    room: int,
) -> list[int]:
    """Column widths: the natural ones when they fit; else headers fold first (down to
    ``content``), then the widest shrinks first keeping words and header parts whole
    (``headers``), then headers break (``least``), then words break in columns of text
    (``numbers`` keeps number columns whole), and only then in every column (none below 3)."""
    widths = list(natural)
    for floor in (content, headers, least, numbers, [min(3, n) for n in natural]):
        while sum(widths) > room:
            shrinkable = [i for i, w in enumerate(widths) if w > floor[i]]
            if not shrinkable:
                break
            widths[max(shrinkable, key=lambda i: widths[i])] -= 1
    return widths


def _records(cells: list[list[str]], columns: Sequence[str], title: str | None, width: int) -> str:
    """Rows too wide for a table at ``width``, one block each (as psql's expanded display):
    a numbered rule, then a line per column with its name and its value, folded only when
    the value is wider than the room beside the name. Every line fits ``width``."""
    label = min(max(map(len, columns)), max(3, width // 3))
    room = max(1, width - label - 2)
    lines = [title] if title else []
    for n, row in enumerate(cells, start=1):
        rule = f"─[ {n} ]"
        lines.append(rule + "─" * max(0, min(width, 40) - len(rule)))
        for name, value in zip(columns, row, strict=True):
            names, values = _fold_header(name, label), _fold(value, room)
            for i in range(max(len(names), len(values))):
                left = names[i] if i < len(names) else ""
                right = values[i] if i < len(values) else ""
                lines.append(f"{left:<{label}}  {right}".rstrip())
    return "\n".join(lines) + "\n"


def _cells_lines(values: list[str], widths: list[int], bar: str, *, header: bool = False) -> list[str]:
    fold = _fold_header if header else _fold
    folded = [fold(v, w) for v, w in zip(values, widths, strict=True)]
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
        out += textwrap.wrap(line, width, break_long_words=True, break_on_hyphens=True) or [""]
    return out


def _fold_header(text: str, width: int) -> list[str]:
    """A column name over lines, broken after underscores where it can be."""
    lines = [""]
    for part in _HEADER_PARTS.findall(text):
        if lines[-1] and len(lines[-1]) + len(part) > width:
            lines.append("")
        while len(part) > width:  # wider than the column on its own: broken where it must be
            lines[-1] += part[:width]
            part = part[width:]
            lines.append("")
        lines[-1] += part
    return [line for line in lines if line] or [""]
