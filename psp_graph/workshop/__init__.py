"""Live capture in the room: ``psp workshop`` serves the map with an edit panel.

:mod:`~psp_graph.workshop.session` holds the store and the edits (all through
the Graph service, with the workshop's event as their source);
:mod:`~psp_graph.workshop.app` is the Starlette app (token on every request,
no cookies, no request leaves the machine); :func:`serve` runs it with uvicorn.
"""

from __future__ import annotations

from psp_graph.workshop.server import WorkshopServer, serve
from psp_graph.workshop.session import WorkshopSession

__all__ = ["WorkshopServer", "WorkshopSession", "serve"]
