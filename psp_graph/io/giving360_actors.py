"""The organisations and individuals a 360Giving file names, as actor records.

One node per organisation, **keyed by its org-id** (``GB-CHC-1000147`` ->
``org:gb-chc-1000147``, or the actor already holding that identifier); a recipient
with a name but no org-id gets a stable id from the funder and the name
(``org:unreg-…``) and is marked ``unregistered``; other names and charity and company
numbers become ``aliases``; two org-ids are never merged. Individuals become private
Person nodes with an opaque id and no name. A stored organisation the file adds
nothing to but its source is cited, not rewritten.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from psp_graph.ids import slugify
from psp_graph.io.giving360_fields import TITLE_OF
from psp_graph.io.problems import Problems
from psp_graph.privacy import pseudonym_for
from psp_graph.records import RawRecord, StoredNode

__all__ = ["Actors", "StoreLookup", "digest", "same_name"]

_DERIVED = frozenset({"recorded_at", "recorded_by", "amount_minor"})  # set by the service, not data


@dataclass(frozen=True)
class StoreLookup:
    """How the loader sees the store: by identifier and by node id (both may return None)."""

    by_identifier: Callable[[str], StoredNode | None] = lambda _: None
    by_id: Callable[[str], StoredNode | None] = lambda _: None


@dataclass
class _Org:
    id: str
    row: int | None
    identifier: str | None
    existing: StoredNode | None
    sheet: str | None = None
    names: list[str] = field(default_factory=list)
    same_names: set[str] = field(default_factory=set)  # the names compared (see same_name)
    numbers: list[str] = field(default_factory=list)
    funder: bool = False


def digest(text: str, size: int) -> str:
    """A short stable token for ``text`` (lowercase base32 of its sha256)."""
    raw = hashlib.sha256(text.encode()).digest()
    return base64.b32encode(raw).decode().lower()[:size]


def same_name(name: str) -> str:
    """A name as names are compared: white space folded, case ignored."""
    return re.sub(r"\s+", " ", name).strip().casefold()


class Actors:
    """The organisations (by node id) and individuals a file has named so far."""

    def __init__(self, display: str, source: str, store: StoreLookup, problems: Problems) -> None:
        self.display, self.source, self.store, self.problems = display, source, store, problems
        self.orgs: dict[str, _Org] = {}
        self.keys: dict[str, str] = {}  # org-id -> node id: the store is asked once per org-id
        self.persons: dict[str, tuple[int | None, str | None]] = {}  # id -> (first row, sheet)

    def org(
        self,
        row: int | None,
        sheet: str | None,
        org_id: str | None,
        name: str | None,
        *,
        funder_key: str,
        funder: bool = False,
        numbers: Iterable[str] = (),
    ) -> str:
        """The node id of the organisation with ``org_id`` (or, without one, ``name`` as
        ``funder_key`` funds it), remembering its names and numbers."""
        existing: StoredNode | None = None
        if org_id is not None:
            key = self.keys.get(org_id) or ""
            if not key:
                existing = self.store.by_identifier(org_id)
                key = self.keys[org_id] = existing.id if existing else f"org:{slugify(org_id)}"
        else:
            assert name is not None
            token = digest(f"{funder_key}|{same_name(name)}", 8)
            key = f"org:unreg-{token}-{slugify(name)[:40].strip('-')}"
        org = self.orgs.get(key)
        if org is None:
            org = self.orgs[key] = _Org(key, row, org_id, existing or self.store.by_id(key), sheet)
        if name and name not in org.names:
            same = same_name(name)
            if same not in org.same_names:
                org.names.append(name)
                org.same_names.add(same)
        org.numbers.extend(n for n in numbers if n not in org.numbers)
        org.funder = org.funder or funder
        return key

    def person(self, row: int | None, sheet: str | None, funder_key: str, individual: str) -> str:
        """The opaque id of the individual ``funder_key`` names ``individual``."""
        person = "person:" + digest(f"360giving-individual|{funder_key}|{individual}", 12)
        self.persons.setdefault(person, (row, sheet))
        return person

    def records(self) -> list[RawRecord]:
        """A record per individual and organisation: a new or rewritten actor, or a citation."""
        records = [
            RawRecord(
                self.display,
                row,
                "actors",
                {"id": pid, "name": pseudonym_for(pid), "types": ["Person"], "sources": [self.source]},
                sheet=sheet,
            )
            for pid, (row, sheet) in self.persons.items()
        ]
        for org in self.orgs.values():
            record = self._org_record(org)
            if org.existing is not None and _cites_only(org.existing, record):
                # Only this file's citation is new: a citation, not a rewrite (docs/design.md).
                record = {"id": org.id, "sources": [self.source]}
                records.append(RawRecord(self.display, org.row, "citations", record, org.sheet))
            else:
                records.append(RawRecord(self.display, org.row, "actors", record, org.sheet))
        return records

    def _org_record(self, org: _Org) -> dict[str, Any]:
        old = org.existing
        if old is None:
            name = org.names[0] if org.names else str(org.identifier)
            if not org.names:
                self.problems.warn(
                    self.display,
                    org.row,
                    TITLE_OF["recipient_name"],
                    org.identifier,
                    "no name given; the org-id is used",
                    sheet=org.sheet,
                )
            record: dict[str, Any] = {
                "id": org.id,
                "name": name,
                "types": ["Organisation", "Funder"] if org.funder else ["Organisation"],
                "sources": [self.source],
            }
            aliases = [*org.names[1:], *org.numbers]
            if org.identifier:
                record["identifiers"] = [org.identifier]
            else:
                record["unregistered"] = True
        else:
            record = {k: v for k, v in old.props.items() if k not in _DERIVED}
            record.update(id=old.id, name=old.name, types=list(old.types))
            if org.funder and "Funder" not in old.types:
                record["types"].append("Funder")
            record["sources"] = [*old.props.get("sources", []), self.source]
            if org.identifier and org.identifier not in record.get("identifiers", []):
                record["identifiers"] = [*record.get("identifiers", []), org.identifier]
            aliases = [*old.props.get("aliases", []), *org.names, *org.numbers]
            aliases = [a for a in aliases if same_name(a) != same_name(old.name)]
        if aliases:
            record["aliases"] = list(dict.fromkeys(aliases))
        return record


def _cites_only(old: StoredNode, record: dict[str, Any]) -> bool:
    """True when the record of a stored organisation adds nothing to it but sources."""
    if record["name"] != old.name or record["types"] != list(old.types):
        return False
    kept = {k: v for k, v in old.props.items() if k not in _DERIVED and k != "sources"}
    return kept == {k: v for k, v in record.items() if k not in {"id", "name", "types", "sources"}}
