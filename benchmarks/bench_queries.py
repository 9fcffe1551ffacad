"""Query benchmark: every named query on generated graphs of 1k, 10k and 100k actors
(10 links per actor), on the embedded store (time and peak memory, each query in
a fresh process), with the Neo4j server-side time beside it, and for
power-ranking a direct python-igraph computation of the same metrics as the
reference, all in the same run. On Neo4j (a server with the Graph Data Science
library) power-ranking and brokers also run whole, both ways side by side: the
Python path (edges shipped to Python) and the in-server path (GDS).

    python benchmarks/bench_queries.py [--sizes 1000,10000,100000] [--no-neo4j]

Targets at 100k actors / 1M links (issue 13): power-ranking <= 10 s and <= 1.5x
the direct igraph computation; every other query <= 5 s (collaboration-summary
<= 30 s); a filtered query <= 1 s; peak memory <= 2 GiB. Filtered queries are
shown beside the same filter in bare SQL. Stores come from benchmarks/stores.py
(made once, kept in benchmarks/.stores/).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psp_graph.analysis import QUERIES  # noqa: E402
from psp_graph.analysis.spec import POWER_SAMPLES  # noqa: E402
from psp_graph.backends import open_backend  # noqa: E402
from psp_graph.generate import generate_graph  # noqa: E402
from tests.generate import load_generated  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from stores import generated_store  # noqa: E402

# Filtered runs: (label, query, parameters, the same filter in bare SQL).
FILTERED = [
    (
        "funding-flows issue=housing",
        "funding-flows",
        {"issue": "housing"},
        "SELECT id, source, target, json_extract(props, '$.amount_minor') FROM links WHERE type = 'FUNDS' AND "
        "EXISTS (SELECT 1 FROM json_each(props, '$.issues') WHERE value IN ('issue:housing', "
        "'issue:private-renting', 'issue:social-housing', 'issue:homelessness', 'issue:temporary-accommodation', "
        "'issue:affordable-housing', 'issue:housing-conditions'))",
    ),
    (  # the same filter again, beside bare SQL through the store's index of links by issue
        "  again, bare SQL by link_issues",
        "funding-flows",
        {"issue": "housing"},
        "SELECT id, source, target, json_extract(props, '$.amount_minor') FROM links WHERE +type = 'FUNDS' AND "
        "id IN (SELECT link_id FROM link_issues WHERE issue IN ('issue:housing', "
        "'issue:private-renting', 'issue:social-housing', 'issue:homelessness', 'issue:temporary-accommodation', "
        "'issue:affordable-housing', 'issue:housing-conditions'))",
    ),
    (
        "funding-flows as_of=2016-06-01",
        "funding-flows",
        {"as_of": "2016-06-01"},
        "SELECT id, source, target, json_extract(props, '$.amount_minor') FROM links WHERE type = 'FUNDS' "
        "AND coalesce(json_extract(props, '$.valid_from') <= '2016-06-01', 1) "
        "AND coalesce(json_extract(props, '$.valid_to') >= '2016-06-01', 1)",
    ),
    (
        "funding-concentration",
        "funding-concentration",
        {},
        "SELECT source, sum(json_extract(props, '$.amount_minor')) FROM links WHERE type = 'FUNDS' GROUP BY source",
    ),
]

SQL_REFERENCE = r"""
import json, sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
start, cpu = time.perf_counter(), time.process_time()
rows = conn.execute(sys.argv[2]).fetchall()
took, cpu = time.perf_counter() - start, time.process_time() - cpu
line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"seconds": took, "cpu": cpu, "peak_mib": int(line.split()[1]) / 1024, "rows": len(rows)}))
"""

# Peak memory is VmHWM from /proc: ru_maxrss would carry over the parent's peak across exec.
CHILD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
from psp_graph.graph import Graph
from psp_graph.analysis import run_query
store, name, params = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
graph = Graph.open(store)
def hwm():
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
    return int(line.split()[1]) / 1024
def cpu_now():  # this process and its finished children (betweenness may fork workers)
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system
before = hwm()
start, cpu = time.perf_counter(), cpu_now()
rows = run_query(graph, name, params).rows
took, cpu = time.perf_counter() - start, cpu_now() - cpu
print(json.dumps({"seconds": took, "cpu": cpu, "rows": len(rows), "peak_mib": hwm(), "base_mib": before}))
"""

