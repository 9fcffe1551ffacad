"""Neo4j load benchmark: batched, online bulk, offline import and naive loads, side by side.

One seeded graph (25,000 actors, 100,000 links by default) goes into one fresh
Neo4j server, started here from tools/neo4j/ (or ``PSP_BENCH_NEO4J_URI``, which
is wiped only if it is marked as a test database), four ways: ``apply``
(batched ``UNWIND``), ``bulk_apply`` (the online fast path into an empty
store), the offline ``neo4j-admin database import`` (writing the files and the
importer timed apart), and one autocommit MERGE per row (naive, on a sample of
``--sample`` links: its *rate* is compared). Prints links per wall second and
per CPU second (this process + the server JVM from /proc + the importer) with
the load average. ``--store-size N`` also writes import files from the
generated N-actor store of benchmarks/stores.py (``psp sync --import-files``,
history included) and imports them: the offline path at a size where the
importer's fixed cost is amortised (100000: about 1M links, 2-3 minutes more).
``--offline-links N`` runs the offline path once more on a generated graph of N
links (N/4 actors, the shape above, no history) and a tiny one (100 actors, 400
links): the tiny load's CPU is the fixed cost (the importer's JVM, the schema's
statements on a cold server), printed apart with the rate per link without it
(1000000: about 5 minutes more on 2 shared cores, 2 GiB of memory).

    python benchmarks/bench_neo4j_load.py [--actors 25000] [--links 100000] [--sample 5000]
        [--store-size N] [--offline-links N]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psp_graph.backends.neo4j import Neo4jBackend  # noqa: E402
from psp_graph.ids import link_id  # noqa: E402
from psp_graph.ontology import load_ontology  # noqa: E402
from psp_graph.records import Batch, ChangeSet, StoredLink, StoredNode, canonical_json  # noqa: E402
from tests.neo4j_support import neo4j_tools, wipe_test_database  # noqa: E402

ACTOR_TYPES = [
    ["Charity"],
    ["CommunityGroup"],
    ["Charity", "Funder"],
    ["PublicBody", "Funder"],
    ["LivedExperienceGroup"],
    ["Business"],
    ["NetworkOrCoalition"],
    ["ResearchBody"],
]
LINK_TYPES = ["FUNDS", "PARTNERS_WITH", "MEMBER_OF", "INFLUENCES", "ACCOUNTABLE_TO", "REPRESENTS"]
NODES_PER_BATCH = 10_000  # one Batch (one transaction) per this many rows, like a big file
LINKS_PER_BATCH = 25_000


def generate(actors: int, links: int, seed: int = 42) -> tuple[list[StoredNode], list[StoredLink]]:
    """A random actor network shaped like the seed data (attributes, sources, a few hubs)."""
    rng = random.Random(seed)
    onto = load_ontology()
    stamp = {"recorded_by": "bench", "recorded_at": "2026-01-01T00:00:00+00:00", "sources": ["src:bench"]}
    nodes = []
    for i in range(actors):
        types = rng.choice(ACTOR_TYPES)
        props: dict[str, Any] = {
            **stamp,
            "privacy": "public",
            "illustrative": True,
            "description": f"actor {i} working on issue {i % 40}",
        }
        if i % 3 == 0:
            props["identifiers"] = [f"GB-CHC-{i:07d}"]
        nodes.append(
            StoredNode(f"org:bench-{i:06d}", tuple(types), onto.labels_for(types), f"Bench Actor {i}", props)
        )
    hubs = actors // 100  # funders and networks with many links, as in real data
    out: dict[str, StoredLink] = {}
    while len(out) < links:
        j = len(out)
        rel = LINK_TYPES[j % len(LINK_TYPES)]
        source = nodes[rng.randrange(hubs) if rng.random() < 0.3 else rng.randrange(actors)].id
        target = nodes[rng.randrange(actors)].id
        props: dict[str, Any] = {**stamp, "issues": [f"issue:bench-{j % 40}"]}
        if rel == "FUNDS":
            props.update(
                amount_minor=rng.randrange(100_000, 10_000_000), currency="GBP", programme=f"Round {j % 7}"
            )
        elif rel == "INFLUENCES":
            props["strength"] = rng.randint(1, 5)
        # Ids as the Graph service makes them: a hash of type, ends and key attributes.
        lid = link_id(rel, source, target, {k: props.get(k) for k in onto.relations[rel].keys})
        out.setdefault(lid, StoredLink(lid, rel, source, target, props))
    return nodes, list(out.values())


def batches(items: list[Any], size: int, name: str) -> Iterator[Batch]:
    for start in range(0, len(items), size):
        cs = ChangeSet(f"cs-bench-{name}-{start:07d}", "2026-01-01T00:00:00+00:00", "bench", "load", "bench")
        chunk = items[start : start + size]
        yield (
            Batch(cs, upsert_nodes=chunk)
            if isinstance(chunk[0], StoredNode)
            else Batch(cs, upsert_links=chunk)
        )


def load_batched(
    store: Neo4jBackend, nodes: list[StoredNode], links: list[StoredLink]
) -> tuple[float, float, float]:
    """Seconds for the nodes, for the links, and this process's CPU seconds (driver encoding)."""
    cpu = time.process_time()
    started = time.perf_counter()
    for batch in batches(nodes, NODES_PER_BATCH, "nodes"):
        store.apply(batch)
    nodes_done = time.perf_counter()
    for batch in batches(links, LINKS_PER_BATCH, "links"):
        store.apply(batch)
    return nodes_done - started, time.perf_counter() - nodes_done, time.process_time() - cpu


