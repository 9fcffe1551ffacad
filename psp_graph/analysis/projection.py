"""One projection from links to the graph an analysis needs, and the graph
algorithms every backend shares.

Which relationship types an analysis uses, and which way power flows along
them, come from the ontology (``psp:analysisRole``, ``psp:powerFlow``). The
algorithms run in igraph (C), so a million links take seconds; networkx is
available from :meth:`Projection.to_networkx` for anyone exploring.
"""

from __future__ import annotations

import itertools
import math
import random
from collections import defaultdict, deque
from collections.abc import Iterable
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from psp_graph.ontology import Ontology

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EdgeTable",
    "Projection",
    "articulation_points",
    "betweenness",
    "constraint",
    "load_igraph",
    "pagerank",
    "project",
]

Edge = tuple[str, str, str, float]  # source, target, relationship type, weight


class Projection:
    """Sorted nodes and collapsed, weighted edges (``u < v`` when undirected).

    Built by :func:`project` as integer arrays (edge ``i`` joins ``nodes[heads[i]]``
    and ``nodes[tails[i]]``, sorted by that pair), or from an ``edges`` mapping;
    :attr:`edges` gives the mapping either way. The igraph graph is made once and
    shared by every algorithm run on the projection."""

    def __init__(
        self,
        nodes: list[str],
        edges: dict[tuple[str, str], float] | None = None,
        directed: bool = False,
        *,
        arrays: tuple[Any, Any, Any] | None = None,
    ) -> None:
        import numpy as np

        self.nodes = nodes
        self.directed = directed
        if arrays is None:
            index = {node: i for i, node in enumerate(nodes)}
            pairs = edges or {}
            heads = np.fromiter((index[u] for u, _ in pairs), np.int64, len(pairs))
            tails = np.fromiter((index[v] for _, v in pairs), np.int64, len(pairs))
            order = np.lexsort((tails, heads))
            arrays = (heads[order], tails[order], np.fromiter(pairs.values(), np.float64, len(pairs))[order])
        self.heads: Any = arrays[0]
        self.tails: Any = arrays[1]
        self.weights: Any = arrays[2]
        self._igraph: Any = None
        self._local: tuple[Any, Any, Any] | None = None  # graph, order, position

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def edges(self) -> dict[tuple[str, str], float]:
        """``{(u, v): summed weight}``."""
        nodes = self.nodes
        return {
            (nodes[u], nodes[v]): float(w)
            for u, v, w in zip(self.heads.tolist(), self.tails.tolist(), self.weights.tolist(), strict=True)
        }

    def to_igraph(self) -> Any:
        """The projection as an igraph graph (``weight`` on edges), made once."""
        if self._igraph is None:
            igraph = load_igraph()
            pairs = list(zip(self.heads.tolist(), self.tails.tolist(), strict=True))
            graph = igraph.Graph(n=len(self.nodes), edges=pairs, directed=self.directed)
            graph.es["weight"] = self.weights.tolist()
            self._igraph = graph
        return self._igraph

    def to_local_igraph(self) -> tuple[Any, Any, Any]:
        """The undirected projection as an igraph graph (no weights) whose vertices are
        numbered in breadth-first order, made once: ``(graph, order, position)``, where
        vertex ``k`` is node ``order[k]`` and node ``i`` is vertex ``position[i]``.

        Node ids are sorted as text, so a node's neighbours lie all over the arrays that a
        search reads; numbered in the order a breadth-first search meets them, neighbours
        are mostly close, and each search from a pivot reads memory that is already in the
        cache: betweenness from 100 pivots on 100,000 actors takes about half the time
        (docs/benchmarks.md, session 6). O(n + m) to make."""
        if self.directed:
            raise ValueError("a local numbering is made for an undirected projection only")
        if self._local is None:
            import numpy as np

            order = _breadth_first_order(len(self.nodes), self.heads, self.tails)
            position = np.empty_like(order)
            position[order] = np.arange(len(order))
            graph = load_igraph().Graph(n=len(self.nodes))
            graph.add_edges(np.column_stack([position[self.heads], position[self.tails]]))
            self._local = (graph, order, position)
        return self._local

    def to_networkx(self) -> nx.Graph:
        import networkx as nx

        graph: nx.Graph = nx.DiGraph() if self.directed else nx.Graph()
        graph.add_nodes_from(self.nodes)
        graph.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(self.edges.items()))
        return graph


SEARCHES_FOR_ORDER = 16  # breadth-first searches that number the nodes; the rest keep id order


