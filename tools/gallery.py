"""Regenerate the example maps in visualisations/gallery/ from the seed graph.

Run ``python -m tools.gallery [FOLDER]`` from the repository root (``make maps``): it loads the
seed graph into an in-memory store, writes four maps (the whole network,
housing, food poverty and one ego map) and a PNG screenshot of each, taken in
headless Chromium with the network blocked. About 10 s. The gallery is not
shipped in the wheel.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from psp_graph.graph import Graph
from psp_graph.maps.build import MapOptions
from psp_graph.maps.render import write_map
from psp_graph.seed import load_seed
from tools.browser import headless_chromium, open_map

__all__ = ["EXAMPLES", "make_examples"]

EXAMPLES: dict[str, MapOptions] = {
    "network": MapOptions(title="Power map: the whole seed network"),
    "housing": MapOptions(issue="housing", workshop=True),
    "food-poverty": MapOptions(issue="food-poverty", highlight="gaps"),
    "ego-northbank-tenants-union": MapOptions(ego="org:northbank-tenants-union", hops=2, highlight="power"),
}


def make_examples(folder: Path, *, screenshots: bool = True) -> list[Path]:
    """Write every map of :data:`EXAMPLES` (and its screenshot) into ``folder``; return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with Graph.open("sqlite://:memory:") as graph:
        load_seed(graph)
        for name, options in EXAMPLES.items():
            write_map(graph, options, folder / f"{name}.html")
            written.append(folder / f"{name}.html")
    if screenshots:
        with headless_chromium(1600, 1000) as driver:
            for page in list(written):
                open_map(driver, page)
                time.sleep(0.5)  # let a settled map's last frame land
                driver.save_screenshot(str(page.with_suffix(".png")))
                written.append(page.with_suffix(".png"))
    return written


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("visualisations") / "gallery"
    for path in make_examples(folder):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
