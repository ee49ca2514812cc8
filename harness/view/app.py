"""The Starlette app: HTML pages and the same data as JSON under `/api/`, GET only, read-only.

Every response carries the report's strict Content-Security-Policy, without even its one script (these pages have
none): nothing a run holds (model output, case text, names) can run in the browser, and Jinja2's autoescaping writes
every value as text. Links are built from `quote`d path segments and `urlencode`d filters, so a value never becomes
a scheme. Requests whose Host is not ours are refused (a DNS-rebinding page cannot read the results).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from harness.errors import DatabaseLockedError, HarnessError, InputError
from harness.store.lake import Lake
from harness.view import queries, spark
from harness.view.filters import PAGE_ROWS, CellFilter
from harness.view.reader import Reader

#: The report's policy (harness/report/templates/report.html.j2) with no script at all; forms submit to us only.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")  # fmt: skip
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class SecurityHeaders:
    """ASGI middleware, outermost: `HEADERS` on every response (pages, JSON, errors, refused hosts and methods)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                ours = {k.lower().encode() for k in HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in ours]
                message = {**message, "headers": kept + [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]}
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


def _templates() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.view", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        spark_box=(spark.WIDTH, spark.HEIGHT),
        css=resources.files("harness.report").joinpath("templates", "report.css").read_text(encoding="utf-8"),
        seg=lambda value: quote(str(value), safe=""),
        page_rows=PAGE_ROWS,
        CellFilter=CellFilter,
    )
    env.filters["clip"] = lambda value, n=300: (
        "" if value is None else (str(value)[:n] + ("…" if len(str(value)) > n else ""))
    )
    return env


def _json_default(value: Any) -> Any:
    if isinstance(value, CellFilter):
        return {k: v for k, v in value.__dict__.items() if v is not None}
    return str(value)


class Pages:
    """The handlers: each builds its data with `queries` and answers JSON under /api/ or the page's template."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.env = _templates()

    def page(self, name: str, context: dict[str, Any], code: int = 200) -> Any:
        from starlette.responses import HTMLResponse

        return HTMLResponse(self.env.get_template(name).render(**context), status_code=code)

    def api(self, data: Any, code: int = 200) -> Any:
        from starlette.responses import Response

        body = json.dumps(data, default=_json_default, ensure_ascii=False)
        return Response(body, status_code=code, media_type="application/json")

    def error(self, request: Any, message: str, code: int) -> Any:
        if request.url.path.startswith("/api/"):
            return self.api({"error": message}, code)
        return self.page("error.html.j2", {"message": message}, code)

    def handle(self, request: Any, html: str, build: Callable[[], dict[str, Any]]) -> Any:
        """`build()` -> the page's data, as JSON under /api/ or rendered with `html`; our errors as a status."""
        try:
            data = build()
        except HarnessError as e:
            code = 404 if isinstance(e, queries.NotFound) else 503 if isinstance(e, DatabaseLockedError) else 400
            code = code if isinstance(e, InputError | DatabaseLockedError) else 500
            return self.error(request, queries.error_message(e), code)
        return self.api(data) if request.url.path.startswith("/api/") else self.page(html, data)

    def runs(self, request: Any) -> Any:
        def build() -> dict[str, Any]:
            found = queries.runs(self.reader)
            return {"runs": found, "history": spark.history(found)}

        return self.handle(request, "runs.html.j2", build)

    def run(self, request: Any) -> Any:
        return self.handle(request, "run.html.j2", lambda: queries.run(self.reader, request.path_params["run_id"]))

    def templates(self, request: Any) -> Any:
        run_id = request.path_params["run_id"]
        return self.handle(request, "templates.html.j2", lambda: queries.templates(self.reader, run_id))

    def cells(self, request: Any) -> Any:
        return self.handle(
            request, "cells.html.j2", lambda: queries.cells(self.reader, CellFilter.parse(request.query_params))
        )

    def cell(self, request: Any) -> Any:
        return self.handle(request, "cell.html.j2", lambda: queries.cell(self.reader, request.path_params["cell_key"]))

    def compare(self, request: Any) -> Any:
        def build() -> dict[str, Any]:
            a, b = request.query_params.get("a"), request.query_params.get("b")
            if not a or not b:
                raise InputError("compare needs two runs: /compare?a=BASELINE_RUN&b=RUN")
            return queries.compare(self.reader, a, b)

        return self.handle(request, "compare.html.j2", build)

    async def not_found(self, request: Any, exc: Exception) -> Any:
        return self.error(request, f"no page {request.url.path!r}; start at / (the runs)", 404)

    async def refused(self, request: Any, exc: Exception) -> Any:
        return self.error(request, f"{request.method} is not allowed: harness view is read-only (GET only)", 405)


def create_app(source: Path | Lake | Reader, hosts: list[str] | None = None) -> Any:
    """The app over `source` (or a `Reader` of it); `hosts`: the Host names it answers (default: loopback names and
    the test client's)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.routing import Route

    pages = Pages(source if isinstance(source, Reader) else Reader(source))
    routes = [Route("/", pages.runs, methods=["GET"])]
    for prefix in ("", "/api"):
        routes += [
            Route(prefix + "/runs/{run_id}", pages.run, methods=["GET"]),
            Route(prefix + "/runs/{run_id}/templates", pages.templates, methods=["GET"]),
            Route(prefix + "/cells", pages.cells, methods=["GET"]),
            Route(prefix + "/cells/{cell_key:path}", pages.cell, methods=["GET"]),
            Route(prefix + "/compare", pages.compare, methods=["GET"]),
        ]
    routes.append(Route("/api/runs", pages.runs, methods=["GET"]))
    allowed = hosts or ["127.0.0.1", "localhost", "testserver"]
    starlette = Starlette(
        routes=routes,
        middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed)],
        exception_handlers={404: pages.not_found, 405: pages.refused},
    )
    return SecurityHeaders(starlette)  # outside Starlette's own error middleware: its 500s carry the headers too
