"""Everyday commands: wall time of `psp add link`, `psp show`, `psp search` on a
generated store of 1k, 10k and 100k actors, each beside the same work done in a
bare sqlite3 script (a fresh interpreter too), and `psp --help` beside a bare
`python -c pass`, all in the same run. Also `psp show` of the node with the most
links, as a table and as CSV.

    python benchmarks/bench_cli.py [--sizes 1000,10000,100000] [--repeat 3]

Targets: add link, show and search <= 0.5 s wall at 100k actors; --help <= 3x a
bare interpreter; show of a node with 100,000 links <= 3 s.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))
from stores import generated_store  # noqa: E402

PSP = str(Path(sys.executable).parent / "psp")

BARE_SHOW = r"""
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
row = conn.execute("SELECT id, types, name, props FROM nodes WHERE id = ?", (sys.argv[2],)).fetchone()
links = conn.execute("SELECT id, type, source, target, props FROM links WHERE source = ? UNION "
                     "SELECT id, type, source, target, props FROM links WHERE target = ?", (sys.argv[2], sys.argv[2])).fetchall()
print(row[2], len([json.loads(l[4]) for l in links]))
"""
BARE_SEARCH = r"""
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
print(conn.execute("SELECT n.id, n.name FROM names_fts f JOIN nodes n ON n.id = f.node_id "
                   "WHERE names_fts MATCH ? ORDER BY f.rank LIMIT 20", ('"actor"* "12"*',)).fetchall()[:1])
"""
BARE_ADD = r"""
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT OR REPLACE INTO links VALUES (?, 'PARTNERS_WITH', ?, ?, ?)",
             ("link:bare-" + sys.argv[4], sys.argv[2], sys.argv[3], json.dumps({"sources": []})))
conn.execute("COMMIT")
"""


Timing = tuple[float, float]  # wall seconds, CPU seconds (user + system)


def wall(args: list[str], repeat: int, env: dict[str, str] | None = None) -> Timing:
    """Median wall and CPU time of running a command ``repeat`` times. On a shared
    machine wall time includes waiting for a core; CPU time is what the command costs."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def median(timings: list[Timing]) -> Timing:
    return statistics.median(t[0] for t in timings), statistics.median(t[1] for t in timings)


def row(label: str, ours: Timing, bare: Timing, target: str) -> None:
    print(
        f"{label:34} {ours[0]:7.2f} {ours[1]:7.2f} {bare[0]:7.2f} {bare[1]:7.2f}"
        f" {ours[0] / bare[0]:6.1f}x {ours[1] / max(bare[1], 1e-3):6.1f}x   {target}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    # An installed package has its bytecode compiled (pip does it); a checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module on every call instead.
    compileall.compile_dir(str(ROOT / "psp_graph"), quiet=1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSP_")} | {"PSP_USER": "bench"}
    print(f"{'':34} {'psp':>15} {'bare':>15} {'psp / bare':>14}")
    print(
        f"{'command':34} {'wall s':>7} {'cpu s':>7} {'wall s':>7} {'cpu s':>7} {'wall':>7} {'cpu':>6}   target"
    )
    row(
        "psp --help vs python -c pass",
        wall([PSP, "--help"], args.repeat, env),
        wall([sys.executable, "-c", "pass"], args.repeat, env),
        "<= 3x",
    )
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            path = f"{tmp}/cli.db"
            shutil.copyfile(generated_store(size), path)  # add link writes: work on a copy
            # Flush the copy to disk before timing: else the first write's checkpoint (an
            # fdatasync of the store) waits for the whole fresh copy to reach the disk
            # (0.4-0.9 s at 100k), which says something about this benchmark, not about psp.
            with open(path, "rb+") as copy:
                os.fsync(copy.fileno())
            conn = sqlite3.connect(path)
            orgs = [r[0] for r in conn.execute("SELECT id FROM nodes WHERE id LIKE 'org:%' ORDER BY id")]
            degree = dict(
                conn.execute(
                    "SELECT n, count(*) FROM (SELECT source AS n FROM links UNION ALL SELECT target FROM links)"
                    " WHERE n LIKE 'org:%' GROUP BY n"
                )
            )
            links = conn.execute("SELECT count(*) FROM links").fetchone()[0]
            conn.close()
            store = ["--store", f"sqlite:///{path}"]
            busiest = max(orgs, key=lambda n: degree.get(n, 0))
            typical = orgs[len(orgs) // 2]
            print(f"\n== {size:,} actors, {links:,} links")
            counter = iter(range(1_000_000))

            def add(n: int, orgs: list[str] = orgs, store: list[str] = store) -> list[str]:
                a, b = orgs[n % len(orgs)], orgs[-1 - n % len(orgs)]
                return [PSP, "add", "link", "--type", "PARTNERS_WITH", "--from", a, "--to", b, *store]

            bare_add = [sys.executable, "-c", BARE_ADD, path, orgs[1], orgs[-2]]
            times = [
                wall([*add(next(counter)), "--illustrative", "--source", "Benchmark"], 1, env)
                for _ in range(args.repeat)
            ]
            bare_times = [wall([*bare_add, str(next(counter))], 1, env) for _ in range(args.repeat)]
            row("psp add link", median(times), median(bare_times), "<= 0.5 s")
            row(
                f"psp show ({degree.get(typical, 0)} links)",
                wall([PSP, "show", typical, *store], args.repeat, env),
                wall([sys.executable, "-c", BARE_SHOW, path, typical], args.repeat, env),
                "<= 0.5 s",
            )
            row(
                "psp search",
                wall([PSP, "search", "actor 12", *store], args.repeat, env),
                wall([sys.executable, "-c", BARE_SEARCH, path], args.repeat, env),
                "<= 0.5 s",
            )
            bare_busy = wall([sys.executable, "-c", BARE_SHOW, path, busiest], 1, env)
            for fmt in ("table", "csv", "json"):
                row(
                    f"psp show busiest ({degree[busiest]:,}) {fmt}",
                    wall([PSP, "show", busiest, "--format", fmt, *store], 1, env),
                    bare_busy,
                    "<= 3 s at 100,000 links",
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
