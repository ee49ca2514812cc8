"""`harness view`: a local, read-only web app over the results database (or the lake).

`filters` (the cell browser's filter, parsed from and written back to the URL), `sql` (scores over a scope, the
matrix per case, keyset paging), `reader` (one short-lived read-only connection shared by a burst of requests,
memos), `queries` (the pages' data as plain dicts, every statistic from `harness.report` and `harness.stats`),
`prompt` (a cell's prompt rendered again), `app` (the Starlette routes, HTML and `/api/...` JSON, the strict
Content-Security-Policy), `serve` (uvicorn on loopback).
"""
