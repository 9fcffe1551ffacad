"""The workshop's web server: a Starlette app over one :class:`WorkshopSession`.

Every request must carry the session token (``?token=`` for the page and the
state it polls, the ``X-PSP-Token`` header for writes, which a page on another
site cannot set: no cookies, so no cross-site request forgery). The page is the
map page with an edit panel; its Content-Security-Policy allows only its own
inline scripts (by hash) and connections back to this server. Starlette and
uvicorn are imported only here (``pip install 'psp-graph[workshop]'``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import secrets
from html import escape as html_escape
from typing import TYPE_CHECKING, Any

from psp_graph.exc import PspGraphError
from psp_graph.maps.render import json_for_html
from psp_graph.resources import resource_path

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from psp_graph.workshop.session import WorkshopSession

__all__ = ["JOIN_ALPHABET", "make_app", "new_join_code", "new_token", "workshop_page"]

POLL_MS = 300  # how often a page asks for changes: an added link shows within about 0.3 s
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud from a projector


def new_token() -> str:
    """A random session token for the URL."""
    return secrets.token_urlsafe(24)


def new_join_code() -> str:
    """A short code participants type on a phone (``--lan``): 8 characters, about 40 bits."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(8))


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def workshop_page(map_html: str, token: str, version: str, session_seq: int, choices: dict[str, Any]) -> str:
    """The map page with the edit panel and its script added, and a CSP that lets it talk to this server."""
    script = resource_path("visualisations", "templates", "workshop.js").read_text(encoding="utf-8")
    panel = resource_path("visualisations", "templates", "workshop_panel.html").read_text(encoding="utf-8")
    config = {"token": token, "version": version, "poll_ms": POLL_MS, "seq": session_seq, **choices}
    allow = html_escape(f"connect-src 'self'; script-src {_sha256(script)} ")  # as Jinja2 escaped the rest
    html = re.sub("script-src ", allow, map_html, count=1)
    html = html.replace(
        '<aside id="panel" aria-label="Legend, filters and details">',
        '<aside id="panel" aria-label="Legend, filters and details">\n' + panel,
        1,
    )
    tail = (
        f'<script type="application/json" id="psp-workshop">{json_for_html(config)}</script>\n'
        f"<script>{script}</script>\n</body>"
    )
    return html.replace("</body>", tail, 1)


def make_app(session: WorkshopSession, token: str, join_code: str | None = None) -> Starlette:
    """The ASGI app: ``GET /`` the page, ``GET /api/events`` edits at once, ``GET /api/state`` the
    redrawn map, ``POST /api/actor|link|move|undo``."""
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
    from starlette.routing import Route

    def allowed(request: Request, *, write: bool) -> bool:
        given = request.headers.get("x-psp-token", "")
        if not write:
            given = given or request.query_params.get("token", "")
        return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))

    def refused() -> Response:
        return PlainTextResponse("forbidden: this workshop needs its session link (with the token)", 403)

    async def run(work: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, work, *args)

    async def page(request: Request) -> Response:
        if not allowed(request, write=False):
            return refused()
        seq = session.events()["seq"]  # before drawing: an edit made meanwhile is heard again, harmlessly
        try:
            html, version = await run(session.page)
        except PspGraphError as err:  # e.g. nothing left to map
            return PlainTextResponse(f"Error: {' '.join(str(err).split())}", 409, headers=_NO_STORE)
        return HTMLResponse(workshop_page(html, token, version, seq, session.choices()), headers=_NO_STORE)

    async def state(request: Request) -> Response:
        if not allowed(request, write=False):
            return refused()
        result = await run(session.state, request.query_params.get("since"))
        return JSONResponse(result, headers=_NO_STORE)

    async def events(request: Request) -> Response:
        if not allowed(request, write=False):
            return refused()
        try:
            after = int(request.query_params.get("after", "0"))
        except ValueError:
            after = 0
        return JSONResponse(session.events(after), headers=_NO_STORE)

    async def join(request: Request) -> Response:
        code = str(request.path_params["code"]).upper()
        if join_code is None or not hmac.compare_digest(code.encode("utf-8"), join_code.encode("utf-8")):
            await asyncio.sleep(1)  # slows down guessing
            return refused()
        return RedirectResponse(f"/?token={token}", 303)

    def writer(action: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            if not allowed(request, write=True):
                return refused()
            if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
                return JSONResponse({"error": "send JSON (Content-Type: application/json)"}, 415)
            try:
                body = json.loads(await request.body())
            except ValueError:
                return JSONResponse({"error": "the request is not valid JSON"}, 400)
            if not isinstance(body, dict):
                return JSONResponse({"error": "the request must be a JSON object"}, 400)
            try:
                return JSONResponse(await run(action, body))
            except PspGraphError as err:  # the same one line as the CLI prints after "Error: "
                return JSONResponse({"error": " ".join(str(err).split())}, 400)

        return endpoint

    routes = [
        Route("/", page),
        Route("/api/state", state),
        Route("/api/events", events),
        Route("/api/actor", writer(session.add_actor), methods=["POST"]),
        Route("/api/link", writer(session.add_link), methods=["POST"]),
        Route("/api/move", writer(lambda body: session.move(body.get("positions") or {})), methods=["POST"]),
        Route(
            "/api/undo", writer(lambda body: session.undo(str(body.get("changeset") or ""))), methods=["POST"]
        ),
        Route("/join/{code}", join),
    ]
    return Starlette(routes=routes)


_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
