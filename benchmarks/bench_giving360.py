"""Loading 360Giving files into a growing SQLite store.

A synthetic CSV in the standard's titles (seeded; heavy-tailed funders: grant
counts per funder follow a Zipf law; a tenth of recipients have no org-id) is
loaded first, then more files of fresh grants into the growing store. For each
step: time per grant, and the rate of a bare ``executemany`` of the same rows
into the same schema in the same run (the floor any loader pays: the store's
tables, indexes and name index, one change-log row per record). Peak memory is
the loading process's maximum resident set size (the bare inserts run in a child
process, so their record lists do not count). CPU time is reported beside wall time:
the machine is shared, and CPU time and ratios measured side by side are what count.

    python benchmarks/bench_giving360.py [--grants 300000] [--orgs 60000] [--more 3] [--each 25000]

The issue's targets: time per grant constant within 1.5x as the store grows;
rate at least 30 % of the bare executemany; peak memory bounded; and (item 8 of issue 13)
an unchanged reload in a fraction of a first load's time.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psp_graph.graph import Graph  # noqa: E402
from psp_graph.io.giving360_files import read_360giving  # noqa: E402
from psp_graph.io.load import load_file  # noqa: E402
from psp_graph.io.problems import Problems  # noqa: E402
from psp_graph.records import canonical_json  # noqa: E402

TITLES = [
    "Identifier",
    "Title",
    "Currency",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Title",
    "Beneficiary Location:Geographic Code",
]


def write_file(path: Path, start: int, count: int, orgs: int, rng: random.Random) -> None:
    funders = max(10, orgs // 50)
    weights = [1 / (rank + 1) for rank in range(funders)]  # Zipf: a few funders give most grants
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TITLES)
        for n in range(start, start + count):
            funder = rng.choices(range(funders), weights)[0]
            recipient = funders + rng.randrange(orgs - funders)
            registered = recipient % 10 != 0
            writer.writerow(
                [
                    f"360G-bench-{n:07d}",
                    f"Grant {n}",
                    "GBP",
                    f"{rng.randrange(500, 500_000)}.{rng.randrange(100):02d}",
                    f"{2015 + n % 8}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    f"GB-CHC-{2_000_000 + recipient}" if registered else "",
                    f"Organisation {recipient}",
                    f"360G-funder-{funder}",
                    f"Funder {funder}",
                    f"Programme {funder % 7}",
                    f"E09{1 + n % 33:06d}",
                ]
            )


def bare_executemany(path: Path) -> tuple[float, float]:
    """CPU and wall seconds to insert the file's rows into the store's own schema with
    ``executemany`` and nothing else (the floor): per node its row, labels, identifiers and
    name-index row; per link its row; per record one change-log row holding its JSON."""
    from psp_graph.backends.sqlite import _SCHEMA

    problems = Problems()
    records = list(read_360giving(path, path.read_bytes(), "csv", problems=problems) or [])
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "bare.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.executescript(_SCHEMA)
        started, cpu = time.perf_counter(), time.process_time()
        nodes = [r.data for r in records if r.section != "links"]
        links = [r.data for r in records if r.section == "links"]
        node_rows, link_rows, change_rows = [], [], []
        for n, data in enumerate(nodes):
            types = json.dumps(data.get("types", ["Place"]))
            props = canonical_json({k: v for k, v in data.items() if k not in ("id", "name", "types")})
            node_rows.append((data["id"], types, types, data["name"], props))
            change_rows.append(("cs-bare", n, "create", "node", data["id"], None, props))
        for n, data in enumerate(links, start=len(nodes)):
            props = json.dumps(data, default=str, sort_keys=True)
            link_rows.append((data["id"], "FUNDS", data["from"], data["to"], props))
            change_rows.append(("cs-bare", n, "create", "link", data["id"], None, props))
        conn.execute("BEGIN")
        conn.execute("INSERT INTO changesets VALUES ('cs-bare', '', '', 'load', '', NULL)")
        conn.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?, ?)", node_rows)
        conn.executemany(
            "INSERT INTO node_labels VALUES (?, ?)",
            [(t, d["id"]) for d in nodes for t in d.get("types", ["Place"])],
        )
        conn.executemany(
            "INSERT INTO identifiers VALUES (?, ?)",
            [(i, d["id"]) for d in nodes for i in d.get("identifiers", [])],
        )
        conn.executemany(
            "INSERT INTO names_fts(node_id, name, description) VALUES (?, ?, ?)",
            [(d["id"], d["name"], " ".join(d.get("aliases", []))) for d in nodes],
        )
        conn.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?)", link_rows)
        conn.executemany("INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?, ?)", change_rows)
        conn.execute("COMMIT")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        conn.close()
    return cpu, elapsed


def bare_in_child(path: Path) -> tuple[float, float]:
    """:func:`bare_executemany` in a fresh process (its record list stays out of our peak memory)."""
    out = subprocess.run(
        [sys.executable, __file__, "--bare", str(path)], check=True, capture_output=True, text=True
    ).stdout
    cpu, wall = out.split()
    return float(cpu), float(wall)


def history_size(db: Path) -> None:
    """Item 8: how much of the store file the history's snapshots take, and how many created
    records it copies (none since session 6: a created record is stored once)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        snapshots, copies, creates = conn.execute(
            "SELECT coalesce(sum(length(before)), 0) + coalesce(sum(length(after)), 0), "
            "count(CASE WHEN op = 'create' THEN after END), count(CASE WHEN op = 'create' THEN 1 END) "
            "FROM changes"
        ).fetchone()
        props = conn.execute("SELECT coalesce(sum(length(props)), 0) FROM links").fetchone()[0]
    size = db.stat().st_size
    print(
        f"store file {size / 2**20:.1f} MiB: history snapshots {snapshots / 2**20:.1f} MiB "
        f"({snapshots / size:.1%}), links' attributes {props / 2**20:.1f} MiB; "
        f"created records copied into the history: {copies:,} of {creates:,}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grants", type=int, default=300_000)
    parser.add_argument("--orgs", type=int, default=60_000)
    parser.add_argument("--more", type=int, default=3)  # 3 later files: make bench within 20 minutes
    parser.add_argument("--each", type=int, default=25_000)
    parser.add_argument("--bare", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.bare:
        print(*bare_executemany(args.bare))
        return
    rng = random.Random(360)
    with tempfile.TemporaryDirectory() as folder:
        store = f"sqlite:///{Path(folder) / 'bench.db'}"
        steps = [(0, args.grants)] + [(args.grants + i * args.each, args.each) for i in range(args.more)]
        print(
            f"{'file':>4} {'grants':>8} {'store nodes':>11} {'load cpu s':>10} {'wall s':>7} "
            f"{'µs/grant':>8} {'bare cpu s':>10} {'wall s':>7} {'rate cpu':>8} {'rate wall':>9} {'peak MiB':>8}"
        )
        first_per_grant = per_grant = 0.0
        for index, (start, count) in enumerate(steps):
            path = Path(folder) / f"grants-{index}.csv"
            write_file(path, start, count, args.orgs, rng)
            with Graph.open(store) as graph:
                nodes_before = graph.reader().stats().nodes
                started, cpu = time.perf_counter(), time.process_time()
                load_file(graph, path)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            bare_cpu, bare_wall = bare_in_child(path)
            per_grant = cpu / count * 1e6
            first_per_grant = first_per_grant or per_grant
            print(
                f"{index:>4} {count:>8,} {nodes_before:>11,} {cpu:>10.1f} {elapsed:>7.1f} {per_grant:>8.0f} "
                f"{bare_cpu:>10.2f} {bare_wall:>7.2f} {bare_cpu / cpu:>8.1%} {bare_wall / elapsed:>9.1%} {rss:>8.0f}",
                flush=True,
            )
            if index < len(steps) - 1:
                path.unlink()
        print(
            f"CPU time per grant, last file / first file: {per_grant / first_per_grant:.2f}x (target ≤ 1.5x)"
        )
        history_size(Path(folder) / "bench.db")
        # Item 8: the last file again, unchanged: into the store unchanged since (answered from
        # the file's fingerprint), then after another write (every record compared in full).
        last_cpu = per_grant * steps[-1][1] / 1e6
        for label in ("unchanged file, unchanged store", "unchanged file, store written since"):
            with Graph.open(store) as graph:
                if label.endswith("since"):
                    graph.add_node({"type": "Charity", "name": "Bench Trust", "illustrative": True})
                started, cpu = time.perf_counter(), time.process_time()
                result = load_file(graph, path)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"reload, {label}: {cpu:.2f} s CPU, {elapsed:.2f} s wall, {cpu / last_cpu:.1%} of the file's "
                f"first load ({result.summary()})",
                flush=True,
            )
        path.unlink()


if __name__ == "__main__":
    main()
