"""Problems in a spreadsheet name their sheet; GrantNav's ward and district columns nest
a ward within its borough without a shipped lookup (issue 10)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from psp_graph.cli import main
from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.io.load import load_file
from psp_graph.io.problems import Problems

from .test_giving360 import F1, TITLES, grant, write_csv

SHEET = "Grants 2021-22"


def grants_workbook(path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active.append(["Grants published under the 360Giving Data Standard"])
    sheet = book.create_sheet(SHEET)
    sheet.append(TITLES)
    sheet.append(["G-1", "t", "", "GBP", 1200, "2021-07-09", "GB-CHC-1", "Pantry", None, *F1])
    sheet.append(["G-2", "t", "", "GBP", "lots", "2021-07-09", "GB-CHC-2", "Larder", None, *F1])
    book.save(path)
    return path


def test_a_problem_in_a_360giving_workbook_names_its_sheet_row_and_field(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = grants_workbook(tmp_path / "grants.xlsx")
    where = f"grants.xlsx: sheet '{SHEET}': row 3: field 'Amount Awarded'"
    with Graph.open("sqlite://:memory:") as graph, pytest.raises(InvalidData) as raised:
        load_file(graph, path)
    assert where in str(raised.value)

    loaded = runner.invoke(main, ["load", str(path)])
    assert loaded.exit_code == 1 and where in loaded.stderr and len(loaded.stderr.splitlines()) == 1

    checked = runner.invoke(main, ["validate", str(path), "--report", "problems.csv"])
    assert checked.exit_code == 1
    assert f"1 × error: sheet '{SHEET}': Amount Awarded: not an amount of money (rows 3)" in checked.output
    with Path("problems.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["sheet"], r["row"], r["field"], r["value"]) for r in rows] == [
        (SHEET, "3", "Amount Awarded", "lots")
    ]
    assert runner.invoke(main, ["validate", str(path), "--report", "problems.json"]).exit_code == 1
    report = json.loads(Path("problems.json").read_text(encoding="utf-8"))
    assert [(p["sheet"], p["row"], p["field"]) for p in report] == [(SHEET, 3, "Amount Awarded")]


def test_a_problem_in_a_sectioned_workbook_names_its_sheet(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "actors"
    book.active.append(["name", "types"])
    book.active.append(["Alpha Trust", "Charity"])
    book.active.append(["Beta", "Charityy"])
    path = tmp_path / "actors.xlsx"
    book.save(path)
    problems = Problems()
    with Graph.open("sqlite://:memory:") as graph, pytest.raises(InvalidData) as raised:
        load_file(graph, path, problems=problems)
    assert "actors.xlsx: sheet 'actors': row 3: field 'types'" in str(raised.value)
    assert [(p.sheet, p.row, p.field) for p in problems.errors()] == [("actors", 3, "types")]


# GrantNav's CSV export: its additional columns, titled as GrantNav titles them.
GRANTNAV = {
    "Best Available Recipient Region (additional data)": "London",
    "Best Available Recipient District (additional data)": "Tower Hamlets",
    "Best Available Recipient District Geographic Code (additional data)": "E09000030",
    "Best Available Recipient Ward (additional data)": "Bow East",
    "Best Available Recipient Ward Geographic Code (additional data)": "E05009317",
}


def test_grantnav_ward_columns_nest_the_ward_in_its_borough_for_place_queries(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = [
        grant("G-1", ("GB-CHC-1", "Bow Pantry"), **GRANTNAV),
        # the older export's titles, spaced and cased differently: a ward of another district
        grant(
            "G-2",
            ("GB-CHC-2", "Far Larder"),
            **{
                "recipient ward geographic code ": "E05000001",
                "Recipient Ward": "Nowhere Ward",
                "Recipient District Geographic Code": "E07000001",
                "Recipient District": "Somewhere District",
            },
        ),
        grant(
            "G-3", ("GB-CHC-3", "Mile End Meals"), **{"Beneficiary Location:0:Geographic Code": "E09000030"}
        ),
    ]
    path = write_csv(tmp_path / "grantnav.csv", rows)
    assert runner.invoke(main, ["load", str(path)]).exit_code == 0
    with Graph.open("sqlite:///psp.db") as graph:
        read = graph.reader(include_private=True)
        ward = read.node("place:e05009317")
        assert (ward.name, ward.props["code"], ward.props["within"]) == (
            "Bow East",
            "E05009317",
            "place:e09000030",
        )
        assert read.node("place:e09000030").name == "Tower Hamlets"  # the shipped table's borough
        other = read.node("place:e05000001")
        assert (other.name, other.props["within"]) == ("Nowhere Ward", "place:e07000001")
        assert read.node("place:e07000001").name == "Somewhere District"
        assert graph.backend.get_link("G-1").props["places"] == ["E05009317"]

    result = runner.invoke(main, ["query", "funding-flows", "--place", "Tower Hamlets", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(row["link"] for row in json.loads(result.output)) == ["G-1", "G-3"]


def test_a_bad_grantnav_geography_code_is_reported_and_left_out(tmp_path: Path) -> None:
    bad = {**GRANTNAV, "Best Available Recipient Ward Geographic Code (additional data)": "Bow East"}
    moved = {**GRANTNAV, "Best Available Recipient District Geographic Code (additional data)": "E09000001"}
    rows = [
        grant("G-1", ("GB-CHC-1", "Bow Pantry"), **bad),
        grant("G-2", ("GB-CHC-2", "Larder"), **GRANTNAV),
        grant("G-3", ("GB-CHC-3", "Meals"), **moved),
    ]
    problems = Problems()
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, write_csv(tmp_path / "g.csv", rows), problems=problems)
        ward = graph.reader(include_private=True).node("place:e05009317")
        assert ward.props["within"] == "place:e09000030"  # the first row's district is kept
        assert graph.backend.get_link("G-1").props["places"] == ["E09000030"]  # the district, not a bad ward
    warnings = [(p.row, p.field, p.value) for p in problems if p.level == "warning"]
    assert warnings == [
        (2, "Best Available Recipient Ward Geographic Code (additional data)", "Bow East"),
        (4, "Best Available Recipient District Geographic Code (additional data)", "E09000001"),
    ]
    assert not problems.errors()
