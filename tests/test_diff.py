"""psp diff: what changed between two rounds, from the history log, with privacy applied."""

from __future__ import annotations

import json

from click.testing import CliRunner

from psp_graph.cli import main
from psp_graph.diff import link_diff, links_at
from psp_graph.graph import Graph


def _round_one_and_two(url: str) -> tuple[str, str, str]:
    """Round 1: two links; round 2: a rung moved up, a link removed, a link added (with a private person)."""
    with Graph.open(url) as graph:
        for name, kind in (
            ("Northbank Council", "PublicBody"),
            ("Quillmead Renters Forum", "CommunityGroup"),
            ("Eastgate Food Bank", "Charity"),
        ):
            graph.add({"name": name, "types": [kind], "illustrative": True}, section="actors")
        graph.add({"id": "person:k7q2m9xa3b", "name": "Amina Yusuf", "types": ["Person"]}, section="actors")
        involves = {"type": "INVOLVES", "from": "org:northbank-council", "to": "org:quillmead-renters-forum"}
        graph.add({**involves, "rung": "informing"}, section="links")
        partners = graph.add(
            {"type": "PARTNERS_WITH", "from": "org:eastgate-food-bank", "to": "org:quillmead-renters-forum"},
            section="links",
        )
        round_one = partners.changeset or ""
        graph.add({**involves, "rung": "partnership"}, section="links")
        graph.remove(partners.ids[-1])
        added = graph.add(
            {"type": "MEMBER_OF", "from": "person:k7q2m9xa3b", "to": "org:quillmead-renters-forum"},
            section="links",
        )
        return round_one, added.changeset or "", partners.ids[-1]


def test_diff_shows_a_rung_moved_up_a_removed_and_an_added_link(store_url: str) -> None:
    round_one, round_two, removed = _round_one_and_two(store_url)
    with Graph.open(store_url, read_only=True) as graph:
        changes = link_diff(graph.reader(), round_one, round_two)
    assert [(c.status, c.type) for c in changes] == [
        ("added", "MEMBER_OF"),
        ("changed", "INVOLVES"),
        ("removed", "PARTNERS_WITH"),
    ]
    assert changes[1].details == "rung: informing → partnership"
    assert changes[2].link == removed
    with Graph.open(store_url, read_only=True) as graph:
        assert len(links_at(graph.reader(), round_one)) == 2
        assert link_diff(graph.reader(), round_two, None) == []


def test_cli_diff_names_private_persons_by_pseudonym(store_url: str, runner: CliRunner) -> None:
    round_one, _, _ = _round_one_and_two(store_url)
    result = runner.invoke(main, ["--store", store_url, "diff", "--from", round_one, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["change"] for r in rows] == ["added", "changed", "removed"]
    assert "Amina" not in result.output and rows[0]["from"].startswith("Person ")
    by_date = runner.invoke(main, ["--store", store_url, "diff", "--from", "2019", "--format", "csv"])
    assert by_date.exit_code == 0 and by_date.output.count("\nadded,") == 2  # everything is new since 2019


def test_cli_diff_bad_points_are_one_line_errors(store_url: str, runner: CliRunner) -> None:
    _round_one_and_two(store_url)
    bad_date = runner.invoke(main, ["--store", store_url, "diff", "--from", "2020-13"])
    assert bad_date.exit_code == 1 and bad_date.output.count("\n") == 1
    assert bad_date.output.startswith("Error: field 'from/to': '2020-13' is not a valid date")
    unknown = runner.invoke(main, ["--store", store_url, "diff", "--from", "cs-nope"])
    assert unknown.exit_code == 1 and "no change set 'cs-nope'" in unknown.output
