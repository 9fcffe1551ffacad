"""360Giving grant files (JSON, CSV, XLSX, GrantNav exports) as records.

One Source for the file (publisher, licence, file name, content hash, date loaded);
the places its grants name; its organisations and individuals
(psp_graph.io.giving360_actors: one node per org-id, unregistered recipients, private
persons; organisations that give grants are typed Funder, also when they receive them);
one FUNDS link per grant, whose id is the grant's own identifier.

Every problem is collected (row, field as the standard's title, value, message)
rather than raised; rows with an error yield no records.

Memory: a file's grants are not held. Each grant's link record is spooled to a
temporary file as its row is read (and yielded after the file's source, place and
actor records, so every link's ends exist before it); what stays in memory is one
entry per organisation and, for the duplicate check, a grant id with a row number
and a hash per grant (about 150 bytes).
"""

from __future__ import annotations

import pickle
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.ids import slugify
from psp_graph.io.giving360_actors import Actors, StoreLookup, same_name
from psp_graph.io.giving360_fields import (
    TITLE_OF,
    parse_grant_amount,
    parse_grant_date,
    row_to_grant,
    text_of,
)
from psp_graph.io.problems import Problems
from psp_graph.records import RawRecord

__all__ = ["FileMeta", "StoreLookup", "records_from_360giving"]

Cells = Iterable[tuple[Any, Any]]


@dataclass(frozen=True)
class FileMeta:
    """What is known about the file itself."""

    display: str  # the file as named in messages
    name: str
    content_hash: str  # sha256 hex of the bytes
    publisher: str | None = None
    licence: str | None = None


