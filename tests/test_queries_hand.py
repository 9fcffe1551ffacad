"""Answers worked out by hand in docs/queries.md, on docs/examples/hand-graph.yaml.

The expected numbers below come from the arithmetic in the docs, not from the code.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from psp_graph.analysis import run_query
from psp_graph.graph import Graph
from psp_graph.io.load import load_file

from .conftest import ROOT

A, B, G, D, E, Z = (
    "org:alpha-trust",
    "org:beta-council",
    "org:gamma-union",
    "org:delta-advice",
    "group:epsilon-panel",
    "org:zeta-kitchen",
)


@pytest.fixture(scope="module")
def hand() -> Iterator[Graph]:
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, ROOT / "docs" / "examples" / "hand-graph.yaml")
        yield graph


def rows(graph: Graph, name: str, **params: object) -> list[dict[str, object]]:
    return run_query(graph, name, dict(params)).rows


def test_funding_concentration_by_hand(hand: Graph) -> None:
    table = {(r["issue"], r["year"]): r for r in rows(hand, "funding-concentration")}
    overall = table[("*", "*")]
    # Alpha 800, Beta 200 of 1000: HHI = .8^2 + .2^2 = .68; Gini = 2(1*200 + 2*800)/(2*1000) - 3/2 = .3
    assert (overall["funders"], overall["grants"], overall["total_minor"]) == (2, 3, 100_000)
    assert (
        math.isclose(overall["hhi"], 0.68)
        and math.isclose(overall["gini"], 0.3)
        and overall["top5_share"] == 1.0
    )
    # 2020: Alpha 600, Beta 200: HHI = .75^2 + .25^2 = .625; Gini = 2(200 + 1200)/1600 - 1.5 = .25
    y2020 = table[("*", "2020")]
    assert math.isclose(y2020["hhi"], 0.625) and math.isclose(y2020["gini"], 0.25)
    # 2021 and housing: one funder, HHI 1, Gini 0.
    assert table[("*", "2021")]["hhi"] == 1.0 and table[("*", "2021")]["gini"] == 0.0
    assert table[("issue:housing", "*")]["total_minor"] == 60_000


def test_issue_selection_includes_narrower_issues(hand: Graph) -> None:
    housing = rows(hand, "funding-flows", issue="housing")
    assert sorted(r["amount_minor"] for r in housing) == [20_000, 60_000]  # housing + private renting
    concentration = {(r["issue"], r["year"]): r for r in rows(hand, "funding-concentration", issue="housing")}
    assert concentration[("*", "*")]["hhi"] == 1.0 and concentration[("*", "*")]["funders"] == 1


def test_decision_space_seat_shares_by_hand(hand: Graph) -> None:
    spaces = {r["space_id"]: r for r in rows(hand, "decision-spaces")}
    board, panel = spaces["space:board"], spaces["space:panel"]
    # Board: chair Beta, voting Alpha, observer Gamma (lived): 1 of 3 seats, 0 of 2 voting seats.
    assert (board["seats"], board["voting_seats"], board["lived_seats"], board["lived_voting_seats"]) == (
        3,
        2,
        1,
        0,
    )
    assert math.isclose(board["lived_share"], 1 / 3) and board["lived_voting_share"] == 0.0
    # Panel: advisory Epsilon (a lived-experience group), voting Delta (both): 2 of 2, 1 of 1.
    assert (panel["lived_share"], panel["lived_voting_share"]) == (1.0, 1.0)
    assert board["members"] == [A, B, G] and board["space"] == "closed"
    assert [r["space_id"] for r in rows(hand, "decision-spaces", issue="housing")] == ["space:board"]


def test_participation_rungs_by_hand(hand: Graph) -> None:
    table = {(r["actor"], r["issue"]): r for r in rows(hand, "participation")}
    beta = table[(B, "issue:food-banks")]
    assert (beta["highest_rung"], beta["rank"], beta["involved"], beta["stops_at_tokenism"]) == (
        "consultation",
        4,
        2,
        True,
    )
    alpha = table[(A, "issue:housing")]
    assert (alpha["highest_rung"], alpha["ladder_group"], alpha["stops_at_tokenism"]) == (
        "partnership",
        "citizen_power",
        False,
    )


def test_balance_by_hand(hand: Graph) -> None:
    table = {(r["scope"], r["scope_id"]): r for r in rows(hand, "balance")}
    housing = table[("issue", "issue:housing")]
    assert (housing["lived"], housing["learnt"], housing["both"], housing["unknown"]) == (1, 1, 1, 0)
    assert math.isclose(housing["lived_share"], 2 / 3)
    food = table[("issue", "issue:food-banks")]
    assert (food["lived"], food["unknown"], food["lived_share"]) == (1, 1, 1.0)
    assert math.isclose(table[("decision_space", "space:board")]["lived_share"], 1 / 3)


def test_collaboration_gaps_by_hand(hand: Graph) -> None:
    gaps = {(r["gap"], r["a"], r["b"], r["issue"]) for r in rows(hand, "collaboration-gaps")}
    assert gaps == {
        ("no-collaboration", A, G, "issue:housing"),
        ("no-collaboration", A, D, "issue:housing"),
        ("no-collaboration", E, Z, "issue:food-banks"),
        ("unfunded-affected", E, None, "issue:food-banks"),
        ("unmet-need", E, "res:data", None),
    }


def test_collaboration_summary_by_hand(hand: Graph) -> None:
    table = {
        (r["issue"], r["kind"], r["a"], r["b"]): (r["count"], r["of"])
        for r in rows(hand, "collaboration-summary")
    }
    assert table == {
        # housing: Alpha, Gamma, Delta; Gamma partners Delta, so A-G and A-D have no path.
        ("issue:housing", "unconnected-pairs", None, None): (2, 3),
        ("issue:housing", "isolated", A, None): (2, 2),
        ("issue:housing", "isolated", G, None): (1, 2),
        ("issue:housing", "isolated", D, None): (1, 2),
        # Alpha and Gamma both sit on space:board (a direct grant is not a shared funder).
        ("issue:housing", "promising-pair", A, G): (1, None),
        ("issue:food-banks", "unconnected-pairs", None, None): (1, 1),
        ("issue:food-banks", "isolated", E, None): (1, 1),
        ("issue:food-banks", "isolated", Z, None): (1, 1),
    }
    top1 = rows(hand, "collaboration-summary", top=1, issue="housing")
    assert [(r["kind"], r["a"]) for r in top1] == [
        ("isolated", A),
        ("promising-pair", A),
        ("unconnected-pairs", None),
    ]


def test_collaboration_gaps_pair_list_stops_at_the_limit_in_table_order(hand: Graph) -> None:
    assert [(r["a"], r["b"]) for r in rows(hand, "collaboration-gaps", limit=2)] == [(E, Z), (A, D)]


def test_collaboration_gaps_refuses_a_huge_pair_list_without_a_limit(
    hand: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psp_graph.analysis import gaps
    from psp_graph.exc import InvalidData

    monkeypatch.setattr(gaps, "PAIR_LIMIT", 3)
    with pytest.raises(InvalidData, match="4 pairs of actors share an issue: give a limit"):
        rows(hand, "collaboration-gaps")
    assert len(rows(hand, "collaboration-gaps", limit=3)) == 3


def test_ego_by_hand(hand: Graph) -> None:
    near = {r["id"]: r["distance"] for r in rows(hand, "ego", actor="Gamma Union", hops=1)}
    assert near == {G: 0, A: 1, B: 1, D: 1, "space:board": 1}


def test_power_ranking_components_and_score_by_hand(hand: Graph) -> None:
    table = {r["id"]: r for r in rows(hand, "power-ranking", w_reach=0)}
    assert {k: table[k]["money_granted_minor"] for k in (A, B, G)} == {A: 80_000, B: 20_000, G: 0}
    assert table[B]["resources"] == 1 and table[Z]["seats_authority"] == 0
    assert {table[k]["seats_authority"] for k in (A, B, G, D, E)} == {1}
    # Only Delta lies between others (Alpha-Beta and Gamma-Beta): 2 / C(5, 2) = 0.2.
    assert math.isclose(table[D]["brokerage"], 0.2) and table[A]["brokerage"] == 0.0
    # Scores without reach: mean of four normalised components.
    expected = {
        B: (0.25 + 1 + 1 + 0) / 4,
        A: (1 + 0 + 1 + 0) / 4,
        D: (0 + 0 + 1 + 1) / 4,
        E: 0.25,
        G: 0.25,
        Z: 0.0,
    }
    for actor, score in expected.items():
        assert math.isclose(table[actor]["score"], score), actor
    assert [r["id"] for r in sorted(table.values(), key=lambda r: r["rank"])] == [B, A, D, E, G, Z]


def test_reach_is_pagerank_towards_power_holders(hand: Graph) -> None:
    # Independent power iteration of PageRank (alpha .85, dangling mass spread evenly) on the
    # hand-drawn reach graph: links point from grantee to funder and from space to seat holder.
    edges = [
        (G, A),
        (D, A),
        (D, B),
        ("space:board", B),
        ("space:board", A),
        ("space:board", G),
        ("space:panel", E),
        ("space:panel", D),
    ]
    nodes = sorted({A, B, G, D, E, Z, "space:board", "space:panel"})
    out = {n: [v for u, v in edges if u == n] for n in nodes}
    rank = {n: 1 / len(nodes) for n in nodes}
    for _ in range(200):
        dangling = sum(rank[n] for n in nodes if not out[n])
        rank = {
            n: 0.15 / len(nodes)
            + 0.85 * (dangling / len(nodes) + sum(rank[u] / len(out[u]) for u in nodes if n in out[u]))
            for n in nodes
        }
    table = {r["id"]: r for r in rows(hand, "power-ranking")}
    for actor in (A, B, G, D, E, Z):
        assert math.isclose(table[actor]["reach"], rank[actor], rel_tol=1e-9, abs_tol=1e-9), actor


def test_an_unmet_need_said_by_two_links_is_one_gap() -> None:
    """Parallel NEEDS links of one actor and resource (two sources saying it) are one gap,
    with or without a date; the key (gap, a, b, issue) identifies each row."""
    from psp_graph.analysis import QUERIES
    from tests.generate import generate_graph, load_generated

    nodes, links = generate_graph(5, 8, seed=1)
    needs = {(link.source, link.target) for link in links if link.type == "NEEDS"}
    assert len(needs) < len([link for link in links if link.type == "NEEDS"])  # parallel links present
    with Graph.open("sqlite://:memory:") as graph:
        load_generated(graph.backend, nodes, links)
        for params in ({}, {"as_of": "2020-06-01"}):
            rows = run_query(graph, "collaboration-gaps", params).rows
            keys = [tuple(r[k] for k in QUERIES["collaboration-gaps"].keys) for r in rows]
            assert len(keys) == len(set(keys))
        unmet = [r for r in rows if r["gap"] == "unmet-need"]  # on that date nobody controls it
        assert [(r["a"], r["b"]) for r in unmet] == [("group:gen-1-1", "res:gen-1-0")]
