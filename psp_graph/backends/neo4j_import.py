"""Files for ``neo4j-admin database import full``: the offline first load of a Neo4j database.

The admin tool writes a new database from CSV files without transactions, many
times faster than any load over Bolt, but only into a *stopped* database on the
machine that runs it: a local server the user controls (tools/neo4j/server.py
``--import DIR`` does it for the project's own server). ``write_import_files``
turns the batches of a first load (the ones ``Neo4jBackend.bulk_apply`` would
write) into such files, with exactly the properties and labels that an
ordinary write gives (neo4j_writes.py): every node ``:Entity`` plus its
ontology labels, every link of its ontology type, identifiers, change sets and
changes as their own nodes.

A file holds rows of one label set (or link type) and one property signature
(the same keys with the same types), so every header is exact. Strings are
always quoted; list elements are separated by U+001F, which a value may not
contain (refused with InvalidData). Constraints and indexes are not in the
files: ``Neo4jBackend`` creates them when it first opens the new database,
which also checks every uniqueness rule. Memory: one batch at a time.
"""

from __future__ import annotations

import csv
import math
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from psp_graph.backends.neo4j_writes import (
    BatchWriter,
    change_properties,
    changeset_properties,
    link_properties,
    node_properties,
)
from psp_graph.exc import InvalidData
from psp_graph.records import Batch, StoredLink, StoredNode, check_index_limits

__all__ = ["ARGS_FILE", "ImportFiles", "write_import_files"]

ARGS_FILE = "neo4j-admin-import.args"  # options for the admin tool, one a line (picocli @file)
ARRAY_DELIMITER = "\x1f"
_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


@dataclass
class ImportFiles:
    """What was written: the folder, its argument file, and counts."""

    folder: Path
    nodes: int = 0
    links: int = 0
    changesets: int = 0
    files: list[str] = field(default_factory=list)

    @property
    def args_file(self) -> Path:
        return self.folder / ARGS_FILE


def _type(value: Any) -> str:
    if isinstance(value, list):
        return _TYPES[type(value[0])] + "[]" if value else "string[]"
    return _TYPES[type(value)]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, list):
        parts = [_text(v) for v in value]
        if any(ARRAY_DELIMITER in p for p in parts):
            raise InvalidData("a list value holds the character U+001F, which the import files cannot hold")
        return ARRAY_DELIMITER.join(parts)
    return str(value)


@contextmanager
def _naming(record_id: str) -> Iterator[None]:
    try:
        yield
    except InvalidData as err:
        raise InvalidData(f"{record_id[:60]}: {err}") from None


class _Writer:
    """CSV files keyed by (kind, label set or type, property signature)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.open: dict[tuple[str, str, tuple[tuple[str, str], ...]], tuple[IO[str], Any]] = {}
        self.args: list[str] = []
        self.multiline = False  # a value holds a line break: the importer must read fields across lines

    def row(self, kind: str, head: str, key_value: dict[str, Any], fixed: list[str]) -> None:
        props = {k: v for k, v in key_value.items() if v is not None}
        signature = tuple(sorted((k, _type(v)) for k, v in props.items()))
        key = (kind, head, signature)
        if key not in self.open:
            name = f"{kind}-{len(self.open):04d}.csv"
            handle = (self.folder / name).open("w", newline="", encoding="utf-8")
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            columns = [":START_ID", ":END_ID", ":TYPE"] if kind == "links" else [":LABEL"]
            if kind == "entities":
                columns = ["id:ID", ":LABEL"]
            writer.writerow(
                columns + [f"{k}:{t}" for k, t in signature if not (kind == "entities" and k == "id")]
            )
            self.open[key] = (handle, writer)
            option = "--relationships" if kind == "links" else "--nodes"
            self.args.append(f"{option}={self.folder / name}")
        names = [k for k, _ in signature if not (kind == "entities" and k == "id")]
        values = [_text(props[k]) for k in names]
        self.multiline = self.multiline or any("\n" in v or "\r" in v for v in values)
        self.open[key][1].writerow(fixed + values)

    def close(self) -> None:
        for handle, _ in self.open.values():
            handle.close()


def write_import_files(
    writer: BatchWriter, batches: Iterable[Batch], folder: Path, meta: dict[str, str] | None = None
) -> ImportFiles:
    """Write the CSV files and the admin tool's argument file for these batches (creations
    only, as ``bulk_apply`` takes them) and store settings (``meta``) into ``folder``, which
    must be empty or missing.

    Raises InvalidData, naming the record, for what the store would refuse; a failed
    call removes ``folder`` again.
    """
    folder = folder.resolve()
    if folder.exists() and any(folder.iterdir()):
        raise InvalidData(f"{folder}: the folder for the import files must be empty")
    folder.mkdir(parents=True, exist_ok=True)
    out = _Writer(folder)
    result = ImportFiles(folder)
    try:
        for batch in batches:
            items: list[StoredNode | StoredLink] = [*batch.upsert_nodes, *batch.upsert_links]
            for item in items:
                try:
                    check_index_limits(item)
                except InvalidData as err:
                    raise InvalidData(f"{item.id[:60]}: {err}") from None
            plan = writer.plan(batch)  # the whitelist of labels and types, identifiers claimed once
            for n in plan.nodes:
                props = node_properties(n)
                with _naming(n.id):
                    out.row("entities", "", props, [n.id, ARRAY_DELIMITER.join(["Entity", *n.labels])])
            for value, owner in plan.claims.items():
                with _naming(owner):
                    out.row("identifiers", "", {"value": value, "node_id": owner}, ["PspIdentifier"])
            for x in plan.links:
                with _naming(x.id):
                    out.row("links", x.type, link_properties(x), [x.source, x.target, x.type])
            out.row("changesets", "", changeset_properties(batch.changeset), ["PspChangeSet"])
            for c in batch.changes:
                out.row("changes", "", change_properties(c), ["PspChange"])
            result.nodes += len(plan.nodes)
            result.links += len(plan.links)
            result.changesets += 1
        for key, value in (meta or {}).items():
            out.row("meta", "", {"key": key, "value": value}, ["PspMeta"])
    except BaseException:
        out.close()
        shutil.rmtree(folder, ignore_errors=True)  # it was empty: nothing half-written stays
        raise
    out.close()
    options = [
        *out.args,
        "--array-delimiter=U+001F",
        "--id-type=string",
    ]
    if out.multiline:  # only then: it stops the importer from reading a file in parallel
        options.append("--multiline-fields=true")
    result.args_file.write_text("\n".join(options) + "\n", encoding="utf-8")
    result.files = sorted(p.name for p in folder.glob("*.csv"))
    return result
