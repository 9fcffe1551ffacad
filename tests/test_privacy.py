"""Privacy through every door: one store holding a private person, a private decision
space and a source named after the person, sent through every output, shows none of
their private text (on SQLite and on the real Neo4j)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from psp_graph.analysis import QUERIES, run_query
from psp_graph.cli import main
from psp_graph.exc import NodeNotFound
from psp_graph.graph import Graph
from psp_graph.io.writers import EXPORT_FORMATS

PERSON = "person:q8w7e6r5t4"
SPACE = "space:hollowmere-secret-panel"  # as a slug would make it: never the id of a private space
PRIVATE_WORDS = ("Zanele", "Okonkwo", "Brightwater", "Quarry", "Hollowmere")
PRIVATE = re.compile("|".join(PRIVATE_WORDS), re.IGNORECASE)


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def private_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store with the seed-like public facts and three private things."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'private.db'}"
    else:
        url = request.getfixturevalue("neo4j_store")
    with Graph.open(url) as graph:
        graph.add({"name": "Ashmere Borough Council", "types": ["PublicBody"], "illustrative": True})
        graph.add(
            {
                "id": PERSON,
                "name": "Zanele Okonkwo-Brightwater",
                "types": ["Person"],
                "experience": "lived",
                "description": "lives on the Quarry estate",
            }
        )
        graph.add(
            {
                "name": "Hollowmere Secret Panel",
                "types": ["DecisionSpace"],
                "privacy": "private",
                "illustrative": True,
            }
        )
        space = next(n.id for n in graph.reader(include_private=True).iter_nodes("DecisionSpace"))
        assert space != SPACE
        for member in (PERSON, "org:ashmere-borough-council"):
            graph.add(
                {"type": "SITS_IN", "from": member, "to": space, "seat_type": "voting"},
                section="links",
                sources=["Interview with Zanele, March 2020"],
                source_kind="interview",
            )
        graph.add(
            {"type": "DECIDES_ON", "from": space, "to": "issue:housing", "illustrative": True},
            section="links",
        )
        graph.add(
            {"type": "HAS_LIVED_EXPERIENCE_OF", "from": PERSON, "to": "issue:private-renting"},
            section="links",
            sources=["Interview with Zanele, March 2020"],
        )
    yield url


def psp(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args))


def outputs(runner: CliRunner, url: str, tmp_path: Path) -> dict[str, str]:
    """Every output a user can ask for, by what was asked."""
    with Graph.open(url) as graph:
        reader = graph.reader(include_private=True)
        links = [link.id for link in reader.links_of(PERSON)]
        sources = sorted({s for link in reader.links_of(PERSON) for s in link.props.get("sources", [])})
        changesets = [cs.id for cs in reader.changesets()]
        space = next(n.id for n in reader.iter_nodes("DecisionSpace"))
    asked: dict[str, list[str]] = {
        "show person": ["show", PERSON],
        "show space": ["show", space],
        "show council": ["show", "org:ashmere-borough-council"],
        "show link": ["show", links[0]],
        "show json": ["show", PERSON, "--format", "json"],
        "search interview": ["search", "interview"],
        "stats": ["stats"],
        "history": ["history", "--limit", "500"],
        "history person": ["history", PERSON],
        "error suggestion": ["show", "org:ashmere-borough-counci"],
    }
    echoed = {  # the error repeats what was typed, and must not say more
        "error by name": ["show", "Zanele Okonkwo-Brightwater"],
        "add link by name": ["add", "link", "--type", "works-on", "--from", "Zanele", "--to", "housing"],
    }
    asked.update({f"show {s}": ["show", s] for s in sources})
    asked.update({f"changes {cs}": ["history", cs] for cs in changesets})
    for name, spec in QUERIES.items():
        params = ["--param", "actor=org:ashmere-borough-council"] if "actor" in spec.param_names else []
        asked[f"query {name}"] = ["query", name, *params]
        asked[f"query {name} json"] = ["query", name, *params, "--format", "json"]
    text = {}
    for label, args in asked.items():
        result = psp(runner, *args, "--store", url)
        text[label] = result.output + result.stderr
    for args in echoed.values():
        result = psp(runner, *args, "--store", url)
        assert result.exit_code == 1 and "no node" in result.stderr
        assert "did you mean" not in result.stderr and "person:" not in result.stderr
    for words in ("Zanele", "Hollowmere", "Quarry"):  # searching a private name finds nothing
        result = psp(runner, "search", words, "--store", url, "--format", "json")
        assert result.exit_code == 0 and result.output.strip() == "[]"
    for fmt in EXPORT_FORMATS:
        out = tmp_path / f"export.{fmt}"
        result = psp(runner, "export", "--format", fmt, "-o", str(out), "--store", url)
        assert result.exit_code == 0, result.output
        text[f"export {fmt}"] = out.read_text(encoding="utf-8")
    page = tmp_path / "map.html"
    result = psp(runner, "map", "-o", str(page), "--store", url)
    assert result.exit_code == 0, result.output + result.stderr
    text["map"] = page.read_text(encoding="utf-8")
    result = psp(runner, "demo", "--store", url)
    assert result.exit_code == 0, result.output + result.stderr
    text["demo"] = result.output + result.stderr
    return text


def test_no_output_shows_private_text(private_store: str, runner: CliRunner, tmp_path: Path) -> None:
    text = outputs(runner, private_store, tmp_path)
    leaks = {label: PRIVATE.findall(body) for label, body in text.items() if PRIVATE.search(body)}
    assert leaks == {}
    # The outputs did show the private things, by pseudonym: the test looked in the right places.
    assert "Person " in text["show person"] and "Decision space " in text["show space"]
    assert "Decision space " in text["query decision-spaces json"] and "Person " in text["export json"]
    assert "Source " in text["show person"]


def test_the_private_text_is_kept_and_shown_with_include_private(
    private_store: str, runner: CliRunner
) -> None:
    result = psp(runner, "show", PERSON, "--include-private", "--store", private_store)
    assert "Zanele Okonkwo-Brightwater" in result.output and "Interview with Zanele" in result.output


def test_a_source_named_after_a_private_person_is_private(graph: Graph) -> None:
    graph.add({"id": PERSON, "name": "Zanele Okonkwo", "types": ["Person"]})
    graph.add(
        {"type": "HAS_LIVED_EXPERIENCE_OF", "from": PERSON, "to": "issue:housing"},
        section="links",
        sources=["Interview with Zanele"],
    )
    cited = graph.reader().links_of(PERSON)[0].props["sources"]
    assert len(cited) == 1 and "zanele" not in cited[0]
    source = graph.reader(include_private=True).node(cited[0])
    assert source.props["privacy"] == "private" and source.name == "Interview with Zanele"
    assert graph.reader().node(cited[0]).name.startswith("Source ")
    graph.add(  # citing it again by its title finds the same source
        {"type": "HAS_LIVED_EXPERIENCE_OF", "from": PERSON, "to": "issue:income"},
        section="links",
        sources=["Interview with Zanele"],
    )
    assert len(list(graph.reader().iter_nodes("Source"))) == 1
    graph.add({"name": "Quillmead Forum", "types": ["CommunityGroup"]}, sources=["Minutes, May 2020"])
    assert graph.reader().node("src:minutes-may-2020").name == "Minutes, May 2020"  # names no person


def test_demo_tables_name_a_private_decision_space_by_its_pseudonym(private_store: str) -> None:
    from psp_graph.analysis.overview import seat_holders

    with Graph.open(private_store) as graph:
        rows = seat_holders(graph.reader())
    spaces = [space for row in rows for space in row["spaces"]]
    assert spaces and all(space.startswith("Decision space ") for space in spaces)


PERSON_WITH_DETAILS = {
    "id": "person:q8w3z5k2mx",
    "name": "Rowan Ellery",
    "types": ["Person"],
    "location": "1 High St",
    "identifiers": ["EMAIL-rowan@example.org"],
    "description": "told us about the hostel",
}


def test_searching_or_resolving_a_private_persons_real_name_reveals_nothing(graph: Graph) -> None:
    graph.add_node(PERSON_WITH_DETAILS)
    assert graph.reader().search("Rowan") == []
    assert graph.reader().search("hostel") == []
    assert [n.id for n in graph.reader(include_private=True).search("Rowan")] == [PERSON_WITH_DETAILS["id"]]
    with pytest.raises(NodeNotFound):
        graph.reader().resolve("Rowan Ellery")
    assert graph.reader(include_private=True).resolve("Rowan Ellery") == PERSON_WITH_DETAILS["id"]
    assert graph.reader().resolve(PERSON_WITH_DETAILS["id"]) == PERSON_WITH_DETAILS["id"]


def test_a_person_marked_public_without_consent_is_still_shown_by_pseudonym(graph: Graph) -> None:
    graph.add_node({**PERSON_WITH_DETAILS, "privacy": "public"})
    rows = run_query(graph, "ego", {"actor": PERSON_WITH_DETAILS["id"], "hops": 1}).rows
    assert rows[0]["name"].startswith("Person ")


def test_personal_fields_of_links_to_a_private_person_are_hidden(tmp_path: object) -> None:
    runner = CliRunner()
    url = f"sqlite:///{tmp_path}/p.db"
    with Graph.open(url) as graph:
        graph.add_node(PERSON_WITH_DETAILS)
        graph.add_node({"name": "Hostel Trust", "types": ["Charity"]})
        graph.add_link(
            {
                "type": "EMPLOYS",
                "from": "org:hostel-trust",
                "to": PERSON_WITH_DETAILS["id"],
                "note": "Rowan said X",
            }
        )
    shown = runner.invoke(main, ["show", "org:hostel-trust", "--format", "json", "--store", url])
    assert "Rowan" not in shown.stdout
    unlocked = runner.invoke(
        main, ["show", "org:hostel-trust", "--format", "json", "--include-private", "--store", url]
    )
    assert "Rowan said X" in unlocked.stdout
    out = tmp_path / "map.html"  # type: ignore[operator]
    drawn = runner.invoke(main, ["map", "--ego", "org:hostel-trust", "-o", str(out), "--store", url])
    assert drawn.exit_code == 0, drawn.output
    html = out.read_text(encoding="utf-8")
    assert "Rowan" not in html and "1 High St" not in html


def test_the_history_log_keeps_no_personal_field_of_a_person(graph: Graph) -> None:
    graph.add_node(PERSON_WITH_DETAILS)
    graph.add_node({"name": "Hostel Trust", "types": ["Charity"]})
    graph.add_link(
        {
            "type": "EMPLOYS",
            "from": "org:hostel-trust",
            "to": PERSON_WITH_DETAILS["id"],
            "note": "Rowan said X",
        }
    )
    graph.undo("last")
    graph.remove(PERSON_WITH_DETAILS["id"])
    logged = json.dumps(
        [(c.before, c.after) for cs in graph.reader().changesets() for c in graph.backend.changes(cs.id)]
    )
    for secret in ("Rowan", "High St", "rowan@", "about the hostel", "said X"):
        assert secret not in logged


@given(
    labels=st.sampled_from([("Actor", "Person"), ("Actor", "Organisation"), ("DecisionSpace",)]),
    privacy=st.sampled_from([None, "public", "private", "internal"]),
    consent=st.sampled_from([None, True, False]),
    pseudonym=st.sampled_from([None, "Person ABCDE"]),
    everyone=st.booleans(),
)
def test_a_name_from_brief_columns_is_the_name_the_record_shows(
    labels: tuple[str, ...], privacy: str | None, consent: bool | None, pseudonym: str | None, everyone: bool
) -> None:
    """The read door names many nodes from plain columns (no records): the same rule."""
    from psp_graph.privacy import brief_name, display_name
    from psp_graph.records import BriefRow

    row = BriefRow("person:k7q2m9xa3b", labels[-1:], labels, "Amina Y.", privacy, consent, pseudonym)
    assert brief_name(row, include_private=everyone) == display_name(row.as_node(), include_private=everyone)
