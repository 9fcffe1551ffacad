"""One self-contained HTML file per map: the project's template, vis-network inlined.

The page makes no network request: vis-network comes from the installed pyvis
package (read as a file; pyvis itself is never imported, since importing it
pulls in IPython), the CSS and script from visualisations/templates, and a
Content-Security-Policy allows only those exact scripts (by hash) and no
connections. The data enters the page once, as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped,
and the page script reads it with ``JSON.parse`` and shows it with
``textContent``; Jinja2 autoescapes everything else. Same input, same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from psp_graph.exc import PspGraphError
from psp_graph.graph import Graph
from psp_graph.maps.build import MapOptions, select_map
from psp_graph.maps.caption import Caption, caption_for
from psp_graph.maps.layout import Positions, compute_layout, load_layout, save_layout
from psp_graph.maps.payload import build_payload
from psp_graph.maps.style import map_style
from psp_graph.resources import resource_path

__all__ = ["MapPage", "json_for_html", "make_map", "vis_network_js", "write_map"]


@dataclass(frozen=True)
class MapPage:
    """A rendered map: the HTML text and what it shows."""

    html: str
    caption: Caption
    nodes: int
    links: int
    positions: Positions
    payload: dict[str, Any]


def json_for_html(value: Any) -> str:
    """Compact, sorted JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (so no
    ``</script>`` or ``<!--`` can appear), as do the two line separators JavaScript
    once rejected; ``JSON.parse`` turns them back into the same characters.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, code)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@cache
def vis_network_js() -> str:
    """The text of vis-network.min.js shipped with the installed pyvis (newest bundled version)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise PspGraphError("maps need pyvis and Jinja2: pip install 'psp-graph[maps]'")
    lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib"
    found = sorted(lib.glob("vis-*/vis-network.min.js"), key=lambda p: _version_key(p.parent.name))
    if not found:
        raise PspGraphError(f"no vis-network.min.js under {lib}; reinstall pyvis")
    return found[-1].read_text(encoding="utf-8")


def _version_key(folder: str) -> tuple[int, ...]:
    return tuple(int(part) for part in folder.removeprefix("vis-").split(".") if part.isdigit())


def _asset(name: str) -> str:
    return resource_path("visualisations", "templates", name).read_text(encoding="utf-8")


def _shape_svg(shape: str, color: str) -> Markup:
    """A legend swatch: the node shape in its colour (trusted style values, escaped anyway)."""
    fill = escape(color)
    shapes = {
        "square": f'<rect x="3" y="3" width="14" height="14" fill="{fill}" stroke="#444"/>',
        "triangle": f'<path d="M10 2 L18 17 L2 17 Z" fill="{fill}" stroke="#444"/>',
        "triangleDown": f'<path d="M2 3 L18 3 L10 18 Z" fill="{fill}" stroke="#444"/>',
        "diamond": f'<path d="M10 1 L19 10 L10 19 L1 10 Z" fill="{fill}" stroke="#444"/>',
        "hexagon": f'<path d="M5 2 L15 2 L19 10 L15 18 L5 18 L1 10 Z" fill="{fill}" stroke="#444"/>',
    }
    return Markup(shapes.get(shape, f'<circle cx="10" cy="10" r="8" fill="{fill}" stroke="#444"/>'))  # noqa: S704


def _legend_rows(classes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One legend row per look: classes drawn alike (Initiative, Campaign) share a row."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for cls in classes:
        row = rows.setdefault((cls["color"], cls["shape"]), {**cls, "labels": []})
        row["labels"].append(cls["label"])
    return [{**row, "label": " / ".join(row["labels"])} for row in rows.values()]


def _csp(*scripts: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode("ascii") + "'"
        for s in scripts
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def render_page(payload: dict[str, Any], caption: Caption) -> str:
    """The HTML of one map from its payload and caption."""
    import jinja2

    vis_js, map_js = vis_network_js(), _asset("map.js")
    for name, text in (("vis-network", vis_js), ("map.js", map_js)):
        if "</script" in text.lower():  # would end the inline script early
            raise PspGraphError(f"{name} contains '</script' and cannot be inlined")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resource_path("visualisations", "templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    template = env.get_template("map.html.j2")
    return template.render(
        caption=caption,
        workshop=payload["workshop"],
        classes=_legend_rows(payload["classes"]),
        relations=payload["relations"],
        issues=payload["issues"],
        node_count=len(payload["nodes"]),
        has_alone=any(n["f"] & payload["flags"]["alone"] for n in payload["nodes"]),
        has_centre=any(n["f"] & payload["flags"]["centre"] for n in payload["nodes"]),
        shape_svg=_shape_svg,
        csp=_csp(vis_js, map_js),
        version=version("psp-graph"),
        css=Markup(_asset("map.css")),  # noqa: S704 - our own stylesheet
        vis_js=Markup(vis_js),  # noqa: S704 - checked above
        map_js=Markup(map_js),  # noqa: S704 - checked above
        data=Markup(json_for_html(payload)),  # noqa: S704 - escaped for a script element
    )


def make_map(graph: Graph, options: MapOptions) -> MapPage:
    """Select, lay out and render a map (with ``options.layout``, starting from that saved layout).

    Writes nothing; ``positions`` holds the saved positions plus those of new nodes.
    """
    selection = select_map(graph, options)
    style = map_style(graph.onto)
    saved = load_layout(graph.reader(), options.layout) if options.layout else {}
    ends = [(link.source, link.target) for link in selection.links]
    positions = compute_layout(selection.nodes, ends, saved, centre=selection.centre)
    payload = build_payload(selection, options, style, positions, graph.onto)
    caption = caption_for(selection, options)
    html = render_page(payload, caption)
    merged = {**saved, **positions}
    return MapPage(html, caption, len(selection.nodes), len(selection.links), merged, payload)


def write_map(graph: Graph, options: MapOptions, path: Path | str) -> MapPage:
    """Render a map, write it to ``path`` (UTF-8), then save its layout when ``options.layout`` is set.

    Raises OSError when the file cannot be written (and then saves nothing).
    """
    page = make_map(graph, options)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(page.html)
    if options.layout:
        save_layout(graph, options.layout, page.positions)
    return page
