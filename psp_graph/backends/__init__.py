"""Stores for the graph, chosen by URL.

``sqlite:///path.db`` (the default ``./psp.db``) or ``sqlite://:memory:`` for the
embedded store; ``neo4j://``, ``bolt://`` or ``neo4j+s://`` for a Neo4j server.
"""

from __future__ import annotations

import os
import re

from psp_graph.backends.base import Backend
from psp_graph.exc import StoreUnavailable

__all__ = ["DEFAULT_STORE", "Backend", "open_backend", "resolve_store_url"]

DEFAULT_STORE = "sqlite:///psp.db"
_NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


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


def open_backend(url: str | None = None, *, read_only: bool = False) -> Backend:
    """Open the backend for a store URL (see module docs); ``read_only`` takes no write lock,
    writes no schema and refuses a store that does not exist yet."""
    url = resolve_store_url(url)
    if url.startswith("sqlite:"):
        from psp_graph.backends.sqlite import SQLiteBackend

        return SQLiteBackend(url, read_only=read_only)
    if url.lower().startswith(_NEO4J_SCHEMES):
        try:
            from psp_graph.backends.neo4j import Neo4jBackend
        except ImportError as err:
            raise StoreUnavailable(
                f"{safe_url(url)}: the Neo4j backend needs the neo4j extra (pip install 'psp-graph[neo4j]')"
            ) from err
        return Neo4jBackend(url, read_only=read_only)
    if "://" not in url:
        from psp_graph.backends.sqlite import SQLiteBackend

        return SQLiteBackend(f"sqlite:///{url}", read_only=read_only)
    raise StoreUnavailable(
        f"unknown store '{safe_url(url)}'; use sqlite:///FILE.db, sqlite://:memory: or neo4j://HOST:PORT"
    )
