"""Bubblewrap (Debian's `bubblewrap`): the namespaces code_exec runs untrusted programs in.

`command` wraps a Python command line: every namespace unshared (user, pid, network, ipc, uts, cgroup), so no
socket reaches the host, not even its loopback; only the system's read-only paths (`/usr` and its `/bin`, `/lib`
links, the interpreter's prefix when it lives elsewhere) are mounted, plus a fresh `/proc` and `/dev`; `/tmp` is
a private tmpfs of a fixed size and the working directory; the program file is bound read-only into it; no
repository, no home, no `/etc` beyond the loader cache; an environment of five variables set here. The rlimits of
sandbox.py apply inside as before. `problem()` says, once per process, why bwrap cannot run here (missing, or no
user namespaces), or None.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

#: Top-level system paths: bound read-only, or recreated as the links they are (Debian's merged /usr).
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
#: What the sandbox's environment holds: nothing of ours.
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
       "PYTHONIOENCODING": "utf-8"}  # fmt: skip
WORKDIR = "/tmp"


def binary() -> str | None:
    return shutil.which("bwrap")


def _system_mounts(python: str) -> list[str]:
    args: list[str] = []
    for path in SYSTEM:
        p = Path(path)
        if p.is_symlink():
            args += ["--symlink", os.readlink(p), path]
        elif p.is_dir():
            args += ["--ro-bind", path, path]
    prefix = Path(python).resolve().parents[1]
    if not any(prefix.is_relative_to(s) for s in SYSTEM):  # e.g. /opt/python3.11: only that prefix
        args += ["--ro-bind", str(prefix), str(prefix)]
    return [*args, "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache"]


def command(python_argv: list[str], program: Path, tmp_bytes: int) -> list[str]:
    """`python_argv` run under bwrap, with `program` at /tmp/program.py (read-only) and /tmp as its cwd."""
    bwrap = binary()
    if bwrap is None:
        raise OSError("bwrap is not installed (Debian: apt-get install bubblewrap)")
    env = [arg for key, value in ENV.items() for arg in ("--setenv", key, value)]
    return [
        bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv", *env,
        *_system_mounts(python_argv[0]), "--proc", "/proc", "--dev", "/dev",
        "--size", str(tmp_bytes), "--tmpfs", WORKDIR, "--ro-bind", str(program), f"{WORKDIR}/program.py",
        "--chdir", WORKDIR, "--", *python_argv,
    ]  # fmt: skip


@functools.cache
def problem(user: int | None) -> str | None:
    """Why bwrap cannot isolate a program here, run as `user` (None: as we are), or None when it can.

    Cached: probed once per process and user (about 10 ms)."""
    if binary() is None:
        return "bwrap is not installed (Debian: apt-get install bubblewrap; `make test` installs it when root)"
    probe = Path("/usr/bin/true") if Path("/usr/bin/true").exists() else Path("/bin/true")
    argv = command([str(probe)], probe, 1 << 20)
    argv[argv.index("--", 1) + 1 :] = [str(probe)]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=10, env={}, user=user,
                              stdin=subprocess.DEVNULL)  # fmt: skip
    except (OSError, subprocess.SubprocessError) as e:
        return f"bwrap cannot start: {e}"
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return f"bwrap cannot create its namespaces here ({why}): user namespaces may be disabled"
    return None
