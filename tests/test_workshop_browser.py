"""psp workshop end to end in real headless Chromium: two tabs, a bad entry, a drag."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from psp_graph.cli import main
from psp_graph.graph import Graph
from psp_graph.maps.layout import load_layout
from psp_graph.workshop import WorkshopServer
from tests.browser_support import IN_CI
from tests.workshop_support import EVENT, make_store, start_server
from tools.browser import chromium_available, headless_chromium, wait_until_drawn

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def loopback_chromium() -> Iterator[Any]:
    """Headless Chromium that may reach this machine only (psp workshop serves on 127.0.0.1)."""
    reason = chromium_available()
    if reason:
        if IN_CI:
            pytest.fail(f"CI=true and headless Chromium is unavailable: {reason}")
        pytest.skip(reason)
    with headless_chromium(1280, 720, loopback=True) as driver:
        yield driver


@pytest.fixture
def server(store_url: str) -> Iterator[WorkshopServer]:
    make_store(store_url)
    running = start_server(store_url)
    yield running
    running.stop()


def wait_for(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s")
        time.sleep(0.05)


def open_tab(driver: Any, url: str, first: bool) -> str:
    if not first:
        driver.switch_to.new_window("tab")
    driver.get(url)
    wait_until_drawn(driver)
    return str(driver.current_window_handle)


def links_shown(driver: Any) -> set[tuple[str, str, str]]:
    rows = driver.execute_script(
        "var d = window.pspMap.payload();"
        "return d.edges.map(function (e) { return [d.nodes[e[0]].id, d.nodes[e[1]].id, d.relations[e[2]].label]; });"
    )
    return {(a, b, rel) for a, b, rel in rows}


def fill_link(driver: Any, source: str, rel: str, target: str, note: str = "") -> None:
    driver.execute_script(
        "document.getElementById('ws-link-from').value = arguments[0];"
        "var select = document.getElementById('ws-link-type');"
        "select.value = arguments[1];"
        "document.getElementById('ws-link-to').value = arguments[2];"
        "document.getElementById('ws-link-note').value = arguments[3];"
        "document.querySelector('#ws-link button[type=submit]').click();",
        source,
        rel,
        target,
        note,
    )


def test_two_tabs_each_add_a_link_and_both_see_both(
    loopback_chromium: Any, server: WorkshopServer, store_url: str, runner: CliRunner
) -> None:
    driver = loopback_chromium
    tabs = [open_tab(driver, server.url, first=True), open_tab(driver, server.url, first=False)]
    driver.switch_to.window(tabs[0])
    fill_link(driver, "Northbank Council", "INFLUENCES", "Quillmead Renters Forum", "round 2, group A")
    driver.switch_to.window(tabs[1])  # sent while the first may still be in flight
    fill_link(driver, "Eastgate Food Bank", "FUNDS", "Quillmead Renters Forum", "round 2, group B")
    wanted = {
        ("org:northbank-council", "org:quillmead-renters-forum", "Influences"),
        ("org:eastgate-food-bank", "org:quillmead-renters-forum", "Funds"),
    }
    for tab in tabs:
        driver.switch_to.window(tab)
        wait_for(lambda: wanted <= {(a, b, rel.title()) for a, b, rel in links_shown(driver)})
        assert driver.execute_script("return window.pspWorkshop.lastError;") is None
    with Graph.open(store_url, read_only=True) as graph:
        reader = graph.reader()
        added = [k for t in ("INFLUENCES", "FUNDS") for k in reader.iter_links(t)]
        assert len(added) == 2 and all(EVENT in k.props["sources"] for k in added)
    history = runner.invoke(main, ["--store", store_url, "history", "--format", "csv"])
    assert history.output.count("workshop: add link") == 2
    for link in added:
        shown = runner.invoke(main, ["--store", store_url, "show", link.id])
        assert "Housing round 2" in shown.output or EVENT in shown.output
    driver.close()
    driver.switch_to.window(tabs[0])


def test_a_bad_entry_shows_the_one_line_error(loopback_chromium: Any, server: WorkshopServer) -> None:
    driver = loopback_chromium
    driver.get(server.url)
    wait_until_drawn(driver)
    driver.get_log("browser")  # drop messages from earlier pages
    before = links_shown(driver)
    fill_link(driver, "Northbank Council", "FUNDS", "Quillmead Renter Forum")
    status = wait_for(lambda: driver.find_element("id", "ws-status").text)
    assert status.startswith("Error: no node 'Quillmead Renter Forum'")
    assert "did you mean" in status and "\n" not in status
    assert "error" in driver.find_element("id", "ws-status").get_attribute("class")
    assert links_shown(driver) == before
    assert not [
        e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "api/link" not in e["message"]
    ]


def test_dragging_a_node_saves_its_place_in_the_layout(
    loopback_chromium: Any, server: WorkshopServer, store_url: str
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    driver = loopback_chromium
    driver.get(server.url)
    wait_until_drawn(driver)
    index = driver.execute_script(
        "return window.pspMap.payload().nodes.findIndex(function (n) { return n.id === 'org:northbank-council'; });"
    )
    start = driver.execute_script(
        "var net = window.pspMap.network; var p = net.getPositions([arguments[0]])[arguments[0]];"
        "var dom = net.canvasToDOM(p); var box = document.querySelector('#map canvas').getBoundingClientRect();"
        "return [dom.x, dom.y, box.width, box.height, p.x, p.y];",
        index,
    )
    canvas = driver.find_element("css selector", "#map canvas")
    x, y, width, height = start[:4]
    ActionChains(driver).move_to_element_with_offset(
        canvas, int(x - width / 2), int(y - height / 2)
    ).click_and_hold().move_by_offset(20, 10).move_by_offset(40, 30).release().perform()
    wait_for(lambda: driver.execute_script("return window.pspWorkshop.moved || 0;"))
    with Graph.open(store_url, read_only=True) as graph:
        saved = load_layout(graph.reader(), "round-2")["org:northbank-council"]
    assert saved != (round(start[4]), round(start[5]))
