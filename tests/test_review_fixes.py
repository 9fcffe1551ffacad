"""Privacy and robustness cases found in review, each guarded by a test."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from psp_graph.analysis import run_query
from psp_graph.cli import main
from psp_graph.exc import InvalidData, NodeNotFound
from psp_graph.graph import Graph
from psp_graph.validate import RawRecord

from .conftest import store_state

PERSON = {
    "id": "person:q8w3z5k2mx",
    "name": "Rowan Ellery",
    "types": ["Person"],
    "location": "1 High St",
    "identifiers": ["EMAIL-rowan@example.org"],
    "description": "told us about the hostel",
}


def test_changing_a_description_or_note_is_saved(graph: Graph) -> None:
    graph.add_node({"name": "Quill Trust", "types": ["Charity"], "description": "old text"})
    result = graph.add_node({"name": "Quill Trust", "types": ["Charity"], "description": "new text"})
    assert result.updated == 1
    assert graph.reader(include_private=True).node("org:quill-trust").props["description"] == "new text"


def test_a_person_id_made_from_their_name_is_refused(graph: Graph) -> None:
    with pytest.raises(InvalidData, match="made from the person's name"):
        graph.add_node({**PERSON, "id": "person:rowan-ellery"})


def test_searching_or_resolving_a_private_persons_real_name_reveals_nothing(graph: Graph) -> None:
    graph.add_node(PERSON)
    assert graph.reader().search("Rowan") == []
    assert graph.reader().search("hostel") == []
    assert [n.id for n in graph.reader(include_private=True).search("Rowan")] == [PERSON["id"]]
    with pytest.raises(NodeNotFound):
        graph.reader().resolve("Rowan Ellery")
    assert graph.reader(include_private=True).resolve("Rowan Ellery") == PERSON["id"]
    assert graph.reader().resolve(PERSON["id"]) == PERSON["id"]


def test_a_person_marked_public_without_consent_is_still_shown_by_pseudonym(graph: Graph) -> None:
    graph.add_node({**PERSON, "privacy": "public"})
    rows = run_query(graph, "ego", {"actor": PERSON["id"], "hops": 1}).rows
    assert rows[0]["name"].startswith("Person ")


def test_personal_fields_of_links_to_a_private_person_are_hidden(tmp_path: object) -> None:
    runner = CliRunner()
    url = f"sqlite:///{tmp_path}/p.db"
    with Graph.open(url) as graph:
        graph.add_node(PERSON)
        graph.add_node({"name": "Hostel Trust", "types": ["Charity"]})
        graph.add_link(
            {"type": "EMPLOYS", "from": "org:hostel-trust", "to": PERSON["id"], "note": "Rowan said X"}
        )
    shown = runner.invoke(main, ["show", "org:hostel-trust", "--format", "json", "--store", url])
    assert "Rowan" not in shown.stdout
    unlocked = runner.invoke(
        main, ["show", "org:hostel-trust", "--format", "json", "--include-private", "--store", url]
    )
    assert "Rowan said X" in unlocked.stdout
    out = tmp_path / "map.html"  # type: ignore[operator]
    drawn = runner.invoke(main, ["map", "--ego", "org:hostel-trust", "-o", str(out), "--store", url])
    assert drawn.exit_code == 0, drawn.output
    html = out.read_text(encoding="utf-8")
    assert "Rowan" not in html and "1 High St" not in html


def test_the_history_log_keeps_no_personal_field_of_a_person(graph: Graph) -> None:
    graph.add_node(PERSON)
    graph.add_node({"name": "Hostel Trust", "types": ["Charity"]})
    graph.add_link(
        {"type": "EMPLOYS", "from": "org:hostel-trust", "to": PERSON["id"], "note": "Rowan said X"}
    )
    graph.undo("last")
    graph.remove(PERSON["id"])
    logged = json.dumps(
        [(c.before, c.after) for cs in graph.reader().changesets() for c in graph.backend.changes(cs.id)]
    )
    for secret in ("Rowan", "High St", "rowan@", "about the hostel", "said X"):
        assert secret not in logged


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