class _Reader:
    def __init__(
        self, meta: FileMeta, store: StoreLookup, problems: Problems, issue_map: dict[str, list[str]]
    ) -> None:
        self.meta, self.store, self.problems, self.issue_map = meta, store, problems, issue_map
        self.source = f"src:360giving-{slugify(meta.name.rsplit('.', 1)[0])[:40]}-{meta.content_hash[:8]}"
        self.actors = Actors(meta.display, self.source, store, problems)
        # The grants' link records, pickled, in file order; closed by link_records().
        self.spool = tempfile.TemporaryFile()  # noqa: SIM115
        self.grants: dict[str, tuple[int | None, int]] = {}  # grant id -> (first row, hash of its record)
        self.place_codes: dict[str, None] = {}
        self.sheet: str | None = None  # the sheet of the row being read (XLSX)
        self.row_number: int | None = None  # the row being read
        self.file_places: dict[str, tuple[str, str | None]] = {}  # code -> (name, within) from the file
        self.publishers: set[str] = set()
        self.funder_names: set[str] = set()
        self.licence: str | None = meta.licence

    # -- one row ---------------------------------------------------------------
    def row(self, row: int | None, cells: Cells) -> None:
        grant = row_to_grant(cells)
        self.row_number = row
        errors_before = self.problems.error_count

        def error(name: str, value: Any, message: str) -> None:
            self.problems.error(self.meta.display, row, TITLE_OF[name], value, message, sheet=self.sheet)

        def warn(name: str, value: Any, message: str) -> None:
            self.problems.warn(self.meta.display, row, TITLE_OF[name], value, message, sheet=self.sheet)

        def parsed(name: str, parse: Callable[[Any], tuple[Any, str | None]]) -> Any:
            value = grant.get(name)
            if value is None:
                return None
            try:
                result, warning = parse(value)
            except InvalidData as err:
                error(name, value, err.reason)
                return None
            if warning:
                warn(name, value, warning)
            return result

        grant_id = text_of(grant.get("id"))
        if grant_id is None:
            error("id", None, "missing the grant's identifier")
        currency = (text_of(grant.get("currency")) or "").upper()
        if not currency:
            currency = "GBP"
            warn("currency", None, "no currency given; GBP assumed")
        elif not re.fullmatch(r"[A-Z]{3}", currency):
            error("currency", grant.get("currency"), "not an ISO 4217 currency code such as GBP")
            currency = "GBP"
        if grant.get("amount") is None:
            error("amount", None, "missing the amount awarded")
        amount = parsed("amount", lambda v: parse_grant_amount(v, currency))
        disbursed = parsed("disbursed", lambda v: parse_grant_amount(v, currency))
        award_date = parsed("award_date", parse_grant_date)
        start = parsed("start", parse_grant_date)
        end = parsed("end", parse_grant_date)
        if start and end and end < start:  # seen in published files (an end of 2000-12-31)
            warn("end", grant.get("end"), "the planned end is before the planned start; the end is left out")
            end = None
        for name in ("publisher", "licence"):
            if text_of(grant.get(name)):
                if name == "publisher":
                    self.publishers.add(str(text_of(grant[name])))
                else:
                    self.licence = self.licence or text_of(grant[name])

        funder_id, funder_name = text_of(grant.get("funder_id")), text_of(grant.get("funder_name"))
        if funder_id is None and funder_name is None:
            error("funder_id", None, "missing the funder (Funding Org:Identifier or Funding Org:Name)")
        recipient_id, recipient_name = (
            text_of(grant.get("recipient_id")),
            text_of(grant.get("recipient_name")),
        )
        individual = text_of(grant.get("individual_id"))
        if individual is None and recipient_id is None and recipient_name is None:
            error(
                "recipient_id",
                None,
                "missing the recipient (Recipient Org:Identifier or Name, or Recipient Ind:Identifier)",
            )
        if self.problems.error_count > errors_before:
            return
        assert grant_id is not None and amount is not None
        funder = self.actors.org(row, self.sheet, funder_id, funder_name, funder_key="", funder=True)
        funder_key = funder_id or same_name(str(funder_name))
        if funder_name:
            self.funder_names.add(funder_name)
        if individual is not None and recipient_id is None:
            recipient = self.actors.person(row, self.sheet, funder_key, individual)
        else:
            numbers = [n for n in (text_of(grant.get(k)) for k in ("charity_number", "company_number")) if n]
            recipient = self.actors.org(
                row, self.sheet, recipient_id, recipient_name, funder_key=funder_key, numbers=numbers
            )
        if recipient == funder:
            error("recipient_id", recipient_id, "the funder and the recipient are the same organisation")
            return
        issues = sorted(
            {i for c in grant["classifications"] for i in self.issue_map.get(same_name(str(c)), [])}
        )
        nested = self._nest_places(grant)
        places = grant["places"] or grant["recipient_places"] or nested[:1]
        link: dict[str, Any] = {
            "id": grant_id,
            "type": "FUNDS",
            "from": funder,
            "to": recipient,
            "sources": [self.source],
            "amount": amount,
            "currency": currency,
            "programme": text_of(grant.get("programme")),
            "valid_from": start or award_date,
            "valid_to": end,
            "award_date": award_date,
            "note": text_of(grant.get("title")),
            "description": text_of(grant.get("description")),
            "amount_disbursed": disbursed,
            "related_activity": _texts(grant["related"]),
            "classifications": _texts(grant["classifications"]),
            "places": [p.upper() for p in _texts(places)],
            "issues": issues,
        }
        # text_of gives None for empty text, so an empty value is None or []
        link = {k: v for k, v in link.items() if v is not None and (v.__class__ is not list or v)}
        pickled = pickle.dumps(_plain(link), pickle.HIGHEST_PROTOCOL)
        seen = self.grants.get(grant_id)
        if seen is not None:
            if seen[1] != hash(pickled):
                error(
                    "id", grant_id, f"duplicate grant identifier with different data (first at row {seen[0]})"
                )
            return
        self.grants[grant_id] = (row, hash(pickled))
        self.place_codes.update(dict.fromkeys(link.get("places", [])))
        pickle.dump((row, self.sheet, pickled), self.spool, pickle.HIGHEST_PROTOCOL)

    def link_records(self) -> Iterator[RawRecord]:
        """The spooled grants' link records, in file order (the spool is closed after)."""
        with self.spool:
            self.spool.seek(0)
            while True:
                try:
                    row, sheet, pickled = pickle.load(self.spool)  # noqa: S301 (our own spool file)
                except EOFError:
                    return
                link = _typed(pickle.loads(pickled))  # noqa: S301
                yield RawRecord(self.meta.display, row, "links", link, sheet=sheet)

    # -- places ------------------------------------------------------------------
    def _nest_places(self, grant: dict[str, Any]) -> list[str]:
        """Remember the places GrantNav's additional columns name (ward within district
        within region, names from the file); returns their valid codes, most local first."""
        found: list[str] = []
        for code_field, name_field, within_field in _NESTING:
            given = text_of(grant.get(code_field)) or ""
            code = given.upper()
            if not code:
                continue
            if not _GSS_CODE.match(code):
                self.problems.warn(
                    self.meta.display,
                    self.row_number,
                    TITLE_OF[code_field],
                    given,
                    "not an ONS code such as E05009317; the place is left out",
                    sheet=self.sheet,
                )
                continue
            found.append(code)
            within = (text_of(grant.get(within_field)) or "").upper() if within_field else ""
            within = within if _GSS_CODE.match(within) else ""
            name = text_of(grant.get(name_field)) or code
            known = self.file_places.get(code)
            if known is None or (within and not known[1]):
                self.file_places[code] = (known[0] if known else name, within or None)
            elif within and known[1] != within:
                self.problems.warn(
                    self.meta.display,
                    self.row_number,
                    TITLE_OF[within_field or code_field],
                    within,
                    f"{code} was given within {known[1]} on an earlier row; that is kept",
                    sheet=self.sheet,
                )
        return found

    def place_records(self) -> list[RawRecord]:
        from psp_graph.io.places import place_records, read_places

        codes = self.place_codes
        table = {**self.file_places, **read_places()}  # the shipped table's names win
        return [
            RawRecord(self.meta.display, None, "places", {**record, "sources": [self.source]})
            for record in place_records(codes, table)
            if self.store.by_id(record["id"]) is None  # a place already known keeps its name
        ]

    def source_record(self) -> RawRecord:
        old = self.store.by_id(self.source)
        publisher = self.meta.publisher or (
            next(iter(self.publishers)) if len(self.publishers) == 1 else None
        )
        if publisher is None and len(self.funder_names) == 1:
            publisher = next(iter(self.funder_names))
        record = {
            "id": self.source,
            "name": f"360Giving grants: {self.meta.name}",
            "kind": "grant_360",
            "publisher": publisher,
            "licence": self.licence,
            "file_name": self.meta.name,
            "content_hash": self.meta.content_hash,
            "loaded_at": (old.props.get("loaded_at") if old else None)
            or datetime.now(UTC).date().isoformat(),
        }
        return RawRecord(self.meta.display, None, "sources", {k: v for k, v in record.items() if v})


