"""Property tests for parsers and round trips (hypothesis)."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from psp_graph.graph import Graph
from psp_graph.ids import slugify
from psp_graph.io.load import load_file
from psp_graph.io.readers import read_records
from psp_graph.values import format_money, minor_units, parse_date, parse_decimal

settings.register_profile(
    "psp",
    deadline=None,
    max_examples=60,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.load_profile("psp")

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s.strip())


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_iso_dates_parse_to_themselves(day: datetime.date) -> None:
    assert parse_date(day.isoformat()) == day


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_partial_dates_cover_the_whole_period(year: int, month: int) -> None:
    start, end = parse_date(f"{year}-{month:02d}"), parse_date(f"{year}-{month:02d}", end=True)
    assert start.day == 1 and (end + datetime.timedelta(days=1)).month != month
    assert parse_date(str(year)) == datetime.date(year, 1, 1)
    assert parse_date(str(year), end=True) == datetime.date(year, 12, 31)


@given(st.integers(0, 10**12))
def test_money_round_trips_through_minor_units(pence: int) -> None:
    text = format_money(pence, "GBP").removeprefix("GBP ")
    assert minor_units(parse_decimal("£" + text), "GBP") == pence
    assert minor_units(Decimal(pence) / 100, "GBP") == pence


@given(names)
def test_slugs_are_stable_and_safe(name: str) -> None:
    slug = slugify(name)
    assert slug == slugify(name)
    assert slug and all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert slugify(slug) == slug


@given(st.lists(names, min_size=1, max_size=5, unique_by=slugify))
@settings(max_examples=25)
def test_yaml_names_load_exactly_as_written(tmp_path_factory: object, values: list[str]) -> None:
    path = Path(str(tmp_path_factory.mktemp("yaml"))) / "actors.yaml"  # type: ignore[attr-defined]
    path.write_text(
        yaml.safe_dump({"actors": [{"name": v, "types": ["Charity"]} for v in values]}, allow_unicode=True),
        encoding="utf-8",
    )
    records = list(read_records(path))
    assert [r.data["name"] for r in records] == values
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, path)
        stored = sorted(n.name for n in graph.backend.iter_nodes("Organisation"))
    assert stored == sorted(values)
