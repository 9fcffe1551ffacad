"""360Giving grant files: grants become FUNDS links with their own ids; org-ids identify actors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.io.load import load_file

from .conftest import ROOT, store_state

EXAMPLES = ROOT / "docs" / "examples"


def test_a_360giving_json_file_loads_grants_organisations_and_a_source() -> None:
    with Graph.open("sqlite://:memory:") as graph:
        result = load_file(graph, EXAMPLES / "grants-360giving.json")
        assert result.created == 1 + 3 + 2  # source, three organisations, two grants
        grant = graph.backend.get_link("360G-illustrative-0002")
        assert grant is not None and grant.type == "FUNDS"
        assert grant.props["amount_minor"] == 850_050 and grant.props["valid_from"] == "2021-01-20"
        assert graph.backend.node_for_identifier("XX-ILLUSTRATIVE-F1") == grant.source
        funder = graph.reader(include_private=True).node(grant.source)
        assert "Funder" in funder.types and funder.props["sources"] == ["src:360giving-grants-360giving"]
        assert load_file(graph, EXAMPLES / "grants-360giving.json").changeset is None


def test_a_360giving_csv_reuses_organisations_already_in_the_store_by_org_id() -> None:
    with Graph.open("sqlite://:memory:") as graph:
        graph.add_node(
            {
                "id": "org:renters",
                "name": "Fenwold Renters",
                "types": ["CommunityGroup"],
                "identifiers": ["XX-ILLUSTRATIVE-R1"],
            }
        )
        load_file(graph, EXAMPLES / "grants-360giving.csv")
        grant = graph.backend.get_link("360G-illustrative-0003")
        assert grant is not None and grant.target == "org:renters"
        assert graph.reader(include_private=True).node("org:renters").types == (
            "CommunityGroup",
        )  # left as it was
        assert grant.props["programme"] == "Neighbourhoods" and grant.props["valid_to"] == "2022-05-31"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda g: g.pop("recipientOrganization"), "row 2: field 'recipientOrganization'"),
        (lambda g: g.update(amountAwarded=-5), "row 2: field 'amount': must not be negative"),
        (lambda g: g.update(recipientIndividual={"id": "IND-1"}), "row 2: field 'recipientIndividual'"),
    ],
)
def test_a_bad_grant_writes_nothing(tmp_path: Path, change: object, message: str) -> None:
    data = json.loads((EXAMPLES / "grants-360giving.json").read_text(encoding="utf-8"))
    change(data["grants"][1])  # type: ignore[operator]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with Graph.open("sqlite://:memory:") as graph:
        before = store_state(graph)
        with pytest.raises(InvalidData, match=message):
            load_file(graph, path)
        assert store_state(graph) == before
