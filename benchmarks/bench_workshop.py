"""Live capture benchmark: time from the POST of a link to ``psp workshop`` until a page
polling the event stream (as the page's script does, every ``POLL_MS``) hears it, and
until the redrawn map (sizes, names placed) holds it, on a 2,000-node generated map;
printed side by side with a plain ``psp add link`` on the same store (a fresh process,
as a facilitator would type it).

    python benchmarks/bench_workshop.py [--actors 1775] [--links-per-actor 7.5] [--runs 5]

Target: the added link on every open page in <= 1 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psp_graph.graph import Graph  # noqa: E402
from psp_graph.workshop import WorkshopServer, WorkshopSession  # noqa: E402
from psp_graph.workshop.app import POLL_MS  # noqa: E402
from psp_graph.workshop.server import free_port  # noqa: E402
from tests.generate import generate_graph, load_generated  # noqa: E402


def heard(server: WorkshopServer, after: int, wanted: tuple[str, str], seen: dict[str, float]) -> None:
    """Poll the event stream like an open page until it carries a link between ``wanted``."""
    base = f"http://127.0.0.1:{server.port}/api/events?token={server.token}&after="
    while True:
        with urllib.request.urlopen(base + str(after), timeout=60) as response:
            answer = json.loads(response.read())
        if any(e.get("kind") == "link" and {e["from"], e["to"]} == set(wanted) for e in answer["events"]):
            seen["heard"] = time.perf_counter()
            return
        after = answer["seq"]
        time.sleep(POLL_MS / 1000)


def redrawn(server: WorkshopServer, version: str, wanted: tuple[str, str], seen: dict[str, float]) -> None:
    """Ask for the redrawn map (as the page does next) until it holds the link."""
    base = f"http://127.0.0.1:{server.port}/api/state?token={server.token}&since="
    while True:
        with urllib.request.urlopen(base + version, timeout=60) as response:
            state = json.loads(response.read())
        if "payload" in state:
            version = state["version"]
            ids = [n["id"] for n in state["payload"]["nodes"]]
            if any({ids[e[0]], ids[e[1]]} == set(wanted) for e in state["payload"]["edges"]):
                seen["redrawn"] = time.perf_counter()
                return
        time.sleep(POLL_MS / 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=1775)
    parser.add_argument("--links-per-actor", type=float, default=7.5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        nodes, links = generate_graph(args.actors, args.links_per_actor, seed=1)
        with Graph.open(url) as graph:
            load_generated(graph.backend, nodes, links)
            graph.add(
                {
                    "id": "event:bench",
                    "name": "Bench session",
                    "types": ["Event"],
                    "kind": "workshop",
                    "date": "2020-05-12",
                },
                section="events",
            )
        actors = [n.id for n in nodes if "Organisation" in n.labels][: 2 * args.runs + 2]
        start = time.perf_counter()
        server = WorkshopServer(
            WorkshopSession(url, event="event:bench", layout="bench"), port=free_port()
        ).start()
        with urllib.request.urlopen(server.url, timeout=120) as response:
            page = response.read()
        opened = time.perf_counter() - start
        shown = json.loads(
            urllib.request.urlopen(
                f"http://127.0.0.1:{server.port}/api/state?token={server.token}", timeout=120
            ).read()
        )
        print(
            f"map: {len(shown['payload']['nodes'])} nodes, {len(shown['payload']['edges'])} links; "
            f"page {len(page) / 1e6:.1f} MB, server start + first page {opened:.2f} s"
        )
        live: list[float] = []
        full: list[float] = []
        for run in range(args.runs):
            pair = (actors[2 * run], actors[2 * run + 1])
            version = (
                shown["version"]
                if run == 0
                else json.loads(
                    urllib.request.urlopen(
                        f"http://127.0.0.1:{server.port}/api/state?token={server.token}", timeout=120
                    ).read()
                )["version"]
            )
            seen: dict[str, float] = {}
            after = server.session.events()["seq"]
            watchers = [
                threading.Thread(target=heard, args=(server, after, pair, seen)),
                threading.Thread(target=redrawn, args=(server, version, pair, seen)),
            ]
            for watcher in watchers:
                watcher.start()
            body = json.dumps({"type": "PARTNERS_WITH", "from": pair[0], "to": pair[1]}).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.port}/api/link",
                data=body,
                headers={"Content-Type": "application/json", "X-PSP-Token": server.token},
            )
            posted = time.perf_counter()
            urllib.request.urlopen(request, timeout=120).read()
            for watcher in watchers:
                watcher.join(timeout=120)
            live.append(seen["heard"] - posted)
            full.append(seen["redrawn"] - posted)
        server.stop()
        cli: list[float] = []
        psp = str(Path(sys.executable).parent / "psp")
        for run in range(args.runs):
            pair = (actors[2 * run + 1], actors[2 * run + 2])
            posted = time.perf_counter()
            subprocess.run(
                [
                    psp,
                    "--store",
                    url,
                    "add",
                    "link",
                    "--type",
                    "PARTNERS_WITH",
                    "--from",
                    pair[0],
                    "--to",
                    pair[1],
                    "--source",
                    "event:bench",
                ],
                check=True,
                capture_output=True,
            )
            cli.append(time.perf_counter() - posted)
    print(f"{'':32}{'median':>10}{'worst':>10}")
    print(
        f"{'workshop: POST to open page':32}{statistics.median(live):>9.2f}s{max(live):>9.2f}s   target <= 1 s"
    )
    print(f"{'psp add link (new process)':32}{statistics.median(cli):>9.2f}s{max(cli):>9.2f}s")
    print(f"{'workshop: POST to redrawn map':32}{statistics.median(full):>9.2f}s{max(full):>9.2f}s")
    print(f"ratio workshop / psp add link: {statistics.median(live) / statistics.median(cli):.2f}")


if __name__ == "__main__":
    main()
