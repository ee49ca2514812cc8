"""`harness view`: browse runs, cells and changes in a local, read-only web app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import ResultsOpt, StoreDataOpt, StoreOpt, cli_errors, source


@cli_errors
def view(
    results_dir: ResultsOpt = Path("results"),
    store: StoreOpt = None,
    store_data: StoreDataOpt = None,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default; the app has no login).")] = (
        "127.0.0.1"
    ),
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")] = False,
) -> None:
    """Browse runs, the task × deployment matrix, every cell and the changes between two runs (read-only)."""
    from harness.cli import display
    from harness.view.serve import serve, server, url

    srv = server(source(results_dir, store, store_data), host, port)
    display.plain(f"harness view: {url(host, port)} (read-only; Ctrl-C stops it)")
    serve(srv, browser=not no_browser)
