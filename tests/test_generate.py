"""The generator users run (psp generate): deterministic, realistic in shape, loadable."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from psp_graph.generate import GENERATED_SOURCE, generate_graph
from psp_graph.graph import Graph
from psp_graph.privacy import shown_by_name

from .test_cli import assert_user_error, psp


def test_same_seed_gives_the_same_graph_and_another_seed_another() -> None:
    assert generate_graph(200, seed=5) == generate_graph(200, seed=5)
    assert generate_graph(200, seed=5)[1] != generate_graph(200, seed=6)[1]


def test_generated_graph_is_shaped_like_civil_society_data() -> None:
    nodes, links = generate_graph(2000, seed=1)
    labels = {n.id: set(n.labels) for n in nodes}
    # Heavy-tailed funding: the top 5% of funders give most of the money.
    by_funder: Counter[str] = Counter()
    for link in links:
        if link.type == "FUNDS" and "amount_minor" in link.props:
            by_funder[link.source] += link.props["amount_minor"]
    ranked = [amount for _, amount in by_funder.most_common()]
    assert sum(ranked[: max(1, len(ranked) // 20)]) > 0.5 * sum(ranked)
    # Few seats: far fewer decision seats than actors.
    actors = [n for n in nodes if "Actor" in labels[n.id]]
    seats = [link for link in links if link.type == "SITS_IN"]
    assert len(seats) < 0.5 * len(actors)
    # Lived-experience groups are involved mostly at low rungs (placation or below).
    low = {"manipulation", "therapy", "informing", "consultation", "placation"}
    rungs = [
        link.props["rung"]
        for link in links
        if link.type == "INVOLVES" and "LivedExperienceGroup" in labels[link.target]
    ]
    assert rungs and sum(r in low for r in rungs) > 0.7 * len(rungs)
    # Issue clusters: most WORKS_ON links stay within the actor's main top-level issue.
    # (the most common top-level issue of each actor covers most of its WORKS_ON links)
    works: dict[str, list[str]] = {}
    broader = {n.id: n.props.get("broader") or n.id for n in nodes if "Issue" in labels[n.id]}
    for link in links:
        if link.type == "WORKS_ON":
            works.setdefault(link.source, []).append(broader[link.target])
    many = [tops for tops in works.values() if len(tops) >= 3]
    in_main = sum(Counter(tops).most_common(1)[0][1] for tops in many)
    assert in_main > 0.6 * sum(len(tops) for tops in many)
    # Persons are private, everything cites the generator's source and is illustrative.
    assert all(not shown_by_name(n) for n in nodes if "Person" in labels[n.id])
    assert all(n.props["illustrative"] for n in nodes)
    assert all(link.props["sources"] == [GENERATED_SOURCE] for link in links)


def test_psp_generate_writes_a_file_that_psp_load_reads(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "generated.json"
    result = psp(runner, "generate", "--actors", "120", "--seed", "7", "-o", str(out))
    assert result.exit_code == 0, result.output
    nodes, links = generate_graph(120, seed=7)
    store = f"sqlite:///{tmp_path}/loaded.db"
    loaded = psp(runner, "load", str(out), "--store", store)
    assert loaded.exit_code == 0, loaded.output
    with Graph.open(store) as graph:
        stats = graph.reader().stats()
    assert stats.links == len(links)
    assert stats.nodes == len(nodes)  # the ontology's issues are in both


def test_psp_generate_writes_straight_into_a_store_in_one_change_set(
    runner: CliRunner, tmp_path: Path
) -> None:
    store = f"sqlite:///{tmp_path}/generated.db"
    result = psp(runner, "generate", "--actors", "80", "--seed", "2", "--store", store)
    assert result.exit_code == 0, result.output
    _, links = generate_graph(80, seed=2)
    with Graph.open(store) as graph:
        reader = graph.reader(include_private=True)
        assert reader.stats().links == len(links)
        assert [c.action for c in reader.changesets()] == ["sync", "init"]
        assert reader.node(links[0].source).id == links[0].source


def test_psp_generate_refuses_a_file_type_it_cannot_write(runner: CliRunner, tmp_path: Path) -> None:
    result = psp(runner, "generate", "--actors", "10", "-o", str(tmp_path / "graph.csv"))
    assert_user_error(result, "graph.csv", ".json or .yaml")
    assert not (tmp_path / "graph.csv").exists()
    assert_user_error(psp(runner, "generate", "--actors", "0"), "--actors")
