"""``psp erase PERSON`` (issue 14, item 7 and finding 3): the person, their links and notes and
the sources only about them leave the store, its history, the full-text index, the SQLite
files (db, -wal, -shm) and every export, on SQLite and on the real Neo4j; sync passes it on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from psp_graph.cli import main
from psp_graph.graph import Graph
from psp_graph.io.writers import EXPORT_FORMATS

NAME = "Zelda Quennell"
TRACE = re.compile(rb"zelda|quennell", re.IGNORECASE)


def psp(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def build(url: str, tmp_path: Path) -> str:
    """A store where Zelda is a private person with a link, a note, a source only about her
    (named after her), a source she shares with an organisation, and a file load naming her."""
    with Graph.open(url) as graph:
        graph.add(
            {"id": "org:larchwood-foundation", "name": "Larchwood Foundation", "types": ["Charity"]},
            sources=["Larchwood annual report 2020"],
        )
        graph.add(
            {"name": NAME, "types": ["Person"], "experience": "lived", "description": "Zelda's own story"},
            sources=[f"Interview with {NAME}, May 2020", "Larchwood annual report 2020"],
        )
        person = graph.reader(include_private=True).resolve(NAME)
    (tmp_path / "zelda-quennell-notes.yaml").write_text(
        f"links:\n- type: MEMBER_OF\n  from: {person}\n  to: org:larchwood-foundation\n"
        "  role: Zelda chairs the residents' board\n  note: Quennell joined in 2019\n"
        "  sources: [src:larchwood-annual-report-2020]\n",
        encoding="utf-8",
    )
    result = psp("load", str(tmp_path / "zelda-quennell-notes.yaml"), "--store", url)
    assert result.exit_code == 0, result.output
    return person


def outputs(url: str) -> str:
    """Everything psp shows: every export (private names included), history, search, stats."""
    texts = []
    for fmt in EXPORT_FORMATS:
        result = psp("export", "--format", fmt, "--include-private", "--store", url)
        assert result.exit_code == 0, result.output
        texts.append(result.stdout)
    history = psp("history", "--format", "json", "--limit", "1000", "--store", url)
    texts.append(history.stdout)
    with Graph.open(url) as graph:
        reader = graph.reader(include_private=True)
        for cs in reader.changesets():
            texts.append(json.dumps([c.__dict__ for c in reader.changes(cs.id)], default=str))
            texts.append(cs.summary)
        texts.append(repr(reader.search("Zelda")) + repr(reader.search("Quennell")))
    return "\n".join(texts)


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'erase.db'}"
    url: str = request.getfixturevalue("neo4j_store")
    return url


def test_erase_leaves_no_trace_in_store_history_index_or_exports(store: str, tmp_path: Path) -> None:
    person = build(store, tmp_path)
    before = outputs(store)
    assert TRACE.search(before.encode()), "the set-up should put the name in the outputs"
    result = psp("erase", NAME, "--yes", "--store", store)
    assert result.exit_code == 0, result.output
    assert "erased 1 person, 1 links and 1 sources only about them" in result.stdout
    after = outputs(store)
    assert not TRACE.search(after.encode()), TRACE.search(after.encode())
    assert person not in after
    with Graph.open(store) as graph:
        reader = graph.reader(include_private=True)
        assert not reader.has(person)
        assert reader.has("org:larchwood-foundation") and reader.has("src:larchwood-annual-report-2020")
        assert [n.id for n in reader.iter_nodes("Source")] == ["src:larchwood-annual-report-2020"]
    if store.startswith("sqlite"):  # the raw files: database, write-ahead log, shared memory
        path = Path(store.removeprefix("sqlite:///"))
        files = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
        assert files
        for file in files:
            assert not TRACE.search(file.read_bytes()), file


def test_erase_refuses_what_is_not_a_person_and_unknown_names(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    build(url, tmp_path)
    result = psp("erase", "org:larchwood-foundation", "--yes", "--store", url)
    assert result.exit_code == 1 and "is not a person" in result.stderr
    result = psp("erase", "Nobody Atall", "--yes", "--store", url)
    assert result.exit_code == 1 and "no node" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.neo4j
def test_sync_passes_removals_and_erasures_on(neo4j_store: str, tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    person = build(source, tmp_path)
    with Graph.open(source) as graph:
        graph.add({"id": "org:gone", "name": "Gone Org", "types": ["Charity"]}, sources=["Gone list"])
    assert psp("sync", "--to", neo4j_store, "--store", source).exit_code == 0
    with Graph.open(neo4j_store) as graph:
        assert graph.reader(include_private=True).has(person)
    assert psp("remove", "org:gone", "--store", source).exit_code == 0
    assert psp("erase", person, "--yes", "--store", source).exit_code == 0
    result = psp("sync", "--to", neo4j_store, "--store", source)
    assert result.exit_code == 0, result.output
    assert "removals passed on: 1 removed" in result.stdout
    with Graph.open(neo4j_store) as graph:
        reader = graph.reader(include_private=True)
        assert not reader.has(person) and not reader.has("org:gone")
    assert not TRACE.search(outputs(neo4j_store).encode())
