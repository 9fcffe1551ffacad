"""Property tests for the 360Giving loader: titles, dates, amounts, and identity by org-id."""

from __future__ import annotations

import datetime
import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from psp_graph.graph import Graph
from psp_graph.io.giving360_fields import (
    FIELD_OF,
    TITLE_OF,
    normalise_title,
    parse_grant_amount,
    parse_grant_date,
)
from psp_graph.io.load import load_file

from .conftest import IN_CI

SETTINGS = settings(max_examples=40, deadline=None, derandomize=IN_CI)


@st.composite
def messy_title(draw: st.DrawFn, title: str) -> str:
    parts = title.split(":")
    cased = ["".join(c.upper() if draw(st.booleans()) else c.lower() for c in part) for part in parts]
    joined = "".join(
        part + (draw(st.sampled_from([":", " : ", ": ", " :"])) if i < len(cased) - 1 else "")
        for i, part in enumerate(cased)
    )
    return draw(st.sampled_from(["", "\ufeff"])) + joined + draw(st.sampled_from(["", " ", "  "]))


@SETTINGS
@given(
    st.sampled_from(sorted(TITLE_OF.items())).flatmap(
        lambda kv: st.tuples(st.just(kv[0]), messy_title(kv[1]))
    )
)
def test_every_standard_title_is_recognised_however_it_is_cased_and_spaced(case: tuple[str, str]) -> None:
    name, title = case
    assert FIELD_OF[normalise_title(title)] == name


@SETTINGS
@given(st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False, allow_infinity=False))
def test_amounts_are_rounded_to_pence_within_half_a_penny_and_warned_only_when_changed(
    amount: Decimal,
) -> None:
    rounded, warning = parse_grant_amount(str(amount), "GBP")
    assert rounded == rounded.quantize(Decimal("0.01"))
    assert abs(rounded - amount) <= Decimal("0.005")
    assert (warning is not None) == (rounded != amount)


@SETTINGS
@given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2040, 12, 31)))
def test_dates_read_back_from_every_way_publishers_write_them(day: datetime.date) -> None:
    written = [
        day,
        datetime.datetime.combine(day, datetime.time(13, 5)),
        day.isoformat(),
        f"{day.isoformat()}T00:00:00+00:00",
        f"{day.isoformat()} 00:00:00",
        day.strftime("%d/%m/%Y"),
        f"{day.day}/{day.month}/{day.year}",
        (day - datetime.date(1899, 12, 30)).days,  # an Excel serial number
    ]
    assert {parse_grant_date(w)[0] for w in written} == {day}


org_ids = st.sampled_from(["GB-CHC-1", "GB-CHC-2", "GB-COH-3", "360G-x-4", None])
names = st.sampled_from(["Pantry", "pantry ", "Youth Club", "Renters"])


@st.composite
def grant_files(draw: st.DrawFn) -> list[dict[str, Any]]:
    grants = []
    for n in range(draw(st.integers(min_value=1, max_value=12))):
        recipient: dict[str, Any] = {"name": draw(names)}
        org_id = draw(org_ids)
        if org_id:
            recipient["id"] = org_id
        record: dict[str, Any] = {
            "id": f"G-{n}",
            "currency": "GBP",
            "amountAwarded": draw(st.integers(min_value=0, max_value=10**6)),
            "awardDate": "2021-01-01",
            "fundingOrganization": [{"id": "360G-funder", "name": "Funder"}],
        }
        if draw(st.integers(0, 5)) == 0:
            record["recipientIndividual"] = {
                "id": f"IND-{draw(st.integers(0, 2))}",
                "name": "Someone Private",
            }
        else:
            record["recipientOrganization"] = [recipient]
        grants.append(record)
    return grants


@settings(max_examples=25, deadline=None, derandomize=IN_CI)
@given(grant_files())
def test_each_org_id_is_one_node_every_grant_one_link_and_a_reload_changes_nothing(
    grants: list[dict[str, Any]],
) -> None:
    with tempfile.TemporaryDirectory() as folder, Graph.open("sqlite://:memory:") as graph:
        path = Path(folder) / "grants.json"
        path.write_text(json.dumps({"grants": grants}), encoding="utf-8")
        load_file(graph, path)
        links = [link for link in graph.backend.iter_links() if link.type == "FUNDS"]
        assert len(links) == len(grants)
        holders: dict[str, list[str]] = {}
        for node in graph.backend.iter_nodes():
            for ident in node.props.get("identifiers", []):
                holders.setdefault(ident, []).append(node.id)
        given_ids = {r["id"] for g in grants for r in g.get("recipientOrganization", []) if "id" in r}
        assert set(holders) == given_ids | {"360G-funder"}
        assert all(len(ids) == 1 for ids in holders.values())
        assert "Someone Private" not in json.dumps([n.as_dict() for n in graph.backend.iter_nodes()])
        assert load_file(graph, path).changeset is None
