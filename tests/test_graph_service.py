"""The Graph service: ids, provenance, history, privacy and all-or-nothing batches."""

from __future__ import annotations

import re

import pytest

from psp_graph.exc import InvalidData, NodeNotFound, UndoConflict
from psp_graph.graph import Graph
from psp_graph.privacy import display_name
from psp_graph.validate import RawRecord

from .conftest import store_state


def add_orgs(graph: Graph, *names: str) -> list[str]:
    return [graph.add_node({"name": n, "types": ["Charity"]}).ids[0] for n in names]


def test_organisations_get_readable_slug_ids(graph: Graph) -> None:
    result = graph.add_node({"name": "Northbank Tenants' Union & Friends", "types": ["community group"]})
    assert result.ids == ["org:northbank-tenants-union-and-friends"]
    assert graph.reader(include_private=True).node(result.ids[0]).types == ("CommunityGroup",)


def test_persons_get_opaque_ids_that_do_not_contain_their_name(graph: Graph) -> None:
    ids = {graph.add_node({"name": "Amina Okafor", "types": ["Person"]}).ids[0] for _ in range(3)}
    assert len(ids) == 3
    for pid in ids:
        assert re.fullmatch(r"person:[a-z0-9]{10}", pid)
        assert "amina" not in pid and "okafor" not in pid


def test_persons_in_files_need_an_explicit_id(graph: Graph) -> None:
    with pytest.raises(InvalidData, match="persons need an opaque id"):
        graph.load_records(
            [RawRecord("people.yaml", 3, "actors", {"name": "Sam", "types": ["Person"]})], summary="t"
        )


def test_person_is_private_by_default_with_a_stable_pseudonym(graph: Graph) -> None:
    pid = graph.add_node({"id": "person:abc123xyz", "name": "Sam Jones", "types": ["Person"]}).ids[0]
    node = graph.reader(include_private=True).node(pid)
    assert node.props["privacy"] == "private"
    assert display_name(node) == node.props["pseudonym"] != "Sam Jones"
    assert display_name(node, include_private=True) == "Sam Jones"
    graph.add_node({"id": pid, "name": "Sam Jones", "types": ["Person"], "location": "Fernhill"})
    assert graph.reader(include_private=True).node(pid).props["pseudonym"] == node.props["pseudonym"]
    consented = graph.add_node(
        {"id": "person:def456uvw", "name": "Ola", "types": ["Person"], "consent": True}
    ).ids[0]
    assert display_name(graph.reader(include_private=True).node(consented)) == "Ola"


def test_history_never_holds_a_private_persons_name_or_notes(graph: Graph) -> None:
    pid = graph.add_node(
        {
            "id": "person:qq11ww22ee",
            "name": "Secret Name",
            "types": ["Person"],
            "description": "lives at 1 Secret Street",
        }
    ).ids[0]
    (org,) = add_orgs(graph, "Helpers")
    graph.add_link({"type": "EMPLOYS", "from": org, "to": pid, "note": "Secret Name started in May"})
    graph.remove(pid)
    logged = [c for cs in graph.reader().changesets() for c in graph.backend.changes(cs.id)]
    text = repr([(c.before, c.after) for c in logged])
    assert "Secret" not in text
    assert pid in {c.entity_id for c in logged}


def test_every_fact_records_provenance(graph: Graph) -> None:
    graph.load_records(
        [
            RawRecord("f.yaml", 1, "sources", {"id": "src:w1", "name": "Workshop 1", "kind": "workshop"}),
            RawRecord(
                "f.yaml",
                2,
                "actors",
                {"name": "A", "types": ["Charity"], "sources": ["src:w1"], "confidence": "Medium"},
            ),
        ],
        summary="t",
    )
    node = graph.reader(include_private=True).node("org:a")
    assert node.props["sources"] == ["src:w1"]
    assert node.props["confidence"] == "medium"
    assert node.props["recorded_by"] and node.props["recorded_at"].startswith("20")


