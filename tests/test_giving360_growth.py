"""A later 360Giving file that only cites organisations already stored records a citation
(a ``cite`` change holding the sources added), not a rewrite of each organisation with a
before/after copy (issue 10, speed: the store grows without later files slowing down)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from psp_graph.cli import main
from psp_graph.exc import InvalidData, UndoConflict
from psp_graph.graph import Graph
from psp_graph.io.load import load_file
from psp_graph.records import RawRecord

from .test_giving360 import grant, write_csv

ORGS = [(f"GB-CHC-{n}", f"Org {n}") for n in range(3)]


def first_and_later(tmp_path: Path, later_name: str = "Org 0") -> tuple[Path, Path]:
    first = write_csv(tmp_path / "first.csv", [grant(f"A-{n}", org) for n, org in enumerate(ORGS)])
    later = write_csv(
        tmp_path / "later.csv",
        [grant("B-0", (ORGS[0][0], later_name)), grant("B-1", ORGS[1]), grant("B-2", ORGS[1])],
    )
    return first, later


def test_a_later_file_citing_stored_organisations_records_citations_not_rewrites(tmp_path: Path) -> None:
    first, later = first_and_later(tmp_path)
    with Graph.open(f"sqlite:///{tmp_path / 's.db'}") as graph:
        load_file(graph, first)
        before = graph.backend.get_node("org:gb-chc-1")
        assert before is not None
        result = load_file(graph, later)
        changes = {c.entity_id: c for c in graph.backend.changes(str(result.changeset))}
        new_source = next(i for i, c in changes.items() if i.startswith("src:"))
        for org in ("org:gb-chc-0", "org:gb-chc-1"):
            assert (changes[org].op, changes[org].before) == ("cite", None)
            assert changes[org].after == {"sources": [new_source]}
        assert "org:gb-chc-2" not in changes  # not in the later file
        after = graph.backend.get_node("org:gb-chc-1")
        assert after is not None and after.props["sources"] == [*before.props["sources"], new_source]
        # the organisation's facts, stamps and search entry are as they were
        assert {k: v for k, v in after.props.items() if k != "sources"} == {
            k: v for k, v in before.props.items() if k != "sources"
        }
        assert [n.id for n in graph.reader().search("Org 1")][:1] == ["org:gb-chc-1"]
        assert graph.backend.node_for_identifier("GB-CHC-1") == "org:gb-chc-1"
        assert load_file(graph, later).changeset is None  # the same file again: nothing changes


def test_undo_of_the_later_load_removes_its_citations_and_redo_brings_them_back(tmp_path: Path) -> None:
    first, later = first_and_later(tmp_path)
    with Graph.open(f"sqlite:///{tmp_path / 's.db'}") as graph:
        load_file(graph, first)
        cited_before = graph.backend.get_node("org:gb-chc-0")
        result = load_file(graph, later)
        graph.undo(str(result.changeset))
        assert graph.backend.get_node("org:gb-chc-0") == cited_before
        assert graph.backend.get_link("B-0") is None
        graph.redo()
        node = graph.backend.get_node("org:gb-chc-0")
        assert node is not None and len(node.props["sources"]) == 2


def test_undo_of_the_first_load_after_a_citation_asks_to_undo_the_later_one_first(tmp_path: Path) -> None:
    first, later = first_and_later(tmp_path)
    with Graph.open(f"sqlite:///{tmp_path / 's.db'}") as graph:
        created = load_file(graph, first)
        cited = load_file(graph, later)
        with pytest.raises(UndoConflict, match=f"undo that first|{cited.changeset}"):
            graph.undo(str(created.changeset))


def test_an_organisation_a_later_file_names_differently_is_updated_in_full(tmp_path: Path) -> None:
    first, later = first_and_later(tmp_path, later_name="Org Zero Trust")
    with Graph.open(f"sqlite:///{tmp_path / 's.db'}") as graph:
        load_file(graph, first)
        result = load_file(graph, later)
        changes = {c.entity_id: c for c in graph.backend.changes(str(result.changeset))}
        assert changes["org:gb-chc-0"].op == "update" and changes["org:gb-chc-1"].op == "cite"
        node = graph.backend.get_node("org:gb-chc-0")
        assert node is not None and node.props["aliases"] == ["Org Zero Trust"]


def test_psp_show_lists_the_later_file_as_a_source(runner: CliRunner, tmp_path: Path) -> None:
    first, later = first_and_later(tmp_path)
    assert runner.invoke(main, ["load", str(first)]).exit_code == 0
    assert runner.invoke(main, ["load", str(later)]).exit_code == 0
    shown = runner.invoke(main, ["show", "GB-CHC-1"])
    assert shown.exit_code == 0 and "later.csv" in shown.output and "first.csv" in shown.output


def test_a_bad_citation_record_is_refused_naming_its_field() -> None:
    with Graph.open("sqlite://:memory:") as graph:
        for data, field in (
            ({"id": "org:a", "sources": ["src:x"], "name": "A"}, "name"),
            ({"id": "Not An Id", "sources": ["src:x"]}, "id"),
            ({"id": "org:a"}, "sources"),
        ):
            with pytest.raises(InvalidData) as err:
                graph.validator.citation(RawRecord("f.csv", 4, "citations", data))
            assert (err.value.field, err.value.row) == (field, 4)