def warm_up(store: Neo4jBackend, uri: str) -> None:
    """Load a small graph both ways first, so the JVM's compiled code is what gets measured."""
    # Small enough to keep make bench within 20 minutes (5,000 actors took 69 s of it).
    nodes, links = generate(2_000, 8_000, seed=7)
    wipe_test_database(uri)
    store.bulk_apply(chain(batches(nodes, NODES_PER_BATCH, "wn"), batches(links, LINKS_PER_BATCH, "wl")))
    wipe_test_database(uri)
    load_batched(store, nodes, links)
    wipe_test_database(uri)
    load_naive(store, nodes[:200], [])
    for batch in batches(nodes[200:], NODES_PER_BATCH, "warm"):
        store.apply(batch)
    load_naive(store, [], links[:800])


def load_naive(store: Neo4jBackend, nodes: list[StoredNode], links: list[StoredLink]) -> tuple[float, float]:
    """One autocommit MERGE per node and per link (labels and types still from the whitelist)."""
    started = time.perf_counter()
    with store.driver.session(database=store.database) as session:
        for n in nodes:
            labels = "".join(f":`{label}`" for label in n.labels)
            session.run(
                f"MERGE (n:Entity {{id: $id}}) SET n = $props SET n{labels}",
                id=n.id,
                props={
                    "id": n.id,
                    "name": n.name,
                    "types": list(n.types),
                    "labels": list(n.labels),
                    "psp_props": canonical_json(n.props),
                },
            ).consume()
        nodes_done = time.perf_counter()
        for x in links:
            session.run(
                f"MATCH (s:Entity {{id: $source}}) MATCH (t:Entity {{id: $target}}) "
                f"MERGE (s)-[r:`{x.type}` {{id: $id}}]->(t) SET r = $props",
                source=x.source,
                target=x.target,
                id=x.id,
                props={"id": x.id, "psp_props": canonical_json(x.props)},
            ).consume()
    return nodes_done - started, time.perf_counter() - nodes_done


def load_bulk(store: Neo4jBackend, nodes: list[StoredNode], links: list[StoredLink]) -> float:
    """Seconds for the whole graph through the online fast path (``bulk_apply``, empty store)."""
    started = time.perf_counter()
    store.bulk_apply(
        chain(batches(nodes, NODES_PER_BATCH, "nodes"), batches(links, LINKS_PER_BATCH, "links"))
    )
    return time.perf_counter() - started


