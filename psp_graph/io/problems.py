"""Problems found in a file: every one of them (file, row, field, value, message),
grouped and counted for people, and written in full as CSV or JSON.

>>> report = Problems()
>>> report.error("grants.csv", 3, "Amount Awarded", "abc", "not an amount of money")
>>> report.warn("grants.csv", 4, "Amount Awarded", "1.004", "rounded to 1.00")
>>> report.count("error"), report.count("warning")
(1, 1)
>>> [(g.level, g.field, g.count) for g in report.groups()]
[('error', 'Amount Awarded', 1), ('warning', 'Amount Awarded', 1)]
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from dataclasses import field as default
from pathlib import Path
from typing import Any

from psp_graph.exc import InvalidData

__all__ = ["REPORT_COLUMNS", "Problem", "ProblemGroup", "Problems"]

REPORT_COLUMNS = ("file", "sheet", "row", "level", "field", "value", "message")


@dataclass(frozen=True)
class Problem:
    """One problem: ``level`` is ``error`` (the record is not loaded) or ``warning``."""

    file: str
    row: int | None
    level: str
    field: str | None
    value: str | None
    message: str
    sheet: str | None = None  # the sheet of an XLSX file

    def line(self) -> str:
        where = self.file + (f": sheet '{self.sheet}'" if self.sheet else "")
        where += f": row {self.row}" if self.row is not None else ""
        what = f": field '{self.field}'" if self.field else ""
        shown = (
            f" (got {self.value!r})"
            if self.value not in (None, "") and self.value not in self.message
            else ""
        )
        return f"{where}{what}: {self.message}{shown}"


@dataclass
class ProblemGroup:
    """Problems with the same level, sheet, field and message."""

    level: str
    field: str | None
    message: str
    count: int = 0
    rows: list[int] = default(default_factory=list)
    sheet: str | None = None

    def rows_text(self, limit: int = 8) -> str:
        shown = ", ".join(str(r) for r in self.rows[:limit])
        return shown + (f", … (+{len(self.rows) - limit})" if len(self.rows) > limit else "")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."


class Problems:
    """A collection of problems, in the order found."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.error_count = 0  # kept as problems are added: readers ask after every row

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def add(
        self,
        level: str,
        file: str,
        row: int | None,
        fld: str | None,
        value: Any,
        message: str,
        *,
        sheet: str | None = None,
    ) -> None:
        self.items.append(Problem(file, row, level, fld, _text(value), message, sheet))
        self.error_count += level == "error"

    def extend(self, other: Problems) -> None:
        """Add another collection's problems after these."""
        self.items.extend(other.items)
        self.error_count += other.error_count

    def error(
        self,
        file: str,
        row: int | None,
        fld: str | None,
        value: Any,
        message: str,
        *,
        sheet: str | None = None,
    ) -> None:
        self.add("error", file, row, fld, value, message, sheet=sheet)

    def warn(
        self,
        file: str,
        row: int | None,
        fld: str | None,
        value: Any,
        message: str,
        *,
        sheet: str | None = None,
    ) -> None:
        self.add("warning", file, row, fld, value, message, sheet=sheet)

    def add_invalid(self, err: InvalidData, value: Any = None, *, file: str = "") -> None:
        """Record an InvalidData raised by a reader or the validator as an error."""
        self.error(err.file or file, err.row, err.field, value, err.reason, sheet=err.sheet)

    def count(self, level: str) -> int:
        return sum(1 for p in self.items if p.level == level)

    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == "error"]

    def error_rows(self, file: str) -> set[int | None]:
        return {p.row for p in self.items if p.level == "error" and p.file == file}

    def groups(self) -> list[ProblemGroup]:
        """Grouped by level (errors first), sheet, field and message, each with its count and rows."""
        found: dict[tuple[str, str | None, str | None, str], ProblemGroup] = {}
        for p in self.items:
            key = (p.level, p.sheet, p.field, p.message)
            group = found.setdefault(key, ProblemGroup(p.level, p.field, p.message, sheet=p.sheet))
            group.count += 1
            if p.row is not None:
                group.rows.append(p.row)
        return sorted(
            found.values(),
            key=lambda g: (g.level != "error", -g.count, g.sheet or "", g.field or "", g.message),
        )

    def first_error(self) -> InvalidData:
        """The first error as an InvalidData that says how many more there are."""
        errors = self.errors()
        first = errors[0]
        more = len(errors) - 1
        suffix = (
            f" (and {more} more problem{'s' if more > 1 else ''}; psp validate lists them all)"
            if more
            else ""
        )
        shown = (
            f" (got {first.value!r})"
            if first.value not in (None, "") and first.value not in first.message
            else ""
        )
        return InvalidData(
            f"{first.message}{shown}{suffix}",
            file=first.file,
            row=first.row,
            field=first.field,
            sheet=first.sheet,
        )

    def as_rows(self) -> list[dict[str, Any]]:
        return [{column: asdict(p)[column] for column in REPORT_COLUMNS} for p in self.items]

    def report_text(self, fmt: str) -> str:
        """All problems as ``csv`` or ``json`` text."""
        if fmt == "json":
            return json.dumps(self.as_rows(), indent=2, ensure_ascii=False) + "\n"
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(REPORT_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.as_rows())
        return buffer.getvalue()

    def write_report(self, path: Path) -> None:
        """Write every problem to ``path``: JSON for ``.json``, else CSV."""
        fmt = "json" if path.suffix.lower() == ".json" else "csv"
        path.write_text(self.report_text(fmt), encoding="utf-8", newline="")
