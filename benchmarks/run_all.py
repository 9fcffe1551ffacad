"""Run every benchmark (what ``make bench`` does) and time each and the whole run.

    python benchmarks/run_all.py [--budget-minutes 20]

Each ``benchmarks/bench_*.py`` runs in its own interpreter with its defaults and
prints its own tables; after each, one line gives its wall time, and at the end a
table gives every benchmark's wall time, the total and the budget (issue 13:
``make bench`` from a clean clone in 20 minutes on 2 cores). Stores made on the way
are kept in benchmarks/.stores/ (a clean clone has none: the first run makes them,
and that time is counted in the benchmark that first needs them). Exits 1 when a
benchmark fails; the budget is reported, not enforced.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-minutes", type=float, default=20.0)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    took: list[tuple[str, float]] = []
    start = time.perf_counter()
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.relative_to(HERE.parent)}", flush=True)
        began = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], check=False)
        took.append((script.name, time.perf_counter() - began))
        print(f"-- {script.name}: {took[-1][1] / 60:.1f} min wall", flush=True)
        if done.returncode != 0:
            print(f"{script.name} failed (exit {done.returncode})", file=sys.stderr)
            return 1
    total = time.perf_counter() - start
    print("\n== make bench, wall time")
    for name, seconds in took:
        print(f"{name:28} {seconds / 60:6.1f} min")
    verdict = "within" if total <= args.budget_minutes * 60 else "OVER"
    print(f"{'total':28} {total / 60:6.1f} min ({verdict} the {args.budget_minutes:g}-minute budget)")
    print(f"load average (1 min) at the start {load_before:.2f}, at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
