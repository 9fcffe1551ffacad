"""Docs that run: every console example in the README and docs, and a current CLI reference."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from psp_graph.cli.reference import generate_reference

from .conftest import ROOT

BIN = Path(sys.executable).parent
DOCS_RUN_HERE = [
    "README.md",
    "docs/data-format.md",
    "docs/queries.md",
    "docs/neo4j.md",
    "docs/maps.md",
    "docs/trust.md",
]


def console_commands(path: Path) -> list[str]:
    """The ``$ `` lines of every ```console block, in order."""
    text = path.read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", text, flags=re.S)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def run_script(commands: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = "set -euo pipefail\n" + "\n".join(f"echo '>>> {c.replace(chr(39), '')}'\n{c}" for c in commands)
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.parametrize("doc", DOCS_RUN_HERE)
def test_every_console_example_runs(doc: str, tmp_path: Path) -> None:
    commands = console_commands(ROOT / doc)
    assert commands, f"{doc} has no console examples"
    (tmp_path / "seed_data").symlink_to(ROOT / "seed_data")
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PSP_")}
    env.update(PATH=f"{BIN}{os.pathsep}{env['PATH']}", PSP_USER="docs-test")
    result = run_script(commands, tmp_path, env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_readme_quick_start_is_two_commands_demo_and_test() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [
        line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd ", "export "))
    ] == ["make test"]


def test_the_main_job_runs_and_shows_who_holds_power(tmp_path: Path) -> None:
    # make demo = setup (already done when tests run through make) + psp demo.
    if (ROOT / ".venv" / ".installed").exists() and Path(sys.executable).is_relative_to(ROOT / ".venv"):
        command = ["make", "--no-print-directory", "demo"]
        cwd = ROOT
    else:
        command = [str(BIN / "psp"), "demo"]
        cwd = tmp_path
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "Who holds the money" in result.stdout and "Who holds the decision seats" in result.stdout


def test_cli_reference_is_current() -> None:
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == generate_reference(), (
        "docs/cli.md is out of date: run python -m psp_graph.cli.reference > docs/cli.md"
    )


def test_the_python_examples_in_extending_md_run() -> None:
    text = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    runnable = [b for b in blocks if "..." not in b]  # the twin sketch is a shape, not a program
    assert runnable
    for block in runnable:
        exec(compile(block, "docs/extending.md", "exec"), {})  # our own docs
    for path in re.findall(r"`((?:psp_graph|queries|tests|ontology)/[\w/.-]+\.\w+)`", text):
        assert "NAME" in path or (ROOT / path).exists(), path
