"""Regenerate the example maps in visualisations/gallery/ from the seed graph.

Run ``python -m tools.gallery [FOLDER]`` from the repository root (``make maps``):
it loads the seed graph into an in-memory store and writes four maps (the whole
network, housing, food poverty and one ego map), a screenshot of each at
1280x720 and 1920x1080 (the usual projector sizes) taken in headless Chromium
with the network blocked, and an A3 poster (PDF and PNG) of the housing map.
About 30 s. The gallery is not shipped in the wheel.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from psp_graph.graph import Graph
from psp_graph.maps.build import MapOptions
from psp_graph.maps.poster import PosterOptions, write_poster
from psp_graph.maps.render import write_map
from psp_graph.seed import load_seed
from tools.browser import headless_chromium, open_map

__all__ = ["EXAMPLES", "POSTERS", "SCREENS", "make_examples"]

EXAMPLES: dict[str, MapOptions] = {
    "network": MapOptions(title="Power map: the whole seed network"),
    "housing": MapOptions(issue="housing", workshop=True),
    "food-poverty": MapOptions(issue="food-poverty", highlight="gaps"),
    "ego-northbank-tenants-union": MapOptions(ego="org:northbank-tenants-union", hops=2, highlight="power"),
}
SCREENS = ((1280, 720), (1920, 1080))
POSTERS: dict[str, tuple[MapOptions, PosterOptions]] = {
    "housing-poster-a3.pdf": (MapOptions(issue="housing"), PosterOptions("pdf", "A3")),
    "housing-poster-a3.png": (MapOptions(issue="housing"), PosterOptions("png", "A3", dpi=100)),
}


def make_examples(folder: Path, *, screenshots: bool = True) -> list[Path]:
    """Write every map of :data:`EXAMPLES`, the posters and the screenshots into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with Graph.open("sqlite://:memory:") as graph:
        load_seed(graph)
        for name, options in EXAMPLES.items():
            write_map(graph, options, folder / f"{name}.html")
            written.append(folder / f"{name}.html")
        if screenshots:
            for name, (options, poster) in POSTERS.items():
                write_poster(graph, options, poster, folder / name)
                written.append(folder / name)
    if screenshots:
        pages = [p for p in written if p.suffix == ".html"]
        with headless_chromium(1600, 1000) as driver:
            for width, height in SCREENS:
                driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                )
                for page in pages:
                    open_map(driver, page)
                    time.sleep(0.3)  # let the last frame land
                    shot = page.with_name(f"{page.stem}-{width}x{height}.png")
                    driver.save_screenshot(str(shot))
                    written.append(shot)
    return written


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path("visualisations") / "gallery"
    for path in make_examples(folder):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
