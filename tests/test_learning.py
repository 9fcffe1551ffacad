"""The project's own learning: ontology, queries checked by hand on docs/examples/learning-graph.yaml,
the record/pin/list commands with their bad input, and the brief (escaped, private people only counted).

The expected numbers below are worked out by hand from the example file's comments, not from the code.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from psp_graph.analysis import run_query
from psp_graph.cli import main
from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.io.load import load_file
from psp_graph.learning import event_flags
from psp_graph.ontology import load_ontology
from psp_graph.seed import load_seed

from .conftest import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "learning-graph.yaml"


@pytest.fixture(scope="module")
def toy() -> Iterator[Graph]:
    with Graph.open("sqlite://:memory:") as graph:
        load_file(graph, EXAMPLE)
        yield graph


def rows(graph: Graph, name: str, **params: object) -> list[dict[str, object]]:
    return run_query(graph, name, dict(params)).rows


# -- ontology --------------------------------------------------------------------------------
def test_stages_and_phases_carry_dates_and_burning_issues_are_not_topical_issues() -> None:
    onto = load_ontology()
    stages = onto.vocabularies["Stage"]
    assert stages.codes == ("1", "2", "3", "4", "5")
    assert all(stages.starts[c] <= stages.ends[c] for c in stages.codes)
    assert onto.vocabularies["Phase"].starts["three"] == "2021-01-01"  # SMK: phase three from January 2021
    assert (
        "BurningIssues" not in onto.vocabularies
        and "burning" not in onto.classes["Issue"].comment.split(".")[0]
    )
    assert onto.classes["BurningIssue"].kind == "BurningIssue" != onto.classes["Issue"].kind
    assert set(onto.vocabularies["EventKind"].codes) == {
        "workshop",
        "roundtable",
        "interview",
        "literature_review",
        "visit",
        "training",
    }
    assert onto.classes["Story"].default_privacy == "private"
    assert onto.attributes["sources"].ref_classes == ("Event", "Source")


def test_an_event_can_be_the_source_of_a_fact_but_an_insight_cannot(graph: Graph) -> None:
    load_file(graph, EXAMPLE)
    graph.add_link(
        {"type": "PARTNERS_WITH", "from": "org:funder", "to": "group:panel", "sources": ["event:e1"]}
    )
    assert any(
        link.props.get("sources") == ["event:e1"] for link in graph.reader().iter_links("PARTNERS_WITH")
    )
    with pytest.raises(InvalidData, match="is a Insight, not a Event or Source"):
        graph.add_link(
            {"type": "PARTNERS_WITH", "from": "org:funder", "to": "org:network", "sources": ["insight:i1"]}
        )


def test_file_bad_input_story_without_consent_and_pin_without_url(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    story = folder / "story.yaml"
    story.write_text("stories:\n  - {id: story:s, name: S}\n", encoding="utf-8")
    pin = folder / "pin.yaml"
    pin.write_text("pinboard:\n  - {id: pin:x, name: X, kind: video}\n", encoding="utf-8")
    with Graph.open("sqlite://:memory:") as graph:
        with pytest.raises(InvalidData) as err:
            load_file(graph, story)
        assert "consent_to_share" in str(err.value) and "story.yaml" in str(err.value)
        with pytest.raises(InvalidData) as err:
            load_file(graph, pin)
        assert "url" in str(err.value) and "missing" in str(err.value)
        assert graph.reader().stats().nodes == 0


def test_event_flags_future_and_outside_stages() -> None:
    onto = load_ontology()
    today = datetime.date(2026, 1, 1)
    assert event_flags(onto, {"date": "2020-05-12", "stage": "2"}, today) == []
    assert any("future" in f for f in event_flags(onto, {"date": "2027-01-01"}, today))
    assert any("outside every stage" in f for f in event_flags(onto, {"date": "2018-06-01"}, today))
    assert any("outside stage 1" in f for f in event_flags(onto, {"date": "2021-05-01", "stage": "1"}, today))


# -- queries by hand -----------------------------------------------------------------------
def test_community_balance_by_hand(toy: Graph) -> None:
    table = {
        (r["stage"], r["dimension"], r["group"]): (r["participants"], r["events"])
        for r in rows(toy, "community-balance")
    }
    # E1 counts 3 lived + 2 learnt; E2 has no counts, so its named participants count: panel and
    # the person (lived), the funder (learnt). Named participants also count by actor type.
    assert table == {
        ("2", "experience", "lived"): (5, 2),
        ("2", "experience", "learnt"): (3, 2),
        ("2", "actor type", "LivedExperienceGroup"): (2, 2),
        ("2", "actor type", "Person"): (1, 1),
        ("2", "actor type", "Charity"): (1, 1),
        ("4", "experience", "both"): (1, 1),
    }
    # The funder's participation ended in 2019.
    as_of = {
        (r["stage"], r["dimension"], r["group"]): r["participants"]
        for r in rows(toy, "community-balance", as_of="2020-06-01")
    }
    assert as_of[("2", "experience", "learnt")] == 2 and ("2", "actor type", "Charity") not in as_of
    food = {
        (r["dimension"], r["group"]): r["participants"]
        for r in rows(toy, "community-balance", issue="food-poverty")
    }
    assert food == {
        ("experience", "lived"): 3,
        ("experience", "learnt"): 2,
        ("actor type", "LivedExperienceGroup"): 1,
    }
    assert "Hidden Person" not in json.dumps(rows(toy, "community-balance"))


def test_burning_issues_by_hand(toy: Graph) -> None:
    table = rows(toy, "burning-issues")
    # B1: raised at E1, E2 and cites E3 and a report: 3 events + 1 source; I1 is about it.
    assert [r["burning_id"] for r in table] == ["burning:b1", "burning:b2"]
    b1, b2 = table
    assert (b1["events"], b1["sources"], b1["mentions"], b1["insights"], b1["stages"]) == (
        3,
        1,
        4,
        1,
        ["2", "4"],
    )
    assert (b2["events"], b2["sources"], b2["mentions"], b2["insights"], b2["stages"]) == (1, 1, 2, 0, ["2"])
    # Only B1 was raised at an event about food poverty.
    assert [r["burning_id"] for r in rows(toy, "burning-issues", issue="food-poverty")] == ["burning:b1"]


def test_insight_evidence_by_hand(toy: Graph) -> None:
    table = {r["insight_id"]: r for r in rows(toy, "insight-evidence")}
    i1, i2 = table["insight:i1"], table["insight:i2"]
    assert (i1["raised_at"], i1["evidence"], i1["events"], i1["sources"], i1["pinboard"]) == (1, 3, 1, 1, 1)
    assert i1["evidence_ids"] == ["event:e1", "pin:p1", "src:toy-report"] and i1["unevidenced"] is False
    assert (i2["evidence"], i2["unevidenced"]) == (0, True)
    assert [r["insight_id"] for r in rows(toy, "insight-evidence", stage="4")] == ["insight:i2"]
    assert [r["insight_id"] for r in rows(toy, "insight-evidence", issue="food-poverty")] == ["insight:i1"]


def test_recommendation_targets_join_the_power_ranking(toy: Graph) -> None:
    table = {r["target_id"]: r for r in rows(toy, "recommendation-targets")}
    assert set(table) == {"org:funder", "space:board"}
    ranking = {r["id"]: r for r in rows(toy, "power-ranking")}
    funder = table["org:funder"]
    assert (funder["power_rank"], funder["power_score"]) == (
        ranking["org:funder"]["rank"],
        ranking["org:funder"]["score"],
    )
    assert funder["target_type"] == "Charity" and funder["evidence"] == 1
    assert table["space:board"]["power_rank"] is None and table["space:board"]["target"] == "Board"


def test_pilot_change_by_hand(toy: Graph) -> None:
    table = {
        (r["measure"], r["subject_id"]): (r["before"], r["after"], r["changed"])
        for r in rows(toy, "pilot-change")
    }
    # On the pilot's first day (2021-01-01) and last (2021-12-31): consultation (4) then delegated
    # power (7) with the panel; the board it chairs goes from 0 of 2 lived seats to 1 of 3; money to
    # lived-experience actors from £25 of expenses to £25 + a £100 grant.
    assert table == {
        ("highest_rung", "group:panel"): (4.0, 7.0, True),
        ("lived_seat_share", "space:board"): (0.0, 1 / 3, True),
        ("money_to_lived_minor", None): (2500.0, 12500.0, True),
    }
    same = rows(toy, "pilot-change", **{"from": "2020", "to": "2020-12-31"})
    assert [r["changed"] for r in same] == [False, False, False]
    assert rows(toy, "pilot-change", pilot="pilot:other") == []


# -- CLI -------------------------------------------------------------------------------------
def psp(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


def one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in result.stderr, result.stderr


@pytest.fixture
def store(runner: CliRunner, store_url: str) -> str:
    with Graph.open(store_url) as graph:
        load_file(graph, EXAMPLE)
    return store_url


def test_record_event_flags_future_and_outside_stage_dates(runner: CliRunner, store: str) -> None:
    result = psp(
        runner, "record", "event", "Later", "--kind", "workshop", "--date", "2099-01-01", "--store", store
    )
    assert (
        result.exit_code == 0 and "in the future" in result.stderr and "outside every stage" in result.stderr
    )
    result = psp(
        runner,
        "record",
        "event",
        "Early",
        "--kind",
        "roundtable",
        "--date",
        "2020-02-02",
        "--stage",
        "5",
        "--store",
        store,
    )
    assert result.exit_code == 0 and "outside stage 5's dates" in result.stderr
    result = psp(
        runner, "record", "event", "Fine", "--kind", "workshop", "--date", "2020-02-02", "--stage", "2",
        "--lived", "4", "--learnt", "3", "--store", store,
    )  # fmt: skip
    assert result.exit_code == 0 and result.stderr == ""
    with Graph.open(store) as graph:
        event = graph.reader(include_private=True).node("event:fine")
    assert (event.props["phase"], event.props["participants_lived"]) == ("one", 4)  # phase from the date
    one_line_error(
        psp(runner, "record", "event", "Bad", "--kind", "party", "--date", "2020-01-01", "--store", store),
        "kind",
    )


def test_participant_without_consent_is_private_and_never_named(runner: CliRunner, store: str) -> None:
    result = psp(
        runner,
        "record",
        "participant",
        "event:e3",
        "--name",
        "Alex Secret",
        "--experience",
        "lived",
        "--store",
        store,
    )
    assert result.exit_code == 0 and "private" in result.stderr
    result = psp(runner, "query", "community-balance", "--format", "json", "--store", store)
    assert "Alex Secret" not in result.output
    assert {
        "stage": "4",
        "dimension": "actor type",
        "group": "Person",
        "participants": 1,
        "events": 1,
    } in json.loads(result.output)
    brief = psp(runner, "brief", "--issue", "food-poverty", "--format", "md", "--store", store)
    assert brief.exit_code == 0 and "Alex Secret" not in brief.output and "Hidden Person" not in brief.output
    one_line_error(psp(runner, "record", "participant", "event:e3", "--store", store), "--actor")
    one_line_error(
        psp(runner, "record", "participant", "org:funder", "--actor", "group:panel", "--store", store),
        "not an event",
    )


def test_pin_needs_a_title_and_a_url_and_pinboard_lists_it(runner: CliRunner, store: str) -> None:
    one_line_error(psp(runner, "pin", "--url", "https://example.org/x", "--store", store), "title")
    one_line_error(psp(runner, "pin", "No link", "--store", store), "URL")
    one_line_error(psp(runner, "pin", "Bad link", "--url", "javascript:alert(1)", "--store", store), "URL")
    result = psp(
        runner, "pin", "Grid <b>", "--url", "https://example.org/grid", "--kind", "toolkit", "--by", "org:funder",
        "--date", "2020-03-01", "--issue", "food-poverty", "--store", store,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    listed = json.loads(
        psp(runner, "pinboard", "--issue", "food-poverty", "--format", "json", "--store", store).output
    )
    assert [(p["title"], p["pinned_by"], p["pinned_on"]) for p in listed] == [
        ("Grid <b>", ["Funder"], "2020-03-01")
    ]
    html = psp(runner, "pinboard", "--format", "html", "--store", store).output
    assert "Grid &lt;b&gt;" in html and "Grid <b>" not in html
    md = psp(runner, "pinboard", "--format", "md", "--store", store).output
    assert md.startswith("# Resource Pinboard") and "| pin:p1 | P1 | report |" in md


def test_insights_list_unevidenced_and_filter_by_stage_and_issue(runner: CliRunner, store: str) -> None:
    result = psp(runner, "record", "insight", "Nobody checked", "--stage", "2", "--store", store)
    assert result.exit_code == 0 and "unevidenced" in result.stderr
    listed = json.loads(psp(runner, "insights", "--stage", "2", "--format", "json", "--store", store).output)
    assert {(r["id"], r["status"]) for r in listed} == {
        ("insight:i1", "evidenced"),
        ("insight:nobody-checked", "unevidenced"),
    }
    csv_text = psp(runner, "insights", "--issue", "food-poverty", "--format", "csv", "--store", store).output
    assert csv_text.splitlines()[0].startswith("id,insight,kind") and len(csv_text.splitlines()) == 2
    one_line_error(psp(runner, "insights", "--stage", "9", "--store", store), "stage")
    one_line_error(psp(runner, "insights", "--issue", "fud-poverty", "--store", store), "issue")


def test_story_needs_consent_and_recommendation_needs_a_target(runner: CliRunner, store: str) -> None:
    one_line_error(psp(runner, "record", "story", "My story", "--store", store), "consent")
    result = psp(
        runner,
        "record",
        "story",
        "My story",
        "--consent-to-share",
        "--told-by",
        "group:panel",
        "--store",
        store,
    )
    assert result.exit_code == 0, result.output
    with Graph.open(store) as graph:
        assert graph.reader(include_private=True).node("story:my-story").props["privacy"] == "private"
    one_line_error(psp(runner, "record", "recommendation", "Do better", "--store", store), "target")
    result = psp(
        runner,
        "record",
        "recommendation",
        "Do better",
        "--to",
        "Funder",
        "--evidence",
        "insight:i1",
        "--store",
        store,
    )
    assert result.exit_code == 0, result.output
    table = run_query_on(store, "recommendation-targets")
    assert ("rec:do-better", "org:funder") in {(r["recommendation_id"], r["target_id"]) for r in table}


def run_query_on(store: str, name: str) -> list[dict[str, object]]:
    with Graph.open(store) as graph:
        return run_query(graph, name).rows


def test_burning_issue_raised_again_keeps_what_is_recorded(runner: CliRunner, store: str) -> None:
    result = psp(
        runner,
        "record",
        "burning-issue",
        "B1",
        "--id",
        "burning:b1",
        "--raised-at",
        "event:e3",
        "--store",
        store,
    )
    assert result.exit_code == 0, result.output
    with Graph.open(store) as graph:
        assert graph.reader(include_private=True).node("burning:b1").props["polarity"] == "barrier"


# -- the brief -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('brief') / 'seed.db'}"
    with Graph.open(url) as graph:
        load_seed(graph)
        graph.add_node(
            {
                "id": "insight:xss",
                "name": "<script>alert(1)</script>",
                "types": ["Insight"],
                "illustrative": True,
            }
        )
        graph.add_link({"type": "ABOUT", "from": "insight:xss", "to": "issue:food-poverty"})
    return url


def test_brief_html_is_escaped_and_shows_money_seats_burning_issues_and_targets(
    runner: CliRunner, seeded_store: str
) -> None:
    result = psp(runner, "brief", "--issue", "food-poverty", "-o", "brief.html", "--store", seeded_store)
    assert result.exit_code == 0, result.output
    with open("brief.html", encoding="utf-8") as handle:
        html = handle.read()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for expected in (
        "Illustrative data",
        "Who holds the money",
        "Office of the Metro Mayor",
        "Metro Food Aid Network steering group",
        "Short-term funding",
        "Give people with lived experience votes on food poverty decision panels",
        "<em>unevidenced</em>",
        "Sources",
    ):
        assert expected in html, expected
    assert "Rowan Ellery" not in html  # a private person who took part: counted, never named


def test_brief_markdown_and_bad_input(runner: CliRunner, seeded_store: str) -> None:
    result = psp(runner, "brief", "--issue", "food-poverty", "--format", "md", "--store", seeded_store)
    assert result.exit_code == 0 and result.output.startswith("# Who holds power on Food poverty")
    assert "&lt;script&gt;" in result.output and "<script>" not in result.output
    by_name = psp(runner, "brief", "--issue", "Food poverty", "--format", "md", "--store", seeded_store)
    assert by_name.output.startswith("# Who holds power on Food poverty"), by_name.output[:80]
    one_line_error(psp(runner, "brief", "--issue", "fod-poverty", "--store", seeded_store), "issue")
    one_line_error(
        psp(
            runner,
            "brief",
            "--issue",
            "food-poverty",
            "--map",
            "javascript:alert(1)",
            "--store",
            seeded_store,
        ),
        "--map",
    )


def test_a_private_person_who_pins_or_tells_is_shown_by_pseudonym(runner: CliRunner, store: str) -> None:
    result = psp(
        runner,
        "pin",
        "Notes",
        "--url",
        "https://example.org/notes",
        "--by",
        "person:q8z3x7w2",
        "--store",
        store,
    )
    assert result.exit_code == 0, result.output
    listed = psp(runner, "pinboard", "--format", "csv", "--store", store).output
    assert "Hidden Person" not in listed and "Person " in listed
    shown = psp(runner, "pinboard", "--format", "csv", "--include-private", "--store", store)
    assert "Hidden Person" in shown.output and "private" in shown.stderr


def test_a_recommendation_in_a_file_needs_a_target(tmp_path: Path) -> None:
    text = (
        "sources:\n  - {id: src:toy, name: Toy notes, illustrative: true}\n"
        "recommendations:\n  - {id: rec:r9, name: Fund lived-experience seats, sources: [src:toy], illustrative: true}\n"
    )
    alone = tmp_path / "alone.yaml"
    alone.write_text(text, encoding="utf-8")
    addressed = tmp_path / "addressed.yaml"
    addressed.write_text(
        text
        + "actors:\n  - {name: Larchwood Foundation, types: [Charity], sources: [src:toy], illustrative: true}\n"
        + "links:\n  - {type: ADDRESSED_TO, from: rec:r9, to: org:larchwood-foundation, sources: [src:toy]}\n",
        encoding="utf-8",
    )
    with Graph.open("sqlite://:memory:") as graph:
        with pytest.raises(InvalidData, match="needs a ADDRESSED_TO link") as refused:
            load_file(graph, alone)
        assert "alone.yaml" in str(refused.value)
        assert graph.reader().find("rec:r9") is None
        load_file(graph, addressed)
        assert graph.reader().node("rec:r9").name == "Fund lived-experience seats"
