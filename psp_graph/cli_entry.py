"""The ``psp`` console script.

``psp --help`` is answered from a copy of click's own help kept beside the CLI
(psp_graph/cli/help.txt, stamped with a digest of psp_graph/cli/__init__.py), so
it starts as fast as a bare interpreter: importing click alone costs about four
interpreter starts. When the copy is stale or missing, click answers, so the
output is always current; tests/test_entry.py fails until the copy is rewritten
with ``python -m psp_graph.cli_entry``. Every other call runs the click application.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

__all__ = ["main", "render_help", "saved_help"]

FOLDER = Path(__file__).parent / "cli"
HELP = FOLDER / "help.txt"


def _stamp() -> str:
    return "cli-digest " + hashlib.sha256((FOLDER / "__init__.py").read_bytes()).hexdigest()[:16]


def saved_help() -> str | None:
    """The saved help when it was made from the CLI as it is now, else None."""
    try:
        stamp, _, body = HELP.read_text(encoding="utf-8").partition("\n")
    except OSError:
        return None
    return body if stamp == _stamp() else None


def render_help() -> str:
    """``psp --help`` as click prints it (80 columns, as for a pipe)."""
    from click.testing import CliRunner

    from psp_graph.cli import main as app

    return CliRunner().invoke(app, ["--help"], prog_name="psp").output


def main() -> None:
    if sys.argv[1:] in (["--help"], ["-h"]):
        body = saved_help()
        if body is not None:
            sys.stdout.write(body)
            return
    from psp_graph.cli import main as app

    app()


if __name__ == "__main__":
    HELP.write_text(_stamp() + "\n" + render_help(), encoding="utf-8")
    print(f"wrote {HELP}")
