"""360Giving JSON packages are streamed (ijson): grants are read one at a time, the
publisher and licence are found wherever they are in the file, and a package that breaks
off midway is one clear error naming the grant, with nothing written (issue 10, speed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from psp_graph.cli import main
from psp_graph.exc import InvalidData
from psp_graph.graph import Graph
from psp_graph.io import giving360_files
from psp_graph.io.load import load_file

from .conftest import store_state


def package_grant(n: int) -> dict[str, Any]:
    return {
        "id": f"360G-stream-{n}",
        "title": f"Grant {n}",
        "currency": "GBP",
        "amountAwarded": 1000 + n,
        "awardDate": "2021-04-01",
        "recipientOrganization": [{"id": f"GB-CHC-{n}", "name": f"Org {n}"}],
        "fundingOrganization": [{"id": "360G-streamfunder", "name": "Stream Funder"}],
    }


def write_package(path: Path, count: int = 5) -> Path:
    # publisher and licence after the grants: a streamed reader must still find them
    data = {"grants": [package_grant(n) for n in range(count)], "license": "CC-BY-4.0"}
    data["publisher"] = {"name": "Stream Funder"}
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


class _NoWholeParse:
    @staticmethod
    def loads(*_: Any, **__: Any) -> Any:
        raise AssertionError("the package was parsed whole")


def test_a_json_package_is_streamed_with_its_publisher_and_licence_found_after_the_grants(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(giving360_files, "json", _NoWholeParse)
    path = write_package(tmp_path / "grants.json")
    with Graph.open("sqlite://:memory:") as graph:
        result = load_file(graph, path)
        assert result.created == 1 + 6 + 5  # source, funder and five recipients, five grants
        grant = graph.backend.get_link("360G-stream-4")
        assert grant is not None and grant.props["amount_minor"] == 100_400
        source = graph.backend.get_node(grant.props["sources"][0])
        assert source is not None
        assert (source.props["publisher"], source.props["licence"]) == ("Stream Funder", "CC-BY-4.0")


def test_a_json_package_with_a_byte_order_mark_is_streamed(tmp_path: Path) -> None:
    path = write_package(tmp_path / "bom.json", count=2)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with Graph.open("sqlite://:memory:") as graph:
        assert load_file(graph, path).created == 1 + 3 + 2


def test_a_json_package_broken_midway_is_one_error_naming_the_grant_and_writes_nothing(
    tmp_path: Path, runner: CliRunner
) -> None:
    text = write_package(tmp_path / "whole.json").read_text(encoding="utf-8")
    cut = text.index('"id": "360G-stream-3"')
    broken = tmp_path / "broken.json"
    broken.write_text(text[:cut] + '"id": "360G-stream-3", "title": "Gr', encoding="utf-8")
    store = tmp_path / "s.db"
    with Graph.open(f"sqlite:///{store}") as graph:
        load_file(graph, write_package(tmp_path / "other.json", count=1))
        before = store_state(graph)
        with pytest.raises(InvalidData, match=r"row 4: not valid JSON in or after grant 4"):
            load_file(graph, broken)
        assert store_state(graph) == before
    result = runner.invoke(main, ["--store", f"sqlite:///{store}", "load", str(broken)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and "broken.json" in result.output


def test_json_that_is_not_a_grants_package_is_still_read_by_the_general_reader(tmp_path: Path) -> None:
    path = tmp_path / "nodes.json"
    path.write_text(json.dumps({"actors": [{"name": "Northbank Tenants", "types": ["CommunityGroup"]}]}))
    with Graph.open("sqlite://:memory:") as graph:
        assert load_file(graph, path).created == 1
    broken = tmp_path / "broken.json"
    broken.write_text('{"actors": [{"name": ')
    with Graph.open("sqlite://:memory:") as graph, pytest.raises(InvalidData, match="not valid JSON"):
        load_file(graph, broken)


def test_a_package_nested_too_deep_is_refused_in_one_line_naming_the_grant(tmp_path: Path) -> None:
    grants = [json.dumps(package_grant(n)) for n in range(2)]
    deep = '{"id": "360G-deep", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = tmp_path / "deep.json"
    path.write_text('{"grants": [' + ", ".join([*grants, deep]) + "]}", encoding="utf-8")
    with Graph.open("sqlite://:memory:") as graph, pytest.raises(InvalidData) as err:
        load_file(graph, path)
    assert "row 3: nested more than 32 levels deep" in str(err.value)
