"""The psp console script: --help from the saved copy while it is current, click otherwise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from psp_graph import cli_entry


def test_the_saved_help_is_current() -> None:
    assert cli_entry.saved_help() == cli_entry.render_help(), (
        "psp_graph/cli/help.txt is out of date: run python -m psp_graph.cli_entry"
    )


def test_help_is_printed_without_importing_click() -> None:
    code = "import sys; sys.argv = ['psp', '--help']; from psp_graph.cli_entry import main; main(); print('click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.endswith("False\n")
    assert out.removesuffix("False\n") == cli_entry.render_help()


def test_a_stale_copy_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "help.txt"
    stale.write_text("cli-digest 0000000000000000\nOld help\n", encoding="utf-8")
    monkeypatch.setattr(cli_entry, "HELP", stale)
    assert cli_entry.saved_help() is None
    monkeypatch.setattr(sys, "argv", ["psp", "--help"])
    cli_entry.main()
    out = capsys.readouterr().out
    assert "Old help" not in out
    assert out.startswith("Usage: ") and "generate" in out
