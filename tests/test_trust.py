"""Trust (issue 14): test isolation, hostile files, safe exports, locks, limits, erasure.

Each test names the finding it guards; docs/trust.md links here.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
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


# -- finding 4: hostile files fail in one line, with bounded memory ---------------------------------
def _validate(tmp_path: Path, name: str, content: str | bytes) -> str:
    """`psp validate FILE`: exit 1 and the one-line error."""
    from click.testing import CliRunner

    from psp_graph.cli import main

    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    result = CliRunner().invoke(main, ["validate", str(path)], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[:2000]
    assert "Traceback" not in result.stderr and len(lines[0]) < 400, lines[0][:400]
    assert name in lines[0]
    return lines[0]


ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
actors: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_yaml_alias_bomb_is_refused_in_one_line(tmp_path: Path) -> None:
    assert "alias bomb" in _validate(tmp_path, "bomb.yaml", ALIAS_BOMB)


def test_a_recursive_yaml_alias_is_refused(tmp_path: Path) -> None:
    assert "refers to itself" in _validate(tmp_path, "loop.yaml", "actors: &a [*a]\n")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.yaml", "actors: " + "[" * 5000 + "]" * 5000 + "\n"),
        ("deep.json", '{"actors": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        ("deep40.json", '{"actors": [{"name": ' + "[" * 40 + "]" * 40 + "}]}"),
    ],
)
def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path: Path, name: str, content: str) -> None:
    assert "nested more than 32 levels deep" in _validate(tmp_path, name, content)


def test_a_huge_value_is_refused(tmp_path: Path) -> None:
    line = _validate(tmp_path, "big.csv", "name,types\n" + "x" * 200_000 + ",Charity\n")
    assert "a cell of more than 100,000 characters" in line
    line = _validate(tmp_path, "big.yaml", f"actors:\n- name: {'x' * 200_000}\n  types: [Charity]\n")
    assert "a value of 200,000 characters" in line


def test_an_xlsx_with_a_huge_cell_fails_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    from psp_graph.io import limits

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "actors"
    sheet.append(["name", "types", "description"])
    sheet.append(["Alpha", "Charity", "MARKER"])
    book.save(tmp_path / "small.xlsx")
    # openpyxl's writer cuts cells at Excel's 32,767 characters; other tools do not: edit the XML.
    with (
        zipfile.ZipFile(tmp_path / "small.xlsx") as zin,
        zipfile.ZipFile(tmp_path / "huge.xlsx", "w") as zout,
    ):
        for part in zin.infolist():
            zout.writestr(part, zin.read(part.filename).replace(b"MARKER", b"y" * 200_000))
    line = _validate(tmp_path, "huge.xlsx", (tmp_path / "huge.xlsx").read_bytes())
    assert "row 2" in line and "description" in line and "200,000 characters" in line
    # A part that unpacks beyond the file limit is refused before openpyxl loads it (a 500 MB cell).
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100_000)
    assert "unpacks to" in _validate(tmp_path, "huge.xlsx", (tmp_path / "huge.xlsx").read_bytes())


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from psp_graph.io import limits

    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    assert "are refused" in _validate(
        tmp_path, "big.yaml", "actors:\n" + "- {name: A, types: [Charity]}\n" * 100
    )


def test_a_csv_is_read_as_a_stream_with_bounded_memory(tmp_path: Path) -> None:
    import tracemalloc

    from psp_graph.io.readers import read_records

    path = tmp_path / "big.csv"
    row = "Organisation number {n},Charity," + "d" * 900 + "\n"
    with path.open("w") as f:
        f.write("name,types,description\n")
        f.writelines(row.format(n=n) for n in range(20_000))
    assert path.stat().st_size > 18_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_records(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < 2_000_000, f"reading an 18 MB CSV peaked at {peak / 1e6:.1f} MB"


# -- finding 5: exports and terminal output are safe ------------------------------------------------
HOSTILE_NAME = '=HYPERLINK("http://x")\x1b[31m\x07red\x00'


@pytest.fixture
def hostile_store(tmp_path: Path) -> str:
    from psp_graph.graph import Graph

    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    with Graph.open(url) as graph:
        graph.add_node(
            {"id": "org:formula", "name": HOSTILE_NAME, "types": ["Charity"], "illustrative": True}
        )
        graph.add_node({"id": "org:plain", "name": "-Plain", "types": ["Charity"], "illustrative": True})
        graph.add_link(
            {"id": "link with a space", "type": "PARTNERS_WITH", "from": "org:formula", "to": "org:plain"}
        )
    return url


def _psp(*args: str) -> Any:
    from click.testing import CliRunner

    from psp_graph.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_csv_output_neutralises_formulas(hostile_store: str) -> None:
    import csv

    result = _psp("search", "hyperlink", "--format", "csv", "--store", hostile_store)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and rows[0]["name"].startswith("'=HYPERLINK")
    result = _psp("search", "plain", "--format", "csv", "--store", hostile_store)
    assert next(iter(csv.DictReader(io.StringIO(result.stdout))))["name"] == "'-Plain"


def test_tables_show_control_characters_as_text(hostile_store: str) -> None:
    result = _psp("show", "org:formula", "--store", hostile_store)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x00" not in result.stdout
    assert "\\x1b[31m" in result.stdout


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_stay_well_formed_with_control_characters(hostile_store: str, fmt: str) -> None:
    from xml.etree import ElementTree

    result = _psp("export", "--format", fmt, "--store", hostile_store)
    assert result.exit_code == 0, result.output
    ElementTree.fromstring(result.stdout.encode())  # raises on ill-formed XML
    assert "HYPERLINK" in result.stdout


def test_turtle_export_encodes_a_link_id_with_a_space_and_loads_back(
    hostile_store: str, tmp_path: Path
) -> None:
    import rdflib

    from psp_graph.graph import Graph
    from psp_graph.io.load import load_file

    result = _psp("export", "--format", "ttl", "--include-private", "--store", hostile_store)
    assert result.exit_code == 0, result.output
    assert "link%20with%20a%20space" in result.stdout
    rdflib.Graph().parse(data=result.stdout, format="turtle")
    (tmp_path / "back.ttl").write_text(result.stdout, encoding="utf-8")
    with Graph.open("sqlite://:memory:") as copy:
        load_file(copy, tmp_path / "back.ttl")
        assert copy.backend.get_link("link with a space") is not None


@pytest.mark.parametrize("command", [["export"], ["search", "plain"], ["map"]])
def test_output_does_not_follow_a_symlink_unless_asked(
    hostile_store: str, tmp_path: Path, command: list[str]
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    result = _psp(*command, "-o", str(link), "--store", hostile_store)
    assert result.exit_code == 1
    assert "symbolic link" in result.stderr and "--follow-symlinks" in result.stderr
    assert target.read_text() == "keep me"
    result = _psp(*command, "-o", str(link), "--follow-symlinks", "--store", hostile_store)
    assert result.exit_code == 0, result.output
    assert target.read_text() != "keep me"


# -- finding 9 (part): ISO 4217 currencies, one table ----------------------------------------------
def test_an_unknown_currency_is_refused_with_a_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "grant.yaml"
    path.write_text(
        "actors:\n- {id: org:a, name: A, types: [Charity, Funder], illustrative: true}\n"
        "- {id: org:b, name: B, types: [Charity], illustrative: true}\n"
        "links:\n- {type: FUNDS, from: org:a, to: org:b, amount: 100, currency: GPB}\n"
    )
    result = _psp("validate", str(path))
    assert result.exit_code == 1
    assert "'GPB' is not an ISO 4217 currency code" in result.stderr and "did you mean GBP?" in result.stderr


def test_kwd_amounts_survive_an_rdf_round_trip(tmp_path: Path) -> None:
    from psp_graph.graph import Graph
    from psp_graph.io.load import load_file
    from psp_graph.io.writers import export_graph

    with Graph.open("sqlite://:memory:") as graph:
        graph.add_node({"id": "org:a", "name": "A", "types": ["Charity", "Funder"], "illustrative": True})
        graph.add_node({"id": "org:b", "name": "B", "types": ["Charity"], "illustrative": True})
        for currency, amount in (("KWD", "12.345"), ("JPY", "500"), ("GBP", "10.50")):
            graph.add_link(
                {
                    "id": f"link:{currency}",
                    "type": "FUNDS",
                    "from": "org:a",
                    "to": "org:b",
                    "amount": amount,
                    "currency": currency,
                }
            )
        (tmp_path / "g.ttl").write_text(export_graph(graph, "ttl", include_private=True), encoding="utf-8")
        before = {link.id: link.props["amount_minor"] for link in graph.backend.iter_links()}
    with Graph.open("sqlite://:memory:") as copy:
        load_file(copy, tmp_path / "g.ttl")
        assert {link.id: link.props["amount_minor"] for link in copy.backend.iter_links()} == before
    assert before["link:KWD"] == 12345


# -- finding 7: reads take no write lock and create nothing -------------------------------------------
@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["show", "org:formula"],
        ["search", "plain"],
        ["query", "power-ranking"],
        ["export", "--format", "json"],
        ["map", "-o", "MAP"],
        ["history"],
    ],
)
def test_read_commands_do_not_wait_behind_a_long_write(
    hostile_store: str, tmp_path: Path, command: list[str]
) -> None:
    import sqlite3

    writer = sqlite3.connect(hostile_store.removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a long load holds the write lock
    writer.execute("INSERT INTO meta(key, value) VALUES ('busy', 'yes')")
    try:
        args = [str(tmp_path / "map.html") if a == "MAP" else a for a in command]
        result = _psp(*args, "--store", hostile_store)
        assert result.exit_code == 0, result.output
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_read_without_a_store_says_how_to_make_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PSP_STORE", raising=False)
    for command in (["stats"], ["search", "x"], ["show", "x"], ["query", "power-ranking"]):
        result = _psp(*command)
        assert result.exit_code == 1
        assert "no store at sqlite:///psp.db: create one with 'psp init'" in result.stderr
    assert not (tmp_path / "psp.db").exists()


# -- finding 9: surprises ---------------------------------------------------------------------------
def test_store_before_or_after_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSP_STORE", f"sqlite:///{tmp_path / 'not-this.db'}")
    url = f"sqlite:///{tmp_path / 'team.db'}"
    assert _psp("--store", url, "init").exit_code == 0
    before = _psp("--store", url, "stats", "--format", "json")
    after = _psp("stats", "--format", "json", "--store", url)
    assert before.exit_code == 0 and before.stdout == after.stdout
    assert not (tmp_path / "not-this.db").exists()


def test_undo_last_twice_steps_back_and_redo_steps_forward(graph: Any) -> None:
    for slug in ("first", "second"):
        graph.add_node(
            {"id": f"org:{slug}", "name": slug.title(), "types": ["Charity"], "illustrative": True}
        )

    def ids() -> set[str]:
        return {n.id for n in graph.backend.iter_nodes("Organisation")}

    assert ids() == {"org:first", "org:second"}
    graph.undo("last")
    assert ids() == {"org:first"}
    graph.undo("last")  # steps back again, never re-does the second
    assert ids() == set()
    graph.redo()
    assert ids() == {"org:first"}
    graph.redo()
    assert ids() == {"org:first", "org:second"}
    with pytest.raises(Exception, match="nothing to redo"):
        graph.redo()
    graph.undo("last")
    assert ids() == {"org:first"}


def test_an_ambiguous_exact_name_lists_the_candidates(graph: Any) -> None:
    from psp_graph.exc import NodeNotFound

    graph.add_node({"id": "org:hope-a", "name": "Hope", "types": ["Charity"], "illustrative": True})
    graph.add_node({"id": "org:hope-b", "name": "Hope", "types": ["CommunityGroup"], "illustrative": True})
    with pytest.raises(NodeNotFound, match=r"'Hope' names 2 nodes: org:hope-a, org:hope-b; give an id"):
        graph.reader().resolve("Hope")


def test_the_demo_hint_leads_somewhere_that_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PSP_STORE", raising=False)
    result = _psp("demo")
    assert result.exit_code == 0, result.output
    hint = next(line for line in result.stdout.splitlines() if line.startswith("Next:"))
    command = hint.split("Next:", 1)[1].split(",")[0].strip().split()
    assert command[0] == "psp"
    followed = _psp(*command[1:])
    assert followed.exit_code == 0, followed.output
    assert not (tmp_path / "psp.db").exists()


def test_there_is_an_mit_licence() -> None:
    from tests.conftest import ROOT

    text = (ROOT / "LICENSE").read_text()
    assert "MIT License" in text and "Permission is hereby granted" in text


def test_make_demo_installs_python_packages_only() -> None:
    import subprocess

    from tests.conftest import ROOT

    demo = subprocess.run(["make", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "apt-get" not in demo and "chromium" not in demo and "psp demo" in demo
    test = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "chromium" in test


def test_the_named_queries_use_only_cypher_of_the_stated_neo4j_floor() -> None:
    """Neo4j 5.7+ is claimed (README, docs, the backend's version check): no 5.23+ scoped
    ``CALL (x) {`` subqueries; importing ``CALL { WITH x`` works from 5.0 on."""
    import re

    from tests.conftest import ROOT

    for path in sorted((ROOT / "queries").rglob("*.cypher")):  # queries/server/ too
        assert not re.search(r"\bCALL\s*\(", path.read_text()), f"{path.name} uses CALL (...) {{, Neo4j 5.23+"
    for doc in ("README.md", "docs/neo4j.md", "psp_graph/backends/neo4j.py"):
        assert "5.7 or newer" in (ROOT / doc).read_text().replace("\n", " "), doc


def test_every_test_named_in_docs_trust_exists() -> None:
    """docs/trust.md links each guarantee to a test: each named test must exist."""
    import re

    from tests.conftest import ROOT

    named = set(re.findall(r"`(test_\w+)`", (ROOT / "docs" / "trust.md").read_text()))
    assert len(named) > 20
    defined = {
        m
        for path in (ROOT / "tests").rglob("test_*.py")
        for m in re.findall(r"^def (test_\w+)", path.read_text(), flags=re.M)
    }
    assert named - defined == set()


@pytest.mark.parametrize("command", [["init"], ["stats"], ["load", "x.yaml"]])
def test_no_credential_text_in_a_sqlite_message(command: list[str]) -> None:
    result = _psp(*command, "--store", "sqlite://user:p@S3cret@nowhere/x/y.db")
    assert result.exit_code == 1
    assert "S3cret" not in result.output + result.stderr and "user:" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
