"""Where a map's names go: placed once with the layout, never overlapping.

The page draws these labels itself (vis-network draws none), and posters use
the same placement, so what you see on the projector is what you print.

The map is fitted on open to its *frame*: the nodes' bounding box plus a margin,
widened to the shape of the reference canvas (the map area of a 1280×720 screen).
Names in tier 0 have the font size that reads :data:`SCREEN_FONT` pixels on that
canvas; tier 1 is half that size and shows once you zoom in twice as far, and so
on. Nodes are taken greedily by importance (the ego map's focal actor, then power
score, then number of links, then id), and each gets the first candidate box
(below, right, above, left, then the diagonals) that stays inside the frame,
overlaps no label already placed in any tier, covers no other node's centre (in
tier 0, the names read from afar, no other *named* node's centre),
and whose anchor (its point nearest its node) is nearer its own node than any
other. So no two labels ever overlap, at any zoom, and a
label never sits nearer a neighbour than its own node. O(tiers × nodes) with a
grid index.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "MIN_SCREEN_FONT",
    "REFERENCE_CANVAS",
    "SCREEN_FONT",
    "Frame",
    "Label",
    "LabelRequest",
    "frame_of",
    "place_labels",
    "text_width",
]

# The map area (CSS pixels) of a 1280×720 window: see map.css (panel and header sizes).
REFERENCE_CANVAS = {True: (940.0, 527.0), False: (980.0, 568.0)}
# Tier-0 font size on that canvas when the whole map is in view, and the smallest a tier is drawn at.
SCREEN_FONT = {True: 21.0, False: 14.0}
MIN_SCREEN_FONT = {True: 17.0, False: 11.0}
MAX_ZOOM = 2.0  # a small map is not blown up beyond twice its layout size
TIERS = 5
LINE_HEIGHT = 1.25
PAD = 0.2  # of the font size: the space around a label's text and between a node and its label

# Advance widths of DejaVu Sans (em) for ASCII; the page draws with at most these widths
# (``fillText``'s maxWidth) and posters use DejaVu Sans, so a name never outgrows its box.
_WIDTHS = {
    **dict.fromkeys(" ", 0.318),
    **dict.fromkeys("!.,:;'|", 0.34),
    **dict.fromkeys("ijl", 0.28),
    **dict.fromkeys('frt()[]{}-/\\"`', 0.42),
    **dict.fromkeys("acegknopqsuvxyzbdh0123456789?$#*+<=>^_~", 0.64),
    **dict.fromkeys("ABCDEFGHKLNPRSTUVXYZ&", 0.77),
    **dict.fromkeys("IJ", 0.36),
    **dict.fromkeys("OQ", 0.79),
    **dict.fromkeys("mwMW%@", 1.0),
}


def text_width(text: str, size: float) -> float:
    """An upper bound on the width of ``text`` in DejaVu Sans at ``size`` (same units as size).

    >>> round(text_width("Northbank", 10), 1)
    56.7
    """
    em = 0.0
    for char in text:
        if char in _WIDTHS:
            em += _WIDTHS[char]
        elif ord(char) < 0x250:
            em += 0.8  # accented Latin letters
        else:
            em += 1.05  # other scripts and symbols: as wide as an em, plus a margin
    return em * size * 1.04


@dataclass(frozen=True)
class LabelRequest:
    """A node that wants a label: where it is, how big, and what the label says."""

    node: str
    text: str
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class Label:
    """A placed label: its box centre relative to its node, its box size, font size and tier."""

    node: str
    text: str
    dx: float
    dy: float
    width: float
    height: float
    size: float
    tier: int


@dataclass(frozen=True)
class Frame:
    """The part of the layout the map is fitted to on open (layout pixels)."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def fit_scale(self, canvas: tuple[float, float]) -> float:
        """The zoom that shows the whole frame on a canvas of ``canvas`` (width, height) pixels."""
        return min(canvas[0] / self.width, canvas[1] / self.height)


