"""psp show of a node with many links: the table reads and prints only its first rows and
says how many more there are; CSV and JSON carry every link, streamed a chunk at a time;
links to private persons keep their pseudonyms and lose their personal fields in every
format (on SQLite, which reads a page of links in SQL, and on Neo4j, which does not)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from psp_graph.backends.base import NeighbourStore
from psp_graph.cli import main
from psp_graph.graph import Graph
from psp_graph.reading import Reader
from psp_graph.records import RawRecord
from psp_graph.views import describe

HUB = "org:hub-trust"
ORGS = 125
PEOPLE = 12
SECRET = "Quillfeather"  # in each person's name and in their (personal) role on the link


def _records() -> Iterator[RawRecord]:
    yield RawRecord(
        "", None, "sources", {"id": "src:register", "name": "Charity register", "kind": "public_record"}
    )
    yield RawRecord("", None, "sources", {"id": "src:workshop", "name": "Workshop notes", "kind": "workshop"})
    yield RawRecord("", None, "actors", {"id": HUB, "name": "Hub Trust", "types": ["Charity", "Funder"]})
    for n in range(ORGS):
        org = f"org:partner-{n:03d}"
        yield RawRecord("", None, "actors", {"id": org, "name": f"Partner {n}", "types": ["Charity"]})
        yield RawRecord(
            "",
            None,
            "links",
            {"type": "FUNDS", "from": HUB, "to": org, "amount": 1000 + n, "sources": ["src:register"]},
        )
    for n in range(PEOPLE):
        person = f"person:k7q2m9x{n:03d}"
        yield RawRecord("", None, "actors", {"id": person, "name": f"Ada {SECRET} {n}", "types": ["Person"]})
        yield RawRecord(
            "",
            None,
            "links",
            {
                "type": "MEMBER_OF",
                "from": person,
                "to": HUB,
                "role": f"{SECRET} trustee",
                "sources": ["src:workshop"],
            },
        )


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def hub_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = (
        f"sqlite:///{tmp_path / 'hub.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("neo4j_store")
    )
    with Graph.open(url) as graph:
        graph.load_records(_records(), summary="hub")
    return url


def _show(url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["show", HUB, "--store", url, *args], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.output


def _everything(url: str) -> dict[str, Any]:
    """The view as it was made before show read links a page at a time: all links in a list."""
    with Graph.open(url, read_only=True) as graph:
        return describe(graph.reader(), HUB, lazy=False)


def test_table_prints_the_first_rows_and_says_how_many_more(hub_store: str) -> None:
    text = _show(hub_store)
    total = ORGS + PEOPLE
    assert f"… {total - 100:,} more rows; use --format csv or --limit" in text
    view = _everything(hub_store)
    assert len(view["links"]) == total
    shown = [row["other_id"] for row in view["links"][:100]]
    left_out = [row["other_id"] for row in view["links"][100:]]
    assert all(other in text for other in shown)
    assert not any(other in text for other in left_out)
    assert text.count("│ FUNDS ") + text.count("│ MEMBER_OF ") == 100
    assert (
        "src:register" in text and "src:workshop" in text
    )  # the sources of every link, not only those shown
    assert SECRET not in text


def test_csv_and_json_carry_every_link_with_privacy(hub_store: str) -> None:
    view = _everything(hub_store)
    rows = list(csv.DictReader(io.StringIO(_show(hub_store, "--format", "csv"))))
    assert len(rows) == ORGS + PEOPLE
    assert [r["id"] for r in rows] == [r["id"] for r in view["links"]] == sorted(r["id"] for r in rows)
    people = [r for r in rows if r["other_id"].startswith("person:")]
    assert len(people) == PEOPLE
    assert all(r["other"].startswith("Person ") and r["sources"] == "src:workshop" for r in people)
    text = _show(hub_store, "--format", "csv") + _show(hub_store, "--format", "json")
    assert SECRET not in text and "trustee" not in text  # neither names nor the personal role
    shown = json.loads(_show(hub_store, "--format", "json"))
    assert shown == json.loads(json.dumps(view))
    assert [s["id"] for s in shown["sources"]] == ["src:register", "src:workshop"]
    private = CliRunner().invoke(
        main, ["show", HUB, "--store", hub_store, "--format", "csv", "--include-private"]
    )
    assert (
        private.exit_code == 0
        and f"Ada {SECRET} 0" in private.output
        and f"{SECRET} trustee" in private.output
    )


class _Plain:
    """A store without the NeighbourStore ability (as Neo4j is): the reader's own fallback."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        if name in {"count_links_of", "iter_links_of", "sources_cited_around", "node_briefs"}:
            raise AttributeError(name)
        return getattr(self.inner, name)


@pytest.mark.parametrize("include_private", [False, True])
def test_reader_pages_match_the_whole_list(tmp_path: Path, include_private: bool) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    with Graph.open(url) as graph:
        graph.load_records(_records(), summary="hub")
        paged = graph.reader(include_private=include_private)
        assert isinstance(graph.backend, NeighbourStore)
        plain = Reader(_Plain(graph.backend), graph.onto, include_private=include_private)  # type: ignore[arg-type]
        assert not isinstance(plain._backend, NeighbourStore)
        whole = paged.links_of(HUB)
        assert len(whole) == ORGS + PEOPLE
        for reader in (paged, plain):
            assert reader.count_around(HUB) == len(whole)
            links, names = reader.around(HUB)
            assert links == whole
            first, _ = reader.around(HUB, limit=10)
            assert first == whole[:10]
            chunks = list(reader.iter_around(HUB, chunk=7))
            assert [link for part, _ in chunks for link in part] == whole
            assert all(len(part) == 7 for part, _ in chunks[:-1])
            assert {i: n for _, part_names in chunks for i, n in part_names.items()} == names
            assert reader.sources_around(HUB) == {"src:register", "src:workshop"}
            redacted = [link for link in links if link.source.startswith("person:")]
            assert len(redacted) == PEOPLE
            assert all(("role" in link.props) == include_private for link in redacted)
            assert all((SECRET in names[link.source]) == include_private for link in redacted)


def test_limit_shows_the_first_links_in_every_format(hub_store: str) -> None:
    view = _everything(hub_store)
    total = ORGS + PEOPLE
    table = _show(hub_store, "--limit", "5")
    assert f"… {total - 5:,} more rows" in table
    assert all(row["other_id"] in table for row in view["links"][:5])
    assert not any(row["other_id"] in table for row in view["links"][5:])
    rows = list(csv.DictReader(io.StringIO(_show(hub_store, "--format", "csv", "--limit", "3"))))
    assert [r["id"] for r in rows] == [r["id"] for r in view["links"][:3]]
    shown = json.loads(_show(hub_store, "--format", "json", "--limit", "2"))
    assert shown["links"] == json.loads(json.dumps(view["links"][:2])) and shown["sources"] == view["sources"]
    wide = _show(hub_store, "--limit", "500")
    assert "more rows" not in wide and all(row["other_id"] in wide for row in view["links"])
    bad = CliRunner().invoke(main, ["show", HUB, "--store", hub_store, "--limit", "0"])
    assert bad.exit_code == 1 and "--limit" in bad.output + bad.stderr and "Traceback" not in bad.output
