"""`harness view` (issue 22): server time of every page on a large database.

Two finished simulated routed runs of `cells` cells each (the `store` scenario's journal writer, with each case's
routed walk; the second with other answers so a comparison has flips), loaded once; then each page is requested
through the ASGI app in process (Starlette's test client: routing, the read-only connection, the queries, the
template, no network) `repeats` times, and the median and slowest server time per page are reported (`Timed`: from
the request's start to the response's last byte), with the first view's apart (after one page has paid the
process's imports, nothing remembered: the run's cases are reduced and every statistic computed), the test client's
wall time and the CPU time (the process's, DuckDB's threads included): on a machine other work shares, wall time
grows with the load and CPU time much less.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import peak_rss_mb, run_child, sim_project
from bench.store import write_journal

#: The 50-row cell-browser pages the 100 ms target is for (a text search scans every output: the 300 ms one).
BROWSER_PAGES = ("cells page 1", "cells filtered", "cells middle page", "api cells page 1", "cells routed left",
                 "cells routed served")  # fmt: skip
RUNS = ("20260101-000000-bench0", "20260102-000000-bench1")


def pages(cell_key: str, middle: str) -> dict[str, str]:
    """Each page once; `middle`: the page token of the run's middle row (keyset paging's deep page)."""
    a, b = RUNS
    return {
        "runs": "/",
        "run matrix": f"/runs/{b}",
        "run templates": f"/runs/{b}/templates",
        "cells page 1": "/cells",
        "cells filtered": f"/cells?run={b}&task=t&deployment=b&passed=false",
        "cells middle page": f"/cells?run={b}&after={middle}",
        "cells text search": f"/cells?run={b}&q=shipping",
        "cells routed left": f"/cells?run={b}&task=t&variant=base&deployment=a&routed=left&outcome=timeout",
        "cells routed served": f"/cells?run={b}&task=t&variant=base&deployment=b&routed=served",
        "cell": f"/cells/{cell_key}",
        "compare": f"/compare?a={a}&b={b}",
        "api cells page 1": "/api/cells",
        "api run matrix": f"/api/runs/{b}",
    }


def child(args: dict[str, Any], t0: float) -> Iterator[dict[str, Any]]:
    from starlette.testclient import TestClient

    from harness.store import db
    from harness.view import sql
    from harness.view.app import create_app
    from harness.view.filters import PAGE_ROWS
    from harness.view.reader import Reader

    with tempfile.TemporaryDirectory() as tmp:
        suite = sim_project(Path(tmp) / "p", 4)
        results = Path(tmp) / "results"
        for seed, run_id in enumerate(RUNS):
            write_journal(results, suite, args["cells"], run_id, seed, routed=True)
        db.load(results)
        total = db.query(results, "SELECT count(*) FROM cells")[0][0]
        key = db.query(results, "SELECT cell_key FROM cells WHERE run_id = ? LIMIT 1", [RUNS[1]])[0][0]
        middle = sql.token(dict(zip([f"k{i}" for i in range(len(sql.KEY))], db.query(
            results, f"SELECT {', '.join(sql.KEY)} FROM cells WHERE run_id = ? ORDER BY {sql.KEY_ORDER} LIMIT 1 "
            f"OFFSET {args['cells'] // 2 // PAGE_ROWS * PAGE_ROWS - 1}", [RUNS[1]])[0], strict=True)))  # fmt: skip
        reader = Reader(results)
        app = Timed(create_app(reader))
        client = TestClient(app)
        # the process's one-time costs (imports, templates, the first connection) on a page not measured, then
        # nothing remembered: each page's first view below computes its data
        assert client.get(f"/runs/{RUNS[0]}").status_code == 200
        reader.forget()
        for name, url in pages(key, middle).items():
            first = measure(client, app, url)
            runs = [measure(client, app, url) for _ in range(args["repeats"])]
            server, wall, cpu = (statistics.median(r[i] for r in runs) for i in range(3))
            yield {"page": name, "url": url, "db_cells": total, "first_ms": first[0], "first_cpu_ms": first[2],
                   "median_ms": server, "median_client_ms": wall, "median_cpu_ms": cpu,
                   "max_ms": max(r[0] for r in runs), "rss_mb": peak_rss_mb()}  # fmt: skip


class Timed:
    """The app, timed as a server sees a request: from its start to the response's last byte (the test client's
    own threads and the scheduler's delays on a busy machine are outside)."""

    def __init__(self, app: Any) -> None:
        self.app, self.last = app, 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        start = time.perf_counter()

        async def timed(message: Any) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.last = time.perf_counter() - start

        await self.app(scope, receive, timed)


def measure(client: Any, app: Timed, url: str) -> tuple[float, float, float]:
    """One request: server time, the client's wall time and the process's CPU time, in ms."""
    wall, cpu = time.perf_counter(), time.process_time()
    assert client.get(url).status_code == 200, url
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return app.last * 1000, wall * 1000, cpu * 1000


def view(cells: int, repeats: int) -> dict[str, Any]:
    """(issue 22) Every page's server time on a database of two `cells`-cell runs (2 x 50,001: the issue's 100,000-cell
    database): target <= 300 ms a page (median of the repeats after the first, which is reported apart),
    a 50-row cell-browser page <= 100 ms."""
    rows = run_child("view", {"cells": cells, "repeats": max(repeats, 5)})
    keys = ("median_ms", "max_ms", "first_ms", "median_client_ms", "median_cpu_ms", "first_cpu_ms")
    by_page = {r["page"]: {k: round(r[k], 1) for k in keys} for r in rows}
    browser = [r["median_ms"] for r in rows if r["page"] in BROWSER_PAGES]
    row = {
        "scenario": f"view: page server time, {rows[0]['db_cells']:,}-cell database", "cells": rows[0]["db_cells"],
        "runs": len(RUNS), "pages": by_page, "slowest_page_ms": round(max(r["median_ms"] for r in rows), 1),
        "slowest_browser_page_ms": round(max(browser), 1), "peak_rss_mb": round(max(r["rss_mb"] for r in rows), 1),
        "slowest_first_view_ms": round(max(r["first_ms"] for r in rows), 1),
        "slowest_first_view_cpu_ms": round(max(r["first_cpu_ms"] for r in rows), 1),
        "simulated": True, "target": "every page <= 300 ms (median); a 50-row cell-browser page <= 100 ms",
    }  # fmt: skip
    row["ok"] = row["slowest_page_ms"] <= 300 and row["slowest_browser_page_ms"] <= 100
    return row
