"""Real 360Giving spreadsheets made from the standard's multi-sheet template: items on other
sheets (Beneficiary Location, Classifications, ...) joined to their grants by Identifier, and
the values publishers really write (a planned end before the start)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.io.load import load_file
from psp_graph.io.problems import Problems

from .conftest import store_state
from .test_giving360 import F1, TITLES, funds, grant, write_csv

openpyxl = pytest.importorskip("openpyxl")

LOCATION = [
    "Identifier",
    "Beneficiary Location:Identifier",
    "Beneficiary Location:Name",
    "Beneficiary Location:Geographic Code",
    "Beneficiary Location:Geographic Code Type",
]


def template(path: Path, locations: list[list[Any]], classifications: list[list[Any]]) -> Path:
    """A workbook shaped like the standard's template: the grants sheet (with its first
    location rolled up), then one sheet per section, most of them left empty."""
    book = openpyxl.Workbook()
    grants = book.active
    grants.title = "grants"
    grants.append([*TITLES, "Beneficiary Location:Geographic Code"])
    grants.append(["G-1", "t", "", "GBP", 1000, "2021-04-01", "GB-CHC-1", "Pantry", None, *F1, "E09000030"])
    grants.append(["G-2", "t", "", "GBP", 2000, "2021-04-01", "GB-CHC-2", "Kitchen", None, *F1, None])
    sheet = book.create_sheet("Beneficiary Location")
    sheet.append(LOCATION)
    for row in locations:
        sheet.append(row)
    sheet = book.create_sheet("Classifications")
    sheet.append(
        ["Identifier", "Classifications:Vocabulary", "Classifications:Code", "Classifications:Title"]
    )
    for row in classifications:
        sheet.append(row)
    book.create_sheet("Actual Dates").append(
        ["Identifier", "Actual Dates:Start Date", "Actual Dates:End Date"]
    )
    book.create_sheet("Notes").append(["Anything the publisher wrote for people"])
    book.save(path)
    return path


def test_items_on_the_templates_other_sheets_join_their_grants_by_identifier(tmp_path: Path) -> None:
    path = template(
        tmp_path / "template.xlsx",
        locations=[
            ["G-1", "loc-1", "Tower Hamlets", "E09000030", "LAD"],  # the rolled-up first item again
            ["G-1", "loc-2", "Newham", "E09000025", "LAD"],
            ["G-9", "loc-3", "City of London", "E09000001", "LAD"],  # a grant not in the file
        ],
        classifications=[["G-2", "x", "1", "Food banks"]],
    )
    problems = Problems()
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, path, problems=problems)
        links = funds(graph)
        assert links["G-1"].props["places"] == ["E09000030", "E09000025"]
        assert links["G-2"].props["issues"] == ["issue:food-banks"]
        assert "places" not in links["G-2"].props
    assert not problems.errors()
    (orphan,) = problems.items
    assert orphan.level == "warning" and orphan.row == 4 and orphan.value == "G-9"
    assert orphan.sheet == "Beneficiary Location" and "not in the grants sheet" in orphan.message


def test_a_template_row_without_a_grant_identifier_is_an_error_and_loads_nothing(tmp_path: Path) -> None:
    path = template(
        tmp_path / "bad.xlsx", locations=[[None, "loc-1", "Newham", "E09000025", "LAD"]], classifications=[]
    )
    problems = Problems()
    with Graph.open("sqlite://:memory:") as graph:
        before = store_state(graph)
        with pytest.raises(InvalidData):
            load_file(graph, path, problems=problems)
        assert store_state(graph) == before
    (error,) = problems.errors()
    assert error.row == 2 and error.field == "Identifier" and error.sheet == "Beneficiary Location"


def test_a_planned_end_before_the_start_keeps_the_grant_without_the_end(tmp_path: Path) -> None:
    rows = [
        grant(
            "G-1",
            ("GB-CHC-1", "P"),
            **{"Planned Dates:Start Date": "2021-04-01", "Planned Dates:End Date": "2000-12-31"},
        )
    ]
    problems = Problems()
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, write_csv(tmp_path / "dates.csv", rows), problems=problems)
        link = funds(graph)["G-1"]
        assert link.props["valid_from"] == "2021-04-01" and "valid_to" not in link.props
    (warning,) = problems.items
    assert warning.level == "warning" and "the end is left out" in warning.message
