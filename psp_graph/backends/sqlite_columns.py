"""How SQLiteBackend reads columns (the mixin :class:`SQLiteColumns`, the
``ColumnStore`` ability): links and nodes as tuples of ids and a few attribute
values, filtered in SQL (``json_extract``, ``json_each``), and the brief columns
(privacy, consent, pseudonym) that decide how a node may be shown.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from psp_graph.backends.sqlite_schema import BRIEF_COLUMNS
from psp_graph.records import BriefRow, StoredNode

__all__ = ["SQLiteColumns"]

_ATTRIBUTE = re.compile(r"^[a-z_][a-z0-9_]*$")


class SQLiteColumns:
    """The column reads of :class:`~psp_graph.backends.sqlite.SQLiteBackend` (a mixin)."""

    conn: sqlite3.Connection
    _present: dict[str, bool]

    def _has(self, what: str) -> bool:
        """Whether this store has the ``nodes_brief`` index or a filled ``link_issues`` table
        (a store made by an older version and opened read-only may not), asked once per
        connection: a store opened for writing gets both when it opens."""
        present: dict[str, bool] = self.__dict__.setdefault("_present", {})
        if what not in present:
            if what == "link_issues":
                sql = "SELECT 1 FROM meta WHERE key = 'link_issues' AND value = '1'"
            else:
                sql = "SELECT 1 FROM sqlite_master WHERE name = 'nodes_brief'"
            present[what] = self.conn.execute(sql).fetchone() is not None
        return present[what]

    if TYPE_CHECKING:  # SQLiteBackend's: rows of ``SELECT ... WHERE id IN (...)``, in chunks

        def _rows_by_id(self, select: str, ids: Iterable[str]) -> Iterator[tuple[Any, ...]]: ...

    @staticmethod
    def _extracts(attributes: Sequence[str], column: str) -> tuple[str, list[str]]:
        """``, json_extract(props, ?)…`` for the attributes, their paths as parameters."""
        for name in attributes:
            if not _ATTRIBUTE.match(name):
                raise ValueError(f"not an attribute name: {name!r}")
        return "".join(f", json_extract({column}, ?)" for _ in attributes), [f"$.{a}" for a in attributes]

    def link_columns(
        self,
        types: Collection[str],
        attributes: Sequence[str] = (),
        *,
        as_of: str | None = None,
        issues: Collection[str] | None = None,
        ids: bool = True,
        touching: Collection[str] | None = None,
    ) -> list[tuple[Any, ...]]:
        """Links as columns, filtered in SQL (see :class:`psp_graph.backends.base.ColumnStore`)."""
        types = sorted(types)
        if not types:
            return []
        if issues is not None and touching is None and self._has("link_issues"):
            return self._issue_columns(types, attributes, as_of, sorted(set(issues)), ids)
        extracts, args = self._extracts(attributes, "props")
        # Only placeholders and fixed text are formatted in; every value is a parameter.
        marks = ",".join("?" * len(types))
        first = "id" if ids else "NULL"
        scan, use = "", ""
        if touching is None and (bool(attributes) or as_of is not None or issues is not None or ids):
            # The rows themselves are needed (the ends alone come from links_type_ends). For
            # most of the table one scan reads them faster than a lookup per row; else through
            # links_type, whose entries are in row order (links_type_ends would visit the rows
            # in the order of their ends, all over the file).
            count = f"SELECT count(*) FROM links WHERE type IN ({marks})"  # noqa: S608
            wanted = self.conn.execute(count, types).fetchone()[0]
            if wanted * 3 > self.conn.execute("SELECT count(*) FROM links").fetchone()[0]:
                scan = "+"
            else:
                use = " INDEXED BY links_type"
        sql = f"SELECT {first}, type, source, target{extracts} FROM links{use} WHERE {scan}type IN ({marks})"  # noqa: S608
        args += types
        if as_of is not None:
            sql += (
                " AND coalesce(json_extract(props, '$.valid_from') <= ?, 1)"
                " AND coalesce(json_extract(props, '$.valid_to') >= ?, 1)"
            )
            args += [as_of, as_of]
        if issues is not None:
            marks = ",".join("?" * len(issues))
            sql += (
                f" AND (target IN ({marks}) OR EXISTS (SELECT 1 FROM json_each(props, '$.issues')"  # noqa: S608
                f" WHERE value IN ({marks})))"
            )
            args += [*issues, *issues]
        if touching is not None:
            # Through the index on each end; the second half leaves out the links the first
            # already gave. The ids go in as one JSON parameter (no limit on their number).
            ends = json.dumps(sorted(set(touching)))
            among = "IN (SELECT value FROM json_each(?))"
            sql = f"{sql} AND source {among} UNION ALL {sql} AND target {among} AND source NOT {among}"
            args = [*args, ends, *args, ends, ends]
        return self.conn.execute(sql, args).fetchall()

    def _issue_columns(
        self, types: list[str], attributes: Sequence[str], as_of: str | None, issues: list[str], ids: bool
    ) -> list[tuple[Any, ...]]:
        """:meth:`link_columns` filtered to issues through the link_issues index: the links
        whose ``issues`` name one of them, then those whose target is one (and do not)."""
        if not issues:
            return []
        extracts, extract_args = self._extracts(attributes, "props")
        # Only placeholders and fixed text are formatted in; every value is a parameter.
        type_marks, issue_marks = ",".join("?" * len(types)), ",".join("?" * len(issues))
        where = f"+type IN ({type_marks})"  # "+": look links up by id or target, not by type
        where_args: list[Any] = [*types]
        if as_of is not None:
            where += (
                " AND coalesce(json_extract(props, '$.valid_from') <= ?, 1)"
                " AND coalesce(json_extract(props, '$.valid_to') >= ?, 1)"
            )
            where_args += [as_of, as_of]
        listed = f"(SELECT link_id FROM link_issues WHERE issue IN ({issue_marks}))"  # noqa: S608
        select = f"SELECT {'id' if ids else 'NULL'}, type, source, target{extracts} FROM links"  # noqa: S608
        sql = (
            f"{select} WHERE id IN {listed} AND {where} UNION ALL "
            f"{select} WHERE target IN ({issue_marks}) AND {where} AND id NOT IN {listed}"
        )
        args = [*extract_args, *issues, *where_args, *extract_args, *issues, *where_args, *issues]
        return self.conn.execute(sql, args).fetchall()

    def node_columns(self, label: str, attributes: Sequence[str] = ()) -> list[tuple[Any, ...]]:
        """Nodes with the label as columns (see :class:`psp_graph.backends.base.ColumnStore`)."""
        if not attributes:
            return self.conn.execute("SELECT node_id FROM node_labels WHERE label = ?", (label,)).fetchall()
        extracts, args = self._extracts(attributes, "n.props")
        return self.conn.execute(
            f"SELECT n.id{extracts} FROM node_labels l JOIN nodes n ON n.id = l.node_id WHERE l.label = ?",  # noqa: S608
            [*args, label],
        ).fetchall()

    def node_briefs(self, node_ids: Iterable[str]) -> dict[str, StoredNode]:
        """Nodes with only privacy, consent and pseudonym (see ColumnStore)."""
        return {row.id: row.as_node() for row in self.brief_rows(node_ids)}

    def brief_rows(self, node_ids: Iterable[str]) -> Iterator[BriefRow]:
        """The brief columns of the nodes among these ids (see ColumnStore)."""
        # From the nodes_brief index alone where the store has it (a store made by an older
        # version and opened read-only may not: then from the rows).
        found = self._has("nodes_brief")
        select = f"SELECT {BRIEF_COLUMNS} FROM nodes{' INDEXED BY nodes_brief' if found else ''}"  # noqa: S608
        lists: dict[str, tuple[str, ...]] = {}  # few distinct type and label lists: decode each once
        for node_id, types, labels, name, privacy, consent, pseudonym in self._rows_by_id(select, node_ids):
            kinds = lists.get(types)
            if kinds is None:
                kinds = lists[types] = tuple(json.loads(types))
            marks = lists.get(labels)
            if marks is None:
                marks = lists[labels] = tuple(json.loads(labels))
            yield BriefRow(node_id, kinds, marks, name, privacy, consent, pseudonym)
