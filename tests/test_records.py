"""What the Graph service refuses or keeps when a record changes: edits saved, impossible
values refused with a clear error, failed loads writing nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from psp_graph.analysis import run_query
from psp_graph.cli import main
from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.validate import RawRecord

from .conftest import store_state

PERSON = {
    "id": "person:q8w3z5k2mx",
    "name": "Rowan Ellery",
    "types": ["Person"],
}


def test_changing_a_description_or_note_is_saved(graph: Graph) -> None:
    graph.add_node({"name": "Quill Trust", "types": ["Charity"], "description": "old text"})
    result = graph.add_node({"name": "Quill Trust", "types": ["Charity"], "description": "new text"})
    assert result.updated == 1
    assert graph.reader(include_private=True).node("org:quill-trust").props["description"] == "new text"


def test_a_person_id_made_from_their_name_is_refused(graph: Graph) -> None:
    with pytest.raises(InvalidData, match="made from the person's name"):
        graph.add_node({**PERSON, "id": "person:rowan-ellery"})


@pytest.mark.parametrize("amount", [".nan", "1e999999999", "99999999999999999999", "inf"])
def test_impossible_amounts_are_clear_errors(graph: Graph, amount: str) -> None:
    graph.add_node({"name": "A", "types": ["Charity"]})
    graph.add_node({"name": "B", "types": ["Charity"]})
    with pytest.raises(InvalidData, match="field 'amount'"):
        graph.add_link({"type": "FUNDS", "from": "org:a", "to": "org:b", "amount": amount})


def test_a_link_that_ends_before_it_starts_is_refused(graph: Graph) -> None:
    graph.add_node({"name": "A", "types": ["Charity"]})
    graph.add_node({"name": "B", "types": ["Charity"]})
    with pytest.raises(InvalidData, match="field 'valid_to': ends"):
        graph.add_link(
            {"type": "FUNDS", "from": "org:a", "to": "org:b", "valid_from": 2021, "valid_to": 2019}
        )
    with pytest.raises(InvalidData, match="currency code"):
        graph.add_link({"type": "FUNDS", "from": "org:a", "to": "org:b", "amount": 5, "currency": "pounds"})


def test_store_errors_never_echo_a_password() -> None:
    result = CliRunner().invoke(main, ["stats", "--store", "postgres://user:s3cret@localhost/x"])
    assert (
        result.exit_code == 1 and "s3cret" not in result.stderr and "postgres://localhost/x" in result.stderr
    )


def test_a_failed_load_into_a_new_store_writes_nothing_at_all() -> None:
    with Graph.open("sqlite://:memory:") as graph:
        with pytest.raises(InvalidData):
            graph.load_records(
                [RawRecord("f.yaml", 2, "actors", {"name": "A", "types": ["Charty"]})], summary="t"
            )
        assert store_state(graph) == {"nodes": [], "links": [], "changesets": []}


def test_a_strength_must_be_a_whole_number_not_true(graph: Graph) -> None:
    graph.add_node({"name": "A", "types": ["Charity"]})
    graph.add_node({"name": "B", "types": ["Charity"]})
    with pytest.raises(InvalidData, match="field 'strength'"):
        graph.add_link({"type": "INFLUENCES", "from": "org:a", "to": "org:b", "strength": True})
    assert (
        graph.add_link({"type": "INFLUENCES", "from": "org:a", "to": "org:b", "strength": "4"}).created == 1
    )


def test_query_weights_must_be_finite(graph: Graph) -> None:
    with pytest.raises(InvalidData, match="w_money"):
        run_query(graph, "power-ranking", {"w_money": "nan"})


def test_sqlite_history_snapshot_text_is_the_canonical_encoding() -> None:
    """The SQLite store encodes a snapshot around its already-encoded attributes; the text
    must be exactly what encode_snapshot gives (undo and sync compare it)."""
    from psp_graph.backends.sqlite import _snapshot_json
    from psp_graph.records import encode_snapshot

    snapshots = [
        {"id": "g1", "type": "FUNDS", "source": "org:a", "target": "org:b", "props": {"b": 1, "a": ["é"]}},
        {"id": "n", "labels": ["Actor"], "name": "Zoë", "props": {}, "types": ["Charity"], "redacted": True},
        {"props": {"a": 1}},
    ]
    for snap in snapshots:
        encoded = {id(snap["props"]): encode_snapshot(snap["props"]) or ""}
        assert _snapshot_json(snap, encoded) == encode_snapshot(snap)
