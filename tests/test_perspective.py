"""--source and --perspective: two groups' maps and queries of the same issue, side by side."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from psp_graph.cli import main
from psp_graph.graph import Graph
from psp_graph.maps.layout import load_layout


def _two_groups(url: str) -> None:
    with Graph.open(url) as graph:
        for name, kind in (
            ("Northbank Council", "PublicBody"),
            ("Quillmead Renters Forum", "CommunityGroup"),
            ("Eastgate Food Bank", "Charity"),
        ):
            graph.add({"name": name, "types": [kind], "illustrative": True}, section="actors")
        for event in ("Group A session", "Group B session"):
            graph.add(
                {
                    "name": event,
                    "types": ["Event"],
                    "kind": "workshop",
                    "date": "2020-05-12",
                    "illustrative": True,
                },
                section="events",
            )
        graph.add(
            {"type": "TAKES_PART_IN", "from": "org:quillmead-renters-forum", "to": "event:group-a-session"},
            section="links",
        )
        seen_by_a = {"type": "INVOLVES", "from": "org:northbank-council", "to": "org:quillmead-renters-forum"}
        graph.add(
            {**seen_by_a, "rung": "informing", "issues": "housing"},
            section="links",
            sources=["event:group-a-session"],
        )
        seen_by_b = {
            "type": "FUNDS",
            "from": "org:northbank-council",
            "to": "org:eastgate-food-bank",
            "amount": "5000",
        }
        graph.add({**seen_by_b, "issues": "housing"}, section="links", sources=["event:group-b-session"])


def _map(runner: CliRunner, url: str, *args: str) -> dict[str, object]:
    result = runner.invoke(main, ["--store", url, "map", "--issue", "housing", *args, "-o", "m.html"])
    assert result.exit_code == 0, result.output
    text = Path("m.html").read_text(encoding="utf-8")
    data = json.loads(text.split('id="psp-data">', 1)[1].split("</script>", 1)[0])
    return {
        "nodes": sorted(n["id"] for n in data["nodes"]),
        "title": text.split("<title>", 1)[1].split("<", 1)[0],
        "page": text,
    }


def test_two_groups_maps_of_the_same_issue_differ(store_url: str, runner: CliRunner) -> None:
    _two_groups(store_url)
    group_a = _map(runner, store_url, "--perspective", "event:group-a-session")
    group_b = _map(runner, store_url, "--source", "Group B session", "--layout", "compare")
    assert group_a["nodes"] == ["org:northbank-council", "org:quillmead-renters-forum"]
    assert group_b["nodes"] == ["org:eastgate-food-bank", "org:northbank-council"]
    assert group_a["title"] == "What Group A session recorded on housing"
    assert "Only what Group A session recorded" in str(group_a["page"])  # the caption says so too
    assert "Whole network" not in str(group_a["page"])
    by_group = _map(
        runner, store_url, "--perspective", "Quillmead Renters Forum"
    )  # the events it took part in
    assert by_group["nodes"] == group_a["nodes"]
    with Graph.open(store_url, read_only=True) as graph:  # the layout went to the real store
        assert set(load_layout(graph.reader(), "compare")) == set(group_b["nodes"])


def test_query_by_source_counts_only_what_that_source_says(store_url: str, runner: CliRunner) -> None:
    _two_groups(store_url)
    args = ["--store", store_url, "query", "power-ranking", "--format", "json"]
    everyone = json.loads(runner.invoke(main, args).output)
    group_b = json.loads(runner.invoke(main, [*args, "--source", "event:group-b-session"]).output)
    assert {r["id"] for r in group_b} == {"org:northbank-council", "org:eastgate-food-bank"}
    assert len(everyone) == 3
    council = next(r for r in group_b if r["id"] == "org:northbank-council")
    assert council["money_granted_minor"] == 500000


def test_unknown_source_or_a_group_with_no_events_is_one_line(store_url: str, runner: CliRunner) -> None:
    _two_groups(store_url)
    bad = runner.invoke(main, ["--store", store_url, "map", "--source", "Group C session", "-o", "m.html"])
    assert bad.exit_code == 1 and bad.output.count("\n") == 1
    assert bad.output.startswith("Error: field 'source': no source or event 'Group C session'")
    assert not Path("m.html").exists()
    none = runner.invoke(
        main, ["--store", store_url, "query", "power-ranking", "--perspective", "Eastgate Food Bank"]
    )
    assert none.exit_code == 1 and "took part in no recorded event" in none.output
