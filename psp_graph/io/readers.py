"""Read YAML, CSV, XLSX and JSON files into RawRecords that know their file and row.

Formats (see docs/data-format.md):
- YAML/JSON: top-level sections ``sources``, ``actors``, ``issues``, ``resources``,
  ``decision_spaces``, ``initiatives``, ``links``, each a list of records.
- CSV: one record per row; a file with ``from``/``to`` columns holds links,
  otherwise nodes (class from the ``types`` column). Lists are ``;``-separated.
- XLSX: one sheet per section, named like the YAML sections, header in row 1.

Hostile files fail with one line, never a traceback or a memory blow-up: the limits
and the guarded reads of whole files and YAML are in psp_graph.io.limits.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.io import INPUT_FORMATS, input_formats_text
from psp_graph.io.giving360 import StoreLookup
from psp_graph.io.limits import (
    MAX_CELL_CHARS,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_LINE_BYTES,
    MAX_STREAM_BYTES,
    check_depth_and_cells,
    check_xlsx_parts,
    load_yaml,
    read_bytes,
    read_text,
    too_big,
    too_deep,
)
from psp_graph.io.problems import Problems
from psp_graph.validate import SECTION_KINDS, RawRecord

__all__ = ["MAX_CELL_CHARS", "MAX_DEPTH", "MAX_FILE_BYTES", "SECTIONS", "read_records"]

SECTIONS = (*SECTION_KINDS, "links")


def _is_360giving_csv(path: Path) -> bool:
    """Whether a CSV's first line has the 360Giving standard's titles, reading only that
    line: other CSV files are then read as a stream, in bounded memory."""
    from psp_graph.io.giving360_fields import is_360giving_header

    if str(path) == "-":
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(65536).decode("utf-8-sig", errors="replace")
        first = next(csv.reader(io.StringIO(head, newline="")), [])
    except (OSError, csv.Error):
        return False  # the CSV reader reports it
    return is_360giving_header(first)


def read_records(
    path: Path,
    fmt: str | None = None,
    *,
    store: StoreLookup | None = None,
    problems: Problems | None = None,
    issue_map: dict[str, list[str]] | None = None,
) -> Iterator[RawRecord]:
    """Yield the records of a file; raise InvalidData (with file and row) if it is malformed.

    360Giving files (JSON, CSV or XLSX, recognised by their content) are read by
    psp_graph.io.giving360; their problems go to ``problems`` when given (rows with
    errors yield nothing), else the first error is raised. ``store`` finds actors
    already in the store by org-id.
    """
    fmt = (fmt or path.suffix.lstrip(".") or "yaml").lower()
    if fmt in {*INPUT_FORMATS["json"], *INPUT_FORMATS["xlsx"]} or (fmt == "csv" and _is_360giving_csv(path)):
        from psp_graph.io.classifications import read_classification_map
        from psp_graph.io.giving360_files import read_360giving

        sink = problems if problems is not None else Problems()
        if fmt in INPUT_FORMATS["xlsx"]:
            check_xlsx_parts(path)  # before openpyxl looks for the standard's titles
        # Published grant files are big (a year of UK grants is hundreds of MB): the stream limit.
        # CSV, XLSX and JSON files are read as a stream; stdin is read whole.
        streamed = fmt in {"csv", *INPUT_FORMATS["xlsx"]} or (fmt == "json" and str(path) != "-")
        raw = None if streamed else read_bytes(path, MAX_STREAM_BYTES)
        if raw is None:
            too_big(path, MAX_STREAM_BYTES)
        try:
            grants = read_360giving(
                path, raw, fmt, problems=sink, store=store, issue_map=issue_map or read_classification_map()
            )
        except RecursionError:
            raise too_deep(path) from None
        if grants is not None:
            if problems is None:  # no report to fill: the first error is raised before any record
                listed = list(grants)
                if sink.errors():
                    raise sink.first_error()
                grants = iter(listed)
            yield from grants
            return
    if fmt in INPUT_FORMATS["yaml"]:
        yield from _sectioned(path, load_yaml(path))
    elif fmt == "json":
        try:
            data = json.loads(read_text(path))
        except json.JSONDecodeError as err:
            raise InvalidData(f"not valid JSON: {err.msg}", file=str(path), row=err.lineno) from None
        except RecursionError:
            raise too_deep(path) from None
        check_depth_and_cells(path, data)
        yield from _sectioned(path, data)
    elif fmt == "csv":
        yield from _csv(path)
    elif fmt in INPUT_FORMATS["xlsx"]:
        yield from _xlsx(path)
    elif fmt in INPUT_FORMATS["rdf"]:
        from psp_graph.io.rdf import records_from_rdf

        yield from records_from_rdf(path, read_text(path), fmt)
    else:
        raise InvalidData(
            f"unknown file type '.{fmt}'; psp reads {input_formats_text()}: "
            + ", ".join(f".{s}" for suffixes in INPUT_FORMATS.values() for s in suffixes),
            file=str(path),
        )


def _sectioned(path: Path, data: Any) -> Iterator[RawRecord]:
    if not isinstance(data, dict):
        raise InvalidData("expected sections such as 'actors:' and 'links:' at the top level", file=str(path))
    data.pop("__line__", None)
    from psp_graph.ontology import did_you_mean

    for section in data:
        if section not in SECTIONS:
            raise InvalidData(
                f"unknown section '{section}'{did_you_mean(str(section), SECTIONS)}", file=str(path)
            )
    found = False
    for section in SECTIONS:  # nodes before links, whatever the order in the file
        records = data.get(section) or []
        if not isinstance(records, list):
            raise InvalidData(f"section '{section}' must be a list of records", file=str(path))
        for index, record in enumerate(records, start=1):
            if not isinstance(record, dict):
                raise InvalidData(f"item {index} of '{section}' is not a record", file=str(path))
            row = record.pop("__line__", None)
            yield RawRecord(str(path), row, section, _strip_lines(record))
            found = True
    if not found:
        raise InvalidData("the file has no records", file=str(path))


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _csv(path: Path) -> Iterator[RawRecord]:
    """Rows as records, read as a stream: memory stays bounded by one row, whatever the file size."""
    too_big(path, MAX_STREAM_BYTES)
    file = str(path)
    try:
        binary = sys.stdin.buffer if file == "-" else path.open("rb")
    except FileNotFoundError:
        raise InvalidData("file not found", file=file) from None
    except IsADirectoryError:
        raise InvalidData("is a folder, not a file", file=file) from None
    except OSError as err:
        raise InvalidData(f"cannot read: {err.strerror}", file=file) from None
    csv.field_size_limit(MAX_CELL_CHARS)

    def lines() -> Iterator[str]:
        """Decoded line by line, so a bad byte is reported on its own line."""
        for number, raw in enumerate(iter(lambda: binary.readline(MAX_LINE_BYTES + 1), b""), start=1):
            if len(raw) > MAX_LINE_BYTES:
                raise InvalidData(
                    f"a line of more than {MAX_LINE_BYTES // (1024 * 1024)} MB", file=file, row=number
                )
            if number == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise InvalidData(
                    f"not UTF-8 text (byte {err.start} of the line); save the file as UTF-8",
                    file=file,
                    row=number,
                ) from None

    reader = csv.DictReader(lines(), strict=True)
    try:
        header = reader.fieldnames or []
        if not header:
            raise InvalidData("the file is empty", file=file)
        if any(not h or not h.strip() for h in header):
            raise InvalidData("the header row has an empty column name", file=file, row=1)
        columns = {h.strip().lower() for h in header}
        section = "links" if {"from", "to"} <= columns or {"source", "target"} <= columns else "nodes"
        found = False
        for row in reader:
            number = reader.line_num
            if None in row:
                raise InvalidData(
                    f"has {len(header) + len(row[None])} cells, the header has {len(header)}",
                    file=file,
                    row=number,
                )
            found = True
            yield RawRecord(file, number, section, dict(row))
        if not found:
            raise InvalidData("the file has a header but no rows", file=file)
    except csv.Error as err:
        reason = str(err)
        if "field larger than field limit" in reason:
            reason = f"a cell of more than {MAX_CELL_CHARS:,} characters"
        raise InvalidData(f"not valid CSV: {reason}", file=file, row=reader.line_num) from None
    finally:
        if file != "-":
            binary.close()


def _xlsx(path: Path) -> Iterator[RawRecord]:
    try:
        import openpyxl
    except ImportError:
        raise InvalidData(
            "reading .xlsx needs the xlsx extra (pip install 'psp-graph[xlsx]')", file=str(path)
        ) from None
    too_big(path)
    check_xlsx_parts(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InvalidData("file not found", file=str(path)) from None
    except Exception as err:  # openpyxl raises zipfile/KeyError/... for broken files
        raise InvalidData(f"not a valid .xlsx workbook ({type(err).__name__})", file=str(path)) from None
    found = False
    for section in SECTIONS:
        if section not in book.sheetnames:
            continue
        rows = book[section].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, [])]
        for number, values in enumerate(rows, start=2):
            if all(v is None for v in values):
                continue
            record = {h: v for h, v in zip(header, values, strict=False) if h}
            for column, value in record.items():
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    raise InvalidData(
                        f"a cell of {len(value):,} characters; at most {MAX_CELL_CHARS:,} are allowed",
                        file=str(path),
                        sheet=section,
                        row=number,
                        field=column,
                    )
            yield RawRecord(str(path), number, section, record, sheet=section)
            found = True
    if not found:
        raise InvalidData(
            f"no records; name sheets like the sections ({', '.join(SECTIONS)}) "
            "or use the 360Giving standard's column titles",
            file=str(path),
        )
