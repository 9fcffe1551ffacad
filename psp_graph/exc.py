"""The one exception hierarchy of psp-graph.

Every error a user can cause is a :class:`PspGraphError`; the CLI prints its
message on one line and exits with status 1.
"""

from __future__ import annotations

__all__ = [
    "InvalidData",
    "InvalidOntology",
    "NodeNotFound",
    "PspGraphError",
    "StoreUnavailable",
    "UndoConflict",
    "cannot",
]


class PspGraphError(Exception):
    """Base class of every error psp-graph raises on purpose."""


class InvalidOntology(PspGraphError):
    """ontology/psp.ttl is malformed or inconsistent."""


class InvalidData(PspGraphError):
    """A record does not fit the ontology.

    Carries where the problem is, so messages read
    ``people.csv: row 4: field 'type': unknown relationship type ...``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        sheet: str | None = None,
    ) -> None:
        self.reason = message
        self.file = file
        self.sheet = sheet  # a spreadsheet's sheet, for a problem in an XLSX file
        self.row = row
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field '{self.field}'")
        return ": ".join([*where, self.reason])

    def located(
        self, *, file: str | None = None, row: int | None = None, sheet: str | None = None
    ) -> InvalidData:
        """Return a copy with file, sheet and row filled in where they were missing."""
        return InvalidData(
            self.reason,
            file=self.file or file,
            row=self.row if self.row is not None else row,
            field=self.field,
            sheet=self.sheet or sheet,
        )


class NodeNotFound(PspGraphError):
    """No node or link has the given id."""


class StoreUnavailable(PspGraphError):
    """The store cannot be opened, reached or written."""


class UndoConflict(PspGraphError):
    """A change set cannot be undone because later changes touched the same data."""


def cannot(doing: str, url: str, why: object) -> StoreUnavailable:
    """The one wording of a store that failed at something, on every backend:
    ``cannot open store sqlite:///team.db: disk I/O error``. ``url`` must hold no credentials."""
    return StoreUnavailable(f"cannot {doing} store {url}: {why}")
