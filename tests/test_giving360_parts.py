"""Big 360Giving files are read as a stream and written in parts inside one transaction:
one change set, all-or-nothing across parts, undo as usual (issue 10, speed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.io import load
from psp_graph.io.load import load_file
from psp_graph.io.problems import Problems

from .conftest import store_state
from .test_giving360 import grant, write_csv


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "PART_SIZE", 3)  # 12 grants and their actors: several parts


def grants(tmp_path: Path, **bad: Any) -> Path:
    rows = [grant(f"G-{n}", (f"GB-CHC-{n % 4}", f"Org {n % 4}"), amount=100 + n) for n in range(12)]
    for key, value in bad.items():
        rows[11][key] = value
    return write_csv(tmp_path / "grants.csv", rows)


def test_a_file_written_in_parts_is_one_change_set_with_one_history_entry_per_record(tmp_path: Path) -> None:
    with Graph.open(f"sqlite:///{tmp_path / 's.db'}") as graph:
        result = load_file(graph, grants(tmp_path))
        assert (result.created, result.updated) == (1 + 5 + 12, 0)  # source, 4 recipients + funder, grants
        changes = graph.backend.changes(str(result.changeset))
        assert [c.seq for c in changes] == list(range(len(changes)))
        ids = [c.entity_id for c in changes]
        assert len(ids) == len(set(ids)) == 18  # each created record once
        assert sum(1 for c in changes if c.entity == "link") == 12
        load_file(graph, grants(tmp_path))  # the same file again: nothing changes
        assert [cs.action for cs in graph.backend.changesets()] == ["load", "init"]
        graph.undo(str(result.changeset))
        assert graph.backend.get_link("G-5") is None and graph.backend.get_node("org:gb-chc-1") is None


def test_an_error_in_the_last_part_writes_nothing_of_the_earlier_parts(tmp_path: Path) -> None:
    path = grants(tmp_path, Identifier="G-" + "x" * 9000)  # too long for a store index
    with Graph.open(f"sqlite:///{tmp_path / 's.db'}") as graph:
        before = store_state(graph)
        with pytest.raises(InvalidData, match="row 13: field 'id'"):
            load_file(graph, path)
        assert store_state(graph) == before
        problems = Problems()
        result = load_file(graph, path, problems=problems, skip_invalid=True)
        assert result.created == 1 + 5 + 11 and graph.backend.get_link("G-10") is not None
        assert [(p.row, p.field) for p in problems.errors()] == [(13, "id")]


def test_a_reference_found_missing_after_its_part_was_written_is_left_out_on_a_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # YAML goes in one part; here a link cites a source no record of the file gives.
    path = tmp_path / "g.yaml"
    path.write_text(
        "actors:\n"
        "  - {name: Alpha Trust, types: [Charity]}\n"
        "  - {name: Beta Group, types: [CommunityGroup]}\n"
        "links:\n"
        "  - {type: FUNDS, from: org:alpha-trust, to: org:beta-group, amount: 5}\n"
        "  - {type: FUNDS, from: org:alpha-trust, to: org:beta-group, amount: 6, id: g-2, sources: [src:nowhere]}\n",
        encoding="utf-8",
    )
    with Graph.open("sqlite://:memory:") as graph:
        problems = Problems()
        result = load_file(graph, path, problems=problems, skip_invalid=True)
        assert result.created == 3 and graph.backend.get_link("g-2") is None
        assert [(p.row, p.field) for p in problems.errors()] == [(6, "sources")]


def test_a_repeated_grant_id_with_other_data_in_a_later_part_is_a_problem(tmp_path: Path) -> None:
    path = grants(tmp_path, Identifier="G-0")  # the last row repeats G-0 with another amount
    with Graph.open("sqlite://:memory:") as graph:
        problems = Problems()
        load_file(graph, path, problems=problems, skip_invalid=True)
        assert graph.backend.get_link("G-0").props["amount_minor"] == 10_000  # the first is kept
    assert [(p.row, p.field) for p in problems.errors()] == [(13, "Identifier")]


def test_a_row_the_sources_policy_refuses_is_left_out_with_skip_invalid(tmp_path: Path) -> None:
    path = tmp_path / "notes.yaml"
    path.write_text(
        "sources:\n"
        "  - {id: src:notes, name: Workshop notes}\n"
        "actors:\n"
        "  - {name: Alpha Trust, types: [Charity], sources: [src:notes]}\n"
        "  - {name: Beta Group, types: [CommunityGroup]}\n",
        encoding="utf-8",
    )
    with Graph.open(f"sqlite:///{tmp_path / 's.db'}", require_sources=True) as graph:
        before = store_state(graph)
        with pytest.raises(InvalidData, match="row 5: field 'sources': no source for this fact"):
            load_file(graph, path)
        assert store_state(graph) == before
        problems = Problems()
        result = load_file(graph, path, problems=problems, skip_invalid=True)
        assert result.created == 2 and graph.backend.get_node("org:beta-group") is None
        assert [(p.row, p.field) for p in problems.errors()] == [(5, "sources")]
