"""Map benchmark: a 2,000-node / 10,000-link generated graph drawn by ``psp map`` and,
in the same run, by a bare vis-network page with the same nodes, edges and
positions (the reference): time to write, file size and time to first draw in
headless Chromium (network blocked), with ratios.

    python benchmarks/bench_maps.py [--actors 1775] [--links-per-actor 7.5] [--runs 5] [--screenshot PNG]

Targets: <= 2x the bare page in size and in time to first draw; <= 5 MB; <= 3 s
(label placement included). Also times an A3 PDF poster and an A1 PNG poster of
the same map (target <= 10 s each, from the store to the file).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psp_graph.graph import Graph  # noqa: E402
from psp_graph.maps import MapOptions, write_map  # noqa: E402
from psp_graph.maps.poster import PosterOptions, write_poster  # noqa: E402
from psp_graph.maps.render import json_for_html, vis_network_js  # noqa: E402
from tests.generate import generate_graph, load_generated  # noqa: E402
from tools.browser import headless_chromium, wait_until_drawn  # noqa: E402

BARE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>bare vis-network</title>
<style>html, body, #map {{ margin: 0; width: 100%; height: 100%; }}</style></head>
<body><div id="map"></div>
<script>{vis}</script>
<script>
var data = {data};
var network = new vis.Network(document.getElementById("map"),
  {{nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)}},
  {{physics: false, layout: {{improvedLayout: false}}, edges: {{smooth: false}}}});
network.once("afterDrawing", function () {{ window.pspDrawnAt = performance.now(); window.pspReady = true; }});
</script></body></html>
"""


def bare_page(ours: Path, out: Path) -> float:
    """Write the reference page with our page's nodes, edges and positions; return seconds to write it."""
    text = ours.read_text(encoding="utf-8")
    payload = json.loads(text.split('id="psp-data">', 1)[1].split("</script>", 1)[0])
    start = time.perf_counter()
    data = {
        "nodes": [
            {"id": i, "label": n["l"], "x": n["x"], "y": n["y"]} for i, n in enumerate(payload["nodes"])
        ],
        "edges": [{"from": e[0], "to": e[1]} for e in payload["edges"]],
    }
    out.write_text(BARE.format(vis=vis_network_js(), data=json_for_html(data)), encoding="utf-8")
    return time.perf_counter() - start


def first_draw(driver: object, page: Path) -> float:
    driver.get(page.resolve().as_uri())  # type: ignore[attr-defined]
    wait_until_drawn(driver, timeout=60)
    return float(driver.execute_script("return window.pspDrawnAt;")) / 1000  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=1775)
    parser.add_argument("--links-per-actor", type=float, default=7.5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--screenshot", metavar="PNG", help="Save a screenshot of the large map.")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'bench.db'}"
        nodes, links = generate_graph(args.actors, args.links_per_actor, seed=1)
        with Graph.open(url) as graph:
            load_generated(graph.backend, nodes, links)
            start = time.perf_counter()
            page = write_map(graph, MapOptions(), folder / "map.html")
            ours_write = time.perf_counter() - start
            posters = {}
            for name, poster in (
                ("A3 PDF", PosterOptions("pdf", "A3")),
                ("A1 PNG", PosterOptions("png", "A1")),
            ):
                start = time.perf_counter()
                write_poster(graph, MapOptions(), poster, folder / f"poster.{poster.format}")
                posters[name] = time.perf_counter() - start
        bare_write = bare_page(folder / "map.html", folder / "bare.html")
        ours_size = (folder / "map.html").stat().st_size
        bare_size = (folder / "bare.html").stat().st_size
        ours_draw: list[float] = []
        bare_draw: list[float] = []
        with headless_chromium(1600, 1000) as driver:
            first_draw(driver, folder / "bare.html")  # warm the browser's caches once
            for _ in range(args.runs):
                bare_draw.append(first_draw(driver, folder / "bare.html"))
                ours_draw.append(first_draw(driver, folder / "map.html"))
            labels = driver.execute_script("return window.pspMap.drawnLabels().length;")
            if args.screenshot:
                driver.save_screenshot(args.screenshot)
    ours_t, bare_t = statistics.median(ours_draw), statistics.median(bare_draw)
    named = sum(1 for n in page.payload["nodes"] if "b" in n)
    print(f"load average before the run: {load:.1f} on {os.cpu_count()} cores (timings scale with it)")
    print(
        f"graph: {page.nodes} nodes, {page.links} links drawn; {named} names placed, {labels} drawn at 1600x1000"
    )
    print(f"{'':24}{'psp map':>12}{'bare page':>12}{'ratio':>8}   target")
    print(
        f"{'time to write (s)':24}{ours_write:12.2f}{bare_write:12.2f}{ours_write / bare_write:8.1f}   (none)"
    )
    print(
        f"{'file size (MB)':24}{ours_size / 1e6:12.2f}{bare_size / 1e6:12.2f}{ours_size / bare_size:8.2f}"
        f"   <= 2x, <= 5 MB: {'ok' if ours_size <= 2 * bare_size and ours_size <= 5e6 else 'MISSED'}"
    )
    print(
        f"{'first draw (s, median)':24}{ours_t:12.2f}{bare_t:12.2f}{ours_t / bare_t:8.2f}"
        f"   <= 2x, <= 3 s: {'ok' if ours_t <= 2 * bare_t and ours_t <= 3 else 'MISSED'}"
    )
    for name, seconds in posters.items():
        print(
            f"{'poster ' + name + ' (s)':24}{seconds:12.2f}{'':12}{'':8}   <= 10 s: {'ok' if seconds <= 10 else 'MISSED'}"
        )
    print(
        f"first draws (s): psp map {[round(t, 2) for t in ours_draw]}, bare {[round(t, 2) for t in bare_draw]}"
    )


if __name__ == "__main__":
    main()
