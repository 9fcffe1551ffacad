"""Readers: YAML, JSON, CSV and XLSX give the same records and the same graph."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import yaml

from psp_graph.cli.common import progress_bar
from psp_graph.graph import Graph
from psp_graph.io.load import load_file
from psp_graph.io.readers import read_records

from .conftest import ROOT, store_state

EXAMPLES = ROOT / "docs" / "examples"


def node_facts(g: Graph) -> list[tuple[str, str, dict[str, object]]]:
    return [
        (n["id"], n["name"], {k: v for k, v in n["props"].items() if not k.startswith("recorded")})
        for n in store_state(g)["nodes"]
    ]


def link_facts(g: Graph) -> list[tuple[object, ...]]:
    return sorted(
        (x.id, x.type, x.source, x.target, x.props.get("amount_minor"), tuple(x.props.get("issues", [])))
        for x in g.backend.iter_links()
    )


def load_examples(graph: Graph, *paths: Path) -> None:
    for path in paths:
        load_file(graph, path)


def test_yaml_records_know_their_line(tmp_path: Path) -> None:
    records = list(read_records(EXAMPLES / "workshop.yaml"))
    first_actor = next(r for r in records if r.section == "actors")
    line = (EXAMPLES / "workshop.yaml").read_text().splitlines()[first_actor.row - 1]
    assert "Fenwold Housing Trust" in line


def test_json_and_yaml_load_the_same_graph(tmp_path: Path) -> None:
    data = yaml.safe_load((EXAMPLES / "workshop.yaml").read_text())
    as_json = tmp_path / "workshop.json"
    as_json.write_text(json.dumps(data), encoding="utf-8")
    with Graph.open("sqlite://:memory:") as a, Graph.open("sqlite://:memory:") as b:
        load_file(a, EXAMPLES / "workshop.yaml")
        load_file(b, as_json)
        assert node_facts(a) == node_facts(b)


def test_xlsx_sheets_load_like_csv_files(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, path in (("actors", EXAMPLES / "actors.csv"), ("links", EXAMPLES / "links.csv")):
        sheet = book.create_sheet(name)
        for row in csv.reader(path.open(encoding="utf-8")):
            sheet.append([int(c) if c.isdigit() else (c or None) for c in row])
    workbook = tmp_path / "workshop.xlsx"
    book.save(workbook)
    with Graph.open("sqlite://:memory:") as from_csv, Graph.open("sqlite://:memory:") as from_xlsx:
        for g in (from_csv, from_xlsx):
            load_file(g, EXAMPLES / "workshop.yaml")
        load_examples(from_csv, EXAMPLES / "actors.csv", EXAMPLES / "links.csv")
        load_file(from_xlsx, workbook)
        assert link_facts(from_csv) == link_facts(from_xlsx)
        funds = [x for x in from_xlsx.backend.iter_links("FUNDS")]
        assert funds[0].props["amount_minor"] == 1_800_000
        assert funds[0].props["issues"] == ["issue:food-banks", "issue:food-insecurity"]
        assert funds[0].props["valid_to"] == "2021-03-31"


def test_csv_lists_and_yes_no_cells(tmp_path: Path) -> None:
    with Graph.open("sqlite://:memory:") as graph:
        load_examples(graph, EXAMPLES / "workshop.yaml", EXAMPLES / "actors.csv")
        council = graph.reader(include_private=True).node("org:fenwold-borough-council")
        assert council.types == ("PublicBody", "LocalAuthority", "Funder")
        assert council.props["illustrative"] is True


def test_reloading_a_file_changes_nothing() -> None:
    with Graph.open("sqlite://:memory:") as graph:
        first = load_file(graph, EXAMPLES / "workshop.yaml")
        again = load_file(graph, EXAMPLES / "workshop.yaml")
        assert first.created == 6 and again.changeset is None and again.unchanged == 6


def test_a_big_file_loads_with_a_progress_bar(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "types"])
        writer.writerows([f"Group {i}", "CommunityGroup"] for i in range(5001))
    with Graph.open("sqlite://:memory:") as graph:
        result = load_file(graph, path, progress=progress_bar)
        assert result.created == 5001
        assert graph.reader().stats().nodes_by_label["CommunityGroup"] == 5001
