"""Trust (issue 14): test isolation, hostile files, safe exports, locks, limits, erasure.

Each test names the finding it guards; docs/trust.md links here.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from tests.neo4j_support import RUN_TOKEN, TEST_MARKER, RefusedWipe, neo4j_tools, wipe_test_database


# -- finding 2: test isolation cannot fail open ---------------------------------------------------
def _cypher(uri: str, query: str, **params: Any) -> list[dict[str, Any]]:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, notifications_min_severity="OFF") as driver:
        records, _, _ = driver.execute_query(query, params)
        return [r.data() for r in records]


@pytest.mark.neo4j
@pytest.mark.parametrize("marker", ["an old run's marker", "no marker"])
def test_a_server_holding_user_data_is_not_wiped_whatever_its_marker(neo4j_store: str, marker: str) -> None:
    uri = neo4j_store
    _cypher(uri, "UNWIND range(1, 175) AS i CREATE (:Entity {id: 'user:' + toString(i)})")
    if marker == "no marker":
        _cypher(uri, "MATCH (m:PspMeta {key: $key}) DELETE m", key=TEST_MARKER)
    else:
        _cypher(uri, "MATCH (m:PspMeta {key: $key}) SET m.value = 'wipe me'", key=TEST_MARKER)
    with pytest.raises(RefusedWipe, match="175 nodes this test run did not create"):
        wipe_test_database(uri)
    with pytest.raises(RefusedWipe):
        wipe_test_database(uri, token="wipe me" if marker == "no marker" else "another-run")
    assert _cypher(uri, "MATCH (n:Entity) RETURN count(n) AS n")[0]["n"] == 175
    # Hand the database back to this run so the next test's fixture can claim it.
    _cypher(uri, "MATCH (n:Entity) DETACH DELETE n")
    wipe_test_database(uri)
    assert _cypher(uri, "MATCH (m:PspMeta {key: $key}) RETURN m.value AS v", key=TEST_MARKER) == [
        {"v": RUN_TOKEN}
    ]


class _FakeServer:
    uri = "bolt://127.0.0.1:7687"
    log_path = Path("/tmp/neo4j.log")

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs

    def start(self) -> _FakeServer:
        return self

    def wait(self) -> int:
        return 0

    def stop(self) -> None:
        pass


@pytest.mark.parametrize(
    ("argv", "printed", "never"),
    [
        ([], "export PSP_STORE=", "export PSP_TEST_NEO4J_URI="),
        (["--for-tests"], "export PSP_TEST_NEO4J_URI=", "export PSP_STORE="),
    ],
)
def test_the_server_tool_never_suggests_one_server_for_work_and_tests(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], printed: str, never: str
) -> None:
    tools = neo4j_tools()
    monkeypatch.setattr(tools, "Neo4jServer", _FakeServer)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        tools.main(argv)
    assert printed in out.getvalue()
    assert never not in out.getvalue()


def test_the_test_server_keeps_no_data(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info, contextlib.redirect_stderr(io.StringIO()) as err:
        neo4j_tools().main(["--for-tests", "--data", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "--for-tests keeps no data" in err.getvalue()


@pytest.mark.neo4j
@pytest.mark.slow
def test_a_password_protected_server_restarts_on_its_kept_data(tmp_path: Path) -> None:
    from neo4j import GraphDatabase

    from tests.neo4j_support import require_java

    tools = require_java()
    for run in range(2):
        server = tools.Neo4jServer(password="p@ss:w/rd", data_dir=tmp_path / "data", timeout=180)
        with server, GraphDatabase.driver(server.uri, auth=("neo4j", "p@ss:w/rd")) as driver:
            if run == 0:
                driver.execute_query("CREATE (:Kept {run: 0})")
            records, _, _ = driver.execute_query("MATCH (k:Kept) RETURN count(k) AS n")
            assert records[0]["n"] == 1
