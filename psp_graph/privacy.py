"""Every privacy rule in one place: who may be named, which fields are personal, and
how a node that may not be named is shown.

The Graph service's read door (:mod:`psp_graph.reading`) applies these rules to
everything it returns, so views, queries, maps and exports never decide on their
own. The history log uses :func:`is_private` to keep personal fields out.

>>> from psp_graph.records import StoredNode
>>> person = StoredNode("person:k7q2m9xa3b", ("Person",), ("Actor", "Person"), "Amina Y.",
...                     {"privacy": "private", "description": "lives in Ashmere"})
>>> shown_by_name(person)
False
>>> display_name(person)
'Person MPZRF'
>>> shown = redact_node(person, frozenset({"description"}))
>>> shown.name, "description" in shown.props, is_redacted(shown)
('Person MPZRF', False, True)
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable
from typing import Any

from psp_graph.records import BriefRow, StoredLink, StoredNode

__all__ = [
    "PROVENANCE_FIELDS",
    "REDACTED",
    "STORE_FIELDS",
    "brief_name",
    "display_name",
    "is_private",
    "is_redacted",
    "kind_words",
    "names_a_person",
    "opaque_id",
    "pseudonym_for",
    "redact_link",
    "redact_node",
    "shown_by_name",
]

# Attributes that say when and by whom a fact was recorded, not what it is.
PROVENANCE_FIELDS = frozenset({"recorded_at", "recorded_by"})
# Set on the copy of a node or link that the read door shows without its personal fields.
REDACTED = "redacted"
# Fields the store sets itself: never taken from input (a file, an RDF export read back).
STORE_FIELDS = PROVENANCE_FIELDS | {"pseudonym", REDACTED}
_PSEUDONYM_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U
_ID_ALPHABET = "abcdefghjkmnpqrstvwxyz23456789"
_WORD = re.compile(r"[^\W\d_]{3,}")


def pseudonym_for(node_id: str, kind: str = "Person") -> str:
    """A stable, readable pseudonym derived from an opaque id: ``Person K7Q2M``.

    ``kind`` is the words shown before the code, so a private decision space reads
    ``Decision space K7Q2M``, never ``Person …``.
    """
    digest = int.from_bytes(hashlib.sha256(node_id.encode()).digest()[:8], "big")
    chars = []
    for _ in range(5):
        digest, index = divmod(digest, len(_PSEUDONYM_ALPHABET))
        chars.append(_PSEUDONYM_ALPHABET[index])
    return f"{kind} {''.join(chars)}"


def opaque_id(prefix: str, name: str) -> str:
    """A stable id for a private node that is not a person, that does not show its name:
    ``space:`` + 12 characters of a hash of the name (the same name, the same id)."""
    digest = int.from_bytes(
        hashlib.sha256(f"{prefix}|{name.strip().casefold()}".encode()).digest()[:10], "big"
    )
    chars = []
    for _ in range(12):
        digest, index = divmod(digest, len(_ID_ALPHABET))
        chars.append(_ID_ALPHABET[index])
    return f"{prefix}:{''.join(chars)}"


def is_private(node: StoredNode) -> bool:
    """Persons, and any node not marked public: their personal fields stay out of the log."""
    return _private(node.labels, node.props.get("privacy", "public"))


def _private(labels: tuple[str, ...], privacy: Any) -> bool:
    return "Person" in labels or privacy != "public"


def shown_by_name(node: StoredNode, *, include_private: bool = False) -> bool:
    """Whether a node's name may be shown: persons only with recorded consent, other
    nodes unless marked internal or private; ``include_private`` shows everyone."""
    if include_private or node.props.get("consent"):
        return True
    return not is_private(node)


def display_name(node: StoredNode, *, include_private: bool = False) -> str:
    """The name to show: a private node's stable pseudonym unless consent or ``include_private``."""
    if shown_by_name(node, include_private=include_private):
        return node.name
    return str(node.props.get("pseudonym") or pseudonym_for(node.id, kind_words(node.types[0])))


def brief_name(row: BriefRow, *, include_private: bool = False) -> str:
    """:func:`display_name` from a node's brief columns (the same rule, no record built):
    how the read door names 100,000 actors at once.

    >>> brief_name(BriefRow("person:k7q2m9xa3b", ("Person",), ("Actor", "Person"), "Amina Y.",
    ...                     "private", None, None))
    'Person MPZRF'
    """
    if (
        include_private
        or row.consent
        or not _private(row.labels, "public" if row.privacy is None else row.privacy)
    ):
        return row.name
    return str(row.pseudonym or pseudonym_for(row.id, kind_words(row.types[0])))


def is_redacted(item: StoredNode | StoredLink) -> bool:
    """True for a copy the read door made without personal fields."""
    return bool(item.props.get(REDACTED))


def redact_node(node: StoredNode, personal: frozenset[str]) -> StoredNode:
    """A copy of a node that may not be named: its pseudonym as name, no personal fields."""
    props = {k: v for k, v in node.props.items() if k not in personal}
    props[REDACTED] = True
    return dataclasses.replace(node, name=display_name(node), props=props)


def redact_link(link: StoredLink, personal: frozenset[str]) -> StoredLink:
    """A copy of a link with a private end: no personal fields (a note about the person)."""
    props = {k: v for k, v in link.props.items() if k not in personal}
    props[REDACTED] = True
    return dataclasses.replace(link, props=props)


def names_a_person(title: str, people: Iterable[str]) -> bool:
    """True when a title (of a source) holds a word of three or more letters of one of
    the people's names, e.g. "Interview with Amina" for "Amina Yusuf"."""
    words = {w.casefold() for w in _WORD.findall(title)}
    return any(w.casefold() in words for name in people for w in _WORD.findall(name))


def kind_words(class_name: str) -> str:
    """``DecisionSpace`` → ``Decision space``: how a private node's kind reads."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name).lower()
    return words[:1].upper() + words[1:]
