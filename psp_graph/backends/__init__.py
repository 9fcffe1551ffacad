"""Stores for the graph, registered by URL scheme.

``sqlite:///path.db`` (the default ``./psp.db``) or ``sqlite://:memory:`` for the
embedded store; ``neo4j://``, ``bolt://`` or ``neo4j+s://`` for a Neo4j server.
A new store registers its schemes with :func:`register_store` (docs/extending.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from psp_graph.backends.base import Backend
from psp_graph.exc import StoreUnavailable

if TYPE_CHECKING:
    from psp_graph.ontology import Ontology

__all__ = ["DEFAULT_STORE", "Backend", "open_backend", "register_store", "resolve_store_url", "safe_url"]

DEFAULT_STORE = "sqlite:///psp.db"

Opener = Callable[..., Backend]  # opener(url, ontology), and read_only=True for reads
_STORES: dict[str, Opener] = {}


def register_store(opener: Opener, *schemes: str) -> None:
    """Open URLs with these schemes (``sqlite``, ``bolt``, …) with ``opener(url, ontology)``."""
    for scheme in schemes:
        _STORES[scheme.lower()] = opener


def resolve_store_url(url: str | None = None) -> str:
    """The store URL: the argument, else ``PSP_STORE``, else ``sqlite:///psp.db``."""
    return url or os.environ.get("PSP_STORE") or DEFAULT_STORE


def safe_url(url: str) -> str:
    """The URL without any user:password@ part, for messages (a password may itself hold '@' or ':')."""
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*://)(.*)$", url, re.DOTALL)
    if match is None:
        return url
    scheme, rest = match.groups()
    if rest.startswith("/") or "@" not in rest:  # sqlite:///path: no authority part
        return url
    return scheme + rest.rsplit("@", 1)[1]


def open_backend(url: str | None = None, onto: Ontology | None = None, *, read_only: bool = False) -> Backend:
    """Open the backend for a store URL (see module docs); a bare path is a SQLite file.

    ``read_only`` (for commands that only read) takes no write lock, writes no schema and
    refuses a store that does not exist yet; it is passed to the opener only when true."""
    if onto is None:
        from psp_graph.ontology import load_ontology

        onto = load_ontology()
    url = resolve_store_url(url)
    if "://" not in url and not url.startswith("sqlite:"):
        url = f"sqlite:///{url}"
    scheme = url.split(":", 1)[0].lower()
    opener = _STORES.get(scheme)
    if opener is None:
        raise StoreUnavailable(
            f"unknown store '{safe_url(url)}'; use sqlite:///FILE.db, sqlite://:memory: or neo4j://HOST:PORT"
        )
    return opener(url, onto, read_only=True) if read_only else opener(url, onto)


def _sqlite(url: str, onto: Ontology, *, read_only: bool = False) -> Backend:
    from psp_graph.backends.sqlite import SQLiteBackend

    return SQLiteBackend(url, read_only=read_only)


def _neo4j(url: str, onto: Ontology, *, read_only: bool = False) -> Backend:
    try:
        from psp_graph.backends.neo4j import Neo4jBackend
    except ImportError as err:
        raise StoreUnavailable(
            f"{safe_url(url)}: the Neo4j backend needs the neo4j extra (pip install 'psp-graph[neo4j]')"
        ) from err
    return Neo4jBackend(url, onto, read_only=read_only)


register_store(_sqlite, "sqlite")
register_store(_neo4j, "neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
