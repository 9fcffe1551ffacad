"""Maps on a projector, in real headless Chromium at 1280x720 and 1920x1080.

Label boxes are read from the page: vis-network's drawn node positions
(``network.getPositions`` and ``canvasToDOM``) plus each drawn label's offset and
measured width, never from the Python placement alone.
"""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from psp_graph.graph import Graph
from psp_graph.maps import MapOptions, write_map
from psp_graph.seed import load_seed

pytestmark = pytest.mark.browser

OpenPage = Callable[[Path], Any]

# Every label drawn in the last frame as a DOM box, from vis-network's own positions.
DRAWN_BOXES = """
const net = window.pspMap.network;
const data = JSON.parse(document.getElementById('psp-data').textContent);
const zoom = net.getScale();
return window.pspMap.drawnLabels().map(d => {
  const b = data.nodes[d.node].b, p = net.getPositions([d.node])[d.node];
  const a = net.canvasToDOM({x: p.x + b[0] - d.width / 2, y: p.y + b[1] - b[3] / 2});
  const z = net.canvasToDOM({x: p.x + b[0] + d.width / 2, y: p.y + b[1] + b[3] / 2});
  return {left: a.x, top: a.y, right: z.x, bottom: z.y, font: b[4] * zoom, node: d.node,
          own: net.canvasToDOM(p)};
});
"""


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    with Graph.open(f"sqlite:///{path}") as graph:
        load_seed(graph)
    return path


@pytest.fixture
def screen(chromium: Any) -> Iterator[Callable[[int, int], None]]:
    """``screen(width, height)`` makes the browser's viewport exactly that size."""

    def size(width: int, height: int) -> None:
        chromium.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    yield size
    chromium.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def draw(seed_file: Path, tmp_path: Path, options: MapOptions) -> Path:
    store = tmp_path / "store.db"
    if not store.exists():
        shutil.copy(seed_file, store)
    out = tmp_path / "map.html"
    with Graph.open(f"sqlite:///{store}") as graph:
        write_map(graph, options, out)
    return out


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return [
        (p["node"], q["node"])
        for i, p in enumerate(boxes)
        for q in boxes[i + 1 :]
        if p["left"] < q["right"]
        and q["left"] < p["right"]
        and p["top"] < q["bottom"]
        and q["top"] < p["bottom"]
    ]


MAPS = {
    "network-workshop": MapOptions(workshop=True),
    "housing-workshop": MapOptions(issue="housing", workshop=True),
    "ego-workshop": MapOptions(ego="org:northbank-tenants-union", workshop=True, highlight="power"),
    "food-gaps": MapOptions(issue="food-poverty", highlight="gaps"),
}


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
@pytest.mark.parametrize("name", list(MAPS))
def test_names_are_drawn_without_overlaps_inside_the_canvas_and_readable(
    seed_file: Path,
    tmp_path: Path,
    open_map_page: OpenPage,
    screen: Callable[[int, int], None],
    name: str,
    size: tuple[int, int],
) -> None:
    screen(*size)
    options = MAPS[name]
    driver = open_map_page(draw(seed_file, tmp_path, options))
    boxes = driver.execute_script(DRAWN_BOXES)
    width, height = driver.execute_script(
        "const m = document.getElementById('map'); return [m.clientWidth, m.clientHeight];"
    )
    assert len(boxes) >= 5, f"only {len(boxes)} names drawn"
    assert overlapping(boxes) == []
    outside = [
        b for b in boxes if b["left"] < 0 or b["top"] < 0 or b["right"] > width or b["bottom"] > height
    ]
    assert outside == []
    # a back row can read the names drawn at once: at least 17 px in workshop mode (11 px otherwise)
    assert min(b["font"] for b in boxes) >= (17 if options.workshop else 11) - 0.5
    # the legend's swatches are in view without scrolling
    assert (
        driver.execute_script(
            "return document.querySelector('#legend .swatches').getBoundingClientRect().bottom;"
        )
        <= size[1]
    )


