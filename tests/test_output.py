"""Output that scales: tables capped with a clear line, CSV and JSON complete and streamed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from psp_graph.cli.common import emit
from psp_graph.cli.output import TABLE_ROWS

ROWS = [{"id": f"org:n{i:04d}", "amount": i, "issues": ["a", "b"], "share": i / 7} for i in range(250)]
COLUMNS = ["id", "amount", "issues", "share"]


def emitted(fmt: str, rows: list[dict[str, object]] = ROWS) -> str:
    @click.command()
    def show() -> None:
        emit(rows, COLUMNS, fmt, "-", title="rows")

    result = CliRunner().invoke(show, [])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_table_shows_the_first_rows_and_says_how_many_more() -> None:
    text = emitted("table")
    assert f"org:n{TABLE_ROWS - 1:04d}" in text
    assert f"org:n{TABLE_ROWS:04d}" not in text
    assert text.rstrip().splitlines()[-1] == f"… {250 - TABLE_ROWS:,} more rows; use --format csv or --limit"


def test_a_short_table_has_no_more_line() -> None:
    assert "more rows" not in emitted("table", ROWS[:3])


def test_csv_carries_every_row() -> None:
    rows = list(csv.DictReader(io.StringIO(emitted("csv"))))
    assert len(rows) == 250
    assert rows[3] == {"id": "org:n0003", "amount": "3", "issues": "a; b", "share": str(3 / 7)}


@pytest.mark.parametrize("rows", [ROWS, []])
def test_json_carries_every_row_exactly(rows: list[dict[str, object]]) -> None:
    text = emitted("json", rows)
    assert json.loads(text) == rows
    assert text == json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def test_append_adds_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    emit(ROWS[:2], COLUMNS, "csv", str(target))
    emit(ROWS[2:3], COLUMNS, "csv", str(target), append=True)
    assert target.read_text(encoding="utf-8").count("org:n") == 3
