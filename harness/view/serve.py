"""Serve the app with uvicorn on loopback (by default), after checking the database opens, and open a browser."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

import uvicorn

from harness.errors import InputError
from harness.store.lake import Lake
from harness.view.reader import Reader


class Server(uvicorn.Server):
    """uvicorn's server, with the app's `Reader` (what `serve` warms)."""

    def __init__(self, config: uvicorn.Config, reader: Reader) -> None:
        super().__init__(config)
        self.reader = reader


def server(source: Path | Lake, host: str = "127.0.0.1", port: int = 8765) -> Server:
    """A `uvicorn.Server` for the app over `source` (not started). A database that cannot be opened is the user's
    one-line error here, before anything listens."""
    from harness.view.app import create_app

    if not 0 <= port <= 65535:
        raise InputError(f"--port must be from 0 to 65535, not {port}")
    reader = Reader(source)
    reader.check()
    # the Host header a request may carry: loopback's, or the address asked for (any, for a wildcard address: its
    # names are not known; loopback is the default because the app has no login)
    hosts = ["*"] if host in ("0.0.0.0", "::") else ["127.0.0.1", "localhost", "testserver", host]
    config = uvicorn.Config(create_app(reader, hosts), host=host, port=port, log_level="warning", access_log=False,
                            server_header=False)  # fmt: skip
    return Server(config, reader)


def url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(srv: Server, browser: bool = True) -> None:
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
    threading.Thread(target=warm, args=(srv.reader,), name="harness-view-warm", daemon=True).start()
    srv.run()


def warm(reader: Reader) -> None:
    """Compute the runs list, the newest run's page and its comparison against the suite's run before it while the
    browser opens: at 100,000 cells their first view costs a second or more on a busy machine (the run's cases
    reduced and every statistic computed), later ones a fingerprint check (`Reader.memo`). Failures are the pages'
    to report, not this thread's."""
    from harness.errors import HarnessError
    from harness.view import queries

    try:
        found = queries.runs(reader)
        if found:
            queries.run(reader, found[0]["run_id"])
            earlier = [r for r in found[1:] if r["suite"] == found[0]["suite"]]
            if earlier:
                queries.compare(reader, earlier[0]["run_id"], found[0]["run_id"])
    except HarnessError:
        pass