def test_ego_map_centres_and_names_its_focal_actor(
    seed_file: Path, tmp_path: Path, open_map_page: OpenPage, screen: Callable[[int, int], None]
) -> None:
    screen(1280, 720)
    driver = open_map_page(draw(seed_file, tmp_path, MAPS["ego-workshop"]))
    centre = driver.execute_script(
        "const d = JSON.parse(document.getElementById('psp-data').textContent);"
        "const i = d.nodes.findIndex(n => n.f & d.flags.centre);"
        "const net = window.pspMap.network;"
        "return [i, net.canvasToDOM(net.getPositions([i])[i])];"
    )
    index, where = centre
    width, height = driver.execute_script(
        "const m = document.getElementById('map'); return [m.clientWidth, m.clientHeight];"
    )
    assert abs(where["x"] - width / 2) < 2 and abs(where["y"] - height / 2) < 2
    assert index in [b["node"] for b in driver.execute_script(DRAWN_BOXES)]
    assert "the actor this map is about" in driver.find_element("id", "legend").text


def test_fit_map_stays_reachable_with_the_panel_hidden_and_refits(
    seed_file: Path, tmp_path: Path, open_map_page: OpenPage, screen: Callable[[int, int], None]
) -> None:
    screen(1280, 720)
    driver = open_map_page(draw(seed_file, tmp_path, MAPS["housing-workshop"]))
    driver.find_element("id", "toggle-panel").click()
    assert not driver.find_element("id", "panel").is_displayed()
    driver.execute_script("window.pspMap.network.moveTo({scale: 3, position: {x: 0, y: 0}});")
    fit = driver.find_element("id", "fit")
    assert fit.is_displayed()
    fit.click()
    driver.execute_script("window.pspMap.network.redraw();")
    boxes = driver.execute_script(DRAWN_BOXES)
    width = driver.execute_script("return document.getElementById('map').clientWidth;")
    assert width > 1200 and len(boxes) >= 5 and overlapping(boxes) == []
    assert all(b["left"] >= 0 and b["right"] <= width for b in boxes)


def test_find_a_name_suggests_names_for_a_typo(
    seed_file: Path, tmp_path: Path, open_map_page: OpenPage
) -> None:
    driver = open_map_page(draw(seed_file, tmp_path, MAPS["housing-workshop"]))
    driver.find_element("id", "search").send_keys("Northbnk Tenants Union", "\ue007")
    status = driver.find_element("id", "search-status")
    assert "Did you mean" in status.text and "Northbank Tenants Union" in status.text
    status.find_element("css selector", "button.suggestion").click()
    assert "Northbank Tenants Union" in driver.find_element("css selector", "#details .name").text


def test_details_panel_gives_the_psp_show_id_and_persons_only_by_pseudonym(
    seed_file: Path, tmp_path: Path, open_map_page: OpenPage
) -> None:
    driver = open_map_page(draw(seed_file, tmp_path, MapOptions()))
    data = driver.execute_script("return JSON.parse(document.getElementById('psp-data').textContent).nodes;")
    person = next(i for i, n in enumerate(data) if n["f"] & 4)  # shown by pseudonym
    driver.execute_script("window.pspMap.network.emit('click', {nodes: [arguments[0]], edges: []});", person)
    text = driver.find_element("id", "details").text
    assert f"psp show {data[person]['id']}" in text and data[person]["l"].startswith("Person ")
    assert "Rowan Ellery" not in driver.page_source


def test_the_html_map_prints_on_one_page(seed_file: Path, tmp_path: Path, open_map_page: OpenPage) -> None:
    driver = open_map_page(draw(seed_file, tmp_path, MAPS["housing-workshop"]))
    printed = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    pdf = base64.b64decode(printed["data"])
    (tmp_path / "printed.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == 1
    # in print layout the map is fitted again and its names are drawn inside it
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.execute_script("window.pspMap.network.redraw();")
    boxes = driver.execute_script(DRAWN_BOXES)
    width, height = driver.execute_script(
        "const m = document.getElementById('map'); return [m.clientWidth, m.clientHeight];"
    )
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert len(boxes) >= 5 and overlapping(boxes) == []
    assert all(
        b["left"] >= 0 and b["top"] >= 0 and b["right"] <= width and b["bottom"] <= height for b in boxes
    )
