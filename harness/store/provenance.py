"""What every run records about where it came from: git commit and dirty flag, package versions, host."""

from __future__ import annotations

import os
import socket
import subprocess
from concurrent.futures import Future
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from threading import Thread

PACKAGES = ("harness", "pydantic", "jinja2", "duckdb", "scikit-learn", "anthropic", "openai", "google-genai")


def git_state(cwd: Path) -> tuple[str | None, bool | None]:
    """(commit, dirty) of the repository holding `cwd`, or (None, None) outside git."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit, bool(status.strip())


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def host() -> tuple[int, str]:
    return os.getpid(), socket.gethostname()


@dataclass(frozen=True)
class Provenance:
    commit: str | None
    dirty: bool | None
    packages: dict[str, str]


def gather(cwd: Path) -> Future[Provenance]:
    """Provenance collected in a thread while the caller plans: the git calls are subprocesses (~10 ms) and
    package metadata is a directory scan, neither of which needs to delay the first cell."""
    future: Future[Provenance] = Future()

    def work() -> None:
        try:
            future.set_result(Provenance(*git_state(cwd), package_versions()))
        except BaseException as e:  # noqa: BLE001 (handed to whoever waits on the future)
            future.set_exception(e)

    Thread(target=work, name="provenance", daemon=True).start()
    return future
