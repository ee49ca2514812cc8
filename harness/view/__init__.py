"""`harness view`: a local, read-only web app over the results database (or the lake).

`filters` (the cell browser's filter, parsed from and written back to the URL), `queries` (the pages' data as plain
dicts, from short read-only connections, every statistic from `harness.report` and `harness.stats`), `app` (the
Starlette routes, HTML and `/api/...` JSON, the strict Content-Security-Policy), `serve` (uvicorn on loopback).
"""
