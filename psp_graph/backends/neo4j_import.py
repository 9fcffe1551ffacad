"""Files for ``neo4j-admin database import full``: the offline first load of a Neo4j database.

The admin tool writes a new database from CSV files without transactions, many
times faster than any load over Bolt, but only into a *stopped* database on the
machine that runs it: a local server the user controls (tools/neo4j/server.py
``--import DIR`` does it for the project's own server). The files hold exactly
the properties and labels that an ordinary write gives (neo4j_writes.py): every
node ``:Entity`` plus its ontology labels, every link of its ontology type,
identifiers, change sets and changes as their own nodes.

Two ways in: ``write_import_files`` takes the batches of a first load (the ones
``Neo4jBackend.bulk_apply`` would write); ``write_copy_files`` takes another
store's records as they are read (links as rows with their attributes still as
JSON text, the store's own canonical form, so ``psp_props`` and the history's
snapshots are written without encoding a link again) and makes the ``sync``
change sets itself. Both write through ``_Files``: rows are tuples, each value
converted once by its type, and per link the JSON is decoded once (for the
native properties).

A file holds rows of one label set (or link type) and one property signature
(the same keys with the same types), so every header is exact. Strings are
always quoted; list elements are separated by U+001F, which a value may not
contain (refused with InvalidData). Constraints and indexes are not in the
files: ``Neo4jBackend`` creates them when it first opens the new database,
which also checks every uniqueness rule. Memory: one batch at a time (and the
ids of private nodes).
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar

from psp_graph.backends.neo4j_writes import (
    _LINK_RESERVED,
    BatchWriter,
    change_properties,
    changeset_properties,
    check_indexable,
    node_properties,
)
from psp_graph.exc import InvalidData
from psp_graph.records import (
    MAX_INDEXED_BYTES,
    Batch,
    Change,
    ChangeSet,
    StoredLink,
    StoredNode,
    canonical_json,
)

__all__ = ["ARGS_FILE", "ImportFiles", "LinkText", "write_copy_files", "write_import_files"]

ARGS_FILE = "neo4j-admin-import.args"  # options for the admin tool, one a line (picocli @file)
ARRAY_DELIMITER = "\x1f"
_LINK_OWN = ("id:string", "psp_props:string")  # the last columns of every links file
# The columns of change_properties() for a creation (no "before", and no "after": the log
# keeps no copy of a created record, docs/design.md), in its order.
_CREATED = (
    ("changeset_id", "string"),
    ("seq", "long"),
    ("op", "string"),
    ("entity", "string"),
    ("entity_id", "string"),
)
LinkText = tuple[str, str, str, str, str]
"""A link as read from a store: id, type, source, target, attributes as canonical JSON text."""


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


def _float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def _element(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return _float(value) if type(value) is float else str(value)


_SCALARS: dict[type, str] = {str: "string", int: "long", float: "double", bool: "boolean"}


def _columns(
    props: dict[str, Any], reserved: frozenset[str]
) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The native properties (neo4j_writes.native) as a signature of (key, import type) and
    their values as CSV text, in the order of ``props``. Empty lists are left out (the
    importer stores no empty array)."""
    signature: list[tuple[str, str]] = []
    values: list[str] = []
    for key, value in props.items():
        kind = type(value)
        if kind is str:
            if key not in reserved:
                signature.append((key, "string"))
                values.append(value)
        elif kind is int:
            if key not in reserved and -(2**63) <= value < 2**63:
                signature.append((key, "long"))
                values.append(str(value))
        elif kind is bool:
            if key not in reserved:
                signature.append((key, "boolean"))
                values.append("true" if value else "false")
        elif kind is float:
            if key not in reserved:
                signature.append((key, "double"))
                values.append(_float(value))
        elif kind is list and value and key not in reserved:
            first = type(value[0])
            if first in _SCALARS and all(type(v) is first for v in value):
                if first is int and not all(-(2**63) <= v < 2**63 for v in value):
                    continue
                parts = value if first is str else [_element(v) for v in value]
                text = ARRAY_DELIMITER.join(parts)
                if ARRAY_DELIMITER in text and len(text.split(ARRAY_DELIMITER)) != len(parts):
                    raise InvalidData(
                        "a list value holds the character U+001F, which the import files cannot hold"
                    )
                signature.append((key, _SCALARS[first] + "[]"))
                values.append(text)
    return tuple(signature), values


