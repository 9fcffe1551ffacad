"""A small store and a running workshop server for the workshop tests and benchmark."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from psp_graph.graph import Graph
from psp_graph.workshop import WorkshopServer, WorkshopSession
from psp_graph.workshop.server import free_port

EVENT = "event:housing-round-2"
ACTORS = {
    "org:northbank-council": ("Northbank Council", "PublicBody"),
    "org:quillmead-renters-forum": ("Quillmead Renters Forum", "CommunityGroup"),
    "org:eastgate-food-bank": ("Eastgate Food Bank", "Charity"),
}


def make_store(url: str) -> None:
    """Three illustrative actors, one link, and the workshop's event."""
    with Graph.open(url) as graph:
        for node_id, (name, kind) in ACTORS.items():
            graph.add({"id": node_id, "name": name, "types": [kind], "illustrative": True}, section="actors")
        graph.add(
            {"type": "PARTNERS_WITH", "from": "org:quillmead-renters-forum", "to": "org:eastgate-food-bank"},
            section="links",
            sources=["Illustrative notes"],
        )
        graph.add(
            {
                "id": EVENT,
                "name": "Housing round 2",
                "types": ["Event"],
                "kind": "workshop",
                "date": "2020-05-12",
            },
            section="events",
        )


def start_server(url: str, layout: str = "round-2") -> WorkshopServer:
    session = WorkshopSession(url, event=EVENT, layout=layout)
    return WorkshopServer(session, port=free_port()).start()


def post(
    server: WorkshopServer, path: str, body: Any, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    """POST JSON with the token header; (status, answer)."""
    headers = {"Content-Type": "application/json", "X-PSP-Token": server.token if token is None else token}
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}{path}", data=json.dumps(body).encode(), headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        text = err.read().decode()
        return err.code, json.loads(text) if text.startswith("{") else {"text": text}


def get(server: WorkshopServer, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()