def frame_of(
    requests: Sequence[LabelRequest], workshop: bool, centre: tuple[float, float] | None = None
) -> Frame:
    """The nodes' bounding box, a margin for names at the edges, widened to the reference canvas's shape.

    With ``centre`` (an ego map's focal actor) the box is widened to be centred there.
    """
    canvas = REFERENCE_CANVAS[workshop]
    if not requests:
        return Frame(-canvas[0] / 2, -canvas[1] / 2, canvas[0] / 2, canvas[1] / 2)
    left = min(r.x - r.radius for r in requests)
    right = max(r.x + r.radius for r in requests)
    top = min(r.y - r.radius for r in requests)
    bottom = max(r.y + r.radius for r in requests)
    if centre is not None:
        half_w = max(centre[0] - left, right - centre[0])
        half_h = max(centre[1] - top, bottom - centre[1])
        left, right, top, bottom = (
            centre[0] - half_w,
            centre[0] + half_w,
            centre[1] - half_h,
            centre[1] + half_h,
        )
    margin = 0.08 * max(right - left, bottom - top, 1.0) + 20
    width, height = right - left + 2 * margin, bottom - top + 2 * margin
    aspect = canvas[0] / canvas[1]
    width, height = max(width, height * aspect), max(height, width / aspect)
    if canvas[0] / width > MAX_ZOOM:
        width, height = canvas[0] / MAX_ZOOM, canvas[1] / MAX_ZOOM
    cx, cy = (left + right) / 2, (top + bottom) / 2
    return Frame(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


class _Grid:
    """Boxes (left, top, right, bottom) in a uniform grid, for overlap tests near a point."""

    def __init__(self, cell: float) -> None:
        self.cell = max(cell, 1e-6)
        self.cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = defaultdict(list)

    def _keys(self, box: tuple[float, float, float, float]) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(math.floor(box[0] / c), math.floor(box[2] / c) + 1):
            for j in range(math.floor(box[1] / c), math.floor(box[3] / c) + 1):
                yield i, j

    def add(self, box: tuple[float, float, float, float]) -> None:
        for key in self._keys(box):
            self.cells[key].append(box)

    def hits(self, box: tuple[float, float, float, float]) -> bool:
        for key in self._keys(box):
            for other in self.cells.get(key, ()):
                if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
                    return True
        return False


def _candidates(r: LabelRequest, width: float, height: float, gap: float) -> list[tuple[float, float]]:
    """Box centres around a node, best first: below, right, above, left, then the four diagonals."""
    down = r.radius + gap + height / 2
    side = r.radius + gap + width / 2
    diagonal = r.radius * 0.7 + gap
    return [
        (0.0, down),
        (side, 0.0),
        (0.0, -down),
        (-side, 0.0),
        (diagonal + width / 2, diagonal + height / 2),
        (-diagonal - width / 2, diagonal + height / 2),
        (diagonal + width / 2, -diagonal - height / 2),
        (-diagonal - width / 2, -diagonal - height / 2),
    ]


def place_labels(requests: Sequence[LabelRequest], frame: Frame, workshop: bool) -> list[Label]:
    """Labels for ``requests`` (most important first), tier by tier; nodes that fit in no tier get none.

    >>> nodes = [LabelRequest("a", "Alpha", 0, 0, 10), LabelRequest("b", "Beta", 30, 0, 10)]
    >>> placed = place_labels(nodes, frame_of(nodes, True), True)
    >>> [(label.node, label.tier) for label in placed]
    [('a', 0), ('b', 0)]
    """
    base = SCREEN_FONT[workshop] / frame.fit_scale(REFERENCE_CANVAS[workshop])
    near = _Grid(2 * max((r.radius for r in requests), default=1.0))
    labelled = _Grid(2 * max((r.radius for r in requests), default=1.0))
    for r in requests:
        near.add((r.x, r.y, r.x, r.y))
    labels_grid = _Grid(base * 3)
    placed: list[Label] = []
    done: set[str] = set()
    for tier in range(TIERS):
        size = base / 2**tier
        pad = PAD * size
        height = size * LINE_HEIGHT
        for r in requests:
            if r.node in done or not r.text:
                continue
            width = text_width(r.text, size) + 2 * pad
            for dx, dy in _candidates(r, width, height, pad):
                cx, cy = r.x + dx, r.y + dy
                box = (cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
                if box[0] < frame.left or box[2] > frame.right or box[1] < frame.top or box[3] > frame.bottom:
                    continue
                spaced = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
                # a name may cover a less important node, but never one that is already named
                if labels_grid.hits(spaced) or _covers_other_node(labelled if tier == 0 else near, box, r):
                    continue
                if not _nearest_is_own(near, r, box):
                    continue
                labels_grid.add(box)
                labelled.add((r.x, r.y, r.x, r.y))
                placed.append(Label(r.node, r.text, dx, dy, width, height, size, tier))
                done.add(r.node)
                break
    return placed


def _covers_other_node(grid: _Grid, box: tuple[float, float, float, float], r: LabelRequest) -> bool:
    """The box covers another node's centre (a node partly under a label stays visible)."""
    for key in grid._keys(box):
        for ox, oy, _, _ in grid.cells.get(key, ()):
            if (ox, oy) != (r.x, r.y) and box[0] <= ox <= box[2] and box[1] <= oy <= box[3]:
                return True
    return False


def _nearest_is_own(grid: _Grid, r: LabelRequest, box: tuple[float, float, float, float]) -> bool:
    """No other node centre is nearer than its own to the label's anchor (its point nearest its node)."""
    ax, ay = min(max(r.x, box[0]), box[2]), min(max(r.y, box[1]), box[3])
    own = math.hypot(ax - r.x, ay - r.y)
    reach = (ax - own, ay - own, ax + own, ay + own)
    for key in grid._keys(reach):
        for ox, oy, _, _ in grid.cells.get(key, ()):
            if (ox, oy) != (r.x, r.y) and math.hypot(ax - ox, ay - oy) < own:
                return False
    return True