@contextmanager
def _naming(record_id: str) -> Iterator[None]:
    try:
        yield
    except InvalidData as err:
        raise InvalidData(f"{record_id[:60]}: {err}") from None


def _line(values: list[str]) -> str:
    """One CSV line, every field quoted (quotes doubled): two passes in C over the joined line."""
    body = "\x00".join(values)
    if body.count("\x00") != len(values) - 1:  # a value holds NUL: quote field by field
        return '"' + '","'.join(v.replace('"', '""') for v in values) + '"\n'
    return '"' + body.replace('"', '""').replace("\x00", '","') + '"\n'


class _Files:
    """CSV files keyed by (kind, label set or type, property signature), and the counts."""

    FIXED: ClassVar[dict[str, list[str]]] = {
        "entities": ["id:ID", ":LABEL"],
        "links": [":START_ID", ":END_ID", ":TYPE"],
    }

    def __init__(self, folder: Path, writer: BatchWriter) -> None:
        self.folder = folder
        self.labels = writer.labels
        self.rel_types = writer.rel_types
        self.handles: list[IO[str]] = []
        self.writers: dict[tuple[str, str, tuple[tuple[str, str], ...]], Callable[[str], int]] = {}
        self.args: list[str] = []
        self.multiline = False  # a value holds a line break: the importer must read fields across lines
        self.result = ImportFiles(folder)

    def _open(
        self, kind: str, head: str, signature: tuple[tuple[str, str], ...], own: tuple[str, ...] = ()
    ) -> Callable[[str], int]:
        name = f"{kind}-{len(self.writers):04d}.csv"
        handle = (self.folder / name).open("w", newline="", encoding="utf-8", buffering=1 << 20)
        self.handles.append(handle)
        out = handle.write
        out(_line(self.FIXED.get(kind, [":LABEL"]) + [f"{k}:{t}" for k, t in signature] + list(own)))
        self.writers[(kind, head, signature)] = out
        self.args.append(f"{'--relationships' if kind == 'links' else '--nodes'}={self.folder / name}")
        return out

    def row(self, kind: str, head: str, props: dict[str, Any], fixed: list[str]) -> None:
        """A row of properties written as they are (history, identifiers, settings)."""
        signature, values = _columns(props, frozenset())
        key = (kind, head, signature)
        out = self.writers.get(key) or self._open(kind, head, signature)
        self.multiline = self.multiline or any(type(v) is str and ("\n" in v or "\r" in v) for v in values)
        out(_line(fixed + values))

    def node(self, n: StoredNode, checked: bool = False) -> list[str]:
        """Write a node (and its identifiers' nodes); returns its identifiers. ``checked``: its
        index limits were checked already (``BatchWriter.plan`` does)."""
        if not checked:
            check_indexable(n)
        with _naming(n.id):
            bad = [lb for lb in n.labels if lb not in self.labels]
            if bad:
                raise InvalidData(f"label {bad[0]} is not in the ontology; the store takes only its labels")
            props = node_properties(n)
            del props["id"]
            self.row("entities", "", props, [n.id, ARRAY_DELIMITER.join(["Entity", *n.labels])])
        self.result.nodes += 1
        return list(n.props.get("identifiers", []))

    def link(self, lid: str, rel: str, source: str, target: str, text: str, props: dict[str, Any]) -> None:
        """Write a link from its attributes as canonical JSON ``text`` and decoded ``props``."""
        if len(lid) * 4 > MAX_INDEXED_BYTES:  # else it fits (check_indexable says so too)
            check_indexable(StoredLink(lid, rel, source, target))
        try:
            if rel not in self.rel_types:
                raise InvalidData(f"relationship type {rel} is not in the ontology")
            signature, values = _columns(props, _LINK_RESERVED)
        except InvalidData as err:
            raise InvalidData(f"{lid[:60]}: {err}") from None
        key = ("links", rel, signature)
        out = self.writers.get(key) or self._open("links", rel, signature, _LINK_OWN)
        if not self.multiline and ("\\n" in text or "\\r" in text):  # JSON escapes line breaks
            self.multiline = True
        out(_line([source, target, rel, *values, lid, text]))
        self.result.links += 1

    def changes_row(self, changeset_id: str, seq: int, entity: str, entity_id: str) -> None:
        """The change that creates a record (the record itself holds its snapshot)."""
        signature = _CREATED
        out = self.writers.get(("changes", "", signature)) or self._open("changes", "", signature)
        out(_line(["PspChange", changeset_id, str(seq), "create", entity, entity_id]))

    def close(self) -> None:
        for handle in self.handles:
            handle.close()

    def finish(self, meta: dict[str, str] | None) -> ImportFiles:
        for key, value in (meta or {}).items():
            self.row("meta", "", {"key": key, "value": value}, ["PspMeta"])
        self.close()
        options = [*self.args, "--array-delimiter=U+001F", "--id-type=string"]
        if self.multiline:  # only then: it stops the importer from reading a file in parallel
            options.append("--multiline-fields=true")
        self.result.args_file.write_text("\n".join(options) + "\n", encoding="utf-8")
        self.result.files = sorted(p.name for p in self.folder.glob("*.csv"))
        return self.result


