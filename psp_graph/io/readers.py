"""Read YAML, CSV, XLSX and JSON files into RawRecords that know their file and row.

Formats (see docs/data-format.md):
- YAML/JSON: top-level sections ``sources``, ``actors``, ``issues``, ``resources``,
  ``decision_spaces``, ``initiatives``, ``links``, each a list of records.
- CSV: one record per row; a file with ``from``/``to`` columns holds links,
  otherwise nodes (class from the ``types`` column). Lists are ``;``-separated.
- XLSX: one sheet per section, named like the YAML sections, header in row 1.
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
from psp_graph.io.giving360 import StoreLookup
from psp_graph.io.problems import Problems
from psp_graph.validate import SECTION_KINDS, RawRecord

__all__ = ["SECTIONS", "read_records"]

SECTIONS = (*SECTION_KINDS, "links")


def _read_bytes(path: Path) -> bytes:
    try:
        return sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except FileNotFoundError:
        raise InvalidData("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise InvalidData("is a folder, not a file", file=str(path)) from None
    except OSError as err:
        raise InvalidData(f"cannot read: {err.strerror}", file=str(path)) from None


def _read_text(path: Path) -> str:
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InvalidData(
            f"not UTF-8 text (byte {err.start}); save the file as UTF-8", file=str(path), row=line
        ) from None
    if not text.strip():
        raise InvalidData("the file is empty", file=str(path))
    return text


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
    if fmt in {"json", "csv", "xlsx", "xlsm"}:
        from psp_graph.io.classifications import read_classification_map
        from psp_graph.io.giving360_files import read_360giving

        sink = problems if problems is not None else Problems()
        raw = _read_bytes(path)
        grants = read_360giving(
            path, raw, fmt, problems=sink, store=store, issue_map=issue_map or read_classification_map()
        )
        if grants is not None:
            if problems is None and sink.errors():
                raise sink.first_error()
            yield from grants
            return
    if fmt in {"yaml", "yml"}:
        yield from _sectioned(path, _load_yaml(path))
    elif fmt == "json":
        try:
            data = json.loads(_read_text(path))
        except json.JSONDecodeError as err:
            raise InvalidData(f"not valid JSON: {err.msg}", file=str(path), row=err.lineno) from None
        yield from _sectioned(path, data)
    elif fmt == "csv":
        yield from _csv(path)
    elif fmt in {"xlsx", "xlsm"}:
        yield from _xlsx(path)
    elif fmt in {"ttl", "nt", "rdf", "jsonld"}:
        from psp_graph.io.rdf import records_from_rdf

        yield from records_from_rdf(path, _read_text(path), fmt)
    else:
        raise InvalidData(
            f"unknown file type '.{fmt}'; use .yaml, .json, .csv, .xlsx or .ttl", file=str(path)
        )


def _load_yaml(path: Path) -> Any:
    import yaml

    class LineLoader(yaml.SafeLoader):
        """Remembers the line each mapping starts on, for error messages."""

    def construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    # Dates stay text: psp_graph.values parses them (with partial dates and clear errors).
    LineLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    text = _read_text(path)
    try:
        return yaml.load(text, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InvalidData(
            f"not valid YAML: {problem}", file=str(path), row=mark.line + 1 if mark else None
        ) from None
    except ValueError as err:  # a constructor refused a value
        raise InvalidData(f"not valid YAML: {err}", file=str(path)) from None


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
    text = _read_text(path)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = reader.fieldnames or []
        if not header or any(not h or not h.strip() for h in header):
            raise InvalidData("the header row has an empty column name", file=str(path), row=1)
        columns = {h.strip().lower() for h in header}
        section = "links" if {"from", "to"} <= columns or {"source", "target"} <= columns else "nodes"
        rows = list(reader)
    except csv.Error as err:
        raise InvalidData(f"not valid CSV: {err}", file=str(path), row=reader.line_num) from None
    if not rows:
        raise InvalidData("the file has a header but no rows", file=str(path))
    for number, row in enumerate(rows, start=2):
        if None in row:
            raise InvalidData(
                f"has {len(header) + len(row[None])} cells, the header has {len(header)}",
                file=str(path),
                row=number,
            )
        yield RawRecord(str(path), number, section, dict(row))


def _xlsx(path: Path) -> Iterator[RawRecord]:
    try:
        import openpyxl
    except ImportError:
        raise InvalidData(
            "reading .xlsx needs the xlsx extra (pip install 'psp-graph[xlsx]')", file=str(path)
        ) from None
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
            yield RawRecord(f"{path}[{section}]", number, section, record)
            found = True
    if not found:
        raise InvalidData(
            f"no records; name sheets like the sections ({', '.join(SECTIONS)}) "
            "or use the 360Giving standard's column titles",
            file=str(path),
        )
