"""Workshop maps without a browser: selection, privacy, safety, determinism, layouts, bad input."""

from __future__ import annotations

import base64
import hashlib
import html as html_text
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from psp_graph.cli import main
from psp_graph.graph import Graph
from psp_graph.maps import MapOptions, compute_layout, load_layout, make_map, select_map, write_map
from psp_graph.maps.layout import GAP, NETWORKX_MAX_NODES
from psp_graph.maps.render import json_for_html
from psp_graph.maps.style import GAP as GAP_TYPE
from psp_graph.maps.style import drawable_kinds, map_style
from psp_graph.ontology import load_ontology
from psp_graph.seed import load_seed

HOSTILE = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>window.pwned = 1</script>"
PRIVATE = "Rowan Ellery"  # a private person in the seed graph, without consent


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    with Graph.open(f"sqlite:///{path}") as graph:
        load_seed(graph)
    return path


@pytest.fixture
def seeded(seed_file: Path, tmp_path: Path) -> str:
    """The URL of a private copy of the seed store."""
    copy = tmp_path / "store.db"
    shutil.copy(seed_file, copy)
    return f"sqlite:///{copy}"


def payload_of(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="psp-data">(.*?)</script>', html, flags=re.S)
    assert match, "no data block"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def edges_of(data: dict[str, Any]) -> list[list[Any]]:
    """Link rows with the trailing values the file leaves out filled in."""
    fill = [None, None, None, 1, [], [], [], 0, 0]
    return [row + fill[len(row) :] for row in data["edges"]]


def labels(html: str) -> set[str]:
    return {n["l"] for n in payload_of(html)["nodes"]}


def ids(html: str) -> set[str]:
    return {n["id"] for n in payload_of(html)["nodes"]}


def add_hostile_actors(url: str) -> None:
    with Graph.open(url) as graph:
        for name in (HOSTILE, SCRIPT):
            graph.add_node({"name": name, "types": ["CommunityGroup"], "sources": ["src:illustrative"]})
        graph.add_link(
            {
                "type": "PARTNERS_WITH",
                "from": "org:northbank-tenants-union",
                "to": graph.reader().resolve(HOSTILE),
            }
        )


# --- selection -------------------------------------------------------------------
def test_whole_map_draws_actors_spaces_and_resources_but_not_issues_or_sources(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        selection = select_map(graph, MapOptions())
        kinds = {graph.onto.classes[n.types[0]].kind for n in selection.nodes.values()}
    assert kinds == {"Actor", "DecisionSpace", "Initiative", "Resource"}
    assert drawable_kinds(load_ontology()) == kinds
    assert all(link.source in selection.nodes and link.target in selection.nodes for link in selection.links)


def test_issue_map_includes_narrower_issues_added_as_data(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        graph.add_node(
            {
                "id": "issue:damp-and-mould",
                "name": "Damp and mould",
                "types": ["Issue"],
                "broader": "issue:housing-conditions",
                "sources": ["src:illustrative"],
            }
        )
        graph.add_node(
            {"name": "Mouldwatch Tenants", "types": ["CommunityGroup"], "sources": ["src:illustrative"]}
        )
        graph.add_link({"type": "WORKS_ON", "from": "org:mouldwatch-tenants", "to": "issue:damp-and-mould"})
        housing = select_map(graph, MapOptions(issue="housing"))
        food = select_map(graph, MapOptions(issue="food-poverty"))
    assert "org:mouldwatch-tenants" in housing.nodes and "org:mouldwatch-tenants" not in food.nodes
    assert "issue:damp-and-mould" in (housing.scope or [])
    assert all(housing.tags[n] & set(housing.scope or []) for n in housing.nodes)
    for link in housing.links:  # links about only other issues are left out
        assert not link.props.get("issues") or set(link.props["issues"]) & set(housing.scope or [])


def test_ego_map_keeps_what_is_within_hops_and_marks_the_centre(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        near = select_map(graph, MapOptions(ego="Northbank Tenants Union", hops=1))
        far = select_map(graph, MapOptions(ego="org:northbank-tenants-union", hops=2))
    assert near.centre == "org:northbank-tenants-union"
    assert set(near.nodes) < set(far.nodes)
    assert all(near.centre in (k.source, k.target) for k in near.links if k.type == "PARTNERS_WITH")


def test_types_keep_node_types_and_link_types(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        funders = select_map(graph, MapOptions(types=("Funder",)))
        money = select_map(graph, MapOptions(types=("funds",)))
    assert all("Funder" in n.labels for n in funders.nodes.values())
    assert {k.type for k in money.links} == {"FUNDS"}
    assert all(any(n in (k.source, k.target) for k in money.links) for n in money.nodes)


# --- the page ----------------------------------------------------------------------
def test_private_persons_appear_by_pseudonym(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        html = make_map(graph, MapOptions()).html
        pseudonym = graph.backend.get_node("person:k7q2m9xa").props["pseudonym"]  # type: ignore[union-attr]
    assert PRIVATE not in html and pseudonym in labels(html)


def test_include_private_shows_names_and_warns(seeded: str, runner: CliRunner) -> None:
    result = runner.invoke(main, ["map", "--store", seeded, "--include-private", "-o", "named.html"])
    assert result.exit_code == 0, result.output
    assert re.search(r"warning: named.html shows [1-9]\d* private persons by name", result.stderr)
    assert PRIVATE in labels(Path("named.html").read_text(encoding="utf-8"))


def test_hostile_names_enter_the_page_only_as_escaped_json(seeded: str) -> None:
    add_hostile_actors(seeded)
    with Graph.open(seeded) as graph:
        html = make_map(graph, MapOptions(title=HOSTILE)).html
    assert "<img" not in html and "<script>window.pwned" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert html.count("</script>") == 3  # the data block, vis-network and the page script
    assert {HOSTILE, SCRIPT} <= labels(html)  # JSON.parse gives back exactly what was typed
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in html


def test_json_for_html_escapes_what_could_end_a_script() -> None:
    text = json_for_html({"a": "</script><!-- & \u2028"})
    assert not set("<>&") & set(text) and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_page_is_self_contained_and_allows_only_its_own_scripts(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        html = make_map(graph, MapOptions()).html
    assert not re.search(r"<(link|img|iframe)\b|<script[^>]*\bsrc=", html)
    assert "vis-network" in html and "cdn" not in html.lower().replace("cdnjs", "")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp
    policy = html_text.unescape(csp.group(1))
    assert "default-src 'none'" in policy
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(scripts) == 2
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_same_input_gives_a_byte_identical_file(seeded: str, tmp_path: Path) -> None:
    with Graph.open(seeded) as graph:
        for name in ("a.html", "b.html"):
            write_map(graph, MapOptions(issue="housing", highlight="gaps", workshop=True), tmp_path / name)
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_visual_encoding_money_parallels_gaps_and_lived_experience(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        data = payload_of(make_map(graph, MapOptions(highlight="gaps")).html)
        style = map_style(graph.onto)
    rels = data["relations"]
    edges = edges_of(data)
    funds = [e for e in edges if rels[e[2]]["type"] == "FUNDS"]
    assert len({e[3] for e in funds}) > 3 and max(e[3] for e in funds) == 10.0  # width by amount
    gaps = [e for e in edges if rels[e[2]]["type"] == GAP_TYPE]
    assert gaps and all(
        rels[g[2]]["dashes"] and rels[g[2]]["color"] == style.relations[GAP_TYPE].color for g in gaps
    )
    pairs: dict[tuple[int, int], list[float]] = {}
    for e in edges:
        pairs.setdefault((min(e[0], e[1]), max(e[0], e[1])), []).append(e[7])
    parallel = [c for c in pairs.values() if len(c) > 1]
    assert parallel and all(len(set(c)) == len(c) and all(c) for c in parallel)  # distinct curves
    influence = next(r for r in rels if r["type"] == "INFLUENCES")
    member = next(r for r in rels if r["type"] == "MEMBER_OF")
    assert influence["arrows"] and member["width"] <= 1.0
    lived = {n["id"] for n in data["nodes"] if n["f"] & data["flags"]["lived"]}
    groups = {n["id"] for n in data["nodes"] if data["classes"][n["c"]]["label"] == "Lived-experience group"}
    assert groups and groups <= lived


def test_every_class_and_relationship_type_has_a_style() -> None:
    onto = load_ontology()
    style = map_style(onto)
    assert set(onto.classes) <= set(style.classes) and set(onto.relations) <= set(style.relations)
    actors = [c.color for c in style.classes.values() if c.kind == "Actor"]
    assert len(set(actors)) == len(actors) and style.relations[GAP_TYPE].color not in actors


# --- layouts -------------------------------------------------------------------------
def test_layout_is_deterministic_and_nodes_stay_where_they_were_laid_out(seeded: str) -> None:
    edges = [(f"n{i}", f"n{(i * 7 + 3) % 600}") for i in range(600)]
    nodes = [f"n{i}" for i in range(600)]
    assert NETWORKX_MAX_NODES < 600
    first = compute_layout(nodes, edges)
    assert first == compute_layout(list(reversed(nodes)), list(reversed(edges)))
    assert len(set(first.values())) == 600
    with Graph.open(seeded) as graph:
        small = make_map(graph, MapOptions(ego="org:northbank-tenants-union", hops=1))
    # no physics in the page: the names placed with the layout stay next to their nodes
    assert "physics: false" in small.html and "physics" not in small.payload


def test_saved_layout_is_reused_and_new_actors_go_beside_their_neighbours(
    seeded: str, tmp_path: Path
) -> None:
    with Graph.open(seeded) as graph:
        write_map(graph, MapOptions(issue="housing", layout="session-1"), tmp_path / "one.html")
        saved = load_layout(graph.reader(), "session-1")
        graph.add_node(
            {"name": "Newcomer Renters", "types": ["CommunityGroup"], "sources": ["src:illustrative"]}
        )
        graph.add_link({"type": "WORKS_ON", "from": "org:newcomer-renters", "to": "issue:housing"})
        graph.add_link(
            {"type": "MEMBER_OF", "from": "org:newcomer-renters", "to": "org:metro-renters-alliance"}
        )
        write_map(graph, MapOptions(issue="housing", layout="session-1"), tmp_path / "two.html")
        again = load_layout(graph.reader(), "session-1")
    first = {n["id"]: (n["x"], n["y"]) for n in payload_of((tmp_path / "one.html").read_text())["nodes"]}
    second = {n["id"]: (n["x"], n["y"]) for n in payload_of((tmp_path / "two.html").read_text())["nodes"]}
    assert first == saved and all(second[n] == p for n, p in first.items())
    new, friend = second["org:newcomer-renters"], second["org:metro-renters-alliance"]
    assert math.dist(new, friend) <= 2 * GAP
    assert again["org:newcomer-renters"] == new and set(saved) < set(again)


def test_a_saved_layout_is_not_changed_when_the_file_cannot_be_written(seeded: str, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with Graph.open(seeded) as graph, pytest.raises(OSError):
        write_map(graph, MapOptions(layout="s"), tmp_path / "file" / "map.html")
    with Graph.open(seeded) as graph:
        assert load_layout(graph.reader(), "s") == {}


# --- the command ---------------------------------------------------------------------
def test_psp_map_writes_one_file_and_says_what_it_drew(seeded: str, runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["map", "--store", seeded, "--issue", "food-poverty", "--workshop", "-o", "f.html"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote f.html: ") and "Food poverty" in result.stdout
    assert '<body class="workshop">' in Path("f.html").read_text(encoding="utf-8")
    assert "Example: psp map" in runner.invoke(main, ["map", "--help"]).output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--issue", "housin"], "did you mean issue:housing"),
        (["--ego", "Northbank Tenant Union"], "did you mean org:northbank-tenants-union"),
        (["--types", "Fundr"], "did you mean Funder"),
        (["--ego", "issue:housing"], "--ego needs an actor"),
        (["--issue", "free-school-meals", "--types", "Media"], "nothing to map"),
        (["--layout", "two words"], "layout name"),
    ],
)
def test_bad_input_is_one_line_and_writes_no_file(
    seeded: str, runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(main, ["map", "--store", seeded, *args, "-o", "out.html"])
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not Path("out.html").exists()


def test_an_output_path_that_cannot_be_written_is_one_line(seeded: str, runner: CliRunner) -> None:
    Path("plain-file").write_text("not a folder")
    result = runner.invoke(main, ["map", "--store", seeded, "-o", "plain-file/map.html"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write") and len(result.stderr.strip().splitlines()) == 1


def test_example_maps_are_the_network_housing_food_poverty_and_an_ego_map(tmp_path: Path) -> None:
    from tools.gallery import make_examples

    written = make_examples(tmp_path, screenshots=False)
    assert [p.name for p in written] == [
        "network.html",
        "housing.html",
        "food-poverty.html",
        "ego-northbank-tenants-union.html",
    ]
    assert "Power map: Housing" in (tmp_path / "housing.html").read_text(encoding="utf-8")
