"""The wheel carries the ontology and seed data: psp demo works from any folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (path,) = out.glob("psp_graph-*.whl")
    return path


def test_wheel_ships_ontology_seed_data_and_queries(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "psp_graph/_resources/ontology/psp.ttl" in names
    assert "psp_graph/_resources/seed_data/power_sharing_project.yaml" in names
    assert "psp_graph/py.typed" in names
    assert not any("gallery" in n for n in names)


@pytest.mark.slow
def test_installed_wheel_runs_the_demo_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert pip.returncode == 0, pip.stderr
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(venv / "bin" / "psp"), "demo"], cwd=elsewhere, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "Who holds the money" in result.stdout
    assert (elsewhere / "psp-demo.db").exists()
