"""Name placement, titles and --as-of, without a browser (the browser checks are in test_maps_projector.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from psp_graph.cli import main
from psp_graph.graph import Graph
from psp_graph.maps import MapOptions, make_map, select_map
from psp_graph.maps.labels import LabelRequest, frame_of, place_labels, text_width
from psp_graph.seed import load_seed


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    with Graph.open(f"sqlite:///{path}") as graph:
        load_seed(graph)
    return path


@pytest.fixture
def seeded(seed_file: Path, tmp_path: Path) -> str:
    copy = tmp_path / "store.db"
    shutil.copy(seed_file, copy)
    return f"sqlite:///{copy}"


def boxes_of(labels: list, where: dict[str, tuple[float, float]]) -> list[tuple[float, float, float, float]]:
    out = []
    for label in labels:
        x, y = where[label.node]
        cx, cy = x + label.dx, y + label.dy
        out.append((cx - label.width / 2, cy - label.height / 2, cx + label.width / 2, cy + label.height / 2))
    return out


def overlaps(boxes: list[tuple[float, float, float, float]]) -> int:
    return sum(
        1
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-900, 900), st.integers(-600, 600), st.text(min_size=1, max_size=30)),
        min_size=1,
        max_size=60,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.booleans(),
)
def test_placed_labels_never_overlap_and_stay_inside_the_frame(points: list, workshop: bool) -> None:
    requests = [LabelRequest(f"n{i}", text, x, y, 12) for i, (x, y, text) in enumerate(points)]
    frame = frame_of(requests, workshop)
    labels = place_labels(requests, frame, workshop)
    where = {r.node: (r.x, r.y) for r in requests}
    boxes = boxes_of(labels, where)
    assert overlaps(boxes) == 0
    assert all(
        frame.left <= b[0] and b[2] <= frame.right and frame.top <= b[1] and b[3] <= frame.bottom
        for b in boxes
    )
    assert len({label.node for label in labels}) == len(labels)
    for label in labels:  # each box is wide enough for its text at its size
        assert label.width >= text_width(label.text, label.size)


def test_the_most_important_node_is_named_first_in_the_largest_type() -> None:
    crowd = [LabelRequest(f"n{i:02}", "A rather long organisation name", i * 8, 0, 6) for i in range(30)]
    labels = place_labels(crowd, frame_of(crowd, True), True)
    first = next(label for label in labels if label.node == "n00")
    assert first.tier == 0 and first.size == max(label.size for label in labels)
    assert len(labels) < len(crowd) or {label.tier for label in labels} != {0}


def test_most_nodes_are_named_in_some_tier_and_the_most_powerful_in_the_largest(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        page = make_map(graph, MapOptions(issue="housing", workshop=True))
        selection = select_map(graph, MapOptions(issue="housing", workshop=True))
    nodes = page.payload["nodes"]
    named = [n for n in nodes if "b" in n]
    assert len(named) >= 0.8 * len(nodes)
    top = max(selection.scores, key=lambda n: selection.scores[n])
    assert next(n for n in nodes if n["id"] == top)["b"][5] == 0  # the highest power score: tier 0
    boxes = [
        (
            n["x"] + n["b"][0] - n["b"][2] / 2,
            n["y"] + n["b"][1] - n["b"][3] / 2,
            n["x"] + n["b"][0] + n["b"][2] / 2,
            n["y"] + n["b"][1] + n["b"][3] / 2,
        )
        for n in named
    ]
    assert overlaps(boxes) == 0


def test_ego_map_puts_the_focal_actor_at_the_centre_of_the_frame(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        payload = make_map(graph, MapOptions(ego="org:northbank-tenants-union")).payload
    centre = next(n for n in payload["nodes"] if n["id"] == "org:northbank-tenants-union")
    left, top, right, bottom = payload["frame"]
    assert (centre["x"], centre["y"]) == (0, 0)
    assert abs((left + right) / 2) < 1 and abs((top + bottom) / 2) < 1
    assert centre["b"][5] == 0


@pytest.mark.parametrize(
    ("args", "title"),
    [
        (["--types", "FUNDS"], "Power map: FUNDS only"),
        (["--issue", "housing", "--types", "Funder"], "Power map: Housing (Funder only)"),
        (["--as-of", "2021-06"], "Power map: whole network, as of 2021-06-01"),
    ],
)
def test_titles_say_what_was_filtered(seeded: str, runner: CliRunner, args: list[str], title: str) -> None:
    result = runner.invoke(main, ["map", "--store", seeded, *args, "-o", "m.html"])
    assert result.exit_code == 0, result.output
    assert f"<title>{title}</title>" in Path("m.html").read_text(encoding="utf-8")


def test_as_of_keeps_only_links_and_nodes_valid_on_that_date(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        now = select_map(graph, MapOptions())
        then = select_map(graph, MapOptions(as_of="2019-06-01"))
    dated = [link for link in now.links if link.props.get("valid_from", "") > "2019-06-01"]
    assert dated, "the seed graph has links that start after mid-2019"
    assert not {link.id for link in dated} & {link.id for link in then.links}
    assert all(
        (link.props.get("valid_from") or "") <= "2019-06-01" <= (link.props.get("valid_to") or "9999")
        for link in then.links
    )
    assert "init:full-plates-campaign" in now.nodes and "init:full-plates-campaign" not in then.nodes


@pytest.mark.parametrize("value", ["2021-13-01", "next week"])
def test_a_bad_as_of_date_is_one_line_and_writes_nothing(seeded: str, runner: CliRunner, value: str) -> None:
    result = runner.invoke(main, ["map", "--store", seeded, "--as-of", value, "-o", "m.html"])
    assert result.exit_code == 1
    assert "field 'as-of'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not Path("m.html").exists()