def load_offline(nodes: list[StoredNode], links: list[StoredLink], work: Path) -> dict[str, float]:
    """The offline path: import files, ``neo4j-admin database import``, then the schema on
    first open. Wall and CPU seconds of each step (CPU: this process, the importer, the server)."""
    from psp_graph.backends.neo4j_import import write_import_files
    from psp_graph.backends.neo4j_writes import BatchWriter

    out: dict[str, float] = {}
    cpu, started = time.process_time(), time.perf_counter()
    files = write_import_files(
        BatchWriter(load_ontology()),
        chain(batches(nodes, NODES_PER_BATCH, "nodes"), batches(links, LINKS_PER_BATCH, "links")),
        work / "files",
    )
    out["files"], out["files_cpu"] = time.perf_counter() - started, time.process_time() - cpu
    out.update(import_and_open(files.folder, work / "home", len(nodes), len(links)))
    return out


def offline_from_store(size: int, work: Path) -> tuple[int, dict[str, float]]:
    """``psp sync --import-files`` from the generated store of ``size`` actors (history
    included), then the importer: the offline path at scale. Returns the links and the steps."""
    from benchmarks.stores import generated_store
    from psp_graph.graph import Graph
    from psp_graph.sync import write_import

    path = generated_store(size)
    out: dict[str, float] = {}
    with Graph.open(f"sqlite:///{path}") as source:
        cpu, started = time.process_time(), time.perf_counter()
        files = write_import(source, work / "files")
        out["files"], out["files_cpu"] = time.perf_counter() - started, time.process_time() - cpu
    out.update(import_and_open(files.folder, work / "home", files.nodes, files.links))
    return files.links, out


def import_and_open(folder: Path, home: Path, nodes: int, links: int) -> dict[str, float]:
    """``neo4j-admin database import`` of ``folder`` into ``home``, then a server on it and the
    schema on first open; checks the counts."""
    tools = neo4j_tools()
    out: dict[str, float] = {}
    started = time.perf_counter()
    out["import_cpu"] = tools.import_database(home, folder)
    out["import"] = time.perf_counter() - started
    started = time.perf_counter()
    with tools.Neo4jServer(timeout=300, data_dir=home) as server:
        out["start"] = time.perf_counter() - started
        server_cpu = out["start_cpu"] = jvm_cpu(server)
        threads = jvm_threads(server)
        cpu, started = time.process_time(), time.perf_counter()
        store = Neo4jBackend(server.uri)  # creates the constraints and indexes, and waits for them
        try:
            out["schema"] = time.perf_counter() - started
            out["schema_cpu"] = time.process_time() - cpu + jvm_cpu(server) - server_cpu
            for name, seconds in jvm_threads(server).items():
                out[f"schema_{name}_cpu"] = seconds - threads.get(name, 0.0)
            assert store.stats().links == links and store.stats().nodes == nodes
        finally:
            store.close()
    return out


