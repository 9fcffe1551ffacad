"""psp diff: what changed between two rounds, from the history log, with privacy applied."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
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
        assert [c.status for c in link_diff(graph.reader(), "last~3", "last")] == [
            "added",
            "changed",
            "removed",
        ]


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


def _diff_map(store_url: str, runner: CliRunner, tmp_path: Path) -> tuple[Path, dict[str, object]]:
    round_one, _, _ = _round_one_and_two(store_url)
    out = tmp_path / "changes.html"
    result = runner.invoke(main, ["--store", store_url, "map", "--diff-from", round_one, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    return out, json.loads(text.split('id="psp-data">', 1)[1].split("</script>", 1)[0])


def test_diff_map_marks_added_changed_and_brings_back_removed_links(
    store_url: str, runner: CliRunner, tmp_path: Path
) -> None:
    _, data = _diff_map(store_url, runner, tmp_path)
    nodes = [n["id"] for n in data["nodes"]]  # type: ignore[attr-defined]
    relations = [r["label"] for r in data["relations"]]  # type: ignore[attr-defined]
    marked = {
        (nodes[e[0]], relations[e[2]].upper().replace(" ", "_"), code)
        for e, code in zip(data["edges"], data["diff"], strict=True)  # type: ignore[call-overload]
    }
    assert ("org:eastgate-food-bank", "PARTNERS_WITH", 3) in marked  # removed, drawn from the history
    assert ("org:northbank-council", "INVOLVES", 2) in marked  # the rung moved up
    assert any(code == 1 for *_, code in marked)  # the new membership
    bad = runner.invoke(main, ["--store", store_url, "map", "--diff-from", "cs-nope", "-o", "x.html"])
    assert bad.exit_code == 1 and "no change set 'cs-nope'" in bad.output


@pytest.mark.browser
def test_diff_map_draws_the_three_kinds_in_different_colours(
    store_url: str, runner: CliRunner, tmp_path: Path, open_map_page: Callable[[Path], Any]
) -> None:
    out, data = _diff_map(store_url, runner, tmp_path)
    driver = open_map_page(out)
    colours = driver.execute_script(
        "var edges = window.pspMap.network.body.data.edges;"
        "return edges.getIds().map(function (id) { return [id, edges.get(id).color.color, edges.get(id).dashes]; });"
    )
    by_code = {data["diff"][i]: (colour, dashes) for i, colour, dashes in colours}  # type: ignore[index]
    assert len({by_code[c][0] for c in (1, 2, 3)}) == 3
    assert by_code[3][1] and not by_code[1][1]  # removed links dashed
