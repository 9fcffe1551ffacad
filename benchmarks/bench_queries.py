"""Query benchmark: every named query on generated graphs of 1k, 10k and 100k actors
(10 links per actor), on the embedded store (time and peak memory, each query in
a fresh process), with the Neo4j server-side time beside it, and for
power-ranking a direct python-igraph computation of the same metrics as the
reference, all in the same run.

    python benchmarks/bench_queries.py [--sizes 1000,10000,100000] [--no-neo4j]

Targets at 100k actors / 1M links: power-ranking <= 30 s and <= 4 GiB on 2 cores,
within 3x of the direct igraph computation.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psp_graph.analysis import QUERIES  # noqa: E402
from psp_graph.backends import open_backend  # noqa: E402
from psp_graph.generate import generate_graph  # noqa: E402
from tests.generate import load_generated  # noqa: E402

# collaboration-gaps lists every pair of actors on an issue with no path: its output
# grows with the square of the actors per issue (10M rows at 10k actors here).
QUADRATIC = {"collaboration-gaps": 10_000}

# Peak memory is VmHWM from /proc: ru_maxrss would carry over the parent's peak across exec.
CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from psp_graph.graph import Graph
from psp_graph.analysis import run_query
store, name, params = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
graph = Graph.open(store)
def hwm():
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
    return int(line.split()[1]) / 1024
before = hwm()
start = time.perf_counter()
rows = run_query(graph, name, params).rows
took = time.perf_counter() - start
print(json.dumps({"seconds": took, "rows": len(rows), "peak_mib": hwm(), "base_mib": before}))
"""

IGRAPH_REFERENCE = r"""
import json, random, sqlite3, sys, time
import igraph
path = sys.argv[1]
start = time.perf_counter()
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
pivots = random.Random(42).sample(range(broker.vcount()), min(500, broker.vcount()))
between = broker.betweenness(directed=False, sources=pivots)
money = conn.execute("SELECT source, sum(json_extract(props, '$.amount_minor')) FROM links WHERE type = 'FUNDS' GROUP BY source").fetchall()
took = time.perf_counter() - start
line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"seconds": took, "peak_mib": int(line.split()[1]) / 1024}))
"""


def run_child(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def params_for(name: str, nodes: list) -> dict[str, object]:  # type: ignore[type-arg]
    if name == "ego":
        return {"actor": next(n.id for n in nodes if n.id.startswith("org:")), "hops": 2}
    return {}


def neo4j_times(size: int, nodes: list, links: list, server_uri: str) -> dict[str, float]:  # type: ignore[type-arg]
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
    for name in SPECS:
        if size > QUADRATIC.get(name, size):
            continue
        values = resolve_params(SPECS[name], params_for(name, nodes))
        start = time.perf_counter()
        backend.run_cypher(cypher_text(name), cypher_parameters(graph.onto, values, None))  # type: ignore[attr-defined]
        times[name] = time.perf_counter() - start
    backend.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument(
        "--neo4j-sizes",
        default="1000,10000",
        help="sizes also run on Neo4j (loading 1M links takes minutes on 2 cores)",
    )
    args = parser.parse_args()
    server = None
    if not args.no_neo4j:
        from tests.neo4j_support import neo4j_tools

        tools = neo4j_tools()
        tools.ensure_jars()
        server = tools.Neo4jServer(timeout=180)
        server.start()
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            nodes, links = generate_graph(size, 10, seed=size)
            with tempfile.TemporaryDirectory() as tmp:
                store = f"sqlite:///{tmp}/bench.db"
                backend = open_backend(store)
                load_generated(backend, nodes, links)
                backend.close()
                on_neo4j = server is not None and str(size) in args.neo4j_sizes.split(",")
                neo = neo4j_times(size, nodes, links, server.uri) if server and on_neo4j else {}
                print(f"\n== {size:,} actors, {len(links):,} links")
                print(f"{'query':24} {'sqlite s':>9} {'peak MiB':>9} {'rows':>10} {'neo4j s':>9}")
                for name in QUERIES:
                    if size > QUADRATIC.get(name, size):
                        print(f"{name:24} skipped: output grows with the square of actors per issue")
                        continue
                    result = run_child(CHILD, str(ROOT), store, name, json.dumps(params_for(name, nodes)))
                    neo_s = f"{neo[name]:9.2f}" if name in neo else f"{'-':>9}"
                    print(
                        f"{name:24} {result['seconds']:9.2f} {result['peak_mib']:9.0f} {result['rows']:10,} {neo_s}"
                    )
                    if name == "power-ranking":
                        ref = run_child(IGRAPH_REFERENCE, f"{tmp}/bench.db")
                        ratio = result["seconds"] / ref["seconds"]
                        print(
                            f"{'  igraph reference':24} {ref['seconds']:9.2f} {ref['peak_mib']:9.0f}"
                            f"   power-ranking / reference = {ratio:.2f}x"
                        )
    finally:
        if server:
            server.stop()
    sys.stdout.flush()
    print(f"\nbenchmark process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
