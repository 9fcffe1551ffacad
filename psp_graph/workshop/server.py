"""Run the workshop app with uvicorn: in the foreground (``psp workshop``) or in a thread (tests, benchmarks)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from psp_graph.exc import PspGraphError
from psp_graph.workshop.app import make_app, new_join_code, new_token
from psp_graph.workshop.session import WorkshopSession

__all__ = ["WorkshopServer", "free_port", "lan_address", "serve"]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class WorkshopServer:
    """A workshop server bound to ``host:port``, with its token (and join code on a LAN)."""

    session: WorkshopSession
    host: str = "127.0.0.1"
    port: int = 8765
    lan: bool = False
    token: str = field(default_factory=new_token)
    join_code: str | None = None
    _server: Any = None
    _thread: threading.Thread | None = None

    def __post_init__(self) -> None:
        if self.lan and self.join_code is None:
            self.join_code = new_join_code()

    @property
    def url(self) -> str:
        """The session link, token included."""
        host = "127.0.0.1" if self.host in {"0.0.0.0", ""} else self.host  # noqa: S104
        return f"http://{host}:{self.port}/?token={self.token}"

    def _uvicorn(self) -> Any:
        try:
            import uvicorn
        except ImportError:
            raise PspGraphError(
                "psp workshop needs Starlette and uvicorn: pip install 'psp-graph[workshop]'"
            ) from None
        app = make_app(self.session, self.token, self.join_code)
        config = uvicorn.Config(app, host=self.host, port=self.port, log_level="warning", lifespan="off")
        return uvicorn.Server(config)

    def run(self) -> None:
        """Serve until interrupted (Ctrl-C)."""
        self._server = self._uvicorn()
        self._server.run()

    def start(self, timeout: float = 10.0) -> WorkshopServer:
        """Serve from a background thread; return once it accepts connections."""
        self._server = self._uvicorn()
        self._thread = threading.Thread(target=self._server.run, name="psp-workshop-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise PspGraphError(f"the workshop server did not start on {self.host}:{self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop a server started with :meth:`start`, and close the session."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.session.close()


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent), or a placeholder."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("10.255.255.255", 1))  # UDP connect only picks a route
            return str(sock.getsockname()[0])
        except OSError:
            return "THIS-COMPUTER"


def serve(session: WorkshopSession, *, port: int, lan: bool = False) -> WorkshopServer:
    """A server for ``session`` on loopback, or on every interface with ``lan``."""
    return WorkshopServer(session, host="0.0.0.0" if lan else "127.0.0.1", port=port, lan=lan)  # noqa: S104
