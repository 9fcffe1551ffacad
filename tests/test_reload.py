"""Loading a file the store already holds, into a store unchanged since: answered from the
file's fingerprint (psp_graph/io/reload.py), with exactly the store a full load would
leave; any change of the file, the store or the options loads in full."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from psp_graph.graph import Graph
from psp_graph.io import load as load_module
from psp_graph.io.load import load_file
from psp_graph.io.problems import Problems

from .conftest import store_state
from .test_cli import assert_user_error, psp
from .test_giving360 import grant, write_csv

ROOT = Path(__file__).resolve().parent.parent
HAND = ROOT / "docs" / "examples" / "hand-graph.yaml"


@pytest.fixture
def graph(tmp_path: Path) -> Graph:
    return Graph.open(f"sqlite:///{tmp_path / 'r.db'}")


def _no_full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load_module, "_load", lambda *a, **k: pytest.fail("loaded in full"))


def test_reloading_an_unchanged_file_into_an_unchanged_store_reads_nothing_else(
    graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "hand.yaml"
    shutil.copy(HAND, path)
    first = load_file(graph, path)
    assert first.changeset is not None and first.created > 0
    before = store_state(graph)
    with monkeypatch.context() as patched:
        _no_full_load(patched)
        again = load_file(graph, path)
    assert again.changeset is None and again.same_as is not None
    assert again.unchanged == first.created
    assert "has not changed since this file was loaded" in again.summary()
    assert store_state(graph) == before


def test_a_changed_file_store_or_option_loads_in_full(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "hand.yaml"
    shutil.copy(HAND, path)
    load_file(graph, path)
    # Another write in between: the file's records may have been changed by it.
    graph.add_node({"type": "Charity", "name": "Another Trust", "illustrative": True})
    full = load_file(graph, path)
    assert full.same_as is None and full.changeset is None and full.unchanged > 0
    # Now unchanged since: answered from the fingerprint.
    assert load_file(graph, path).same_as is not None
    # Other options: in full.
    assert load_file(graph, path, skip_invalid=True).same_as is None
    # The file changed: in full, and its change is written.
    path.write_text(
        path.read_text(encoding="utf-8").replace("name: Gamma Union", "name: Gamma Union Ltd"),
        encoding="utf-8",
    )
    changed = load_file(graph, path)
    assert changed.same_as is None and changed.changeset is not None
    # An undo is a write too: the file loads in full again, and puts back what it holds.
    assert changed.changeset is not None
    graph.undo(changed.changeset)
    redone = load_file(graph, path)
    assert redone.same_as is None and redone.updated == 1


def test_a_damaged_setting_loads_in_full(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "hand.yaml"
    shutil.copy(HAND, path)
    load_file(graph, path)
    graph.set_meta("loaded_files", "{not json")
    assert load_file(graph, path).same_as is None
    assert load_file(graph, path).same_as is not None  # remembered again


def test_a_file_with_warnings_is_checked_again_to_show_them(graph: Graph, tmp_path: Path) -> None:
    rows = [grant("360G-r-1", ("GB-CHC-1", "One"), Currency=""), grant("360G-r-2", ("GB-CHC-2", "Two"))]
    path = write_csv(tmp_path / "grants.csv", rows)
    for _ in range(2):
        found = Problems()
        result = load_file(graph, path, problems=found)
        assert result.same_as is None
        assert any("GBP assumed" in p.message for p in found)


def test_a_broken_file_is_still_one_line_and_writes_nothing_after_a_good_load(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "hand.yaml"
    shutil.copy(HAND, path)
    assert psp(runner, "load", str(path)).exit_code == 0
    assert "has not changed since this file was loaded" in psp(runner, "load", str(path)).output
    path.write_text("links:\n  - {type: FUNDZ, from: org:a, to: org:b}\n", encoding="utf-8")
    assert_user_error(psp(runner, "load", str(path)), "FUNDZ")


def test_problems_still_reach_the_caller(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("links:\n  - {type: FUNDZ, from: org:a, to: org:b}\n", encoding="utf-8")
    found = Problems()
    with pytest.raises(Exception, match="FUNDZ"):
        load_file(graph, path, problems=found)
    assert found.errors()
