"""Read 360Giving grant files (JSON with a ``grants`` list, or the standard CSV
column titles) into records: one Source for the file, the funding and recipient
organisations (with their org-ids as identifiers) and one FUNDS link per grant,
whose id is the grant's own 360Giving id.

Actors already in the store with the same org-id are reused (and left as they
are), so loading grant files never duplicates an organisation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from psp_graph.exc import InvalidData
from psp_graph.ids import slugify
from psp_graph.validate import RawRecord

__all__ = ["CSV_COLUMNS", "is_360giving_csv", "records_from_360giving"]

CSV_COLUMNS = {
    "Identifier": "id",
    "Title": "title",
    "Currency": "currency",
    "Amount Awarded": "amountAwarded",
    "Award Date": "awardDate",
    "Recipient Org:Identifier": "recipient_id",
    "Recipient Org:Name": "recipient_name",
    "Funding Org:Identifier": "funder_id",
    "Funding Org:Name": "funder_name",
    "Grant Programme:Title": "programme",
    "Planned Dates:Start Date": "start",
    "Planned Dates:End Date": "end",
}


def is_360giving_csv(header: list[str]) -> bool:
    """True for a CSV with the 360Giving standard's column titles."""
    return {"Identifier", "Amount Awarded", "Funding Org:Identifier"} <= {h.strip() for h in header}


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def _flatten_json(grant: dict[str, Any]) -> dict[str, Any]:
    funder, recipient = _first(grant.get("fundingOrganization")), _first(grant.get("recipientOrganization"))
    planned = _first(grant.get("plannedDates"))
    return {
        "id": grant.get("id"),
        "title": grant.get("title"),
        "currency": grant.get("currency"),
        "amountAwarded": grant.get("amountAwarded"),
        "awardDate": grant.get("awardDate"),
        "funder_id": funder.get("id"),
        "funder_name": funder.get("name"),
        "recipient_id": recipient.get("id"),
        "recipient_name": recipient.get("name"),
        "individual": bool(grant.get("recipientIndividual")),
        "programme": _first(grant.get("grantProgramme")).get("title"),
        "start": planned.get("startDate"),
        "end": planned.get("endDate"),
    }


def records_from_360giving(
    path: Path,
    rows: Sequence[tuple[int | None, dict[str, Any]]],
    *,
    csv: bool,
    owner_of: Callable[[str], str | None] = lambda _: None,
) -> Iterator[RawRecord]:
    """Records for grant rows (row number, fields); ``owner_of`` finds the store's actor
    for an org-id. Raises InvalidData naming the row and field."""
    file = str(path)
    source = f"src:360giving-{slugify(path.stem)[:50]}"
    yield RawRecord(
        file, None, "sources", {"id": source, "name": f"360Giving grants: {path.name}", "kind": "grant_360"}
    )
    actors: dict[str, str] = {}
    links = []
    for row, raw in rows:
        grant = {CSV_COLUMNS.get(k.strip(), k): v for k, v in raw.items()} if csv else _flatten_json(raw)
        if grant.get("individual"):
            raise InvalidData(
                "grants to individuals are not loaded (no opaque person ids yet)",
                file=file,
                row=row,
                field="recipientIndividual",
            )
        for role in ("funder", "recipient"):
            org_id, name = grant.get(f"{role}_id"), grant.get(f"{role}_name")
            if not org_id or not name:
                raise InvalidData(
                    "missing the organisation's identifier or name",
                    file=file,
                    row=row,
                    field=f"{role}Organization",
                )
            if org_id not in actors:
                existing = owner_of(str(org_id))
                if existing is not None:
                    actors[org_id] = existing
                    continue
                actors[org_id] = f"org:{slugify(str(name))}"
                types = ["Organisation", "Funder"] if role == "funder" else ["Organisation"]
                yield RawRecord(
                    file,
                    row,
                    "actors",
                    {
                        "id": actors[org_id],
                        "name": name,
                        "types": types,
                        "identifiers": [org_id],
                        "sources": [source],
                    },
                )
        if not grant.get("id"):
            raise InvalidData("missing the grant's identifier", file=file, row=row, field="id")
        link: dict[str, Any] = {
            "id": grant["id"],
            "type": "FUNDS",
            "from": actors[str(grant["funder_id"])],
            "to": actors[str(grant["recipient_id"])],
            "sources": [source],
            "amount": grant.get("amountAwarded"),
            "currency": grant.get("currency") or "GBP",
            "programme": grant.get("programme"),
            "valid_from": (grant.get("start") or grant.get("awardDate") or None),
            "valid_to": grant.get("end") or None,
            "note": grant.get("title"),
        }
        for key in ("valid_from", "valid_to"):
            if link[key]:
                link[key] = str(link[key])[:10]
        links.append(RawRecord(file, row, "links", {k: v for k, v in link.items() if v not in (None, "")}))
    yield from links
