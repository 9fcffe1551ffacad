"""Recognise 360Giving files and read their grant rows: JSON packages (``grants``
list, with ``publisher`` and ``license``), CSV with the standard's titles (UTF-8, or
Windows-1252 with a warning), and XLSX with such titles on any sheet.

Recognition is by content, not by name: a CSV or a sheet is a grant table when its
header (in one of its first five rows) has the standard's titles. The other sheets of
the standard's multi-sheet template (``Beneficiary Location``, ``Classifications``,
``Funding Org``, ...: a grant ``Identifier`` and one section's titles, one row per item)
are joined to their grants by that Identifier; a row naming no grant in the file is
reported, never dropped silently.

CSV and XLSX files are read as a stream, row by row (a CSV is first read once in
blocks for its content hash and to check its encoding). A JSON package is streamed
with ijson: one pass finds its publisher and licence (wherever they are) and checks
the JSON is well formed, a second yields ``grants`` one at a time; a package on
stdin is parsed whole.
The template's section sheets are read whole first (one row per item: small).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

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


def _hash_and_encoding(path: Path) -> tuple[str, bool]:
    """The file's sha256 and whether it is UTF-8, in one pass of 1 MiB blocks."""
    import codecs

    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = True
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            if utf8:
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    return digest.hexdigest(), utf8


def read_360giving(
    path: Path,
    raw: bytes | None,
    fmt: str,
    *,
    problems: Problems,
    store: StoreLookup | None = None,
    issue_map: dict[str, list[str]] | None = None,
) -> Iterator[RawRecord] | None:
    """The file's records if it is a 360Giving file, else None (problems go to ``problems``).

    ``raw`` is the file's content when it was read whole (JSON); CSV and XLSX files are
    streamed from ``path`` when ``raw`` is None."""
    if fmt == "csv" and raw is None:
        return _read_csv_stream(path, problems=problems, store=store, issue_map=issue_map)
    if fmt == "json" and raw is None:
        return _read_json_stream(path, problems=problems, store=store, issue_map=issue_map)
    if raw is None:
        raw = path.read_bytes() if fmt == "json" else b""
        digest = hashlib.sha256(raw).hexdigest() if raw else _hash_and_encoding(path)[0]
    else:
        digest = hashlib.sha256(raw).hexdigest()
    rows: Iterable[tuple[Any, ...]]
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
    elif fmt == "csv":  # read whole (stdin)
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


def _read_csv_stream(
    path: Path,
    *,
    problems: Problems,
    store: StoreLookup | None,
    issue_map: dict[str, list[str]] | None,
) -> Iterator[RawRecord] | None:
    with path.open("rb") as handle:
        head = handle.read(65536)
    try:
        first = next(csv.reader(io.StringIO(head.decode("utf-8-sig", errors="replace"), newline="")), [])
    except csv.Error:
        return None
    if not is_360giving_header(first):
        return None
    display = str(path)
    digest, utf8 = _hash_and_encoding(path)
    if not utf8:
        problems.warn(display, None, None, None, "not UTF-8; read as Windows-1252 (check accented names)")
    meta = FileMeta(display, path.name, digest)

    def rows() -> Iterator[tuple[int | None, Cells]]:
        encoding = "utf-8-sig" if utf8 else "cp1252"
        with path.open(encoding=encoding, errors="strict" if utf8 else "replace", newline="") as text:
            yield from _csv_rows(csv.reader(text), display, problems)

    return records_from_360giving(meta, rows(), problems=problems, store=store, issue_map=issue_map)


_OPENS = frozenset({"start_map", "start_array"})
_CLOSES = frozenset({"end_map", "end_array"})


def _open_json(path: Path) -> BinaryIO:
    """The file opened for ijson, after a UTF-8 byte order mark if there is one."""
    handle = path.open("rb")
    if handle.read(3) != b"\xef\xbb\xbf":
        handle.seek(0)
    return handle


