"""The seed graph: every fact sourced, made-up data marked, no invented facts about real organisations."""

from __future__ import annotations

import re

import pytest
import yaml

from psp_graph.graph import Graph
from psp_graph.seed import load_seed, seed_paths

# Real London organisations and places an invented name must not copy.
REAL_NAMES = [
    "Shelter",
    "Trussell",
    "Crisis",
    "Peabody",
    "Clarion",
    "L&Q",
    "Sustain",
    "London Renters Union",
    "Generation Rent",
    "ACORN",
    "Greater London Authority",
    "City Bridge",
    "Trust for London",
    "Camden",
    "Hackney",
    "Southwark",
    "Lambeth",
    "Islington",
    "Tower Hamlets",
    "Newham",
    "Haringey",
    "Lewisham",
    "Westminster",
    "Croydon",
    "Brent",
    "Ealing",
    "Barnet",
    "Enfield",
    "Greenwich",
    "Wandsworth",
    "Citizens UK",
    "Child Poverty Action Group",
    "Joseph Rowntree",
    "Felix Project",
    "FareShare",
    "Mayor of London",
]


@pytest.fixture(scope="module")
def seeded() -> Graph:
    graph = Graph.open("sqlite://:memory:")
    load_seed(graph)
    return graph


def test_seed_loads_and_a_second_load_changes_nothing(seeded: Graph) -> None:
    assert all(result.changeset is None for _, result in load_seed(seeded))


def test_illustrative_network_is_big_enough(seeded: Graph) -> None:
    actors = [n for n in seeded.backend.iter_nodes("Actor") if n.props.get("illustrative")]
    links = [link for link in seeded.backend.iter_links() if link.props.get("illustrative")]
    assert len(actors) >= 60 and len(links) >= 200
    spaces = {n.props.get("space") for n in seeded.backend.iter_nodes("DecisionSpace")}
    assert {"closed", "invited", "claimed"} <= spaces


def test_every_fact_has_a_source(seeded: Graph) -> None:
    for node in seeded.backend.iter_nodes():
        if "Issue" in node.labels or "Source" in node.labels:
            continue
        assert node.props.get("sources"), node.id
    for link in seeded.backend.iter_links():
        assert link.props.get("sources"), link.id


def test_made_up_data_is_marked_illustrative_and_cites_the_illustrative_source() -> None:
    path = next(p for p in seed_paths() if p.name == "illustrative_london.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for section, records in data.items():
        for record in records:
            assert record.get("illustrative") is True, (section, record.get("id"))
            if section != "sources":
                assert "src:illustrative" in record["sources"], record


def test_invented_names_do_not_copy_real_organisations_or_boroughs() -> None:
    path = next(p for p in seed_paths() if p.name == "illustrative_london.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    names = [r["name"] for records in data.values() for r in records if "name" in r]
    for name in names:
        for real in REAL_NAMES:
            assert not re.search(rf"\b{re.escape(real)}\b", name, re.IGNORECASE), (name, real)


def test_real_organisations_appear_only_in_the_sourced_file_with_web_or_document_sources(
    seeded: Graph,
) -> None:
    real = [n for n in seeded.backend.iter_nodes("Actor") if not n.props.get("illustrative")]
    assert {n.id for n in real} >= {"org:sheila-mckechnie-foundation"}
    sources = {s.id: s for s in seeded.backend.iter_nodes("Source")}
    for node in real:
        for src in node.props["sources"]:
            assert sources[src].props.get("url") or sources[src].props.get("kind") == "literature"
    real_ids = {n.id for n in real}
    for link in seeded.backend.iter_links():
        if link.props.get("illustrative"):
            assert link.source not in real_ids and link.target not in real_ids, link.id


def test_the_project_documents_facts_are_there(seeded: Graph) -> None:
    links = {(link.type, link.source, link.target) for link in seeded.backend.iter_links()}
    project = next(n.id for n in seeded.backend.iter_nodes("Initiative") if n.name == "Power Sharing Project")
    assert ("HOSTS", "org:sheila-mckechnie-foundation", project) in links
    funds = [link for link in seeded.backend.iter_links("FUNDS") if link.target == project]
    assert any("cornerstone" in link.source for link in funds)
    assert any(
        link.props.get("valid_from") == "2019-01-01" and link.props.get("valid_to") == "2021-12-31"
        for link in funds
    )
    drawn_on = {link.target for link in seeded.backend.iter_links("DRAWS_ON") if link.source == project}
    names = {n.name.lower() for n in seeded.backend.get_nodes(drawn_on).values()}
    for expected in ("social change project", "social change grid", "12 habits", "influencing change"):
        assert any(expected in name for name in names), expected


def test_community_of_practice_records_are_illustrative_or_cite_web_sources(seeded: Graph) -> None:
    path = next(p for p in seed_paths() if p.name == "community_of_practice.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sources = {s.id: s for s in seeded.backend.iter_nodes("Source")}
    real = []
    for records in data.values():
        for record in records:
            if record.get("illustrative") is True:
                # src:illustrative, or an illustrative event the fact was heard at
                cited = seeded.backend.get_nodes(record["sources"]).values()
                assert all(n.props.get("illustrative") for n in cited) and cited, record
            else:
                real.append(record["id"])
                assert all(sources[s].props.get("url") for s in record["sources"]), record
    assert sorted(real) == ["pin:social-change-grid", "pin:twelve-habits-of-successful-change-makers"]


def test_learning_seed_spans_the_five_stages_within_the_project_years(seeded: Graph) -> None:
    events = list(seeded.backend.iter_nodes("Event"))
    assert {e.props["stage"] for e in events} == {"1", "2", "3", "4", "5"}
    assert all("2019" <= e.props["date"] <= "2021-12-31" for e in events)
    for kind in ("PinboardItem", "BurningIssue", "Insight", "Pilot", "Recommendation", "Story"):
        assert list(seeded.backend.iter_nodes(kind)), kind
    # Stories are private by default; every recommendation has a target.
    assert all(s.props["privacy"] == "private" for s in seeded.backend.iter_nodes("Story"))
    targeted = {link.source for link in seeded.backend.iter_links("ADDRESSED_TO")}
    assert {r.id for r in seeded.backend.iter_nodes("Recommendation")} <= targeted


def test_illustrative_dates_fall_within_the_project_years() -> None:
    for path in seed_paths():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'valid_(from|to): "?202[2-9]', text), path.name
