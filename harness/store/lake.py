"""The shared results lake: DuckLake, with its catalog in PostgreSQL (or one `.ducklake` file) and its data as
Parquet in a folder (or S3-compatible storage), read and written by the DuckDB we already use.

Every machine keeps its journals and `results/harness.duckdb` as before; `push` copies a run's rows from the local
database into the lake's tables of the same names, and reads (`harness sql`, `report`, `show`, `runs list`,
`harness.open`) can take the lake instead of a results directory. DuckLake has no keys, so a push replaces the run:
in one transaction it deletes the run's rows from every table and inserts them again (a shard's rows, for a shard:
`lake_schema`). A push repeated, or killed and repeated, therefore ends with the run stored once; DuckLake retries a
commit that raced another machine's.

Store URLs: `ducklake:FILE.ducklake` (one person), `ducklake:postgres:host=... dbname=...` (a team); data at
`--store-data PATH|s3://bucket/prefix` (default: `<catalog file>.files/` beside a file catalog). Credentials come
from PostgreSQL's PG* and AWS's AWS_* environment variables, never from the URL we record.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.errors import InputError, StoreError
from harness.store import lake_schema
from harness.store.db import READ_ONLY_CONFIG, db_path
from harness.store.db import connect as db_connect
from harness.store.journal import crash_point

#: DuckDB extension -> the PyPI package that ships it (loaded from the installed package, never downloaded).
EXTENSIONS = {
    "ducklake": "duckdb-extension-ducklake",
    "postgres_scanner": "duckdb-extension-postgres-scanner",
    "httpfs": "duckdb-extension-httpfs",
}
PREFIX = "ducklake:"
#: Attempts at a push whose commit conflicts with another machine's (DuckLake retries plain races itself).
PUSH_ATTEMPTS = 8


@dataclass(frozen=True)
class Lake:
    """Where the lake is: the catalog (`ducklake:...`) and the data path (None: the catalog's own, once created)."""

    catalog: str
    data: str | None = None

    @property
    def postgres(self) -> bool:
        return self.catalog.startswith(PREFIX + "postgres:")

    @property
    def label(self) -> str:
        """The catalog without connection secrets, for messages and reports."""
        return re.sub(r"(password|user)=\S+", r"\1=…", self.catalog)


def parse(store: str | None, data: str | None = None) -> Lake | None:
    """`--store URL` and `--store-data PATH`; None for the local default (no `--store`)."""
    if not store:
        return None
    if not store.startswith(PREFIX) or store == PREFIX:
        raise InputError(f"--store {store!r} is not a lake URL",
                         fix="use ducklake:FILE.ducklake or ducklake:postgres:host=... dbname=...")  # fmt: skip
    if re.search(r"password=", store):
        raise InputError("--store: put the password in PGPASSWORD (or ~/.pgpass), not in the URL",
                         fix="the URL is recorded and shown; PostgreSQL's environment variables are not")  # fmt: skip
    target = store[len(PREFIX) :]
    if not target.startswith("postgres:") and data is None:  # absolute: the catalog records it for every reader
        data = str(Path(target).resolve().with_name(Path(target).name + ".files")) + "/"
    return Lake(store, data)


def extension_path(name: str) -> Path:
    """The extension's file inside its installed PyPI package; one clear error naming the package when missing."""
    import duckdb

    package = EXTENSIONS[name]
    spec = importlib.util.find_spec(package.replace("-", "_"))
    where = Path(next(iter(spec.submodule_search_locations or []), "")) if spec else None
    version = duckdb.__version__
    found = sorted(where.glob(f"extensions/v{version}/{name}.duckdb_extension")) if where else []
    if not found:
        raise StoreError(f"the DuckDB extension {name!r} for DuckDB {version} is not installed: "
                         f"`pip install {package}=={version}` (or `pip install 'harness[lake]'`)")  # fmt: skip
    return found[0]


def _load(con: Any, lake: Lake) -> None:
    names = ["ducklake"] + (["postgres_scanner"] if lake.postgres else [])
    s3 = (lake.data or "").startswith("s3://")
    env = os.environ  # without --store-data the catalog knows where the data is: ready for S3 if AWS's keys are set
    unknown = lake.data is None and bool(env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"))
    names += ["httpfs"] if s3 or unknown else []
    for name in names:
        con.execute(f"LOAD '{_quote(str(extension_path(name)))}'")
    if s3 or unknown:
        _s3_secret(con)


def _s3_secret(con: Any) -> None:
    """Object storage credentials from AWS's standard variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
    AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL[_S3] for S3-compatible storage), as a secret that lives in this
    connection only; the statement that makes it is never logged."""
    env = os.environ
    key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    if not (key and secret):
        raise StoreError("the lake's data is in S3 but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set")
    parts = [f"KEY_ID '{_quote(key)}'", f"SECRET '{_quote(secret)}'",
             f"REGION '{_quote(env.get('AWS_REGION') or env.get('AWS_DEFAULT_REGION') or 'us-east-1')}'"]  # fmt: skip
    if env.get("AWS_SESSION_TOKEN"):
        parts.append(f"SESSION_TOKEN '{_quote(env['AWS_SESSION_TOKEN'])}'")
    endpoint = urlsplit(env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or "")
    if endpoint.netloc:  # S3-compatible storage: path-style URLs on its own host
        parts += [f"ENDPOINT '{_quote(endpoint.netloc)}'", "URL_STYLE 'path'",
                  f"USE_SSL {'false' if endpoint.scheme == 'http' else 'true'}"]  # fmt: skip
    con.execute(f"CREATE SECRET lake_s3 (TYPE s3, {', '.join(parts)})")


def _quote(text: str) -> str:
    return text.replace("'", "''")


def connect(lake: Lake, *, read_only: bool = False) -> Any:
    """A connection with the lake attached as `lake` and in use. Read-only connections are locked down like the
    local database's (`READ_ONLY_CONFIG`), the lake's data folder the one place they may read."""
    import duckdb

    config: dict[str, Any] = {k: v for k, v in READ_ONLY_CONFIG.items() if k not in
                              ("enable_external_access", "lock_configuration")}  # fmt: skip
    con = duckdb.connect(config=config)
    try:
        _load(con, lake)
        options = [f"DATA_PATH '{_quote(lake.data)}'"] if lake.data else []
        options += ["READ_ONLY"] if read_only else []
        _attach(con, f"ATTACH '{_quote(lake.catalog)}' AS lake" + (f" ({', '.join(options)})" if options else ""))
        con.execute("USE lake")
        if read_only:
            data = lake.data or (con.execute("SELECT data_path FROM ducklake_settings('lake')").fetchone() or [None])[0]
            allowed = [data] if data else []
            con.execute(f"SET allowed_directories = {allowed!r}")
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
    except duckdb.Error as e:
        con.close()
        raise StoreError(f"cannot open the lake {lake.label}: {str(e).splitlines()[0]}") from None
    return con


def open_read(source: Path | Lake, wait: float = 5.0) -> Any:
    """A locked-down read-only connection to a results directory's database or to the lake; the same tables and
    views either way."""
    if isinstance(source, Lake):
        return connect(source, read_only=True)
    path = db_path(source)
    if not path.exists():
        raise InputError(f"no database in {source}", fix="run `harness run` or `harness db load` first")
    return db_connect(path, read_only=True, wait=wait)


def _attach(con: Any, statement: str) -> None:
    """ATTACH, again when machines attaching a new PostgreSQL catalog at once raced to create its tables."""
    import duckdb

    for attempt in range(PUSH_ATTEMPTS):
        try:
            con.execute(statement)
            return
        except duckdb.Error as e:
            if "Failed to initialize DuckLake" not in str(e) or attempt == PUSH_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * 2**attempt)


@dataclass
class Pushed:
    runs: list[str] = field(default_factory=list)
    rows: int = 0
    retries: int = 0


@contextmanager
def _local(con: Any, results_dir: Path) -> Iterator[None]:
    path = db_path(results_dir)
    if not path.exists():
        raise InputError(f"no database in {results_dir}", fix="run `harness run` or `harness db load` first")
    con.execute(f"ATTACH '{_quote(str(path))}' AS local (READ_ONLY)")
    try:
        yield
    finally:
        con.execute("USE lake")
        con.execute("DETACH local")


def push(results_dir: Path, lake: Lake, run_ids: list[str] | None = None) -> Pushed:
    """Copy runs (default: every run of the local database) into the lake, each run in one transaction that
    replaces what the lake had of it. The local database must be up to date (`db.load` first)."""
    import duckdb

    out = Pushed()
    con = connect(lake)
    try:
        con.execute("SET ducklake_max_retry_count = 50")  # many machines pushing at once: plain races
        with _local(con, results_dir):
            _retrying(lambda: lake_schema.sync(con), out, duckdb.TransactionException)
            known = [r for (r,) in con.execute("SELECT run_id FROM local.main.runs ORDER BY started_at").fetchall()]
            known += [c for (c,) in con.execute("SELECT DISTINCT calibration_id FROM local.main.judge_calibrations")
                      .fetchall()]  # fmt: skip
            wanted = run_ids if run_ids is not None else known
            missing = [r for r in wanted if r not in known]
            if missing:
                raise InputError(f"run {missing[0]!r} is not in {db_path(results_dir)}",
                                 fix="see `harness runs list` (a run is loaded when it ends)")  # fmt: skip
            for run_id in wanted:
                out.rows += _push_one(con, run_id, out, duckdb.TransactionException)
                out.runs.append(run_id)
    finally:
        con.close()
    return out


def _retrying(step: Callable[[], None], out: Pushed, conflict: type[Exception]) -> None:
    """`step` again while it conflicts with another machine doing the same (creating the lake's tables at once)."""
    for attempt in range(PUSH_ATTEMPTS):
        try:
            return step()
        except conflict:
            out.retries += 1
            time.sleep(0.05 * 2**attempt)
    step()


def _push_one(con: Any, run_id: str, out: Pushed, conflict: type[Exception]) -> int:
    """Replace the run (or the run's shard) in the lake, in one transaction."""
    shard_json = con.execute(
        "SELECT json_extract(selection, '$.shard') FROM local.main.runs WHERE run_id = ?", [run_id]
    ).fetchone()
    found = json.loads(shard_json[0]) if shard_json and shard_json[0] else None
    shard = (int(found[0]), int(found[1])) if found else None
    for attempt in range(PUSH_ATTEMPTS):
        con.execute("BEGIN")
        try:
            rows = lake_schema.replace_run(con, run_id, shard)
            crash_point("push-inserting")  # the crash tests: killed inside the transaction
            con.execute("COMMIT")
            return rows
        except conflict:  # a logical conflict with another machine's push of the same run: redo it on top
            con.execute("ROLLBACK")
            out.retries += 1
            time.sleep(0.05 * 2**attempt)
        except BaseException:
            con.execute("ROLLBACK")
            raise
    raise StoreError(f"push of run {run_id} gave up after {PUSH_ATTEMPTS} conflicting commits: push it again")
