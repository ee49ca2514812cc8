"""What every run records about where it came from: git commit and dirty flag, package versions, host."""

from __future__ import annotations

import os
import socket
import subprocess
from importlib import metadata
from pathlib import Path

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