def test_contested_facts_keep_every_source(graph: Graph) -> None:
    for src in ("src:one", "src:two"):
        graph.add_node({"id": src, "name": src, "types": ["Source"]}, section="sources")
    add_orgs(graph, "A", "B")
    graph.add_link({"type": "FUNDS", "from": "org:a", "to": "org:b", "sources": ["src:one"]})
    result = graph.add_link({"type": "FUNDS", "from": "org:a", "to": "org:b", "sources": ["src:two"]})
    assert graph.backend.get_link(result.ids[0]).props["sources"] == ["src:one", "src:two"]


def test_money_is_stored_as_integer_minor_units(graph: Graph) -> None:
    add_orgs(graph, "A", "B")
    lid = graph.add_link({"type": "FUNDS", "from": "org:a", "to": "org:b", "amount": "£1,234.56"}).ids[0]
    props = graph.backend.get_link(lid).props
    assert props["amount_minor"] == 123456 and props["currency"] == "GBP"
    assert isinstance(props["amount_minor"], int)
    with pytest.raises(InvalidData, match="decimal places"):
        graph.add_link({"type": "FUNDS", "from": "org:a", "to": "org:b", "amount": "1.234"})


def test_link_ids_are_stable_and_parallel_links_are_kept(graph: Graph) -> None:
    add_orgs(graph, "Funder", "Grantee")
    first = graph.add_link(
        {"type": "FUNDS", "from": "org:funder", "to": "org:grantee", "programme": "Homes"}
    ).ids[0]
    again = graph.add_link({"type": "FUNDS", "from": "org:funder", "to": "org:grantee", "programme": "Homes"})
    other = graph.add_link(
        {"type": "FUNDS", "from": "org:funder", "to": "org:grantee", "programme": "Food"}
    ).ids[0]
    member = graph.add_link(
        {"type": "MEMBER_OF", "from": "org:funder", "to": "org:grantee", "role": "trustee"}
    ).ids[0]
    assert again.changeset is None and again.unchanged == 1
    assert len({first, other, member}) == 3
    assert graph.reader().stats().links == 3


def test_a_sources_own_id_becomes_the_link_id(graph: Graph) -> None:
    add_orgs(graph, "Funder", "Grantee")
    result = graph.add_link(
        {"id": "360G-example-123", "type": "FUNDS", "from": "org:funder", "to": "org:grantee"}
    )
    assert result.ids == ["360G-example-123"]
    # The same given id, now of another type: one link, of the new type, on both stores.
    add_orgs(graph, "Board")
    graph.add_link({"id": "360G-example-123", "type": "MEMBER_OF", "from": "org:funder", "to": "org:board"})
    assert graph.reader().stats().links_by_type == {"MEMBER_OF": 1}


def test_symmetric_links_store_the_lower_id_first(graph: Graph) -> None:
    add_orgs(graph, "Zed", "Alpha")
    one = graph.add_link({"type": "partners with", "from": "org:zed", "to": "org:alpha"}).ids[0]
    two = graph.add_link({"type": "PARTNERS_WITH", "from": "org:alpha", "to": "org:zed"})
    link = graph.backend.get_link(one)
    assert (link.source, link.target) == ("org:alpha", "org:zed")
    assert two.changeset is None


def test_links_may_carry_validity_dates(graph: Graph) -> None:
    add_orgs(graph, "A", "B")
    lid = graph.add_link(
        {"type": "FUNDS", "from": "org:a", "to": "org:b", "valid_from": "2019", "valid_to": "2021-06"}
    ).ids[0]
    props = graph.backend.get_link(lid).props
    assert (props["valid_from"], props["valid_to"]) == ("2019-01-01", "2021-06-30")


def test_identifiers_must_be_unique_across_actors(graph: Graph) -> None:
    graph.add_node({"name": "A", "types": ["Charity"], "identifiers": ["GB-CHC-1000"]})
    before = store_state(graph)
    with pytest.raises(InvalidData, match="GB-CHC-1000 already belongs to org:a"):
        graph.add_node({"name": "B", "types": ["Charity"], "identifiers": ["GB-CHC-1000"]})
    assert store_state(graph) == before


