"""Serve the app with uvicorn on loopback (by default), after checking the database opens, and open a browser."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path
from typing import Any

from harness.errors import InputError
from harness.store.lake import Lake


def server(source: Path | Lake, host: str = "127.0.0.1", port: int = 8765) -> Any:
    """A `uvicorn.Server` for the app over `source` (not started). A database that cannot be opened is the user's
    one-line error here, before anything listens."""
    import uvicorn

    from harness.view.app import create_app
    from harness.view.reader import Reader

    if not 0 <= port <= 65535:
        raise InputError(f"--port must be from 0 to 65535, not {port}")
    Reader(source).check()
    # the Host header a request may carry: loopback's, or the address asked for (any, for a wildcard address: its
    # names are not known; loopback is the default because the app has no login)
    hosts = ["*"] if host in ("0.0.0.0", "::") else ["127.0.0.1", "localhost", "testserver", host]
    config = uvicorn.Config(create_app(source, hosts), host=host, port=port, log_level="warning", access_log=False,
                            server_header=False)  # fmt: skip
    return uvicorn.Server(config)


def url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(srv: Any, browser: bool = True) -> None:
    """Run `srv` (from `server`) until interrupted; open the runs page in the default browser once it listens
    (unless `browser` is False)."""
    if browser:

        def opener() -> None:  # once uvicorn has started, not before: the first page must not fail
            while not srv.started and not srv.should_exit:
                threading.Event().wait(0.05)
            if srv.started:
                host = srv.config.host
                webbrowser.open(url("127.0.0.1" if host in ("0.0.0.0", "::") else host, srv.config.port))

        threading.Thread(target=opener, daemon=True).start()
    srv.run()