def _json_package(path: Path) -> tuple[dict[str, str], int] | None:
    """One pass over a JSON file's parse events: its ``publisher.name`` and ``license``
    (they may follow the grants) and how many grants it has, or None when it is not a
    360Giving package (no ``grants`` list at the top). Raises InvalidData, naming the grant
    it was reading, when a package turns out not to be well-formed JSON or nests too deep.

    Events without paths (``basic_parse``) and a depth count: a path per event would
    grow with the nesting (quadratic on a file nested 100,000 deep)."""
    import ijson

    from psp_graph.io.limits import MAX_DEPTH

    found: dict[str, str] = {}
    grants = -1  # -1: no grants list seen (yet)
    in_grants = False  # the grants list is the open container at depth 2
    depth = 0
    top_key = inner_key = None
    try:
        handle = _open_json(path)
    except OSError:
        return None  # the general reader says why
    with handle:
        try:
            for event, value in ijson.basic_parse(handle):
                if event in _OPENS:
                    if depth == 0 and event != "start_map":
                        return None  # a list at the top: not a package
                    depth += 1
                    if depth > MAX_DEPTH:
                        if grants < 0:
                            return None  # the general reader refuses it
                        raise InvalidData(
                            f"nested more than {MAX_DEPTH} levels deep", file=str(path), row=grants + 1
                        )
                    if depth == 2 and top_key == "grants" and event == "start_array":
                        in_grants, grants = True, 0
                elif event in _CLOSES:
                    depth -= 1
                    if depth == 2 and in_grants:
                        grants += 1  # a grant (an object, or a list) ended
                    elif depth == 1:
                        in_grants = False
                elif event == "map_key":
                    if depth == 1:
                        top_key = value
                    elif depth == 2:
                        inner_key = value
                elif depth == 2 and in_grants:
                    grants += 1  # a grant that is a plain value (reported by the row reader)
                elif depth == 1 and top_key == "license" and event in {"string", "number"}:
                    found.setdefault("license", str(value))
                elif (
                    depth == 2
                    and top_key == "publisher"
                    and inner_key == "name"
                    and event in {"string", "number"}
                ):
                    found.setdefault("publisher.name", str(value))
        except ijson.JSONError as err:
            if grants < 0:
                return None  # not recognisably a package: the general reader reports it
            reason = str(err).strip().splitlines()[0] if str(err).strip() else "unexpected end"
            raise InvalidData(
                f"not valid JSON in or after grant {grants + 1}: {reason}", file=str(path), row=grants + 1
            ) from None
    return (found, grants) if grants >= 0 else None


def _read_json_stream(
    path: Path,
    *,
    problems: Problems,
    store: StoreLookup | None,
    issue_map: dict[str, list[str]] | None,
) -> Iterator[RawRecord] | None:
    package = _json_package(path)
    if package is None:
        return None
    found, _ = package
    display = str(path)
    digest, _ = _hash_and_encoding(path)
    meta = FileMeta(
        display, path.name, digest, publisher=found.get("publisher.name"), licence=found.get("license")
    )

    def grants() -> Iterator[Any]:
        import ijson

        with _open_json(path) as handle:
            yield from ijson.items(handle, "grants.item", use_float=True)

    rows = _json_rows(grants(), display, problems)
    return records_from_360giving(meta, rows, problems=problems, store=store, issue_map=issue_map)


def _csv_rows(reader: Any, display: str, problems: Problems) -> Iterator[tuple[int | None, Cells]]:
    header = next(reader)
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
            yield line, list(zip(header, values, strict=False))
    except csv.Error as err:
        problems.error(display, reader.line_num, None, None, f"not valid CSV: {err}")


def _json_rows(grants: Iterable[Any], display: str, problems: Problems) -> Iterator[tuple[int | None, Cells]]:
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


def _csv_table(raw: bytes, display: str, problems: Problems) -> Iterator[tuple[int | None, Cells]] | None:
    try:
        head = raw[:65536].decode("utf-8-sig", errors="replace")
        first = next(csv.reader(io.StringIO(head, newline="")), [])
    except csv.Error:
        return None
    if not is_360giving_header(first):
        return None
    return _csv_rows(csv.reader(io.StringIO(_decode(raw, display, problems), newline="")), display, problems)


def _xlsx_tables(
    path: Path, display: str, problems: Problems | None = None
) -> Iterator[tuple[int | None, Cells, str]] | None:
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

    def rows() -> Iterator[tuple[int | None, Cells, str]]:
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
                yield number, cells, title
        book.close()
        for grant_id in sorted(set(extra) - joined):
            for sheet, number, _ in extra[grant_id]:
                if problems is not None:
                    problems.warn(
                        display,
                        number,
                        "Identifier",
                        grant_id,
                        "refers to a grant that is not in the grants sheet; row left out",
                        sheet=sheet,
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
                    problems.error(display, number, "Identifier", None, "no grant Identifier", sheet=title)
                continue
            by_grant.setdefault(grant_id, []).append((title, number, cells))
    return by_grant
