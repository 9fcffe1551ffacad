"""Seeded, deterministic node positions, and layouts saved in the store.

Each connected component is laid out on its own and the components are packed
in rows. Components of up to :data:`NETWORKX_MAX_NODES` nodes use networkx's
ForceAtlas2 (hubs pushed apart); larger ones a float32 Fruchterman-Reingold
(about 1 s for 2,000 nodes, where networkx's takes ten). A last pass pushes
apart nodes whose labels would collide. Everything is seeded and positions are
rounded to whole pixels, so the same graph always gives the same numbers.

A saved layout is the JSON ``{"version": 1, "positions": {id: [x, y]}}`` under
the store setting ``layout:NAME``. Reusing it keeps every saved position; nodes
new since then are placed beside their already placed neighbours.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable

import networkx as nx
import numpy as np

from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.reading import Reader

__all__ = [
    "NETWORKX_MAX_NODES",
    "Positions",
    "compute_layout",
    "load_layout",
    "save_layout",
]

Positions = dict[str, tuple[int, int]]

NETWORKX_MAX_NODES = 300
SEED = 20190401
SPACING = 120.0  # pixels: about one node per SPACING x SPACING square at any size
GAP = 0.75 * SPACING  # the least distance between two nodes (twice that sideways)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _meta_key(name: str) -> str:
    if not _NAME.match(name):
        raise InvalidData(
            f"layout name '{name}' must be 1-64 letters, digits, '.', '_' or '-' (e.g. session-1)",
            field="layout",
        )
    return f"layout:{name}"


def load_layout(reader: Reader, name: str) -> Positions:
    """The positions saved as layout ``name``, or an empty dict when there are none."""
    text = reader.meta(_meta_key(name))
    if not text:
        return {}
    data = json.loads(text)
    return {node: (int(x), int(y)) for node, (x, y) in data.get("positions", {}).items()}


def save_layout(graph: Graph, name: str, positions: Positions) -> None:
    """Store ``positions`` as layout ``name`` (replacing what was saved)."""
    data = {"version": 1, "positions": {k: list(v) for k, v in sorted(positions.items())}}
    graph.set_meta(_meta_key(name), json.dumps(data, sort_keys=True, separators=(",", ":")))


def compute_layout(
    nodes: Iterable[str],
    edges: Iterable[tuple[str, str]],
    saved: Positions | None = None,
    centre: str | None = None,
) -> Positions:
    """Positions in pixels for ``nodes``: ``saved`` ones kept, the rest laid out.

    With nothing saved, the whole graph is laid out from a fixed seed; with a
    ``centre`` (an ego map), on rings around it at (0, 0) by number of steps. Otherwise
    each new node goes beside the mean of its placed neighbours (breadth first,
    so chains of new nodes grow outwards), and groups with no placed neighbour
    are laid out on their own to the right of the saved map. O(n + m) plus the
    layout of the new part.
    """
    order = sorted(set(nodes))
    graph = nx.Graph()
    graph.add_nodes_from(order)
    graph.add_edges_from(sorted((u, v) for u, v in edges if u != v and u in graph and v in graph))
    saved = {n: p for n, p in (saved or {}).items() if n in graph}
    if not saved:
        fresh = _fresh(graph)
        return _widen(_rings(graph, fresh, centre) if centre is not None and centre in graph else fresh)
    placed: dict[str, tuple[float, float]] = {n: (float(x), float(y)) for n, (x, y) in saved.items()}
    frontier = sorted(n for n in order if n not in placed and any(m in placed for m in graph[n]))
    while frontier:
        for node in frontier:
            near = [placed[m] for m in sorted(graph[node]) if m in placed]
            cx, cy = sum(p[0] for p in near) / len(near), sum(p[1] for p in near) / len(near)
            angle = _stable_angle(node)
            placed[node] = (cx + SPACING * math.cos(angle), cy + SPACING * math.sin(angle))
        frontier = sorted(n for n in order if n not in placed and any(m in placed for m in graph[n]))
    rest = [n for n in order if n not in placed]
    if rest:
        island = _fresh(_induced(graph, rest))
        right = max(x for x, _ in placed.values()) + 2 * SPACING
        left = min(x for x, _ in island.values())
        placed.update({n: (x - left + right, y) for n, (x, y) in island.items()})
    return {n: (round(x), round(y)) for n, (x, y) in placed.items()}


def _widen(positions: Positions, aspect: float = 1.6, most: float = 1.8) -> Positions:
    """Stretch a layout sideways (never squeeze it) towards a screen's shape, by at most ``most``.

    Names run sideways, so the extra width is where they go.
    """
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if width <= 0 or height <= 0 or width >= aspect * height:
        return positions
    factor = min(aspect * height / width, most)
    return {n: (round(x * factor), y) for n, (x, y) in positions.items()}


def _rings(graph: nx.Graph, positions: Positions, centre: str) -> Positions:
    """Put ``centre`` at (0, 0) and every other node on the ring of its number of steps from it.

    A ring keeps the nodes' order around the centre from the force layout, evenly
    spaced, at least SPACING apart along the ring and 1.5 x SPACING from the ring
    inside it. Nodes no drawn link reaches go on an outer ring. O(n log n + m).
    """
    steps = nx.single_source_shortest_path_length(graph, centre)
    outer = max(steps.values(), default=0) + 1
    rings: dict[int, list[str]] = {}
    for node in sorted(graph):
        if node != centre:
            rings.setdefault(steps.get(node, outer), []).append(node)
    cx, cy = positions[centre]
    placed: Positions = {centre: (0, 0)}
    radius = 0.0
    for step in sorted(rings):
        ring = rings[step]
        radius = max(radius + 1.5 * SPACING, len(ring) * SPACING / (2 * math.pi))
        ring.sort(key=lambda n: (math.atan2(positions[n][1] - cy, positions[n][0] - cx), n))
        start = math.atan2(positions[ring[0]][1] - cy, positions[ring[0]][0] - cx)
        for i, node in enumerate(ring):
            angle = start + 2 * math.pi * i / len(ring)
            placed[node] = (round(radius * math.cos(angle)), round(radius * math.sin(angle)))
    return placed


def _stable_angle(node: str) -> float:
    """An angle from the node id alone, so a new node's place does not depend on run order."""
    digest = hashlib.sha256(node.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 * 2 * math.pi


def _fresh(graph: nx.Graph) -> Positions:
    """Lay out each connected component on its own, then pack them in rows, largest first."""
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    laid = [_component(_induced(graph, nodes)) for nodes in components]
    boxes = [_box(coords) for coords in laid]
    offsets = _pack(boxes)
    positions: dict[str, tuple[int, int]] = {}
    for coords, (x, y) in zip(laid, offsets, strict=True):
        left = min(p[0] for p in coords.values())
        top = min(p[1] for p in coords.values())
        for node, (px, py) in coords.items():
            positions[node] = (round(px - left + x), round(py - top + y))
    return positions


def _induced(graph: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The subgraph on ``nodes`` with nodes and edges in sorted order.

    ``graph.subgraph`` iterates a small node set in hash order, which made the
    layout depend on PYTHONHASHSEED.
    """
    keep = set(nodes)
    sub = nx.Graph()
    sub.add_nodes_from(sorted(keep))
    sub.add_edges_from(sorted((u, v) if u < v else (v, u) for u, v in graph.edges(keep) if v in keep))
    return sub


def _shelves(boxes: list[tuple[float, float]], row_width: float) -> list[tuple[float, float]]:
    """Top-left corners of boxes placed left to right, starting a new row past ``row_width``."""
    corners = []
    x = y = row_height = 0.0
    for w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + SPACING, 0.0
        corners.append((x, y))
        x += w + SPACING
        row_height = max(row_height, h)
    return corners


def _pack(boxes: list[tuple[float, float]], aspect: float = 1.6) -> list[tuple[float, float]]:
    """Corners for the boxes whose packing is closest to a screen's shape (width/height ``aspect``).

    Tries row widths at up to 40 points between the widest box and one row for all. O(40 x boxes).
    """
    widest = max(w for w, _ in boxes)
    total = sum(w + SPACING for w, _ in boxes)
    best: tuple[float, list[tuple[float, float]]] | None = None
    for step in range(40):
        corners = _shelves(boxes, widest + (total - widest) * step / 39)
        width = max(x + w for (x, _), (w, _) in zip(corners, boxes, strict=True))
        height = max(y + h for (_, y), (_, h) in zip(corners, boxes, strict=True))
        misfit = abs(math.log((width + SPACING) / (height + SPACING) / aspect))
        if best is None or misfit < best[0]:
            best = (misfit, corners)
    assert best is not None
    return best[1]


def _box(coords: dict[str, tuple[float, float]]) -> tuple[float, float]:
    xs = [p[0] for p in coords.values()]
    ys = [p[1] for p in coords.values()]
    return max(xs) - min(xs), max(ys) - min(ys)


def _component(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Positions in pixels for one connected component, about SPACING apart."""
    n = len(graph)
    if n == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    if n <= NETWORKX_MAX_NODES:
        raw = nx.forceatlas2_layout(
            graph, seed=SEED, max_iter=300, distributed_action=True, scaling_ratio=5.0
        )
        coords = np.array([raw[node] for node in graph])
    else:
        index = {node: i for i, node in enumerate(graph)}
        pairs = np.array([(index[u], index[v]) for u, v in graph.edges], dtype=np.int64).reshape(-1, 2)
        coords = _fruchterman_reingold(n, pairs)
    coords = coords - coords.mean(axis=0)
    radius = float(np.sqrt((coords**2).sum(axis=1)).max()) or 1.0
    coords = _declutter(coords / radius * SPACING * math.sqrt(n) * 0.6)
    return {node: (float(x), float(y)) for node, (x, y) in zip(graph, coords, strict=True)}


def _declutter(coords: np.ndarray, rounds: int = 40) -> np.ndarray:
    """Push apart nodes closer than GAP (twice as far sideways, where labels run).

    Each round moves both nodes of every too-close pair half the shortfall apart.
    O(rounds x n log n).
    """
    from scipy.spatial import cKDTree

    stretch = np.array([0.5, 1.0])  # labels are wide: measure sideways distance at half
    pos = coords.astype(float).copy()
    for _ in range(rounds):
        squeezed = pos * stretch
        pairs = cKDTree(squeezed).query_pairs(GAP, output_type="ndarray")
        if not len(pairs):
            break
        delta = squeezed[pairs[:, 0]] - squeezed[pairs[:, 1]]
        dist = np.maximum(np.sqrt((delta**2).sum(axis=1)), 1e-6)
        push = delta * ((GAP - dist) / dist / 2)[:, None] / stretch
        pos += _scatter(len(pos), pairs[:, 0], pairs[:, 1], push) * 0.5
    return pos


def _scatter(n: int, first: np.ndarray, second: np.ndarray, force: np.ndarray) -> np.ndarray:
    """Per-node sums of ``force`` on the first node of each pair and ``-force`` on the second."""
    total = np.zeros((n, 2))
    for axis in (0, 1):
        total[:, axis] = np.bincount(first, force[:, axis], n) - np.bincount(second, force[:, axis], n)
    return total


def _fruchterman_reingold(n: int, edges: np.ndarray, iterations: int = 50, chunk: int = 1024) -> np.ndarray:
    """Fruchterman-Reingold in float32, repulsion between all pairs taken ``chunk`` rows at a time.

    O(iterations x n^2) time but only O(chunk x n) memory: about 1 s for 2,000 nodes.
    Seeded, so deterministic.
    """
    rng = np.random.default_rng(SEED)
    pos = rng.random((n, 2)).astype(np.float32)
    k2 = np.float32(1.0 / n)
    step = 0.1
    cool = step / (iterations + 1)
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        for start in range(0, n, chunk):
            rows = pos[start : start + chunk]
            dx = rows[:, 0, None] - pos[None, :, 0]
            dy = rows[:, 1, None] - pos[None, :, 1]
            inverse = k2 / np.maximum(dx * dx + dy * dy, np.float32(1e-6))
            disp[start : start + chunk, 0] = (dx * inverse).sum(axis=1)
            disp[start : start + chunk, 1] = (dy * inverse).sum(axis=1)
        if len(edges):
            delta = (pos[edges[:, 0]] - pos[edges[:, 1]]).astype(np.float64)
            pull = delta * (np.sqrt((delta**2).sum(axis=1)) * math.sqrt(n))[:, None]
            disp -= _scatter(n, edges[:, 0], edges[:, 1], pull)
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)
        pos += (disp * (np.minimum(length, step) / length)[:, None]).astype(np.float32)
        step -= cool
    return pos.astype(np.float64)