def _breadth_first_order(n: int, heads: Any, tails: Any) -> Any:
    """The nodes ``0..n-1`` of an undirected graph (edges ``heads[i]``–``tails[i]``, each
    pair once) in the order breadth-first searches meet them: each search starts at the
    node of highest degree not yet met (the lowest index among equals), one level at a
    time in numpy; after SEARCHES_FOR_ORDER searches (the large components) the nodes
    not met follow in index order. Deterministic; O((n + m) log m)."""
    import numpy as np

    rows, cols = np.concatenate([heads, tails]), np.concatenate([tails, heads])
    neighbours = cols[np.argsort(rows, kind="stable")]
    degree = np.bincount(rows, minlength=n)
    first = np.concatenate([[0], np.cumsum(degree)[:-1]])  # where each node's neighbours start
    met = np.zeros(n, dtype=bool)
    by_degree = np.argsort(-degree, kind="stable")
    found = []
    for _ in range(SEARCHES_FOR_ORDER):
        left = by_degree[~met[by_degree]]
        if not len(left) or degree[left[0]] == 0:
            break
        frontier = left[:1]
        met[frontier] = True
        while len(frontier):
            found.append(frontier)
            counts = degree[frontier]
            # The neighbours of the frontier, in its order: each node's run of the array.
            runs = np.repeat(first[frontier] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
            reached = neighbours[runs]
            reached = reached[~met[reached]]
            _, at = np.unique(reached, return_index=True)
            frontier = reached[np.sort(at)]  # each once, in the order first reached
            met[frontier] = True
    found.append(np.flatnonzero(~met))
    return np.concatenate(found).astype(np.int64)


def load_igraph() -> Any:
    """The igraph module, imported without its matplotlib drawing back end.

    ``import igraph`` imports ``matplotlib.pyplot`` for plotting when matplotlib is
    installed (it is, for posters): about 1 s on every analysis, for drawing that
    psp-graph never asks igraph to do. While igraph is first imported, matplotlib is
    made to look absent; afterwards it imports normally for anyone who wants it."""
    import sys

    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        import igraph

        return igraph
    sys.modules["matplotlib"] = None  # type: ignore[assignment]  # import matplotlib -> ImportError
    try:
        import igraph
    finally:
        del sys.modules["matplotlib"]
    return igraph


def _sorted_numbering(met: list[str]) -> tuple[list[str], Any]:
    """The ids numbered in the order met, sorted, and the array from each first-met number
    to its place among the sorted ids."""
    import numpy as np

    ranked = sorted(range(len(met)), key=met.__getitem__)
    moved = np.empty(len(met), dtype=np.int64)
    moved[ranked] = np.arange(len(met))
    return [met[i] for i in ranked], moved


class EdgeTable:
    """Links as integer columns over one sorted list of node ids, made once and shared by
    every projection of the same links (no per-link Python work after this).

    :meth:`to_bytes` and :meth:`from_bytes` give the table as kept in a store between
    analyses (about 18 bytes a link, read back in a few milliseconds per 100,000)."""

    names: list[str]
    types: list[str]
    sources: Any
    targets: Any
    type_codes: Any
    weights: Any
    _index: dict[str, int]

    def __init__(self, edges: list[Edge], nodes: Iterable[str] = ()) -> None:
        import numpy as np

        # map() over C callables: no Python bytecode per link.
        first, second, kind, weight = (itemgetter(i) for i in range(4))
        count = len(edges)
        table = EdgeTable.of_columns(
            map(first, edges),
            map(second, edges),
            map(kind, edges),
            np.fromiter(map(weight, edges), np.float64, count),
            nodes,
        )
        self.names, self.types, self._index = table.names, table.types, table._index
        self.sources, self.targets, self.type_codes, self.weights = (
            table.sources,
            table.targets,
            table.type_codes,
            table.weights,
        )

    @classmethod
    def of_columns(
        cls,
        sources: Iterable[str],
        targets: Iterable[str],
        kinds: Iterable[str],
        weights: Any,
        nodes: Iterable[str] = (),
    ) -> EdgeTable:
        """The table of links given as columns (``weights`` a float array, the others as
        many ids and types) over the ids of their ends and ``nodes``.

        Each id is looked up once, numbered as first met (a dict that numbers what it has
        not seen, all in C), and the numbers are then moved to the ids' sorted order in
        numpy: half the dict work of collecting the ids first and numbering them after."""
        import numpy as np

        count = len(weights)
        numbered: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        deque(map(numbered.__getitem__, nodes), maxlen=0)
        sources_met = np.fromiter(map(numbered.__getitem__, sources), np.int64, count)
        targets_met = np.fromiter(map(numbered.__getitem__, targets), np.int64, count)
        kinds_numbered: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        kinds_met = np.fromiter(map(kinds_numbered.__getitem__, kinds), np.int64, count)
        names, moved = _sorted_numbering(list(numbered))
        types, kind_moved = _sorted_numbering(list(kinds_numbered))
        columns = (moved[sources_met], moved[targets_met], kind_moved[kinds_met], weights)
        return cls._of(names, types, columns)

    @classmethod
    def _of(cls, names: list[str], types: list[str], columns: tuple[Any, Any, Any, Any]) -> EdgeTable:
        table = cls.__new__(cls)
        table.names, table.types = names, types
        table.sources, table.targets, table.type_codes, table.weights = columns
        table._index = {node: i for i, node in enumerate(names)}
        return table

    def with_nodes(self, nodes: Iterable[str]) -> EdgeTable:
        """The same links over the node ids and these (an actor without links still counts)."""
        import numpy as np

        missing = set(nodes) - self._index.keys()  # in C: 100,000 actors in milliseconds
        if not missing:
            return self
        names = sorted({*self.names, *missing})
        index = {node: i for i, node in enumerate(names)}
        moved = np.fromiter(map(index.__getitem__, self.names), np.int64, len(self.names))
        columns = (moved[self.sources], moved[self.targets], self.type_codes, self.weights)
        return EdgeTable._of(names, self.types, columns)

    def to_bytes(self) -> bytes:
        """The table as one blob (numpy's npz: arrays and the ids as JSON, nothing pickled)."""
        import io
        import json

        import numpy as np

        buffer = io.BytesIO()
        text = np.frombuffer(json.dumps([self.names, self.types]).encode(), dtype=np.uint8)
        np.savez(
            buffer,
            ids=text,
            sources=self.sources.astype(np.int32),
            targets=self.targets.astype(np.int32),
            type_codes=self.type_codes.astype(np.int16),
            weights=self.weights,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> EdgeTable:
        """The table :meth:`to_bytes` gave; ValueError for anything else (damaged data)."""
        import io
        import json
        import zipfile

        import numpy as np

        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                names, types = json.loads(arrays["ids"].tobytes())
                columns = tuple(
                    arrays[name].astype(kind)
                    for name, kind in (
                        ("sources", np.int64),
                        ("targets", np.int64),
                        ("type_codes", np.int64),
                        ("weights", np.float64),
                    )
                )
        except (zipfile.BadZipFile, KeyError, EOFError, OSError) as err:
            raise ValueError(f"not an edge table: {err}") from err
        if not len(columns[0]) == len(columns[1]) == len(columns[2]) == len(columns[3]):
            raise ValueError("not an edge table: columns of different lengths")
        return cls._of(names, types, columns)

    def mask(self, ids: Iterable[str]) -> Any:
        """A boolean array over :attr:`names`: True for the given ids."""
        import numpy as np

        found = np.zeros(len(self.names), dtype=bool)
        found[[self._index[i] for i in ids if i in self._index]] = True
        return found


def project(
    edges: list[Edge] | EdgeTable,
    onto: Ontology,
    roles: tuple[str, ...],
    *,
    directed: bool,
    nodes: Iterable[str] | None = None,
    within: Iterable[str] | None = None,
) -> Projection:
    """Build a projection from links with the given roles (between ``within`` nodes only,
    when given); parallel links collapse with summed weights.

    Directed projections point every edge *towards the end that holds the power*
    the link expresses (funder, influencer, seat holder), so PageRank flows to
    power holders; ``shared`` links point both ways. Nodes (``nodes`` and every end
    of a kept link) are sorted and edges sorted by their ends, so results never
    depend on the order a backend returned rows. In numpy: O(edges log edges).
    """
    import numpy as np

    nodes = list(nodes or [])
    table = edges if isinstance(edges, EdgeTable) else EdgeTable(edges, nodes)
    types = onto.relations_with_role(*roles)
    # Per type code: 0 towards the source, 1 towards the target, 2 both ways, -1 not used.
    flows = {"source": 0, "target": 1}
    code_of = np.array(
        [flows.get(onto.relations[t].power_flow or "", 2) if t in types else -1 for t in table.types] or [-1],
        dtype=np.int64,
    )
    flow = code_of[table.type_codes] if len(table.type_codes) else table.type_codes
    keep = (flow >= 0) & (table.sources != table.targets)
    if within is not None:
        inside = table.mask(within)
        keep &= inside[table.sources] & inside[table.targets]
    sources, targets, weights, flow = (
        table.sources[keep],
        table.targets[keep],
        table.weights[keep],
        flow[keep],
    )
    member = table.mask(nodes)
    member[sources] = True
    member[targets] = True
    kept_nodes = np.flatnonzero(member)
    ordered = list(map(table.names.__getitem__, kept_nodes.tolist()))
    position = np.cumsum(member) - 1  # global index -> index among the kept nodes
    sources, targets = position[sources], position[targets]
    if not directed:
        heads, tails = np.minimum(sources, targets), np.maximum(sources, targets)
    else:
        towards_source, both = flow == 0, flow == 2
        heads = np.concatenate([np.where(towards_source, targets, sources), targets[both]])
        tails = np.concatenate([np.where(towards_source, sources, targets), sources[both]])
        weights = np.concatenate([weights, weights[both]])
    n = max(len(ordered), 1)
    keys, inverse = np.unique(heads * n + tails, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=weights, minlength=len(keys)).astype(np.float64)
    return Projection(ordered, directed=directed, arrays=(keys // n, keys % n, summed))


def pagerank(proj: Projection, *, damping: float = 0.85) -> dict[str, float]:
    """Weighted PageRank (dangling nodes spread their rank evenly). O(edges)."""
    if not proj.nodes:
        return {}
    values = proj.to_igraph().pagerank(weights="weight", damping=damping, directed=proj.directed)
    return dict(zip(proj.nodes, values, strict=True))


# Sampled betweenness above this much work (pivots x edges) runs on up to WORKERS cores.
PARALLEL_ABOVE = 5_000_000
PIVOTS_PER_TASK = 8
_SHARED: list[Any] = []  # the graph a forked worker reads (inherited, never pickled)
LAST_RUN = {"processes": 1}  # how many processes the last sampled betweenness used


def workers() -> int:
    """How many processes may share a sampled betweenness: PSP_WORKERS, else the cores
    this process may use (at most 4)."""
    import os

    wanted = os.environ.get("PSP_WORKERS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    # sched_getaffinity (the cores this process may use) exists on Linux only.
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return max(1, min(4, cores))


def _may_fork() -> bool:
    """True where a worker can be forked safely: no other thread in this process."""
    import multiprocessing
    import threading

    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def _pivot_part(task: tuple[int, list[int]]) -> Any:
    import numpy as np

    return task[0], np.asarray(_SHARED[0].betweenness(directed=False, sources=task[1]))


def _betweenness_parts(graph: Any, groups: list[tuple[float, list[int]]], pivots: int) -> list[Any]:
    """igraph's betweenness from each group of pivots, summed per group.

    Each group is cut into tasks of at most PIVOTS_PER_TASK pivots, computed and summed
    in the same order whether they run here or, with enough work, in forked worker
    processes (igraph holds the interpreter lock while it runs): on 2 cores about half
    the wall time for the same CPU time, and the same values to the last bit either way.
    Only in a process without other threads (a fork copies one thread: the workshop
    server stays serial) and where the platform forks."""
    import multiprocessing

    import numpy as np

    tasks = [
        (g, group[start : start + PIVOTS_PER_TASK])
        for g, (_, group) in enumerate(groups)
        for start in range(0, len(group), PIVOTS_PER_TASK)
    ]
    count = min(workers(), len(tasks))
    parallel = count > 1 and pivots * graph.ecount() > PARALLEL_ABOVE and _may_fork()
    LAST_RUN["processes"] = count if parallel else 1
    _SHARED[:] = [graph]
    try:
        if parallel:
            with multiprocessing.get_context("fork").Pool(count) as pool:
                results = pool.map(_pivot_part, tasks, chunksize=1)
        else:
            results = [_pivot_part(task) for task in tasks]
    finally:
        _SHARED.clear()
    sums = [np.zeros(graph.vcount()) for _ in groups]
    for g, values in results:  # in task order
        sums[g] += values
    return sums


def betweenness(
    proj: Projection, *, exact_below: int, samples: int, seed: int
) -> tuple[dict[str, float], bool]:
    """Normalised, unweighted betweenness on an undirected projection: exact below
    ``exact_below`` nodes, else estimated from ``samples`` pivots. Returns (values,
    sampled). O(n·m) exact, O(k·m) sampled.

    The estimate folds the leaves (nodes of degree 1) into their neighbour: every
    shortest path from a leaf runs through its one neighbour ``u``, so a leaf's
    dependencies are ``u``'s, plus the rest of its component for ``u`` itself. Pivots
    are drawn with ``seed`` from the sorted nodes that are not leaves; each counts
    once for itself and once per leaf hanging on it, scaled by (non-leaves / pivots),
    and the leaves' exact share is added to their neighbours. With every non-leaf as
    a pivot this is the exact value; with fewer, it has the same expectation as
    sampling all nodes but far less spread where many leaves hang on a few hubs
    (docs/benchmarks.md has the accuracy measured on the 10k-actor store)."""
    import numpy as np

    n = len(proj.nodes)
    if n <= 2:
        return dict.fromkeys(proj.nodes, 0.0), False
    graph, _, position = proj.to_local_igraph()  # node i is vertex position[i]
    scale = 2.0 / ((n - 1) * (n - 2))
    if n < exact_below:
        values = np.asarray(graph.betweenness(directed=False))[position].tolist()
        return {node: v * scale for node, v in zip(proj.nodes, values, strict=True)}, False
    degree = np.bincount(np.concatenate([proj.heads, proj.tails]), minlength=n)
    leaves = np.flatnonzero(degree == 1)
    # The neighbour of each leaf; a pair of leaves joined to each other has no paths through it.
    ends = np.concatenate([proj.tails[np.isin(proj.heads, leaves)], proj.heads[np.isin(proj.tails, leaves)]])
    ends = ends[degree[ends] > 1]
    hanging = np.bincount(ends, minlength=n).astype(np.float64)
    candidates = np.flatnonzero(degree > 1).tolist()
    total = np.zeros(n)
    if candidates:
        # Drawn among the nodes in id order; searched from their place in the local numbering.
        pivots = random.Random(seed).sample(candidates, min(samples, len(candidates)))
        weight = 1.0 + hanging[pivots]
        local = position[pivots].tolist()
        groups = [  # one igraph call per distinct weight
            (w, [p for p, pw in zip(local, weight.tolist(), strict=True) if pw == w])
            for w in sorted(set(weight.tolist()))
        ]
        for w, part in zip(groups, _betweenness_parts(graph, groups, len(pivots)), strict=True):
            total += w[0] * part[position]
        total *= len(candidates) / len(pivots)
    components = graph.connected_components()
    size = np.asarray(components.sizes(), dtype=np.float64)[np.asarray(components.membership)[position]]
    total += hanging * (size - 2.0) / 2.0  # undirected: each pair once
    return {node: float(v) * scale for node, v in zip(proj.nodes, total.tolist(), strict=True)}, True


def constraint(proj: Projection) -> dict[str, float | None]:
    """Burt's constraint (unweighted, as igraph's); None for isolated nodes.

    On a simple undirected graph ``c_i = (1/d_i²) Σ_{j∈N(i)} (1 + Σ_{q∈N(i)∩N(j)} 1/d_q)²``,
    so it needs each edge's common neighbours only: computed from igraph's list of
    triangles, O(m^1.5) at worst (igraph's own routine is O(Σ d²), minutes on a hub)."""
    import numpy as np

    n = len(proj.nodes)
    if not n:
        return {}
    if proj.directed:
        values = proj.to_igraph().constraint()
        return {node: None if math.isnan(v) else float(v) for node, v in zip(proj.nodes, values, strict=True)}
    heads, tails = proj.heads, proj.tails  # u < v, sorted by (u, v), no self-loops
    degree = np.bincount(np.concatenate([heads, tails]), minlength=n).astype(np.float64)
    inverse = np.zeros(n)
    inverse[degree > 0] = 1.0 / degree[degree > 0]
    keys = heads * n + tails
    shared = np.zeros(len(keys))
    graph, order, _ = proj.to_local_igraph()  # the graph betweenness searched, made once
    triangles = order[np.asarray(graph.list_triangles(), dtype=np.int64).reshape(-1, 3)]
    for x, y, z in ((0, 1, 2), (0, 2, 1), (1, 2, 0)):
        u = np.minimum(triangles[:, x], triangles[:, y])
        v = np.maximum(triangles[:, x], triangles[:, y])
        np.add.at(shared, np.searchsorted(keys, u * n + v), inverse[triangles[:, z]])
    term = (1.0 + shared) ** 2
    sums = np.bincount(heads, weights=term, minlength=n) + np.bincount(tails, weights=term, minlength=n)
    values = (sums * inverse * inverse).tolist()
    return {
        node: (float(v) if d else None)
        for node, v, d in zip(proj.nodes, values, degree.tolist(), strict=True)
    }


def articulation_points(proj: Projection) -> set[str]:
    """Nodes whose removal disconnects their component."""
    if not proj.nodes:
        return set()
    if proj.directed:
        return {proj.nodes[i] for i in proj.to_igraph().articulation_points()}
    graph, order, _ = proj.to_local_igraph()
    return {proj.nodes[i] for i in order[graph.articulation_points()].tolist()}
