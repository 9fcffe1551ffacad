"""A real Neo4j for the tests: one server per session, a clean test database per test.

``neo4j_server_uri`` (session) is ``PSP_TEST_NEO4J_URI`` when set, else a server
started from tools/neo4j/server.py (about 5-10 s on a warm machine). It never
reads ``PSP_NEO4J_URI`` or ``PSP_STORE``. Without Java the Neo4j tests skip with
one reason, except under ``CI=true``, where a Neo4j that cannot start is an error.

``neo4j_store`` (function) wipes the database and returns its URL, with the
backend's credential variables set from ``PSP_TEST_NEO4J_USER``/``_PASSWORD``/
``_DATABASE`` (or cleared). It wipes only a database marked as a test one (a
``:PspMeta`` marker it creates in an empty database) and fails on any other.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TEST_MARKER = "psp_test_database"
_CREDENTIALS = ("USER", "PASSWORD", "DATABASE")


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
    given = os.environ.get("PSP_TEST_NEO4J_URI")
    if given:
        yield given
        return
    tools = require_java()
    server = tools.Neo4jServer(timeout=180)
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


def wipe_test_database(uri: str) -> None:
    """Delete everything but the test marker; mark an empty database; refuse any other."""
    from neo4j import GraphDatabase

    user, password, database = _test_credentials()
    auth = (user, password) if password else None
    with GraphDatabase.driver(uri, auth=auth, notifications_min_severity="OFF") as driver:

        def query(text: str, **params: object) -> list[dict[str, object]]:
            records, _, _ = driver.execute_query(text, params, database_=database)
            return [r.data() for r in records]

        marked = query("MATCH (m:PspMeta {key: $key}) RETURN count(m) AS n", key=TEST_MARKER)[0]["n"]
        if not marked:
            if query("MATCH (n) RETURN count(n) AS n")[0]["n"]:
                pytest.fail(
                    f"refusing to wipe the Neo4j database at {uri}: it holds data and has no "
                    f"(:PspMeta {{key: '{TEST_MARKER}'}}) marker; point PSP_TEST_NEO4J_URI at an empty "
                    "or test database",
                    pytrace=False,
                )
            query("MERGE (m:PspMeta {key: $key}) SET m.value = 'wipe me'", key=TEST_MARKER)
        while query(
            "MATCH (n) WHERE NOT (n:PspMeta AND n.key = $key) WITH n LIMIT 10000 DETACH DELETE n "
            "RETURN count(*) AS n",
            key=TEST_MARKER,
        )[0]["n"]:
            pass


@pytest.fixture
def neo4j_store(neo4j_server_uri: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of an empty test database, with the backend's credentials set for it."""
    wipe_test_database(neo4j_server_uri)
    for name, value in zip(_CREDENTIALS, _test_credentials(), strict=True):
        if value is None:
            monkeypatch.delenv(f"PSP_NEO4J_{name}", raising=False)
        else:
            monkeypatch.setenv(f"PSP_NEO4J_{name}", value)
    return neo4j_server_uri
