"""Output that scales: tables capped with a clear line, CSV and JSON complete and streamed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from psp_graph.cli.common import emit
from psp_graph.cli.output import TABLE_ROWS, table

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


# -- tables fit the terminal (80 columns when piped) -------------------------------------------

RANKING = [
    {
        "rank": 1,
        "name": "Sheila McKechnie Foundation (SMK)",
        "money_granted_minor": 444500000,
        "reach": 0.0285,
    },
    {"rank": 2, "name": "Kettlebridge Parents' Food Collective", "money_granted_minor": 0, "reach": 0.1},
]


def test_a_table_fits_80_columns_without_breaking_numbers_or_words() -> None:
    text = table(RANKING, ["rank", "name", "money_granted_minor", "reach"], "Power ranking", width=46)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 46
    body = "\n".join(lines)
    assert "444500000" in body and "McKechnie" in body and "Kettlebridge" in body
    assert "money_" in body and "granted_" in body  # the header breaks after its underscores
    assert "rank" in body


def test_a_piped_table_is_80_columns_and_columns_env_widens_it(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{"name": "word " * 40, "n": 1}]
    monkeypatch.delenv("COLUMNS", raising=False)
    assert max(map(len, table(rows, ["name", "n"], None).splitlines())) == 80
    monkeypatch.setenv("COLUMNS", "132")
    assert max(map(len, table(rows, ["name", "n"], None).splitlines())) == 132


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.dictionaries(st.sampled_from(["a", "b_c", "d"]), st.text(max_size=60), min_size=3),
        min_size=1,
        max_size=5,
    ),
    st.integers(min_value=30, max_value=140),
)
def test_every_line_of_a_table_fits_its_width(rows: list[dict[str, str]], width: int) -> None:
    text = table(rows, ["a", "b_c", "d"], None, width=width)
    assert max(len(line) for line in text.splitlines()) <= width


def test_a_long_name_column_folds_before_a_one_word_header_breaks() -> None:
    rows = [
        {"name": "Fernhill Estate Residents' Association of the Metro", "seats": 3, "experience": "lived"},
        {"name": "Office of the Metro Mayor", "seats": 12, "experience": "learnt"},
    ] * 3
    columns = ["name", "seats", "experience", "decides_on", "chairs", "money_granted_minor"]
    for row in rows:
        row.update(decides_on=1, chairs=0, money_granted_minor=444500000)
    text = table(rows, columns, None, width=80)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "experience" in lines[1]  # whole, on the header's first line
    assert "Fernhill Estate Residents' Association of the Metro" not in text  # the names folded


def power_rows() -> list[dict[str, object]]:
    return [
        {
            "rank": k,
            "id": f"org:gen-100000-{k}",
            "name": f"Actor {k}",
            "score": "0.7571",
            "money_granted_minor": 51802217300 // k,
            "resources": 2,
            "seats_authority": 6,
            "reach": "0.1992",
            "brokerage": "0.6858",
        }
        for k in (1, 2, 3)
    ]


def test_rows_too_wide_for_whole_words_are_shown_one_block_each() -> None:
    """power-ranking of a 100,000-actor store at 80 columns: nine columns cannot all keep
    their words and names whole, so each row is a block of name-value lines."""
    rows = power_rows()
    text = table(rows, list(rows[0]), "power-ranking", width=80)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[0] == "power-ranking" and lines[1].startswith("─[ 1 ]")
    for row in rows:
        for column, value in row.items():  # every value whole, beside its column's name
            assert any(line.split(None, 1) == [column, str(value)] for line in lines), (column, value)
    assert sum(line.startswith("─[") for line in lines) == 3
    wide = table(rows, list(rows[0]), "power-ranking", width=160)
    assert "─[" not in wide and "┃ money_granted_minor ┃" in wide


def test_a_table_keeps_its_headers_whole_while_cells_fold() -> None:
    rows = [
        {"id": "org:metro-food-aid-network", "name": "Metro Food Aid Network", "betweenness": "0.2300"},
        {"id": "org:ashmere-borough-council", "name": "Ashmere Borough Council", "betweenness": "0.1014"},
    ]
    text = table(rows, list(rows[0]), None, width=44)
    assert "─[" not in text and "betweenness" in text.splitlines()[1]
    assert all(len(line) <= 44 for line in text.splitlines())


def test_a_value_wider_than_its_block_folds_between_words() -> None:
    name = "Fernhill Estate Residents' Association of the Metro"
    rows = [{"name": name, "organisation_id": "org:fernhill", "experience": "lived", "seats": 3}]
    text = table(rows, list(rows[0]), None, width=30)
    lines = text.splitlines()
    assert lines[0] == "─[ 1 ]" + "─" * 24 and all(len(line) <= 30 for line in lines)
    assert lines[1].startswith("name") and name not in text  # folded over lines ...
    assert all(word in text.split() for word in name.split())  # ... between its words