@contextmanager
def _folder(folder: Path, writer: BatchWriter) -> Iterator[_Files]:
    folder = folder.resolve()
    if folder.exists() and any(folder.iterdir()):
        raise InvalidData(f"{folder}: the folder for the import files must be empty")
    folder.mkdir(parents=True, exist_ok=True)
    files = _Files(folder, writer)
    try:
        yield files
    except BaseException:
        files.close()
        shutil.rmtree(folder, ignore_errors=True)  # it was empty: nothing half-written stays
        raise


def _history(files: _Files, changeset: ChangeSet, changes: Iterable[Change]) -> None:
    files.row("changesets", "", changeset_properties(changeset), ["PspChangeSet"])
    for c in changes:
        files.row("changes", "", change_properties(c), ["PspChange"])
    files.result.changesets += 1


def write_import_files(
    writer: BatchWriter, batches: Iterable[Batch], folder: Path, meta: dict[str, str] | None = None
) -> ImportFiles:
    """Write the CSV files and the admin tool's argument file for these batches (creations
    only, as ``bulk_apply`` takes them) and store settings (``meta``) into ``folder``, which
    must be empty or missing.

    Raises InvalidData, naming the record, for what the store would refuse; a failed
    call removes ``folder`` again.
    """
    with _folder(folder, writer) as files:
        for batch in batches:
            plan = writer.plan(batch)  # no repeats; an identifier claimed twice is refused
            for n in plan.nodes:
                files.node(n, checked=True)
            for value, owner in plan.claims.items():
                files.row("identifiers", "", {"value": value, "node_id": owner}, ["PspIdentifier"])
            for x in plan.links:
                files.link(x.id, x.type, x.source, x.target, canonical_json(x.props), x.props)
            _history(files, batch.changeset, batch.changes)
        return files.finish(meta)


def write_copy_files(
    writer: BatchWriter,
    history: Iterable[tuple[ChangeSet, list[Change]]],
    chunks: Iterable[tuple[str, Sequence[StoredNode | LinkText]]],
    new_changeset: Callable[[str], ChangeSet],
    folder: Path,
    meta: dict[str, str] | None = None,
) -> ImportFiles:
    """Files for a new database that holds what ``sync`` into an empty store gives: the change
    sets of ``history`` as they were, then each chunk (all nodes before any link) as one
    ``sync`` change set (``new_changeset(summary)``) whose changes create its records (with
    no snapshot: the records hold it). Raises InvalidData naming the record; a failed call
    removes ``folder`` again."""
    with _folder(folder, writer) as files:
        for changeset, changes in history:
            _history(files, changeset, changes)
        claims: dict[str, str] = {}
        for summary, records in chunks:
            cs = new_changeset(summary)
            _history(files, cs, ())
            for seq, record in enumerate(records):
                if isinstance(record, StoredNode):
                    for value in files.node(record):
                        if claims.setdefault(value, record.id) != record.id:
                            raise InvalidData(
                                f"{record.id[:60]}: an identifier is already used by another actor"
                            )
                        files.row(
                            "identifiers", "", {"value": value, "node_id": record.id}, ["PspIdentifier"]
                        )
                    files.changes_row(cs.id, seq, "node", record.id)
                else:
                    lid, rel, source, target, text = record[0], record[1], record[2], record[3], record[4]
                    files.link(lid, rel, source, target, text, json.loads(text))
                    files.changes_row(cs.id, seq, "link", lid)
        return files.finish(meta)