IGRAPH_REFERENCE = r"""
import json, random, sqlite3, sys, time
path = sys.argv[1]
start, cpu = time.perf_counter(), time.process_time()
# Timed, and imported as the query imports it (psp_graph.analysis.projection.load_igraph):
# without the matplotlib drawing back end, so that both sides skip the same second.
sys.modules["matplotlib"] = None
import igraph
del sys.modules["matplotlib"]
conn = sqlite3.connect(path)
actors = [r[0] for r in conn.execute("SELECT node_id FROM node_labels WHERE label = 'Actor'")]
reach_types = ("FUNDS", "INFLUENCES", "SITS_IN", "DECIDES_ON", "LEADS", "HOSTS", "EMPLOYS", "ACCOUNTABLE_TO")
broker_types = ("FUNDS", "INFLUENCES", "PARTNERS_WITH", "MEMBER_OF", "REPRESENTS", "PARTICIPATES_IN")
rows = conn.execute("SELECT source, target, type FROM links").fetchall()
names = sorted({*actors, *(r[0] for r in rows), *(r[1] for r in rows)})
index = {n: i for i, n in enumerate(names)}
reach = igraph.Graph(n=len(names), edges=[(index[t], index[s]) for s, t, ty in rows if ty in reach_types], directed=True)
pagerank = reach.pagerank(damping=0.85)
actor_index = {a: i for i, a in enumerate(sorted(actors))}
broker = igraph.Graph(n=len(actor_index), edges=[(actor_index[s], actor_index[t]) for s, t, ty in rows
                      if ty in broker_types and s in actor_index and t in actor_index], directed=False).simplify()
# The same estimate as the query (psp_graph.analysis.projection.betweenness): leaves folded
# into their neighbour, POWER_SAMPLES pivots drawn with seed 42 from the sorted non-leaves.
degree = broker.degree()
hanging = [0] * broker.vcount()
for v in range(broker.vcount()):
    if degree[v] == 1:
        u = broker.neighbors(v)[0]
        if degree[u] > 1:
            hanging[u] += 1
candidates = [v for v in range(broker.vcount()) if degree[v] > 1]
pivots = random.Random(42).sample(candidates, min(int(sys.argv[2]), len(candidates)))
between = [0.0] * broker.vcount()
for weight in sorted({1 + hanging[p] for p in pivots}):
    part = broker.betweenness(directed=False, sources=[p for p in pivots if 1 + hanging[p] == weight])
    between = [b + weight * x for b, x in zip(between, part)]
components = broker.connected_components()
sizes, membership = components.sizes(), components.membership
between = [b * len(candidates) / len(pivots) + hanging[v] * (sizes[membership[v]] - 2) / 2
           for v, b in enumerate(between)]
money = conn.execute("SELECT source, sum(json_extract(props, '$.amount_minor')) FROM links WHERE type = 'FUNDS' GROUP BY source").fetchall()
took, cpu = time.perf_counter() - start, time.process_time() - cpu
line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"seconds": took, "cpu": cpu, "peak_mib": int(line.split()[1]) / 1024}))
"""


