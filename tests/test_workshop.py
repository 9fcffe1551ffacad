"""psp workshop over HTTP: the token, the Graph service's messages, concurrent edits, the layout."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from psp_graph.cli import main
from psp_graph.exc import InvalidData, NodeNotFound
from psp_graph.graph import Graph
from psp_graph.maps.layout import load_layout
from psp_graph.workshop import WorkshopServer, WorkshopSession
from psp_graph.workshop.server import free_port
from tests.conftest import ROOT
from tests.workshop_support import EVENT, get, make_store, post, start_server


@pytest.fixture
def server(store_url: str) -> Iterator[WorkshopServer]:
    make_store(store_url)
    running = start_server(store_url)
    yield running
    running.stop()


def test_requests_without_the_token_are_refused(server: WorkshopServer) -> None:
    assert get(server, "/")[0] == 403
    assert get(server, "/?token=wrong")[0] == 403
    assert get(server, "/api/state")[0] == 403
    link = {"type": "PARTNERS_WITH", "from": "Northbank Council", "to": "Eastgate Food Bank"}
    assert post(server, "/api/link", link, token="")[0] == 403
    assert post(server, "/api/link", link, token="wrong")[0] == 403
    # the token in the URL is not enough for a write: it must come in the header
    status, _ = post(server, f"/api/link?token={server.token}", link, token="")
    assert status == 403
    status, page = get(server, f"/?token={server.token}")
    assert status == 200 and 'id="workshop-edit"' in page


def test_page_allows_connections_only_back_to_its_server(server: WorkshopServer) -> None:
    page = get(server, f"/?token={server.token}")[1]
    csp = html.unescape(page.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0])
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert "http://" not in page.split("<script>", 1)[0].replace(f"http://127.0.0.1:{server.port}", "")


def test_a_link_added_cites_the_event_and_is_in_history(server: WorkshopServer, store_url: str) -> None:
    link = {
        "type": "INVOLVES",
        "from": "Northbank Council",
        "to": "Quillmead Renters Forum",
        "rung": "consultation",
    }
    status, answer = post(server, "/api/link", link)
    assert status == 200, answer
    with Graph.open(store_url, read_only=True) as graph:
        reader = graph.reader()
        added = [k for k in reader.iter_links("INVOLVES")]
        assert len(added) == 1 and EVENT in added[0].props["sources"]
        assert reader.changesets(limit=1)[0].id == answer["changeset"]


def test_a_bad_entry_gets_the_same_one_line_message_as_the_cli(
    server: WorkshopServer, store_url: str, runner: CliRunner
) -> None:
    status, answer = post(
        server, "/api/link", {"type": "FUNDZ", "from": "Northbank Council", "to": "Eastgate Food Bank"}
    )
    assert status == 400
    cli = runner.invoke(
        main,
        [
            "--store",
            store_url,
            "add",
            "link",
            "--type",
            "FUNDZ",
            "--from",
            "Northbank Council",
            "--to",
            "Eastgate Food Bank",
        ],
    )
    assert cli.exit_code == 1
    assert cli.output.strip() == f"Error: {answer['error']}"
    assert "did you mean FUNDS" in answer["error"] and "\n" not in answer["error"]
    assert (
        post(server, "/api/link", {"type": "FUNDS", "from": "Nobody Here", "to": "Eastgate Food Bank"})[0]
        == 400
    )
    assert post(server, "/api/actor", {"type": "Charity"})[1] == {"error": "field 'name': missing name"}


def test_two_clients_adding_at_once_lose_nothing(server: WorkshopServer, store_url: str) -> None:
    pairs = [("Northbank Council", "Eastgate Food Bank"), ("Eastgate Food Bank", "Northbank Council")] * 3
    answers: list[tuple[int, dict[str, str]]] = []

    def add(a: str, b: str, i: int) -> None:
        answers.append(
            post(server, "/api/link", {"type": "INFLUENCES", "from": a, "to": b, "note": f"said {i}"})
        )

    threads = [threading.Thread(target=add, args=(a, b, i)) for i, (a, b) in enumerate(pairs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [200] * len(pairs)
    assert len({answer["changeset"] for _, answer in answers}) == len(pairs)  # each its own change set
    with Graph.open(store_url, read_only=True) as graph:
        notes = sorted(str(k.props.get("note")) for k in graph.reader().iter_links("INFLUENCES"))
    assert len(notes) >= 2  # same ends, same type: a later note updates the same link
    state = json.loads(get(server, f"/api/state?token={server.token}")[1])
    assert len(state["payload"]["edges"]) == 3  # PARTNERS_WITH and the two INFLUENCES links


def test_state_reports_a_new_version_after_each_change(server: WorkshopServer) -> None:
    first = json.loads(get(server, f"/api/state?token={server.token}")[1])
    same = json.loads(get(server, f"/api/state?token={server.token}&since={first['version']}")[1])
    assert same == {"version": first["version"]}
    post(server, "/api/actor", {"name": "Riverside Tenants", "type": "CommunityGroup"})
    later = json.loads(get(server, f"/api/state?token={server.token}&since={first['version']}")[1])
    assert later["version"] != first["version"]
    assert "Riverside Tenants" in [n["l"] for n in later["payload"]["nodes"]]


def test_moved_nodes_are_saved_in_the_layout_and_undo_takes_an_edit_back(
    server: WorkshopServer, store_url: str
) -> None:
    assert post(server, "/api/move", {"positions": {"org:northbank-council": [400, -250.4]}})[0] == 200
    status, answer = post(server, "/api/move", {"positions": {"org:nobody": [1, 2]}})
    assert status == 400 and answer["error"] == "field 'positions': no node 'org:nobody' to move"
    assert post(server, "/api/move", {"positions": {"org:northbank-council": "far"}})[0] == 400
    _, added = post(server, "/api/actor", {"name": "Riverside Tenants", "type": "CommunityGroup"})
    assert post(server, "/api/undo", {"changeset": added["changeset"]})[0] == 200
    with Graph.open(store_url, read_only=True) as graph:
        assert load_layout(graph.reader(), "round-2")["org:northbank-council"] == (400, -250)
        assert not graph.reader().has("org:riverside-tenants")


def test_lan_join_code_redirects_to_the_session_link(store_url: str) -> None:
    make_store(store_url)
    session = WorkshopSession(store_url, source="Housing round 2 notes")
    running = WorkshopServer(session, port=free_port(), lan=True).start()
    try:
        assert running.join_code and len(running.join_code) == 8
        opener = urllib.request.build_opener(urllib.request.HTTPRedirectHandler())
        with opener.open(f"http://127.0.0.1:{running.port}/join/{running.join_code.lower()}") as response:
            assert response.status == 200 and running.token in response.url
        assert get(running, "/join/AAAAAAAA")[0] == 403
    finally:
        running.stop()


def test_a_session_needs_an_event_or_a_source(store_url: str) -> None:
    make_store(store_url)
    with pytest.raises(InvalidData, match="--event EVENT_ID"):
        WorkshopSession(store_url)
    with pytest.raises(NodeNotFound, match="no node 'event:nope'"):
        WorkshopSession(store_url, event="event:nope")
    with pytest.raises(InvalidData, match="not an event"):
        WorkshopSession(store_url, event="org:northbank-council")
    with pytest.raises(InvalidData, match="layout name"):
        WorkshopSession(store_url, event=EVENT, layout="no spaces")


def test_cli_workshop_serves_until_stopped(store_url: str, tmp_path: Path) -> None:
    make_store(store_url)
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from psp_graph.cli import main; main()",
        "--store",
        store_url,
        "workshop",
        "--event",
        EVENT,
        "--port",
        str(port),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith(f"workshop open at http://127.0.0.1:{port}/?token=")
        url = first.split(" at ", 1)[1].strip()
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    assert b'id="workshop-edit"' in response.read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_cli_workshop_bad_event_is_one_line(store_url: str, runner: CliRunner) -> None:
    make_store(store_url)
    result = runner.invoke(main, ["--store", store_url, "workshop", "--event", "event:housing-round-3"])
    assert result.exit_code == 1
    assert (
        result.output.startswith("Error: no node 'event:housing-round-3'") and result.output.count("\n") == 1
    )


def test_nodes_on_the_wall_stay_put_when_the_room_adds_something(server: WorkshopServer) -> None:
    def places() -> dict[str, tuple[int, int]]:
        state = json.loads(get(server, f"/api/state?token={server.token}")[1])
        return {n["id"]: (n["x"], n["y"]) for n in state["payload"]["nodes"]}

    before = places()
    post(server, "/api/actor", {"name": "Riverside Tenants", "type": "CommunityGroup"})
    post(
        server, "/api/link", {"type": "PARTNERS_WITH", "from": "Riverside Tenants", "to": "Northbank Council"}
    )
    after = places()
    assert "org:riverside-tenants" in after
    assert {k: after[k] for k in before} == before


def test_pages_hear_an_added_link_at_once_with_its_ends(server: WorkshopServer) -> None:
    start = json.loads(get(server, f"/api/events?token={server.token}&after=0")[1])["seq"]
    post(server, "/api/link", {"type": "FUNDS", "from": "Northbank Council", "to": "Eastgate Food Bank"})
    heard = json.loads(get(server, f"/api/events?token={server.token}&after={start}")[1])
    (event,) = heard["events"]
    assert (event["kind"], event["from"], event["to"]) == (
        "link",
        "org:northbank-council",
        "org:eastgate-food-bank",
    )
    assert event["rel"]["type"] == "FUNDS"
    assert get(server, f"/api/events?after={start}")[0] == 403


def test_names_typed_in_the_room_never_become_html(server: WorkshopServer) -> None:
    name = '<img src=x onerror="alert(1)">Eastgate'
    assert post(server, "/api/actor", {"name": name, "type": "Charity"})[0] == 200
    page = get(server, f"/?token={server.token}")[1]
    assert "<img src=x" not in page and "\\u003cimg src=x" in page
    script = (ROOT / "visualisations" / "templates" / "workshop.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_cli_workshop_lan_prints_a_join_code(store_url: str, tmp_path: Path) -> None:
    make_store(store_url)
    port = free_port("0.0.0.0")
    command = [
        sys.executable, "-c", "from psp_graph.cli import main; main()", "--store", store_url,
        "workshop", "--source", "Round 2 notes", "--port", str(port), "--lan",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        code = lines[2].removeprefix("join code: ").strip()
        assert len(code) == 8 and f":{port}/join/{code}" in lines[1]
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_cli_workshop_with_nothing_to_map_says_so(store_url: str, runner: CliRunner) -> None:
    with Graph.open(store_url) as graph:
        graph.add(
            {
                "id": EVENT,
                "name": "Housing round 2",
                "types": ["Event"],
                "kind": "workshop",
                "date": "2020-05",
            }
        )
    result = runner.invoke(main, ["--store", store_url, "workshop", "--event", EVENT, "--port", "0"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: nothing to map") and result.output.count("\n") == 1
