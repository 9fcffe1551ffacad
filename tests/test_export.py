"""psp export: GraphML, GEXF, JSON and RDF, with privacy applied."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner

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
        graph.add_node(
            {"id": "person:x4k9m2p7qz", "name": "Dana Secret", "types": ["Person"], "location": "Flat 2"}
        )
        graph.add_node({"name": "<img src=x onerror=alert(1)>", "types": ["CommunityGroup"]})
        graph.add_link(
            {"type": "MEMBER_OF", "from": "person:x4k9m2p7qz", "to": "org:gamma-union", "role": "Dana's role"}
        )
    return url


def test_graphml_has_every_node_and_link_and_no_private_name(store: str, tmp_path: Path) -> None:
    out = tmp_path / "g.graphml"
    result = CliRunner().invoke(main, ["export", "--format", "graphml", "-o", str(out), "--store", store])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Dana" not in text and "Flat 2" not in text
    loaded = nx.read_graphml(out)
    with Graph.open(store) as graph:
        stats = graph.reader().stats()
    assert loaded.number_of_nodes() == stats.nodes and loaded.number_of_edges() == stats.links
    assert loaded.nodes["org:alpha-trust"]["name"] == "Alpha Trust"
    assert loaded.nodes["person:x4k9m2p7qz"]["name"].startswith("Person ")


def test_rdf_export_parses_and_states_links_both_ways(store: str) -> None:
    with Graph.open(store) as graph:
        first = export_graph(graph, "ttl")
        again = export_graph(graph, "ttl")
    parsed = rdflib.Graph().parse(data=first, format="turtle")
    from rdflib.compare import isomorphic

    assert isomorphic(parsed, rdflib.Graph().parse(data=again, format="turtle"))
    psp = rdflib.Namespace("https://w3id.org/psp-graph/ontology#")
    alpha = rdflib.URIRef("https://w3id.org/psp-graph/id/org/alpha-trust")
    gamma = rdflib.URIRef("https://w3id.org/psp-graph/id/org/gamma-union")
    assert (alpha, psp.FUNDS, gamma) in parsed
    links = set(parsed.subjects(psp.relationship, psp.FUNDS))
    assert len(links) == 3 and any((x, psp.amountMinor, rdflib.Literal(60_000)) in parsed for x in links)
    assert "Dana" not in first


def test_json_and_gexf_exports_and_include_private(store: str) -> None:
    runner = CliRunner()
    data = json.loads(runner.invoke(main, ["export", "--format", "json", "--store", store]).stdout)
    names = {n["name"] for n in data["nodes"]}
    assert "<img src=x onerror=alert(1)>" in names and "Dana Secret" not in names
    private = runner.invoke(main, ["export", "--format", "json", "--include-private", "--store", store])
    assert "Dana Secret" in private.stdout and "warning" in private.stderr
    gexf = runner.invoke(main, ["export", "--format", "gexf", "--store", store])
    assert gexf.exit_code == 0 and "<gexf" in gexf.stdout


def test_export_bad_input_is_one_line(store: str, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["export", "--format", "pdf", "--store", store])
    assert bad.exit_code == 1 and len(bad.stderr.strip().splitlines()) == 1
    blocker = tmp_path / "file"
    blocker.write_text("x")
    unwritable = runner.invoke(main, ["export", "-o", str(blocker / "out.graphml"), "--store", store])
    assert unwritable.exit_code == 1 and "cannot write" in unwritable.stderr
