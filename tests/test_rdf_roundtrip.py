"""RDF out and back in: export -> load into an empty store -> export gives an isomorphic graph."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.io.load import load_file
from psp_graph.io.writers import export_graph
from psp_graph.seed import load_seed

from .conftest import ROOT, store_state

RECORDED = rdflib.URIRef("https://w3id.org/psp-graph/ontology#recordedAt")


def without_timestamps(text: str) -> rdflib.Graph:
    graph = rdflib.Graph().parse(data=text, format="turtle")
    graph.remove((None, RECORDED, None))
    return graph


@pytest.mark.parametrize("source", ["seed", "hand"])
def test_rdf_export_loads_back_into_the_same_graph(source: str, tmp_path: Path) -> None:
    with Graph.open("sqlite://:memory:") as original:
        if source == "seed":
            load_seed(original)
        else:
            load_file(original, ROOT / "docs" / "examples" / "hand-graph.yaml")
        exported = export_graph(original, "ttl", include_private=True)
    path = tmp_path / "graph.ttl"
    path.write_text(exported, encoding="utf-8")
    with Graph.open("sqlite://:memory:") as copy:
        load_file(copy, path)
        again = export_graph(copy, "ttl", include_private=True)
        assert load_file(copy, path).changeset is None  # loading the same RDF twice changes nothing
    assert isomorphic(without_timestamps(exported), without_timestamps(again))


def test_rdf_that_is_not_psp_graph_or_not_rdf_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "other.ttl"
    bad.write_text('<http://example.org/a> <http://example.org/b> "c" .\n', encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text("<http://example.org/a> this is not turtle", encoding="utf-8")
    with Graph.open("sqlite://:memory:") as graph:
        before = store_state(graph)
        with pytest.raises(InvalidData, match=r"other\.ttl: no psp-graph nodes or links"):
            load_file(graph, bad)
        with pytest.raises(InvalidData, match=r"broken\.ttl: not valid RDF"):
            load_file(graph, broken)
        assert store_state(graph) == before
