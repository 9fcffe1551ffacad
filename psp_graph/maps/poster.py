"""Posters and handouts: a map as PNG, PDF or SVG on A4, A3, A2 or A1, drawn with matplotlib.

A poster is drawn from the same payload as the HTML map: the same positions and
the same label placement (:mod:`psp_graph.maps.labels`), so the names sit where
they sit on the projector. The map's frame is fitted to the drawing area; every
label tier whose type would print at :data:`MIN_POINTS` or more is drawn, so a
bigger sheet shows more names, never overlapping. Around the map: title, scope,
date and counts, the illustrative notice, a legend and the sources. Persons
appear by pseudonym, as on the map. matplotlib is imported only here
(``pip install 'psp-graph[poster]'``); same input, same bytes (no dates in the
file's metadata).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psp_graph.exc import InvalidData, PspGraphError
from psp_graph.graph import Graph
from psp_graph.maps.build import MapOptions
from psp_graph.maps.caption import Caption
from psp_graph.maps.layout import save_layout
from psp_graph.maps.payload import FLAGS, label_text, node_radius
from psp_graph.maps.render import MapPage, make_map
from psp_graph.ontology import did_you_mean

__all__ = [
    "FORMATS",
    "MIN_POINTS",
    "ORIENTATIONS",
    "PAPER_MM",
    "PosterOptions",
    "drawn_labels",
    "page_size_inches",
    "write_poster",
]

PAPER_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0), "A2": (594.0, 420.0), "A1": (841.0, 594.0)}
FORMATS = ("png", "pdf", "svg")
ORIENTATIONS = ("landscape", "portrait")
MIN_POINTS = 6.0  # smallest type a label tier is printed at
_MARKERS = {"dot": "o", "square": "s", "triangle": "^", "triangleDown": "v", "diamond": "D", "hexagon": "h"}
_HEADER, _FOOTER, _SIDE = 0.11, 0.17, 0.03  # shares of the page height / width


@dataclass(frozen=True)
class PosterOptions:
    """``psp map --format png|pdf|svg --paper A3 --orientation landscape``."""

    format: str = "pdf"
    paper: str = "A3"
    orientation: str = "landscape"
    dpi: int = 150

    def checked(self) -> PosterOptions:
        """The same options with names normalised; InvalidData (with "did you mean") for unknown ones."""
        fmt, paper, orientation = self.format.lower(), self.paper.upper(), self.orientation.lower()
        for value, choices, field in (
            (fmt, FORMATS, "format"),
            (paper, tuple(PAPER_MM), "paper"),
            (orientation, ORIENTATIONS, "orientation"),
        ):
            if value not in choices:
                shown = getattr(self, field)
                raise InvalidData(f"unknown {field} '{shown}'{did_you_mean(shown, choices)}", field=field)
        return PosterOptions(fmt, paper, orientation, self.dpi)


def page_size_inches(paper: str, orientation: str) -> tuple[float, float]:
    """Width and height of the sheet in inches, e.g. A3 landscape is 420 x 297 mm."""
    checked = PosterOptions("pdf", paper, orientation).checked()
    long, short = PAPER_MM[checked.paper]
    width, height = (long, short) if checked.orientation == "landscape" else (short, long)
    return width / 25.4, height / 25.4


def _map_box(size: tuple[float, float], frame: list[float]) -> tuple[float, float, float, float, float]:
    """Where the map goes in figure fractions (left, bottom, width, height) and points per layout pixel."""
    width_pt, height_pt = size[0] * 72, size[1] * 72
    area_w, area_h = width_pt * (1 - 2 * _SIDE), height_pt * (1 - _HEADER - _FOOTER)
    frame_w, frame_h = frame[2] - frame[0], frame[3] - frame[1]
    k = min(area_w / frame_w, area_h / frame_h)
    w, h = frame_w * k / width_pt, frame_h * k / height_pt
    left = (1 - w) / 2
    bottom = _FOOTER + (1 - _HEADER - _FOOTER - h) / 2
    return left, bottom, w, h, k


def drawn_labels(payload: dict[str, Any], size: tuple[float, float]) -> list[dict[str, Any]]:
    """The labels a poster of ``size`` inches prints: text, centre and box (layout pixels), type size (pt)."""
    k = _map_box(size, payload["frame"])[4]
    found = []
    for node in payload["nodes"]:
        b = node.get("b")
        if not b or b[4] * k < MIN_POINTS:
            continue
        x, y = node["x"] + b[0], node["y"] + b[1]
        found.append(
            {
                "node": node["id"],
                "text": label_text(node),
                "x": x,
                "y": y,
                "box": (x - b[2] / 2, y - b[3] / 2, x + b[2] / 2, y + b[3] / 2),
                "points": b[4] * k,
            }
        )
    return found


def _draw(payload: dict[str, Any], caption: Caption, size: tuple[float, float]) -> Any:
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    frame = payload["frame"]
    left, bottom, w, h, k = _map_box(size, frame)
    scale = (size[0] * size[1] / (11.69 * 8.27)) ** 0.5  # type grows with the sheet (A4 = 1)
    workshop = 1.25 if payload["workshop"] else 1.0
    fig = Figure(figsize=size)
    ax = fig.add_axes((left, bottom, w, h))
    ax.set_xlim(frame[0], frame[2])
    ax.set_ylim(frame[3], frame[1])  # screen y grows downwards
    ax.set_axis_off()
    nodes, classes, relations = payload["nodes"], payload["classes"], payload["relations"]

    segments, colours, widths = [], [], []
    for edge in payload["edges"]:
        a, z, rel = nodes[edge[0]], nodes[edge[1]], relations[edge[2]]
        faded = len(edge) > 8 and edge[8] == 1
        segments.append([(a["x"], a["y"]), (z["x"], z["y"])])
        colours.append((*_rgb(rel["color"]), 0.15 if faded else 0.75))
        widths.append(max(0.3, float(edge[3]) * k * workshop))
    ax.add_collection(
        LineCollection(segments, colors=colours, linewidths=widths, linestyles="solid", zorder=1)
    )

    # one scatter per marker shape (thousands of single scatters would take seconds)
    groups: dict[str, dict[str, list[Any]]] = {}
    for node in nodes:
        cls = classes[node["c"]]
        radius_pt = float(node["s"]) * workshop * k
        if node["f"] & FLAGS["centre"]:
            ring = (node_radius(node, cls["shape"], payload["workshop"]) - 4) * k
            ax.scatter(
                [node["x"]], [node["y"]], s=(2 * ring) ** 2, c="#FFD400", edgecolors="#111111", zorder=2
            )
        group = groups.setdefault(
            _MARKERS.get(cls["shape"], "o"), {"x": [], "y": [], "s": [], "c": [], "e": [], "w": []}
        )
        lived = node["f"] & (FLAGS["lived"] | FLAGS["alone"])
        group["x"].append(node["x"])
        group["y"].append(node["y"])
        group["s"].append((2 * radius_pt) ** 2)
        group["c"].append((*_rgb(cls["color"]), 0.3 if node["f"] & FLAGS["faded"] else 1.0))
        group["e"].append("#D62728" if node["f"] & FLAGS["alone"] else "#111111")
        group["w"].append(max(0.4, radius_pt / 5) if lived else 0.4)
    for marker, group in sorted(groups.items()):
        ax.scatter(
            group["x"],
            group["y"],
            s=group["s"],
            marker=marker,
            c=group["c"],
            edgecolors=group["e"],
            linewidths=group["w"],
            zorder=3,
        )

    for label in drawn_labels(payload, size):
        ax.text(
            label["x"],
            label["y"],
            label["text"],
            ha="center",
            va="center",
            fontsize=label["points"],
            fontfamily="DejaVu Sans",
            color="#111111",
            zorder=5,
        )

    ink = "#111111"
    fig.text(_SIDE, 1 - 0.025, caption.title, fontsize=20 * scale, fontweight="bold", va="top", color=ink)
    fig.text(
        _SIDE,
        1 - 0.025 - 0.045,
        f"{caption.scope} · Data recorded up to {caption.date} · {caption.counts}",
        fontsize=9 * scale,
        va="top",
        color=ink,
    )
    if caption.illustrative:
        fig.text(
            1 - _SIDE,
            1 - 0.025,
            "Includes made-up example data (marked “illustrative”):\nit describes no real organisation or person.",
            fontsize=8 * scale,
            fontweight="bold",
            ha="right",
            va="top",
            color=ink,
            bbox={"boxstyle": "square,pad=0.4", "facecolor": "#FFE08A", "edgecolor": "none"},
        )

    used_classes = sorted({n["c"] for n in nodes})
    used_relations = sorted({e[2] for e in payload["edges"]})
    handles = [
        Line2D(
            [],
            [],
            marker=_MARKERS.get(classes[c]["shape"], "o"),
            linestyle="none",
            markerfacecolor=classes[c]["color"],
            markeredgecolor="#444444",
            markersize=8 * scale,
            label=classes[c]["label"],
        )
        for c in used_classes
    ]
    handles += [
        Line2D([], [], color=relations[r]["color"], linewidth=2 * scale, label=relations[r]["label"])
        for r in used_relations
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markerfacecolor="#ffffff",
            markeredgecolor="#111111",
            markeredgewidth=3,
            markersize=8 * scale,
            label="thick dark ring: lived experience",
        )
    )
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(_SIDE, 0.035),
        ncol=min(6, max(1, (len(handles) + 2) // 3)),
        fontsize=7 * scale,
        frameon=False,
    )
    characters = int(size[0] * 72 * (1 - 2 * _SIDE) / (6.5 * scale * 0.6))
    sources = "\n".join(textwrap.wrap(_sources_line(caption), characters)[:2])
    fig.text(_SIDE, 0.008, sources, fontsize=6.5 * scale, va="bottom", color="#333333")
    return fig


def _sources_line(caption: Caption, most: int = 4) -> str:
    names = [s["name"] + (f" ({s['publisher']})" if s["publisher"] else "") for s in caption.sources]
    more = f" and {len(names) - most} more" if len(names) > most else ""
    shown = "; ".join(names[:most])
    basis = "Circle size: power score (a prompt for discussion, not a verdict). Drawn by psp-graph."
    return f"Sources: {shown}{more}. {basis}" if names else basis


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    value = int(hex_colour.lstrip("#"), 16)
    return (value >> 16) / 255, ((value >> 8) & 255) / 255, (value & 255) / 255


def write_poster(graph: Graph, options: MapOptions, poster: PosterOptions, path: Path | str) -> MapPage:
    """Draw the map of ``options`` as a poster file; save its layout when ``options.layout`` is set.

    Raises InvalidData for an unknown format, paper or orientation (before anything is
    computed or written) and PspGraphError when matplotlib is not installed.
    """
    poster = poster.checked()
    size = page_size_inches(poster.paper, poster.orientation)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PspGraphError("posters need matplotlib: pip install 'psp-graph[poster]'") from None
    from matplotlib import rc_context

    page = make_map(graph, options)
    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
        "svg": {"Creator": None, "Date": None},
    }[poster.format]
    metadata["Title"] = page.caption.title
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "psp-graph", "pdf.fonttype": 42}):
        figure = _draw(page.payload, page.caption, size)
        with open(path, "wb") as handle:
            figure.savefig(handle, format=poster.format, dpi=poster.dpi, metadata=metadata)
    if options.layout:
        save_layout(graph, options.layout, page.positions)
    return page
