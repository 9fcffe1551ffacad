"""Stable ids: slugs for organisations, opaque ids for persons, hashes for links."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import UTC, datetime
from typing import Any

from psp_graph.records import canonical_json

__all__ = [
    "ID_PATTERN",
    "changeset_id",
    "link_id",
    "new_person_id",
    "slugify",
]

ID_PATTERN = re.compile(r"^[a-z]+:[a-z0-9][a-z0-9._-]*$")


def slugify(text: str) -> str:
    """``"Northbank Tenants' Union"`` -> ``"northbank-tenants-union"``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "").replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "unnamed"


def new_person_id() -> str:
    """An opaque person id, never derived from a name: ``person:k7q2m9xa3b``."""
    alphabet = "abcdefghjkmnpqrstvwxyz23456789"
    return "person:" + "".join(secrets.choice(alphabet) for _ in range(10))


def keyed_link_id(
    rel_type: str, keys: tuple[str, ...], source: str, target: str, props: dict[str, Any]
) -> str:
    """The id a link gets when its source gives none: from its type, ends and the values
    of the type's key attributes (``psp:linkKey``)."""
    return link_id(rel_type, source, target, {name: props.get(name) for name in keys})


def link_id(rel_type: str, source: str, target: str, key: dict[str, Any]) -> str:
    """A stable link id from the type, both ends and the relationship's key attributes."""
    material = canonical_json([rel_type, source, target, key])
    return "link:" + hashlib.sha256(material.encode()).hexdigest()[:20]


def changeset_id(now: datetime | None = None) -> str:
    """A sortable change-set id: ``cs-20261123T101500-3f9a1c``."""
    now = now or datetime.now(UTC)
    return f"cs-{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
