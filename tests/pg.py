"""A real PostgreSQL for the lake's catalog: Debian's server binaries, a cluster made with `initdb` in a temporary
directory, started with `pg_ctl` on a free loopback port and stopped at the end. PostgreSQL refuses to run as
root, so as root the cluster belongs to the `postgres` system user (the Debian package creates it)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    dbname: str

    def database(self, name: str) -> Postgres:
        """A new, empty database in this cluster (one lake per test)."""
        createdb = binary("createdb")
        assert createdb is not None
        subprocess.run([*_as_owner(), createdb, "-h", self.host, "-p", str(self.port), "-U", self.user, name],
                       check=True, capture_output=True)  # fmt: skip
        return Postgres(self.host, self.port, self.user, name)

    @property
    def store(self) -> str:
        """The lake URL (no password: the cluster trusts loopback connections)."""
        return f"ducklake:postgres:host={self.host} port={self.port} user={self.user} dbname={self.dbname}"


def binary(name: str) -> str | None:
    return shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextmanager
def cluster(dbname: str = "lake") -> Iterator[Postgres]:
    """A running cluster with database `dbname`, owner `harness`, in a directory of its own (pytest's are private
    to root, where the server's user could not reach them); stopped (immediately) and removed on exit."""
    initdb, pg_ctl, createdb = binary("initdb"), binary("pg_ctl"), binary("createdb")
    if not (initdb and pg_ctl and createdb):
        raise RuntimeError("PostgreSQL's server binaries are missing: `make test` installs Debian's postgresql")
    base = Path(tempfile.mkdtemp(prefix="harness-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data, port = base / "data", free_port()
    owner = _as_owner()
    subprocess.run([*owner, initdb, "-D", str(data), "-A", "trust", "-U", "harness", "--no-sync"],
                   check=True, capture_output=True)  # fmt: skip
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
    subprocess.run([*owner, pg_ctl, "-D", str(data), "-l", str(base / "log"), "-o", options, "-w", "start"],
                   check=True, capture_output=True)  # fmt: skip
    try:
        subprocess.run([*owner, createdb, "-h", "127.0.0.1", "-p", str(port), "-U", "harness", dbname],
                       check=True, capture_output=True)  # fmt: skip
        yield Postgres("127.0.0.1", port, "harness", dbname)
    finally:
        subprocess.run([*owner, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], check=False, capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def cluster_or_skip() -> Iterator[Postgres]:
    """A module fixture's body: the cluster, or a skip when PostgreSQL is not installed (a failure under CI)."""
    import pytest

    if binary("initdb") is None:
        message = "PostgreSQL's server is not installed (`make test` installs Debian's postgresql as root)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    with cluster() as pg:
        yield pg