_GSS_CODE = re.compile(r"^[EWSN]\d{8}$")  # ONS GSS codes: E05 wards, E09 boroughs, E12 regions, ...
# (code, name, the code it is within) among GrantNav's additional columns
_NESTING = (
    ("ward_code", "ward_name", "district_code"),
    ("district_code", "district_name", "region_code"),
    ("region_code", "region_name", None),
    ("beneficiary_district_code", "beneficiary_district_name", "beneficiary_region_code"),
    ("beneficiary_region_code", "beneficiary_region_name", None),
)

_AMOUNTS = ("amount", "amount_disbursed")
_DATES = ("valid_from", "valid_to", "award_date")


def _plain(link: dict[str, Any]) -> dict[str, Any]:
    """A link record with its amounts and dates as text: pickled (and hashed) several
    times faster than Decimal and date objects."""
    plain = dict(link)
    for key in (*_AMOUNTS, *_DATES):
        if key in plain:
            plain[key] = str(plain[key])
    return plain


def _typed(plain: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`_plain`."""
    for key in _AMOUNTS:
        if key in plain:
            plain[key] = Decimal(plain[key])
    for key in _DATES:
        if key in plain:
            plain[key] = date.fromisoformat(plain[key])
    return plain


def _texts(values: Iterable[Any]) -> list[str]:
    return list(dict.fromkeys(t for t in (text_of(v) for v in values) if t))


def records_from_360giving(
    meta: FileMeta,
    rows: Iterable[tuple[Any, ...]],
    *,
    problems: Problems,
    store: StoreLookup | None = None,
    issue_map: dict[str, list[str]] | None = None,
) -> Iterator[RawRecord]:
    """Records for grant rows (row number, (title or JSON path, value) pairs): the file's
    source, its places and actors, then one link per grant (spooled, see the module doc).

    Problems go to ``problems``; a row with an error yields nothing. ``issue_map`` maps a
    normalised classification title to issue ids (see :mod:`psp_graph.io.classifications`).
    """
    reader = _Reader(meta, store or StoreLookup(), problems, issue_map or {})
    count = 0
    for item in rows:  # (row, cells), or (row, cells, sheet) from a spreadsheet
        reader.sheet = item[2] if len(item) > 2 else None
        reader.row(item[0], item[1])
        count += 1
    if count == 0:
        reader.spool.close()
        problems.error(meta.display, None, None, None, "the 360Giving file has no grants")
        return
    yield reader.source_record()
    yield from reader.place_records()
    yield from reader.actors.records()
    yield from reader.link_records()
