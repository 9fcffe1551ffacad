"""Posters: psp map --format png|pdf|svg on A4-A1, from the same layout and label placement as the page."""

from __future__ import annotations

import re
import shutil
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from psp_graph.cli import main
from psp_graph.graph import Graph
from psp_graph.maps import MapOptions, make_map
from psp_graph.maps.poster import MIN_POINTS, PosterOptions, drawn_labels, page_size_inches, write_poster
from psp_graph.seed import load_seed

PRIVATE = "Rowan Ellery"  # a private person in the seed graph, without consent
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    with Graph.open(f"sqlite:///{path}") as graph:
        load_seed(graph)
    return path


@pytest.fixture
def seeded(seed_file: Path, tmp_path: Path) -> str:
    copy = tmp_path / "store.db"
    shutil.copy(seed_file, copy)
    return f"sqlite:///{copy}"


def test_png_is_a_png_of_the_sheet_size(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "housing.png"
    with Graph.open(seeded) as graph:
        write_poster(
            graph, MapOptions(issue="housing", workshop=True), PosterOptions("png", "A4", dpi=100), out
        )
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert abs(width - 297 / 25.4 * 100) < 1 and abs(height - 210 / 25.4 * 100) < 1  # A4 landscape at 100 dpi


@pytest.mark.parametrize(
    ("paper", "orientation", "points"),
    [("A3", "portrait", (841.9, 1190.6)), ("A1", "landscape", (2383.9, 1683.8))],
)
def test_pdf_has_one_page_of_the_right_size(
    seeded: str, tmp_path: Path, paper: str, orientation: str, points: tuple[float, float]
) -> None:
    out = tmp_path / "map.pdf"
    with Graph.open(seeded) as graph:
        write_poster(graph, MapOptions(), PosterOptions("pdf", paper, orientation), out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    (box,) = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert (round(float(box[0]), 1), round(float(box[1]), 1)) == points


def test_svg_labels_come_from_the_placement_do_not_overlap_and_show_pseudonyms(
    seeded: str, tmp_path: Path
) -> None:
    out = tmp_path / "map.svg"
    options = MapOptions(ego="org:northbank-tenants-union", highlight="power")
    with Graph.open(seeded) as graph:
        write_poster(graph, options, PosterOptions("svg", "A3"), out)
        payload = make_map(graph, options).payload
    root = ET.parse(out).getroot()
    assert root.get("width") == "1190.551181pt" and root.get("height") == "841.889764pt"
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    placed = drawn_labels(payload, page_size_inches("A3", "landscape"))
    assert len(placed) >= 10 and all(label["points"] >= MIN_POINTS for label in placed)
    assert {label["text"] for label in placed} <= set(texts)  # every placed name is printed as text
    boxes = [label["box"] for label in placed]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    text = out.read_text(encoding="utf-8")
    assert PRIVATE not in text and re.search(r"Person [0-9A-Z]{5}", text)
    assert "Includes made-up example data" in text and "Sources:" in text
    assert "Power map: around Northbank Tenants Union" in text


def test_a_bigger_sheet_prints_more_names(seeded: str) -> None:
    with Graph.open(seeded) as graph:
        payload = make_map(graph, MapOptions()).payload
    a4 = drawn_labels(payload, page_size_inches("A4", "landscape"))
    a1 = drawn_labels(payload, page_size_inches("A1", "landscape"))
    assert len(a1) > len(a4) > 0
    assert {label["node"] for label in a4} <= {label["node"] for label in a1}


def test_posters_are_byte_identical_from_run_to_run(seeded: str, tmp_path: Path) -> None:
    for fmt in ("svg", "pdf"):
        with Graph.open(seeded) as graph:
            write_poster(graph, MapOptions(issue="housing"), PosterOptions(fmt, "A4"), tmp_path / f"a.{fmt}")
            write_poster(graph, MapOptions(issue="housing"), PosterOptions(fmt, "A4"), tmp_path / f"b.{fmt}")
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()


def test_psp_map_takes_the_format_from_the_output_suffix(seeded: str, runner: CliRunner) -> None:
    result = runner.invoke(
        main, ["map", "--store", seeded, "--issue", "housing", "--paper", "a4", "-o", "h.svg"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote h.svg on A4 landscape: ")
    assert Path("h.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--paper", "B5", "-o", "out.pdf"], "unknown paper 'B5'"),
        (["--paper", "A5", "-o", "out.pdf"], "allowed: A4, A3, A2, A1"),
        (["--orientation", "sideways", "-o", "out.pdf"], "unknown orientation 'sideways'"),
        (["--format", "docx", "-o", "out.pdf"], "unknown format 'docx'"),
    ],
)
def test_bad_poster_options_are_one_line_and_write_nothing(
    seeded: str, runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(main, ["map", "--store", seeded, *args])
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not Path("out.pdf").exists()
