"""Places by official code: the shipped table ontology/places.csv (ONS GSS codes of
the UK, its nations, England's regions and London's boroughs, each ``within`` a
larger place) and the Place records a grant file needs.

>>> table = read_places()
>>> table["E09000030"]
('Tower Hamlets', 'E12000007')
>>> [r["id"] for r in place_records(["E09000030"], table)]
['place:e09000030', 'place:e12000007', 'place:e92000001', 'place:k02000001']
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from typing import Any

from psp_graph.ids import slugify
from psp_graph.resources import resource_path

__all__ = ["place_id", "place_records", "read_places"]


def place_id(code: str) -> str:
    """``E09000030`` -> ``place:e09000030``."""
    return "place:" + slugify(code)


@functools.cache
def read_places() -> dict[str, tuple[str, str | None]]:
    """Code -> (name, code of the place it is within, or None)."""
    lines = resource_path("ontology", "places.csv").read_text(encoding="utf-8").splitlines()
    rows = csv.DictReader(line for line in lines if not line.startswith("#"))
    return {r["code"]: (r["name"], r["within"] or None) for r in rows}


def place_records(codes: Iterable[str], table: dict[str, tuple[str, str | None]]) -> list[dict[str, Any]]:
    """Place records for the codes and every place they are within (from the table)."""
    records: dict[str, dict[str, Any]] = {}
    for start in codes:
        code: str | None = start.strip().upper()
        while code and place_id(code) not in records:
            name, within = table.get(code, (code, None))
            record: dict[str, Any] = {"id": place_id(code), "name": name, "code": code}
            if within:
                record["within"] = place_id(within)
            records[record["id"]] = record
            code = within
    return list(records.values())