def run_child(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def params_for(name: str, first_org: str) -> dict[str, object]:
    if name == "ego":
        return {"actor": first_org, "hops": 2}
    if name == "collaboration-gaps":
        return {"limit": 1000}  # the pair list grows with the square of the actors per issue
    return {}


ANALYTICS_QUERIES = ("power-ranking", "brokers")


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the Neo4j JVM has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def analytics_times(server_uri: str, pid: int) -> dict[tuple[str, str], dict[str, float]]:
    """power-ranking and brokers through run_query, Python path and in-server path, on
    the store neo4j_times loaded: wall, client CPU and server CPU seconds of a second
    (warm) run of each."""
    from psp_graph.analysis import run_query
    from psp_graph.graph import Graph

    found = {}
    with Graph.open(server_uri) as graph:
        for name in ANALYTICS_QUERIES:
            for where in ("python", "server"):
                # The first GDS call in a JVM loads and compiles the library (seconds): a team
                # server pays that once, so both paths are timed warm, on a second run.
                run_query(graph, name, analytics=where)
                cpu_server = server_cpu(pid)
                start, cpu = time.perf_counter(), time.process_time()
                rows = run_query(graph, name, analytics=where).rows
                found[name, where] = {
                    "seconds": time.perf_counter() - start,
                    "cpu": time.process_time() - cpu,
                    "server_cpu": server_cpu(pid) - cpu_server,
                    "rows": len(rows),
                }
    return found


def print_analytics(found: dict[tuple[str, str], dict[str, float]]) -> None:
    print(f"  on Neo4j, whole query{'':9} {'wall s':>7} {'cpu s':>7} {'server cpu s':>13} {'rows':>8}")
    for name in ANALYTICS_QUERIES:
        for where, label in (("python", "Python path"), ("server", "in server (GDS)")):
            r = found[name, where]
            print(
                f"  {name + ' ' + label:38} {r['seconds']:7.2f} {r['cpu']:7.2f} {r['server_cpu']:13.2f}"
                f" {r['rows']:8,}"
            )
        py, gds = found[name, "python"], found[name, "server"]
        total = (py["cpu"] + py["server_cpu"]) / max(gds["cpu"] + gds["server_cpu"], 1e-3)
        print(
            f"  {'':38} Python / GDS: wall {py['seconds'] / gds['seconds']:.2f}x, cpu (both sides) {total:.2f}x"
        )


def offline_analytics(size: int) -> None:
    """--analytics-only --offline-load: the stored graph of ``size`` actors written as import
    files, imported into a new database of a fresh server with GDS, both paths timed there."""
    import shutil
    import tempfile

    from psp_graph.graph import Graph
    from psp_graph.sync import write_import
    from tests.neo4j_support import neo4j_tools

    tools = neo4j_tools()
    tools.ensure_jars()
    folder = Path(tempfile.mkdtemp(prefix="psp-bench-import-")) / "files"
    try:
        start, cpu = time.perf_counter(), time.process_time()
        with Graph.open(f"sqlite:///{generated_store(size)}") as source:
            files = write_import(source, folder)
        wrote = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        with tools.Neo4jServer(timeout=1800, gds=True, import_from=folder) as server:
            shutil.rmtree(folder.parent, ignore_errors=True)
            print(
                f"\n== {size:,} actors, {files.links:,} links (Neo4j only, offline import: files "
                f"{wrote[0]:.0f} s wall {wrote[1]:.0f} s cpu; import and start {time.perf_counter() - start:.0f} s)"
            )
            print_analytics(analytics_times(server.uri, server.pid))
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


def neo4j_times(size: int, nodes: list, links: list, server_uri: str, names=None) -> dict[str, float]:  # type: ignore[no-untyped-def,type-arg]
    from psp_graph.analysis.cypher import cypher_text
    from psp_graph.analysis.runner import cypher_parameters, resolve_params
    from psp_graph.analysis.spec import QUERIES as SPECS
    from psp_graph.graph import Graph
    from tests.neo4j_support import wipe_test_database

    wipe_test_database(server_uri)
    backend = open_backend(server_uri)
    load_generated(backend, nodes, links, chunk=20_000)
    graph = Graph(backend)
    times = {}
    first_org = next(n.id for n in nodes if n.id.startswith("org:"))
    for name in SPECS if names is None else names:
        values = resolve_params(SPECS[name], params_for(name, first_org))
        if "place" in values:  # as run_query does; no place filter here
            values["places"] = None
        start = time.perf_counter()
        backend.run_cypher(cypher_text(name), cypher_parameters(graph.onto, values, None))  # type: ignore[attr-defined]
        times[name] = time.perf_counter() - start
    backend.close()
    return times


def forget_derived(path: Path) -> None:
    """Drop the link columns an analysis kept in the store (psp_graph/backends/sqlite_derived.py)."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE IF EXISTS derived")
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument(
        "--analytics-only",
        action="store_true",
        help="only load Neo4j and run power-ranking and brokers both ways (Python path, GDS)",
    )
    parser.add_argument(
        "--offline-load",
        action="store_true",
        help="with --analytics-only: load each size's stored graph into a fresh server with the offline "
        "importer (psp sync --import-files; minutes faster at 100k actors)",
    )
    parser.add_argument(
        "--neo4j-sizes",
        default="1000",
        help="sizes also run on Neo4j (default 1000, to keep make bench within 20 minutes: 10000 adds "
        "about 10 minutes on 2 cores, 100000 far more)",
    )
    args = parser.parse_args()
    server = None
    if args.offline_load:
        if not args.analytics_only or args.no_neo4j:
            parser.error("--offline-load goes with --analytics-only")
        for size in [int(s) for s in args.sizes.split(",")]:
            offline_analytics(size)
        return 0
    if not args.no_neo4j:
        from tests.neo4j_support import neo4j_tools

        tools = neo4j_tools()
        tools.ensure_jars()
        server = tools.Neo4jServer(timeout=300, gds=True)
        server.start()
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            if args.analytics_only and server is not None:
                nodes, all_links = generate_graph(size, 10, seed=size)
                neo4j_times(size, nodes, all_links, server.uri, names=())
                print(f"\n== {size:,} actors, {len(all_links):,} links (Neo4j only)")
                print_analytics(analytics_times(server.uri, server.pid))
                continue
            path = generated_store(size)
            store = f"sqlite:///{path}"
            org = (
                sqlite3.connect(path)
                .execute("SELECT id FROM nodes WHERE id LIKE 'org:%' ORDER BY id LIMIT 1")
                .fetchone()[0]
            )
            links = sqlite3.connect(path).execute("SELECT count(*) FROM links").fetchone()[0]
            on_neo4j = server is not None and str(size) in args.neo4j_sizes.split(",")
            neo: dict[str, float] = {}
            analytics = {}
            if server is not None and on_neo4j:
                nodes, all_links = generate_graph(size, 10, seed=size)
                neo = neo4j_times(size, nodes, all_links, server.uri)
                analytics = analytics_times(server.uri, server.pid)
            print(f"\n== {size:,} actors, {links:,} links")
            print(
                f"{'query':30} {'wall s':>7} {'cpu s':>7} {'peak MiB':>9} {'rows':>10} {'neo4j s':>8}   reference"
            )
            for name in QUERIES:
                forget_derived(path)  # every query first as on a store just changed
                result = run_child(CHILD, str(ROOT), store, name, json.dumps(params_for(name, org)))
                neo_s = f"{neo[name]:8.2f}" if name in neo else f"{'-':>8}"
                print(
                    f"{name:30} {result['seconds']:7.2f} {result['cpu']:7.2f} {result['peak_mib']:9.0f}"
                    f" {result['rows']:10,} {neo_s}"
                )
                if name == "power-ranking":
                    ref = run_child(IGRAPH_REFERENCE, str(path), str(POWER_SAMPLES))
                    print(
                        f"{'  igraph reference':30} {ref['seconds']:7.2f} {ref['cpu']:7.2f} {ref['peak_mib']:9.0f}"
                        f"   power-ranking / reference: wall {result['seconds'] / ref['seconds']:.2f}x,"
                        f" cpu {result['cpu'] / ref['cpu']:.2f}x"
                    )
                if name in ("power-ranking", "brokers"):  # again, reading the columns the first run kept
                    again = run_child(CHILD, str(ROOT), store, name, json.dumps(params_for(name, org)))
                    print(
                        f"{'  again (kept columns, betweenness)':30} {again['seconds']:7.2f} {again['cpu']:7.2f}"
                        f" {again['peak_mib']:9.0f} {again['rows']:10,}"
                    )
            forget_derived(path)
            if analytics:
                print_analytics(analytics)
            for label, name, params, sql in FILTERED:
                result = run_child(CHILD, str(ROOT), store, name, json.dumps(params))
                ref = run_child(SQL_REFERENCE, str(path), sql)
                print(
                    f"{label:30} {result['seconds']:7.2f} {result['cpu']:7.2f} {result['peak_mib']:9.0f}"
                    f" {result['rows']:10,} {'-':>8}   bare SQL wall {ref['seconds']:.2f} s cpu {ref['cpu']:.2f} s,"
                    f" {ref['peak_mib']:.0f} MiB: cpu {result['cpu'] / max(ref['cpu'], 1e-3):.1f}x"
                )
    finally:
        if server:
            server.stop()
    sys.stdout.flush()
    print(f"\nbenchmark process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
