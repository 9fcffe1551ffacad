"""More exports: Kumu blueprints, JSON-LD, GEXF that keeps each link's relationship
type, and the blank spreadsheet template."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from psp_graph.cli import main
from psp_graph.graph import Graph
from psp_graph.io.load import load_file
from psp_graph.io.writers import export_graph

from .conftest import ROOT


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    with Graph.open(url) as graph:
        load_file(graph, ROOT / "docs" / "examples" / "hand-graph.yaml")
        graph.add_node({"id": "person:x4k9m2p7qz", "name": "Dana Secret", "types": ["Person"]})
        graph.add_link({"type": "MEMBER_OF", "from": "person:x4k9m2p7qz", "to": "org:gamma-union"})
    return url


def test_gexf_read_back_keeps_every_links_relationship_type(store: str, tmp_path: Path) -> None:
    with Graph.open(store) as graph:
        text = export_graph(graph, "gexf")
        expected = sorted((link.id, link.type) for link in graph.backend.iter_links())
    path = tmp_path / "g.gexf"
    path.write_text(text, encoding="utf-8")
    read = nx.read_gexf(path)
    assert sorted((d["id"], d["relationship"]) for _, _, d in read.edges(data=True)) == expected


def test_kumu_blueprint_has_elements_and_connections_by_label_and_persons_by_pseudonym(store: str) -> None:
    with Graph.open(store) as graph:
        blueprint = json.loads(export_graph(graph, "kumu"))
        nodes, links = list(graph.backend.iter_nodes()), list(graph.backend.iter_links())
    labels = [e["label"] for e in blueprint["elements"]]
    assert len(labels) == len(set(labels)) == len(nodes)
    assert len(blueprint["connections"]) == len(links)
    assert all(c["from"] in labels and c["to"] in labels for c in blueprint["connections"])
    assert {c["type"] for c in blueprint["connections"]} == {link.type for link in links}
    assert "Dana" not in json.dumps(blueprint)


def test_json_ld_is_the_same_rdf_graph_as_turtle_and_loads_back(store: str, tmp_path: Path) -> None:
    with Graph.open(store) as graph:
        jsonld, turtle = export_graph(graph, "jsonld"), export_graph(graph, "ttl")
    assert isomorphic(
        rdflib.Graph().parse(data=jsonld, format="json-ld"),
        rdflib.Graph().parse(data=turtle, format="turtle"),
    )
    path = tmp_path / "g.jsonld"
    path.write_text(jsonld, encoding="utf-8")
    with Graph.open("sqlite://:memory:") as copy:
        load_file(copy, path)
        assert (
            copy.backend.get_link(next(iter(json.loads(export_graph(copy, "json"))["links"]))["id"])
            is not None
        )


def test_psp_template_writes_sheets_with_columns_and_allowed_values_and_a_filled_one_loads(
    runner: CliRunner, tmp_path: Path
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    result = runner.invoke(main, ["template", "-o", "blank.xlsx"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "blank.xlsx")
    assert {"actors", "links", "sources", "places", "allowed values"} <= set(book.sheetnames)
    links_header = [c.value for c in book["links"][1]]
    assert links_header[:3] == ["type", "from", "to"] and "amount" in links_header
    allowed = {(r[0], r[1]) for r in book["allowed values"].iter_rows(min_row=2, values_only=True)}
    assert {("type", "FUNDS"), ("types", "Charity"), ("rung", "citizen_control")} <= allowed
    actors = book["actors"]
    header = [c.value for c in actors[1]]
    actors.append([{"name": "Quillmead Renters Forum", "types": "CommunityGroup"}.get(h) for h in header])
    book.save(tmp_path / "filled.xlsx")
    loaded = runner.invoke(main, ["load", "filled.xlsx"])
    assert loaded.exit_code == 0, loaded.output
    assert "1 created" in loaded.output


def test_psp_template_refuses_a_name_that_is_not_xlsx(runner: CliRunner) -> None:
    result = runner.invoke(main, ["template", "-o", "blank.csv"])
    assert result.exit_code == 1 and "ending in .xlsx" in result.stderr and "Traceback" not in result.stderr
