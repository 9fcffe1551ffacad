"""The psp command line: thin commands, one-line errors, shared output options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from psp_graph.cli import COMMANDS, main

from .conftest import ROOT


def psp(runner: CliRunner, *args: str, input: str | None = None) -> Result:
    return runner.invoke(main, list(args), input=input, catch_exceptions=False)


def assert_user_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def seed_small(runner: CliRunner) -> None:
    for args in (
        [
            "add",
            "actor",
            "--name",
            "Larchwood Foundation",
            "--type",
            "charity",
            "--type",
            "funder",
            "--illustrative",
            "--source",
            "Illustrative example",
        ],
        [
            "add",
            "actor",
            "--name",
            "Northbank Tenants Union",
            "--type",
            "community-group",
            "--illustrative",
            "--source",
            "Illustrative example",
        ],
    ):
        assert psp(runner, *args).exit_code == 0


def test_help_lists_every_command_without_importing_heavy_libraries() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from psp_graph.cli import main;"
        "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0, r.output;"
        "heavy = {'rdflib', 'networkx', 'pydantic', 'neo4j', 'pyvis', 'rich', 'yaml', 'rapidfuzz'};"
        "print(sorted(m for m in heavy if m in sys.modules)); print(r.stdout)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0] == "[]"
    for name in COMMANDS:
        assert name in out


def test_unknown_command_suggests_the_closest(runner: CliRunner) -> None:
    assert_user_error(psp(runner, "shwo", "x"), "no command 'shwo'", "did you mean show")


def test_usage_errors_are_one_line_with_exit_status_1(runner: CliRunner) -> None:
    assert_user_error(psp(runner, "search", "--limit", "zero", "x"), "--limit", "search --help")


def test_add_link_with_a_source_then_show_history_and_undo(runner: CliRunner) -> None:
    seed_small(runner)
    added = psp(
        runner,
        "add",
        "link",
        "--type",
        "funds",
        "--from",
        "Larchwood Foundation",
        "--to",
        "org:northbank-tenants-union",
        "--set",
        "amount=25000",
        "--valid-from",
        "2020",
        "--source",
        "Community of practice workshop, March 2020",
        "--source-kind",
        "workshop",
    )
    assert added.exit_code == 0, added.output
    link_id = added.output.split(":", 2)[0] + ":" + added.output.split(":", 2)[1]
    shown = psp(runner, "show", "org:northbank-tenants-union", "--format", "json")
    view = json.loads(shown.stdout)
    (link,) = view["links"]
    assert link["type"] == "FUNDS" and link["other_id"] == "org:larchwood-foundation"
    assert "amount=GBP 25,000.00" in link["attributes"]
    assert view["sources"][0]["name"] == "Community of practice workshop, March 2020"
    assert view["sources"][0]["kind"] == "workshop"
    table = psp(runner, "show", link_id)
    assert "Community of practice workshop" in table.output or "src:community" in table.output
    history = json.loads(psp(runner, "history", "--format", "json").stdout)
    latest = history[0]
    assert latest["summary"] == "add link" and latest["changes"] == 2
    # One change set's changes: the table's title names it, CSV carries it on every row.
    listed = psp(runner, "history", latest["changeset"]).output
    assert listed.startswith(f"changes in {latest['changeset']}\n") and listed.count(latest["changeset"]) == 1
    assert "┃ seq ┃ op " in listed and link_id in listed
    rows = psp(runner, "history", latest["changeset"], "--format", "csv").output.splitlines()
    assert rows[0] == "changeset,seq,op,entity,id" and all(
        r.startswith(latest["changeset"]) for r in rows[1:]
    )
    undone = psp(runner, "undo", latest["changeset"])
    assert undone.exit_code == 0, undone.output
    after = json.loads(psp(runner, "show", "org:northbank-tenants-union", "--format", "json").stdout)
    assert after["links"] == []
    assert psp(runner, "show", link_id).exit_code == 1


def test_add_link_rejects_an_unknown_type_with_a_suggestion(runner: CliRunner) -> None:
    seed_small(runner)
    result = psp(
        runner,
        "add",
        "link",
        "--type",
        "fundz",
        "--from",
        "org:larchwood-foundation",
        "--to",
        "org:northbank-tenants-union",
    )
    assert_user_error(result, "unknown relationship type 'fundz'", "did you mean FUNDS")


def test_add_link_to_an_unknown_name_suggests_close_ones(runner: CliRunner) -> None:
    seed_small(runner)
    result = psp(
        runner,
        "add",
        "link",
        "--type",
        "funds",
        "--from",
        "org:larchwood-foundation",
        "--to",
        "Northbank Tenant Union",
    )
    assert_user_error(result, "no node 'Northbank Tenant Union'", "did you mean org:northbank-tenants-union")


def test_add_actor_without_options_is_a_clear_error_when_not_interactive(runner: CliRunner) -> None:
    assert_user_error(psp(runner, "add", "actor", "--type", "charity"), "missing option '--name'")


def test_add_person_gets_an_opaque_id_and_is_shown_by_pseudonym(runner: CliRunner) -> None:
    result = psp(
        runner, "add", "actor", "--name", "Jo Bloggs", "--type", "person", "--source", "Sign-up sheet"
    )
    assert result.exit_code == 0
    person_id = result.output.split(":")[0] + ":" + result.output.split(":")[1]
    assert "jo" not in person_id
    shown = json.loads(psp(runner, "show", person_id, "--format", "json").stdout)
    assert shown["node"]["name"].startswith("Person ")
    assert "Jo Bloggs" not in psp(runner, "search", "Jo").output
    private = psp(runner, "show", person_id, "--include-private", "--format", "json")
    assert json.loads(private.stdout)["node"]["name"] == "Jo Bloggs"
    assert "warning" in private.stderr


def test_add_issue_with_a_broader_issue(runner: CliRunner) -> None:
    result = psp(runner, "add", "issue", "Rent arrears", "--broader", "housing")
    assert result.exit_code == 0, result.output
    view = json.loads(psp(runner, "show", "issue:rent-arrears", "--format", "json").stdout)
    assert "broader=issue:housing" in view["node"]["attributes"]
    assert_user_error(
        psp(runner, "add", "issue", "Mould", "--broader", "housign"), "did you mean", "issue:housing"
    )


def test_remove_then_undo(runner: CliRunner) -> None:
    seed_small(runner)
    removed = psp(runner, "remove", "org:northbank-tenants-union")
    assert removed.exit_code == 0
    cs = removed.output.split("change set ")[1].split(":")[0]
    assert psp(runner, "show", "org:northbank-tenants-union").exit_code == 1
    assert psp(runner, "undo", cs).exit_code == 0
    assert psp(runner, "show", "org:northbank-tenants-union").exit_code == 0


def test_output_formats_and_files(runner: CliRunner, tmp_path: Path) -> None:
    seed_small(runner)
    as_json = json.loads(psp(runner, "search", "north", "--format", "json").stdout)
    assert [r["id"] for r in as_json] == ["org:northbank-tenants-union"]
    as_csv = psp(runner, "search", "north", "--format", "csv").stdout.splitlines()
    assert as_csv[0] == "id,name,types,attributes" and as_csv[1].startswith("org:northbank-tenants-union,")
    out = tmp_path / "stats.json"
    assert psp(runner, "stats", "--format", "json", "-o", str(out)).exit_code == 0
    rows = json.loads(out.read_text())
    assert {"what": "nodes", "name": "Charity", "count": 1} in rows


def test_output_to_an_unwritable_path_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert psp(runner, "init").exit_code == 0
    assert_user_error(psp(runner, "stats", "-o", str(blocker / "out.json")), "cannot write")


def test_store_from_option_and_environment(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    assert psp(runner, "init", "--store", url).exit_code == 0
    result = runner.invoke(main, ["stats", "--format", "json"], env={"PSP_STORE": url})
    issues = [r for r in json.loads(result.stdout) if r["name"] == "Issue"]
    assert issues[0]["count"] >= 20


def test_store_whose_parent_is_a_file_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = psp(runner, "init", "--store", f"sqlite:///{blocker}/psp.db")
    assert_user_error(result, "cannot open store", "is a file, not a folder")


def test_unknown_store_scheme_is_a_clear_error(runner: CliRunner) -> None:
    assert_user_error(psp(runner, "stats", "--store", "postgres://x"), "unknown store 'postgres://x'")


def test_stdin_can_be_loaded_with_a_dash(runner: CliRunner) -> None:
    yaml_text = "actors:\n  - name: Stdin Charity\n    types: [Charity]\n"
    result = psp(runner, "load", "-", "--source", "Notes read from stdin", input=yaml_text)
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output  # the record and the source it cites


def test_every_command_has_an_example_in_its_help() -> None:
    runner = CliRunner()
    for name in COMMANDS:
        if name == "add":
            for sub in ("actor", "link", "issue"):
                assert "Example: psp add " + sub in runner.invoke(main, ["add", sub, "--help"]).output
            continue
        assert "Example: psp " + name in runner.invoke(main, [name, "--help"]).output, name


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "psp"
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "version" in result.stdout


def test_validate_never_creates_a_store(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("actors:\n  - name: A\n    types: [Charity]\n", encoding="utf-8")
    result = psp(runner, "validate", str(path))
    assert result.exit_code == 0 and "would create 1" in result.stdout
    assert not (tmp_path / "psp.db").exists()


def test_a_fact_without_a_source_is_refused_with_the_fix_and_writes_nothing(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_small(runner)
    args = [
        "add",
        "link",
        "--type",
        "funds",
        "--from",
        "org:larchwood-foundation",
        "--to",
        "org:northbank-tenants-union",
    ]
    refused = psp(runner, *args)
    assert_user_error(refused, "no source for this fact", "--source", "PSP_SOURCE")
    assert "FUNDS" not in psp(runner, "show", "org:northbank-tenants-union").output
    monkeypatch.setenv("PSP_SOURCE", "Community of practice session, March 2020")  # once for a session
    assert psp(runner, *args).exit_code == 0
    shown = psp(runner, "show", "org:northbank-tenants-union", "--format", "json").output
    assert "src:community-of-practice-session-march-2020" in shown
    assert '"confidence": null' in shown  # never silently "high"


def test_a_file_without_sources_is_refused_unless_psp_load_gives_one(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "notes.csv"
    data.write_text(
        "name,types,illustrative\nQuillmead Renters Forum,community-group,true\n", encoding="utf-8"
    )
    refused = psp(runner, "load", str(data))
    assert_user_error(refused, "notes.csv", "no source for this fact")
    loaded = psp(runner, "load", str(data), "--source", "Workshop notes, May 2020")
    assert loaded.exit_code == 0, loaded.output + loaded.stderr
    shown = psp(runner, "show", "org:quillmead-renters-forum", "--format", "json").output
    assert "src:workshop-notes-may-2020" in shown
