"""A real Neo4j for the tests: one server per session, a clean test database per test.

``neo4j_server_uri`` (session) is ``PSP_TEST_NEO4J_URI`` when set, else a server
started from tools/neo4j/server.py (about 5-10 s on a warm machine). It never
reads ``PSP_NEO4J_URI`` or ``PSP_STORE``. Without Java the Neo4j tests skip with
one reason, except under ``CI=true``, where a Neo4j that cannot start is an error.

``neo4j_store`` (function) wipes the database and returns its URL, with the
backend's credential variables set from ``PSP_TEST_NEO4J_USER``/``_PASSWORD``/
``_DATABASE`` (or cleared).

``neo4j_gds_store`` is the same for a second server that has the Graph Data Science
library (``PSP_TEST_NEO4J_GDS_URI``, else started with ``Neo4jServer(gds=True)``),
started only by the tests that ask for it.

Isolation cannot fail open: a wipe deletes data only in a database this test run
claimed. A database is claimed when it is empty (nothing but, at most, a test
marker), by writing this run's token into its ``:PspMeta`` marker; later wipes in
the same run check the token. A marker left by an earlier run (a "stale" marker)
authorises nothing: a database holding data under any other token is refused,
whatever its marker says (tests/test_trust.py proves it).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_MARKER = "psp_test_database"
_CREDENTIALS = ("USER", "PASSWORD", "DATABASE")
# This run's claim on a test database: a marker with any other value authorises no wipe.
RUN_TOKEN = f"psp-test-run-{uuid.uuid4().hex}"


class RefusedWipe(RuntimeError):
    """The database holds data this test run did not put there."""


def neo4j_tools() -> ModuleType:
    """tools/neo4j/server.py, imported by path (it is not part of the package)."""
    name = "psp_neo4j_tools_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "neo4j" / "server.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def require_java() -> ModuleType:
    """The tools module, or a skip (a failure under CI) when Java 17+ is missing."""
    tools = neo4j_tools()
    if not tools.java_available():
        reason = "Neo4j tests need Java 17+ (not found) or PSP_TEST_NEO4J_URI"
        if IN_CI:
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    return tools


@pytest.fixture(scope="session")
def neo4j_server_uri() -> Iterator[str]:
    """The Bolt URL of the session's Neo4j."""
    yield from _server_uri("PSP_TEST_NEO4J_URI", gds=False)


@pytest.fixture(scope="session")
def neo4j_gds_server_uri() -> Iterator[str]:
    """The Bolt URL of the session's Neo4j with the Graph Data Science library."""
    yield from _server_uri("PSP_TEST_NEO4J_GDS_URI", gds=True)


def _server_uri(variable: str, *, gds: bool) -> Iterator[str]:
    given = os.environ.get(variable)
    if given:
        yield given
        return
    tools = require_java()
    # The first start with GDS also fetches its jars (about 130 of them).
    server = tools.Neo4jServer(timeout=300 if gds else 180, gds=gds)
    try:
        server.start()
    except RuntimeError as err:
        pytest.fail(f"Neo4j did not start: {err}", pytrace=False)
    try:
        yield server.uri
    finally:
        server.stop()


def _test_credentials() -> tuple[str, str | None, str | None]:
    env = os.environ
    return (
        env.get("PSP_TEST_NEO4J_USER") or "neo4j",
        env.get("PSP_TEST_NEO4J_PASSWORD") or None,
        env.get("PSP_TEST_NEO4J_DATABASE") or None,
    )


def wipe_test_database(uri: str, token: str = RUN_TOKEN) -> None:
    """Empty a database this run claimed (or claim an empty one); refuse any other.

    Raises RefusedWipe, deleting nothing, when the database holds data and its
    marker is missing or carries another run's token.
    """
    from neo4j import GraphDatabase

    user, password, database = _test_credentials()
    auth = (user, password) if password else None
    with GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF") as driver:

        def query(text: str, **params: object) -> list[dict[str, object]]:
            records, _, _ = driver.execute_query(text, params, database_=database)
            return [r.data() for r in records]

        markers = query("MATCH (m:PspMeta {key: $key}) RETURN m.value AS value", key=TEST_MARKER)
        if not any(m["value"] == token for m in markers):
            others = query(
                "MATCH (n) WHERE NOT (n:PspMeta AND n.key = $key) RETURN count(n) AS n", key=TEST_MARKER
            )[0]["n"]
            if others:
                stale = " (its test marker is from another run)" if markers else ""
                raise RefusedWipe(
                    f"refusing to wipe the Neo4j database at {uri}: it holds {others} nodes this test run "
                    f"did not create{stale}; point PSP_TEST_NEO4J_URI at an empty database"
                )
            query("MATCH (m:PspMeta {key: $key}) DELETE m", key=TEST_MARKER)
            query("CREATE (m:PspMeta {key: $key, value: $token})", key=TEST_MARKER, token=token)
        while query(
            "MATCH (n) WHERE NOT (n:PspMeta AND n.key = $key) WITH n LIMIT 10000 DETACH DELETE n "
            "RETURN count(*) AS n",
            key=TEST_MARKER,
        )[0]["n"]:
            pass


@pytest.fixture
def neo4j_store(neo4j_server_uri: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of an empty test database, with the backend's credentials set for it."""
    return _claimed(neo4j_server_uri, monkeypatch)


@pytest.fixture
def neo4j_gds_store(neo4j_gds_server_uri: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of an empty test database on the server with Graph Data Science."""
    return _claimed(neo4j_gds_server_uri, monkeypatch)


def _claimed(neo4j_server_uri: str, monkeypatch: pytest.MonkeyPatch) -> str:
    try:
        wipe_test_database(neo4j_server_uri)
    except RefusedWipe as err:
        pytest.fail(str(err), pytrace=False)
    for name, value in zip(_CREDENTIALS, _test_credentials(), strict=True):
        if value is None:
            monkeypatch.delenv(f"PSP_NEO4J_{name}", raising=False)
        else:
            monkeypatch.setenv(f"PSP_NEO4J_{name}", value)
    return neo4j_server_uri
