"""A created record is stored once: the log keeps no copy of it, and the read door fills the
create's snapshot in from the record's later history or the record itself (issue 13, item 8)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psp_graph.exc import UndoConflict
from psp_graph.graph import Graph
from psp_graph.history import snapshot
from psp_graph.records import Batch, Change, StoredNode


def created(graph: Graph, include_private: bool = True) -> dict[tuple[str, int], dict[str, Any] | None]:
    """Every create in the log, as the read door gives it, by (change set, seq)."""
    reader = graph.reader(include_private=include_private)
    return {
        (c.changeset_id, c.seq): c.after
        for cs in reader.changesets()
        for c in reader.changes(cs.id)
        if c.op == "create"
    }


def test_a_create_keeps_no_copy_and_the_reader_gives_the_record(graph: Graph) -> None:
    org = graph.add_node({"name": "Northbank Food Bank", "types": ["Charity"], "illustrative": True}).ids[0]
    other = graph.add_node({"name": "Eastgate Council", "types": ["PublicBody"], "illustrative": True}).ids[0]
    link = graph.add_link({"type": "FUNDS", "from": other, "to": org, "amount": "£5,000"})
    raw = graph.backend.changes(link.changeset or "")
    assert [(c.op, c.before, c.after) for c in raw] == [("create", None, None)]
    reader = graph.reader(include_private=True)
    (change,) = reader.changes(link.changeset or "")
    assert change.after == snapshot(reader.link(link.ids[0]), graph.onto, private=False)
    assert change.after["props"]["amount_minor"] == 500000
    # Callers that need only ops and ids skip the look-up.
    assert reader.changes(link.changeset or "", snapshots=False) == raw


def test_after_an_update_the_create_reads_as_it_was_created(graph: Graph) -> None:
    first = graph.add_node(
        {"name": "Quillmead Renters", "types": ["CommunityGroup"], "description": "v1", "illustrative": True}
    )
    org = first.ids[0]
    as_created = created(graph)
    graph.add_node({"id": org, "name": "Quillmead Renters", "types": ["CommunityGroup"], "description": "v2"})
    assert graph.reader().node(org).props["description"] == "v2"
    assert created(graph) == as_created
    assert as_created[(first.changeset or "", 0)]["props"]["description"] == "v1"  # type: ignore[index]
    # Undoing the creation is refused: the record changed since (the check reads the filled-in copy).
    with pytest.raises(UndoConflict, match="changed later"):
        graph.undo(first.changeset or "")
    graph.undo("last")
    graph.undo(first.changeset or "")
    assert graph.reader().find(org) is None


def test_a_private_persons_create_is_filled_in_without_personal_fields(graph: Graph) -> None:
    result = graph.add_node(
        {"id": "person:qq11ww22ee", "name": "Secret Name", "types": ["Person"], "description": "1 Secret St"}
    )
    for include_private in (True, False):
        text = repr(created(graph, include_private))
        assert "Secret" not in text
        assert "person:qq11ww22ee" in text
    (change,) = graph.reader(include_private=True).changes(result.changeset or "")
    assert change.after is not None and change.after["redacted"] is True


def test_a_citation_between_is_taken_out_of_the_created_copy(graph: Graph) -> None:
    org = graph.add_node({"name": "Westway Trust", "types": ["Charity"], "illustrative": True}).ids[0]
    as_created = created(graph)
    old = graph.reader(include_private=True).node(org)
    batch = graph.log.new_batch("load", "cite")
    graph.log.cite(batch, old, ["https://example.org/grants.json"])
    graph.apply(batch)
    assert graph.reader().node(org).props["sources"][-1] == "https://example.org/grants.json"
    assert created(graph) == as_created
    graph.add_node({"id": org, "name": "Westway Trust", "types": ["Charity"], "description": "later"})
    assert created(graph) == as_created


def test_an_older_log_with_full_copies_reads_as_it_was(graph: Graph) -> None:
    cs = graph.log.new_batch("load", "an older store's log").changeset
    node = StoredNode("org:old-trust", ("Charity",), ("Actor", "Charity", "Organisation"), "Old Trust", {})
    copy = snapshot(node, graph.onto, private=False)
    graph.backend.apply(Batch(cs, [node], changes=[Change(cs.id, 0, "create", "node", node.id, None, copy)]))
    graph.add_node({"id": node.id, "name": "Old Trust", "types": ["Charity"], "description": "now"})
    assert graph.reader().changes(cs.id)[0].after == copy


def test_a_load_writes_no_copy_of_what_it_creates(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Graph.open(url) as graph:
        orgs = [
            graph.add_node({"name": f"Trust {i}", "types": ["Charity"], "illustrative": True}).ids[0]
            for i in range(3)
        ]
        graph.add_link({"type": "PARTNERS_WITH", "from": orgs[0], "to": orgs[1]})
    with sqlite3.connect(tmp_path / "store.db") as conn:
        rows = conn.execute("SELECT count(*), count(after) FROM changes WHERE op = 'create'").fetchone()
    assert rows[0] >= 4 and rows[1] == 0


OPS = st.lists(
    st.tuples(st.sampled_from(["add", "update", "cite", "remove", "link"]), st.integers(0, 2)), max_size=12
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=OPS)
def test_every_create_reads_as_the_record_just_after_it(ops: list[tuple[str, int]]) -> None:
    """Whatever happens later (updates, citations, removals, new creations of the same id,
    undo), each create reads as the record read just after its change set."""
    with Graph.open("sqlite://:memory:") as graph:
        seen: dict[tuple[str, int], dict[str, Any] | None] = {}
        for step, (op, i) in enumerate(ops, start=1):
            oid = f"org:trust-{i}"
            reader = graph.reader(include_private=True)
            current = reader.find(oid)
            if op == "add" or (current is None and op in {"update", "cite"}):
                graph.add_node({"id": oid, "name": f"Trust {i}", "types": ["Charity"], "illustrative": True})
            elif op == "update" and current is not None:
                graph.add_node(
                    {"id": oid, "name": f"Trust {i}", "types": ["Charity"], "description": str(step)}
                )
            elif op == "cite" and current is not None:
                batch = graph.log.new_batch("load", "cite")
                graph.log.cite(batch, current, [f"https://example.org/{step}"])
                graph.apply(batch)
            elif op == "remove" and current is not None:
                graph.remove(oid)
            elif op == "link":
                other = f"org:trust-{(i + 1) % 3}"
                if current is not None and reader.find(other) is not None:
                    graph.add_link({"type": "PARTNERS_WITH", "from": oid, "to": other, "note": str(step)})
            for key, after in created(graph).items():
                seen.setdefault(key, after)  # read while nothing later had touched the record
        assert created(graph) == seen
        assert all(after is not None for after in seen.values())
