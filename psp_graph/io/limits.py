"""The limits a hostile file meets, and the guarded reads that keep to them.

A file fails with one line, never a traceback or a memory blow-up: it is at most
MAX_FILE_BYTES (YAML/JSON/RDF, read whole) or MAX_STREAM_BYTES (CSV, read as a stream,
row by row), a value at most MAX_CELL_CHARS characters, records nest at most MAX_DEPTH
deep, YAML aliases may not expand a file beyond MAX_YAML_NODES nodes (an "alias bomb"),
and an XLSX part may not unpack beyond MAX_FILE_BYTES (a zip bomb). The format readers
(psp_graph.io.readers, psp_graph.io.giving360_files) read through these.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from psp_graph.exc import InvalidData

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_LINE_BYTES",
    "MAX_STREAM_BYTES",
    "MAX_YAML_NODES",
    "check_depth_and_cells",
    "check_xlsx_parts",
    "load_yaml",
    "read_bytes",
    "read_text",
    "too_big",
    "too_deep",
]

MAX_FILE_BYTES = 64 * 1024 * 1024  # read whole: YAML, JSON, RDF
MAX_STREAM_BYTES = 1024 * 1024 * 1024  # read row by row: CSV
MAX_CELL_CHARS = 100_000  # one value (a CSV or XLSX cell, a YAML or JSON string)
MAX_LINE_BYTES = 16 * 1024 * 1024  # one CSV line
MAX_DEPTH = 32  # records nest a few levels; hundreds are an attack
MAX_YAML_NODES = 2_000_000  # YAML nodes after expanding aliases


def too_deep(path: Path, row: int | None = None) -> InvalidData:
    """The error for data nested more than MAX_DEPTH deep."""
    return InvalidData(f"nested more than {MAX_DEPTH} levels deep", file=str(path), row=row)


def too_big(path: Path, limit: int | None = None) -> None:
    """Refuse a file larger than ``limit`` bytes (MAX_FILE_BYTES when None) before reading it."""
    limit = MAX_FILE_BYTES if limit is None else limit
    if str(path) == "-":
        return
    try:
        size = path.stat().st_size
    except OSError:
        return  # reading will say why
    if size > limit:
        raise InvalidData(
            f"the file is {size / 1e6:,.0f} MB; files of more than {limit // (1024 * 1024)} MB are refused",
            file=str(path),
        )


def check_depth_and_cells(path: Path, data: Any) -> None:
    """Refuse structures nested more than MAX_DEPTH deep or strings over MAX_CELL_CHARS (no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if len(value) > MAX_CELL_CHARS:
                raise InvalidData(
                    f"a value of {len(value):,} characters; at most {MAX_CELL_CHARS:,} are allowed",
                    file=str(path),
                )
            continue
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        if children and depth >= MAX_DEPTH:
            raise too_deep(path)
        stack.extend((child, depth + 1) for child in children)
        if isinstance(value, dict):
            stack.extend((key, depth + 1) for key in value if isinstance(key, str))


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes (``-``: standard input), at most ``limit`` (MAX_FILE_BYTES when None)."""
    too_big(path, limit)
    try:
        return sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
    except FileNotFoundError:
        raise InvalidData("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise InvalidData("is a folder, not a file", file=str(path)) from None
    except OSError as err:
        raise InvalidData(f"cannot read: {err.strerror}", file=str(path)) from None


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (a BOM is dropped), not empty, at most MAX_FILE_BYTES."""
    raw = read_bytes(path)
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


def load_yaml(path: Path) -> Any:
    """The YAML file's data, each mapping with its ``__line__``, dates left as text; deep
    nesting, alias bombs and huge values are refused before they are built."""
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
    text = read_text(path)
    try:
        _check_yaml_events(path, yaml.parse(text, Loader=yaml.SafeLoader))
        loader = LineLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_yaml_expansion(path, node)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
        check_depth_and_cells(path, data)
        return data
    except RecursionError:
        raise too_deep(path) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InvalidData(
            f"not valid YAML: {problem}", file=str(path), row=mark.line + 1 if mark else None
        ) from None
    except ValueError as err:  # a constructor refused a value
        raise InvalidData(f"not valid YAML: {err}", file=str(path)) from None


def _check_yaml_events(path: Path, events: Iterator[Any]) -> None:
    """Refuse deep nesting from the event stream, before anything is built (no recursion)."""
    import yaml

    depth = 0
    for event in events:
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else None
                raise too_deep(path, line)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_yaml_expansion(path: Path, root: Any) -> None:
    """Refuse aliases that expand the document beyond MAX_YAML_NODES nodes, or refer to themselves."""
    import yaml

    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Any) -> int:  # depth is bounded by _check_yaml_events
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise InvalidData("a YAML alias refers to itself", file=str(path), row=node.start_mark.line + 1)
        open_nodes.add(key)
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in node.value)
        else:
            total = 1
        open_nodes.discard(key)
        if total > MAX_YAML_NODES:
            raise InvalidData(
                f"YAML aliases expand the file to more than {MAX_YAML_NODES:,} values (an alias bomb?)",
                file=str(path),
                row=node.start_mark.line + 1,
            )
        sizes[key] = total
        return total

    size(root)


def check_xlsx_parts(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than MAX_FILE_BYTES (a zip bomb or a huge cell)
    before openpyxl reads the shared strings into memory."""
    try:
        with zipfile.ZipFile(path) as archive:
            for part in archive.infolist():
                if part.file_size > MAX_FILE_BYTES:
                    raise InvalidData(
                        f"the workbook part {part.filename} unpacks to {part.file_size / 1e6:,.0f} MB; "
                        f"at most {MAX_FILE_BYTES // (1024 * 1024)} MB are allowed",
                        file=str(path),
                    )
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl reports a broken file
