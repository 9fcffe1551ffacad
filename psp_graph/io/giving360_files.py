"""Recognise 360Giving files and read their grant rows: JSON packages (``grants``
list, with ``publisher`` and ``license``), CSV with the standard's titles (UTF-8, or
Windows-1252 with a warning), and XLSX with such titles on any sheet.

Recognition is by content, not by name: a CSV or a sheet is a grant table when its
header (in one of its first five rows) has the standard's titles. The other sheets of
the standard's multi-sheet template (``Beneficiary Location``, ``Classifications``,
``Funding Org``, ...: a grant ``Identifier`` and one section's titles, one row per item)
are joined to their grants by that Identifier; a row naming no grant in the file is
reported, never dropped silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.io.giving360 import Cells, FileMeta, StoreLookup, records_from_360giving
from psp_graph.io.giving360_fields import (
    flatten_json_grant,
    is_360giving_header,
    is_360giving_part_header,
    normalise_title,
    text_of,
)
from psp_graph.io.problems import Problems
from psp_graph.records import RawRecord

__all__ = ["read_360giving"]

_HEADER_SEARCH_ROWS = 5


def read_360giving(
    path: Path,
    raw: bytes,
    fmt: str,
    *,
    problems: Problems,
    store: StoreLookup | None = None,
    issue_map: dict[str, list[str]] | None = None,
) -> list[RawRecord] | None:
    """The file's records if it is a 360Giving file, else None (problems go to ``problems``)."""
    digest = hashlib.sha256(raw).hexdigest()
    rows: Iterable[tuple[int | None, Cells]]
    display = str(path)
    name = path.name if str(path) != "-" else "stdin"
    if fmt == "json":
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None  # the general reader reports it
        if not (isinstance(data, dict) and isinstance(data.get("grants"), list)):
            return None
        publisher = data.get("publisher")
        meta = FileMeta(
            display,
            name,
            digest,
            publisher=str(publisher.get("name"))
            if isinstance(publisher, dict) and publisher.get("name")
            else None,
            licence=str(data["license"]) if data.get("license") else None,
        )
        rows = _json_rows(data["grants"], display, problems)
    elif fmt == "csv":
        table = _csv_table(raw, display, problems)
        if table is None:
            return None
        meta = FileMeta(display, name, digest)
        rows = table
    elif fmt in {"xlsx", "xlsm"}:
        sheets = _xlsx_tables(path, display, problems)
        if sheets is None:
            return None
        meta = FileMeta(display, name, digest)
        rows = sheets
    else:
        return None
    return records_from_360giving(meta, rows, problems=problems, store=store, issue_map=issue_map)


def _json_rows(grants: list[Any], display: str, problems: Problems) -> Iterator[tuple[int | None, Cells]]:
    for number, grant in enumerate(grants, start=1):
        if not isinstance(grant, dict):
            problems.error(display, number, None, None, "a grant must be a JSON object")
            continue
        yield number, flatten_json_grant(grant)


def _decode(raw: bytes, display: str, problems: Problems) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.warn(display, None, None, None, "not UTF-8; read as Windows-1252 (check accented names)")
        return raw.decode("cp1252", errors="replace")


def _csv_table(raw: bytes, display: str, problems: Problems) -> list[tuple[int | None, Cells]] | None:
    try:
        head = raw[:65536].decode("utf-8-sig", errors="replace")
        first = next(csv.reader(io.StringIO(head, newline="")), [])
    except csv.Error:
        return None
    if not is_360giving_header(first):
        return None
    reader = csv.reader(io.StringIO(_decode(raw, display, problems), newline=""))
    header = next(reader)
    rows: list[tuple[int | None, Cells]] = []
    try:
        # Rows are numbered as a spreadsheet shows them (a cell with line breaks is still one row).
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                problems.error(
                    display, line, None, None, f"has {len(values)} cells, the header has {len(header)}"
                )
                continue
            rows.append((line, list(zip(header, values, strict=False))))
    except csv.Error as err:
        problems.error(display, reader.line_num, None, None, f"not valid CSV: {err}")
    return rows


def _xlsx_tables(
    path: Path, display: str, problems: Problems | None = None
) -> Iterator[tuple[int | None, Cells]] | None:
    try:
        import openpyxl
    except ImportError:
        raise InvalidData(
            "reading .xlsx needs the xlsx extra (pip install 'psp-graph[xlsx]')", file=display
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises zipfile/KeyError/... for broken files
        raise InvalidData(f"not a valid .xlsx workbook ({type(err).__name__})", file=display) from None
    found: list[tuple[str, int, list[Any]]] = []
    parts: list[tuple[str, int, list[Any]]] = []
    for sheet in book.worksheets:
        for number, values in enumerate(sheet.iter_rows(values_only=True, max_row=_HEADER_SEARCH_ROWS), 1):
            if is_360giving_header(values):
                found.append((sheet.title, number, list(values)))
                break
            if is_360giving_part_header(values):
                parts.append((sheet.title, number, list(values)))
                break
    if not found:
        book.close()
        return None
    extra = _part_rows(book, parts, display, problems)

    def rows() -> Iterator[tuple[int | None, Cells]]:
        joined: set[str] = set()
        for title, header_row, header in found:
            ids = _identifier_column(header)
            for number, values in enumerate(
                book[title].iter_rows(values_only=True, min_row=header_row + 1), start=header_row + 1
            ):
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                cells = list(zip(header, values, strict=False))
                grant_id = text_of(values[ids]) if ids is not None and ids < len(values) else None
                if grant_id is not None and grant_id in extra:
                    cells += [cell for _, _, part in extra[grant_id] for cell in part]
                    joined.add(grant_id)
                yield number, cells
        book.close()
        for grant_id in sorted(set(extra) - joined):
            for sheet, number, _ in extra[grant_id]:
                if problems is not None:
                    problems.warn(
                        display,
                        number,
                        "Identifier",
                        grant_id,
                        f"sheet '{sheet}' refers to a grant that is not in the grants sheet; row left out",
                    )

    return rows()


def _identifier_column(header: list[Any]) -> int | None:
    """Where the grant's own Identifier is in a header (``Identifier``, not ``Funding Org:Identifier``)."""
    for index, title in enumerate(header):
        if title is not None and normalise_title(title) == "identifier":
            return index
    return None


def _part_rows(
    book: Any, parts: list[tuple[str, int, list[Any]]], display: str, problems: Problems | None
) -> dict[str, list[tuple[str, int, list[tuple[Any, Any]]]]]:
    """The rows of the template's other sheets (``Beneficiary Location``, ``Classifications``,
    ...: one row per item, keyed by the grant's Identifier), by grant id, each as its sheet,
    row number and cells without the Identifier."""
    by_grant: dict[str, list[tuple[str, int, list[tuple[Any, Any]]]]] = {}
    for title, header_row, header in parts:
        ids = _identifier_column(header)
        assert ids is not None  # is_360giving_part_header checked it
        for number, values in enumerate(
            book[title].iter_rows(values_only=True, min_row=header_row + 1), start=header_row + 1
        ):
            cells = [(t, v) for i, (t, v) in enumerate(zip(header, values, strict=False)) if i != ids]
            if all(v is None or (isinstance(v, str) and not v.strip()) for _, v in cells):
                continue
            grant_id = text_of(values[ids]) if ids < len(values) else None
            if grant_id is None:
                if problems is not None:
                    problems.error(
                        display, number, "Identifier", None, f"sheet '{title}': no grant Identifier"
                    )
                continue
            by_grant.setdefault(grant_id, []).append((title, number, cells))
    return by_grant
