"""Same store + same command gives the same bytes, whatever Python's hash seed is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from psp_graph.graph import Graph
from psp_graph.seed import load_seed

PSP = str(Path(sys.executable).parent / "psp")


@pytest.fixture(scope="module")
def seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "seed.db"
    with Graph.open(f"sqlite:///{path}") as graph:
        load_seed(graph)
    return path


def run_map(store: Path, out: Path, seed: str, args: list[str]) -> bytes:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSP_")}
    env["PYTHONHASHSEED"] = seed
    result = subprocess.run(
        [PSP, "map", "--store", f"sqlite:///{store}", *args, "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        [],  # the whole network: a big component and small ones (small subgraphs once iterated a set)
        ["--issue", "food-poverty", "--highlight", "gaps", "--workshop"],
        ["--ego", "org:northbank-tenants-union", "--hops", "2"],
    ],
    ids=["network", "issue", "ego"],
)
def test_psp_map_is_byte_identical_under_two_hash_seeds(
    seed_file: Path, tmp_path: Path, args: list[str]
) -> None:
    store = tmp_path / "store.db"
    shutil.copy(seed_file, store)
    first = run_map(store, tmp_path / "one.html", "1", args)
    second = run_map(store, tmp_path / "two.html", "4242", args)
    assert len(first) > 10_000
    assert first == second
