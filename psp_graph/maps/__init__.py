"""Workshop maps: one self-contained, offline, deterministic HTML file per map.

>>> from psp_graph.maps import MapOptions, write_map
>>> write_map(graph, MapOptions(issue="housing", workshop=True), "housing.html")  # doctest: +SKIP

:mod:`~psp_graph.maps.build` chooses nodes and links, :mod:`~psp_graph.maps.style`
derives colours and line styles from the ontology, :mod:`~psp_graph.maps.layout`
places nodes (seeded; saved layouts in the store), :mod:`~psp_graph.maps.labels`
places their names (no overlaps, by importance), :mod:`~psp_graph.maps.payload`
makes the page's JSON, :mod:`~psp_graph.maps.render` the HTML and
:mod:`~psp_graph.maps.poster` PNG, PDF and SVG posters (matplotlib, imported lazily). Node sizes come
from the ``power-ranking`` query and gaps from ``collaboration-gaps``
(:func:`psp_graph.analysis.run_query`). pyvis is used only as the source of
vis-network's script: its ``Network`` model and stock template are not, because
the template loads Bootstrap and tom-select from CDNs and sets tooltips with
``innerHTML``, and importing pyvis imports IPython.
"""

from __future__ import annotations

from psp_graph.maps.build import HIGHLIGHTS, MapOptions, Selection, select_map
from psp_graph.maps.layout import compute_layout, load_layout, save_layout
from psp_graph.maps.poster import PosterOptions, write_poster
from psp_graph.maps.render import MapPage, make_map, write_map

__all__ = [
    "HIGHLIGHTS",
    "MapOptions",
    "MapPage",
    "PosterOptions",
    "Selection",
    "compute_layout",
    "load_layout",
    "make_map",
    "save_layout",
    "select_map",
    "write_map",
    "write_poster",
]
