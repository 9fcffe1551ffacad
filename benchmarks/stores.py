"""Generated SQLite stores for the benchmarks, made once and kept in benchmarks/.stores/.

A store is keyed by its size, seed and a digest of the generator and its loader,
so a changed generator makes new stores; delete the folder to start clean.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psp_graph.backends import open_backend  # noqa: E402
from psp_graph.generate import generate_graph  # noqa: E402
from tests.generate import load_generated  # noqa: E402

FOLDER = ROOT / "benchmarks" / ".stores"


def digest() -> str:
    text = b"".join((ROOT / p).read_bytes() for p in ("psp_graph/generate.py", "tests/generate.py"))
    return hashlib.sha256(text).hexdigest()[:10]


def generated_store(size: int, links_per_actor: float = 10) -> Path:
    """The path of a store holding generate_graph(size, links_per_actor, seed=size)."""
    FOLDER.mkdir(exist_ok=True)
    path = FOLDER / f"gen-{size}-{links_per_actor:g}-{digest()}.db"
    if path.exists():
        return path
    start = time.perf_counter()
    nodes, links = generate_graph(size, links_per_actor, seed=size)
    made = time.perf_counter() - start
    partial = path.with_suffix(".partial")
    for stale in FOLDER.glob(f"{partial.name}*"):
        stale.unlink()
    backend = open_backend(f"sqlite:///{partial}")
    load_generated(backend, nodes, links)
    backend.set_meta("initialised", "generated")
    backend.close()
    partial.rename(path)
    took = time.perf_counter() - start
    print(f"(made {path.name}: generated in {made:.0f} s, stored in {took - made:.0f} s)", flush=True)
    return path