def jvm_cpu(server: Any) -> float:
    """CPU seconds the server's JVM has used so far (0 for a server we did not start)."""
    if server is None:
        return 0.0
    fields = Path(f"/proc/{server._proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def jvm_threads(server: Any) -> dict[str, float]:
    """The server JVM's CPU seconds so far by kind of thread: ``jit`` (the C1 and C2
    compilers), ``population`` (index population), ``other`` (Bolt workers, GC, ...)."""
    out = {"jit": 0.0, "population": 0.0, "other": 0.0}
    if server is None:
        return out
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{server._proc.pid}/task").iterdir():
        try:
            name = (task / "comm").read_text()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        kind = "jit" if "CompilerThre" in name else "population" if "IndexPopu" in name else "other"
        out[kind] += (int(fields[11]) + int(fields[12])) / tick
    return out


@contextmanager
def neo4j_server() -> Iterator[tuple[str, Any]]:
    given = os.environ.get("PSP_BENCH_NEO4J_URI")
    if given:
        yield given, None
        return
    with neo4j_tools().Neo4jServer(timeout=180) as server:
        yield server.uri, server


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} {five:.1f} {fifteen:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 25,000 actors and 100,000 links keep make bench within 20 minutes (the rates per link
    # are those of 200,000: docs/benchmarks.md has both).
    parser.add_argument("--actors", type=int, default=25_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument(
        "--sample", type=int, default=5_000, help="links loaded the naive way (rate compared)"
    )
    parser.add_argument(
        "--store-size", type=int, default=0, help="also import the generated store of this many actors"
    )
    parser.add_argument(
        "--offline-links",
        type=int,
        default=0,
        help="also run the offline path on a generated graph of this many links, fixed costs apart",
    )
    args = parser.parse_args()
    for name in ("PSP_NEO4J_USER", "PSP_NEO4J_PASSWORD", "PSP_NEO4J_DATABASE"):
        os.environ.pop(name, None)  # the benchmark's own server has auth off

    began = time.perf_counter()
    nodes, links = generate(args.actors, args.links)
    sample_nodes = min(args.sample // 4, len(nodes))
    print(f"graph: {len(nodes):,} actors, {len(links):,} links (seed 42); cores: {os.cpu_count()}; {load()}")
    rows: list[tuple[str, float, float, float]] = []  # method, links, wall s, CPU s (client + server)
    with neo4j_server() as (uri, server):
        wipe_test_database(uri)
        store = Neo4jBackend(uri)
        try:
            started = time.perf_counter()
            warm_up(store, uri)
            print(f"warm-up (2,000 actors, 8,000 links, both ways): {time.perf_counter() - started:.0f} s")
            wipe_test_database(uri)
            server_cpu = jvm_cpu(server)
            node_s, link_s, client_cpu = load_batched(store, nodes, links)
            assert store.stats().links == len(links)
            cpu_s = client_cpu + jvm_cpu(server) - server_cpu
            rows.append(("batched UNWIND (apply)", len(links), node_s + link_s, cpu_s))
            print(
                f"batched UNWIND: {len(nodes):,} nodes in {node_s:.1f} s, {len(links):,} links in "
                f"{link_s:.1f} s (wall); {load()}"
            )

            wipe_test_database(uri)
            server_cpu, cpu = jvm_cpu(server), time.process_time()
            bulk_s = load_bulk(store, nodes, links)
            assert store.stats().links == len(links)
            cpu_s = time.process_time() - cpu + jvm_cpu(server) - server_cpu
            rows.append(("online bulk (bulk_apply, empty store)", len(links), bulk_s, cpu_s))
            print(f"online bulk: {bulk_s:.1f} s (wall); {load()}")

            wipe_test_database(uri)
            # Naive nodes on a sample; the rest go in batched (untimed) so the naive links find their ends.
            naive_node_s, _ = load_naive(store, nodes[:sample_nodes], [])
            for batch in batches(nodes[sample_nodes:], NODES_PER_BATCH, "rest"):
                store.apply(batch)
            server_cpu, cpu = jvm_cpu(server), time.process_time()
            _, naive_link_s = load_naive(store, [], links[: args.sample])
            cpu_s = time.process_time() - cpu + jvm_cpu(server) - server_cpu
            rows.append((f"naive MERGE per row ({args.sample:,} links)", args.sample, naive_link_s, cpu_s))
            print(
                f"naive MERGE per row: {sample_nodes:,} nodes at {sample_nodes / naive_node_s:,.0f}/s, "
                f"{args.sample:,} links at {args.sample / naive_link_s:,.0f}/s (wall); {load()}"
            )
            wipe_test_database(uri)
        finally:
            store.close()
    with tempfile.TemporaryDirectory(prefix="psp-bench-import-") as work:
        steps = load_offline(nodes, links, Path(work))
    rows += offline_rows("offline", len(links), steps)
    if args.store_size:
        with tempfile.TemporaryDirectory(prefix="psp-bench-import-") as work:
            count, steps = offline_from_store(args.store_size, Path(work))
        rows += offline_rows(f"offline, {args.store_size:,}-actor store", count, steps)
    if args.offline_links:
        rows += offline_at_scale(args.offline_links)

    naive = rows[2]
    print(
        f"\n{'load':<58} {'links':>9} {'wall s':>7} {'CPU s':>7} {'links/s':>9} {'per CPU-s':>10} {'us/link':>8} {'x naive':>8}"
    )
    for name, count, wall_s, cpu_s in rows:
        ratio = (count / cpu_s) / (naive[1] / naive[3]) if cpu_s and server is not None else float("nan")
        print(
            f"{name:<58} {count:>9,.0f} {wall_s:>7.1f} {cpu_s:>7.1f} {count / wall_s:>9,.0f} "
            f"{count / cpu_s if cpu_s else 0:>10,.0f} {cpu_s / count * 1e6:>8.1f} {ratio:>7.1f}x"
        )
    whole = [r for r in rows if not r[0].startswith("  ")]
    best = max(whole, key=lambda r: r[1] / r[3] if r[3] else 0)
    rate, ratio = best[1] / best[3], (best[1] / best[3]) / (naive[1] / naive[3])
    print(
        f"targets (fastest whole load: {best[0]}, per CPU second, client + server + importer): "
        f">= 50,000 links/s: {'met' if rate >= 50_000 else 'MISSED'} ({rate:,.0f}); "
        f">= 30x naive: {'met' if ratio >= 30 else 'MISSED'} ({ratio:.0f}x)"
    )
    print(f"whole benchmark: {time.perf_counter() - began:.0f} s wall; {load()}")
    return 0


def offline_at_scale(links: int) -> list[tuple[str, float, float, float]]:
    """The offline path on ``links`` generated links, and on a tiny graph for its fixed cost;
    prints the rate with and without the fixed cost."""
    with tempfile.TemporaryDirectory(prefix="psp-bench-import-") as work:
        fixed = load_offline(*generate(100, 400, seed=3), Path(work))
    print(
        f"fixed costs (100 actors, 400 links): importer {fixed['import']:.1f} s "
        f"(CPU {fixed['import_cpu']:.1f}), schema on first open {fixed['schema']:.1f} s "
        f"(CPU {fixed['schema_cpu']:.1f}, of which the server's JIT {fixed['schema_jit_cpu']:.1f}); server start "
        f"{fixed['start']:.1f} s (CPU {fixed['start_cpu']:.1f}), not counted; {load()}"
    )
    started = time.perf_counter()
    nodes, generated = generate(links // 4, links)
    print(
        f"generated {len(nodes):,} actors, {len(generated):,} links in {time.perf_counter() - started:.0f} s"
    )
    with tempfile.TemporaryDirectory(prefix="psp-bench-import-") as work:
        steps = load_offline(nodes, generated, Path(work))
    del nodes, generated
    rows = offline_rows(f"offline, {links:,} links", links, steps)
    wall = rows[0][2] - (fixed["files"] + fixed["import"] + fixed["schema"])
    cpu = rows[0][3] - (fixed["files_cpu"] + fixed["import_cpu"] + fixed["schema_cpu"])
    print(
        f"offline, {links:,} links, without the fixed costs: {links / wall:,.0f} links per wall second, "
        f"{links / cpu:,.0f} per CPU second ({cpu / links * 1e6:.0f} us CPU per link)"
    )
    return [*rows, ("  ... without the fixed costs (tiny load's)", links, wall, cpu)]


def offline_rows(name: str, links: int, steps: dict[str, float]) -> list[tuple[str, float, float, float]]:
    """The offline path as one whole row, then its steps (indented)."""
    print(
        f"{name}: files {steps['files']:.1f} s (CPU {steps['files_cpu']:.1f}), neo4j-admin import "
        f"{steps['import']:.1f} s (CPU {steps['import_cpu']:.1f}), constraints and indexes on first open "
        f"{steps['schema']:.1f} s (CPU {steps['schema_cpu']:.1f}; server threads: JIT {steps['schema_jit_cpu']:.1f}, "
        f"index population {steps['schema_population_cpu']:.1f}, other {steps['schema_other_cpu']:.1f}); "
        f"server start {steps['start']:.1f} s (CPU {steps['start_cpu']:.1f}), not counted; {load()}"
    )
    wall = steps["files"] + steps["import"] + steps["schema"]
    cpu = steps["files_cpu"] + steps["import_cpu"] + steps["schema_cpu"]
    return [
        (f"{name} (files + importer + schema)", links, wall, cpu),
        ("  writing the files (Python)", links, steps["files"], steps["files_cpu"]),
        ("  neo4j-admin import (JVM, fixed cost included)", links, steps["import"], steps["import_cpu"]),
        ("  constraints and indexes on first open", links, steps["schema"], steps["schema_cpu"]),
    ]


if __name__ == "__main__":
    sys.exit(main())
