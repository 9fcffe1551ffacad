"""Maps in a real headless Chromium with the network blocked (never skipped under CI=true)."""

from __future__ import annotations

import shutil
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from psp_graph.graph import Graph
from psp_graph.maps import MapOptions, write_map
from psp_graph.seed import load_seed

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=window.pwned=1>"
SCRIPT = "</script><script>window.pwned = 2</script>"
OpenPage = Callable[[Path], Any]


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    with Graph.open(f"sqlite:///{path}") as graph:
        load_seed(graph)
        for name in (HOSTILE, SCRIPT):
            graph.add_node({"name": name, "types": ["CommunityGroup"], "sources": ["src:illustrative"]})
            graph.add_link(
                {"type": "WORKS_ON", "from": graph.reader().resolve(name), "to": "issue:private-renting"}
            )
            graph.add_link(
                {
                    "type": "PARTNERS_WITH",
                    "from": "org:metro-renters-alliance",
                    "to": graph.reader().resolve(name),
                }
            )
    return path


def draw(seed_file: Path, tmp_path: Path, options: MapOptions, name: str = "map.html") -> Path:
    store = tmp_path / "store.db"
    if not store.exists():
        shutil.copy(seed_file, store)
    with Graph.open(f"sqlite:///{store}") as graph:
        write_map(graph, options, tmp_path / name)
    return tmp_path / name


def console_errors(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] in {"SEVERE", "ERROR"}]


def test_map_draws_offline_with_no_request_and_no_console_error(
    seed_file: Path, tmp_path: Path, open_map_page: OpenPage
) -> None:
    driver = open_map_page(draw(seed_file, tmp_path, MapOptions(highlight="gaps")))
    assert driver.execute_script("return window.pspMap.visibleNodeCount();") > 100
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name);")
    assert resources == []
    assert console_errors(driver) == []
    # the canvas has been drawn on: some pixels are not the background
    painted = driver.execute_script(
        "const c = document.querySelector('#map canvas');"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n;"
    )
    assert painted > 1000


def test_script_shaped_names_do_not_run_and_show_as_typed(
    seed_file: Path, tmp_path: Path, open_map_page: OpenPage
) -> None:
    driver = open_map_page(draw(seed_file, tmp_path, MapOptions(title=HOSTILE)))
    assert driver.execute_script("return window.pwned === undefined;")
    assert {HOSTILE, SCRIPT} <= set(driver.execute_script("return window.pspMap.labels();"))
    assert driver.execute_script("return document.title;") == HOSTILE
    assert driver.execute_script("return document.querySelectorAll('img').length;") == 0
    search = driver.find_element("id", "search")
    search.send_keys("<img src=x", "\ue007")  # Enter
    details = driver.find_element("id", "details")
    assert HOSTILE in details.text
    assert driver.execute_script("return document.querySelectorAll('#details img').length;") == 0
    assert driver.execute_script("return window.pwned === undefined;")
    assert console_errors(driver) == []


def test_issue_and_relationship_filters_change_what_is_shown(
    seed_file: Path, tmp_path: Path, open_map_page: OpenPage
) -> None:
    from selenium.webdriver.support.ui import Select

    driver = open_map_page(draw(seed_file, tmp_path, MapOptions()))
    total = driver.execute_script("return window.pspMap.visibleNodeCount();")
    edges = driver.execute_script("return window.pspMap.network.body.data.edges.length;")
    Select(driver.find_element("id", "issue-filter")).select_by_visible_text("Food poverty")
    food = driver.execute_script("return window.pspMap.visibleNodeCount();")
    assert 0 < food < total
    assert driver.find_element("id", "count").text == f"Showing {food} of {total} nodes"
    Select(driver.find_element("id", "issue-filter")).select_by_index(0)
    assert driver.execute_script("return window.pspMap.visibleNodeCount();") == total
    # clicking a line shows what it is (rows whose trailing values were left out included)
    for edge in driver.execute_script("return window.pspMap.network.body.data.edges.getIds().slice(0, 40);"):
        driver.execute_script(
            "window.pspMap.network.emit('click', {nodes: [], edges: [arguments[0]]});", edge
        )
        assert " — " in driver.find_element("css selector", "#details .name").text
    driver.find_element("css selector", "#type-filter input[data-rel='0']").click()
    assert driver.execute_script("return window.pspMap.network.body.data.edges.length;") < edges
    assert console_errors(driver) == []


def test_workshop_map_draws_and_a_screenshot_is_a_png(
    seed_file: Path, tmp_path: Path, open_map_page: OpenPage
) -> None:
    options = MapOptions(issue="housing", workshop=True, highlight="power")
    driver = open_map_page(draw(seed_file, tmp_path, options))
    assert driver.execute_script("return document.body.className;") == "workshop"
    shot = tmp_path / "map.png"
    assert driver.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 800 and height >= 600 and len(data) > 20_000
    assert console_errors(driver) == []


def test_a_small_ego_map_draws_where_it_was_laid_out(
    seed_file: Path, tmp_path: Path, open_map_page: OpenPage
) -> None:
    path = draw(seed_file, tmp_path, MapOptions(ego="org:northbank-tenants-union", hops=1))
    driver = open_map_page(path)
    assert driver.execute_script("return window.pspMap.visibleNodeCount();") > 3
    drawn = driver.execute_script(
        "const p = window.pspMap.network.getPositions(); return Object.keys(p).map(k => [p[k].x, p[k].y]);"
    )
    data = driver.execute_script("return JSON.parse(document.getElementById('psp-data').textContent).nodes;")
    assert drawn == [[n["x"], n["y"]] for n in data]  # no physics moved anything
    assert console_errors(driver) == []