def test_a_batch_with_one_bad_record_writes_nothing(graph: Graph) -> None:
    add_orgs(graph, "A")
    before = store_state(graph)
    records = [
        RawRecord("f.yaml", 2, "actors", {"name": "B", "types": ["Charity"]}),
        RawRecord("f.yaml", 3, "links", {"type": "FUNDS", "from": "org:a", "to": "org:b"}),
        RawRecord("f.yaml", 4, "links", {"type": "FUNDS", "from": "org:a", "to": "org:nowhere"}),
    ]
    with pytest.raises(InvalidData) as err:
        graph.load_records(records, summary="t")
    assert str(err.value).startswith("f.yaml: row 4: field 'to': no node 'org:nowhere'")
    assert store_state(graph) == before


def test_each_batch_is_one_change_set_that_can_be_undone(graph: Graph) -> None:
    add_orgs(graph, "A", "B")
    result = graph.add_link({"type": "FUNDS", "from": "org:a", "to": "org:b", "amount": 10})
    assert graph.reader().changesets(limit=1)[0].id == result.changeset
    undo = graph.undo(result.changeset)
    assert graph.reader().stats().links == 0 and undo.deleted == 1
    redo = graph.undo(undo.changeset)
    assert graph.reader().stats().links == 1 and redo.created == 1


def test_undo_of_a_remove_restores_the_node_and_its_links(graph: Graph) -> None:
    add_orgs(graph, "A", "B")
    graph.add_link({"type": "FUNDS", "from": "org:a", "to": "org:b", "amount": 10})
    before = store_state(graph)["nodes"], store_state(graph)["links"]
    removed = graph.remove("org:b")
    assert graph.reader().stats().links == 0
    graph.undo(removed.changeset)
    after = store_state(graph)
    assert (after["nodes"], after["links"]) == before


def test_undo_refuses_when_later_changes_touched_the_same_data(graph: Graph) -> None:
    first = graph.add_node({"name": "A", "types": ["Charity"]})
    graph.add_node({"name": "A", "types": ["Charity"], "location": "Northbank"})
    with pytest.raises(UndoConflict, match="changed later"):
        graph.undo(first.changeset)


def test_undo_of_an_unknown_change_set_is_a_clear_error(graph: Graph) -> None:
    with pytest.raises(NodeNotFound, match="no change set 'cs-nope'"):
        graph.undo("cs-nope")


def test_removing_an_unknown_id_suggests_close_names(graph: Graph) -> None:
    add_orgs(graph, "Northbank Tenants Union")
    with pytest.raises(NodeNotFound, match="did you mean org:northbank-tenants-union"):
        graph.remove("org:northbank-tenants")


def test_narrower_issues_can_be_added_as_data(graph: Graph) -> None:
    result = graph.add_node({"name": "Rent arrears", "broader": "housing"}, section="issues")
    node = graph.reader(include_private=True).node(result.ids[0])
    assert node.id == "issue:rent-arrears" and node.props["broader"] == "issue:housing"
    with pytest.raises(
        InvalidData, match="field 'broader': no node 'issue:housng'; did you mean issue:housing"
    ):
        graph.add_node({"name": "Damp", "broader": "housng"}, section="issues")


def test_a_new_store_gets_the_ontology_issues_once(graph: Graph) -> None:
    graph.initialise()
    graph.initialise()
    assert graph.reader().stats().nodes_by_label["Issue"] == len(graph.onto.issues)
    assert [cs.action for cs in graph.reader().changesets()] == ["init"]


def test_dry_run_validates_without_writing(graph: Graph) -> None:
    before = store_state(graph)
    result = graph.load_records(
        [RawRecord("f", 1, "actors", {"name": "A", "types": ["Charity"]})], summary="t", dry_run=True
    )
    assert result.created == 1
    assert store_state(graph) == before
