"""Issue 24 §3: code_exec's programs cannot get out of the bwrap sandbox.

Each attempt is a HumanEval answer to `add(a, b)` that returns the right sum only when its escape worked, so an
escape would be a pass: reading an SSH key in a home directory, `/proc/self/environ` and the parent's environment
with canary keys set, the repository's files; connecting to a loopback server of ours; a fork bomb; filling the
disk; writing outside /tmp; sleeping for an hour. Every one must be graded failed with a reason, and the side
effects checked from outside (the server saw no connection, no file appeared, no process survived). The same
corpus under the rlimits fallback shows what isolation adds (some attempts get out there) and that every grade
says which sandbox ran it.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.graders import Sample, build_grader, bwrap, sandbox
from tests.canary import OPENAI, fake_key
from tests.graders.procs import survivors

ROOT = Path(__file__).parents[2]
ROOTED = os.geteuid() == 0
ISOLATED = bwrap.problem(65534 if ROOTED else None) is None
if not ISOLATED and os.environ.get("CI") == "true":
    raise RuntimeError(f"bwrap is required under CI (make test installs it): {bwrap.problem(None)}")
PROMPT = "def add(a, b):\n"
EXPECTED = {"test": "def check(candidate):\n    assert candidate(2, 3) == 5\n", "entry_point": "add"}
CANARY = fake_key(OPENAI, "escape-canary")


class Listener:
    """A TCP server on our loopback that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Secrets and targets outside the sandbox: a world-readable home with an SSH key, canary keys in our
    environment, a loopback server, a directory the program must not write to."""
    home = tmp_path_factory.mktemp("home")
    (home / ".ssh").mkdir()
    (home / ".ssh" / "id_ed25519").write_text(f"-----BEGIN OPENSSH PRIVATE KEY----- {CANARY}\n")
    outside = tmp_path_factory.mktemp("outside")
    for p in (home, home / ".ssh", home / ".ssh" / "id_ed25519", outside):  # open to everyone: only the
        p.chmod(0o777 if p.is_dir() else 0o644)  # sandbox can keep them from the program
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    monkeypatch.setenv("HARNESS_ESCAPE_CANARY", CANARY)
    server = Listener()
    yield {"home": home, "outside": outside, "port": server.port, "server": server}
    server.close()
    shutil.rmtree(outside, ignore_errors=True)


def attempts(w: dict[str, Any]) -> dict[str, str]:
    """name -> the body of add(a, b): it returns a + b only when the escape worked."""
    key = w["home"] / ".ssh" / "id_ed25519"
    token = uuid.uuid4().hex
    w["token"] = token
    return {
        "read ~/.ssh": f"    assert 'PRIVATE KEY' in open({str(key)!r}).read()\n    return a + b\n",
        "read root's ~/.ssh": "    import os\n    assert os.listdir('/root/.ssh') is not None\n    return a + b\n",
        "/proc/self/environ": f"    assert {CANARY!r} in open('/proc/self/environ').read()\n    return a + b\n",
        "the parent's environ": (
            "    import os\n    hits = []\n    for pid in os.listdir('/proc'):\n"
            "        try:\n            hits.append(open(f'/proc/{pid}/environ').read())\n"
            "        except Exception:\n            pass\n"
            f"    assert any({CANARY!r} in h for h in hits), 'no canary'\n    return a + b\n"
        ),
        "the repository's files": (
            f"    assert 'harness' in open({str(ROOT / 'pyproject.toml')!r}).read()\n    return a + b\n"
        ),
        "a loopback server": (
            f"    import socket\n    socket.create_connection(('127.0.0.1', {w['port']}), timeout=1).close()\n"
            "    return a + b\n"
        ),
        "a fork bomb": (
            "    import os\n    n = 0\n    while n < 10000:\n        try:\n            if os.fork() == 0:\n"
            f"                os.execv('/bin/sleep', ['sleep', '30', {token!r}])\n"
            "            n += 1\n        except OSError:\n            break\n"
            "    assert n >= 10000, f'only {n} forks'\n    return a + b\n"
        ),
        "fill the disk": (
            "    i = 0\n    while i < 200:\n"
            "        with open(f'fill{i}', 'wb') as f:\n            f.write(b'x' * (15 << 20))\n        i += 1\n"
            "    return a + b\n"
        ),
        "write outside tmp": (
            f"    open({str(w['outside'] / token)!r}, 'w').write('escaped')\n"
            "    for p in ('/usr/escaped', '/etc/escaped', '/escaped'):\n"
            "        open(p + '-' + 'x', 'w')\n    return a + b\n"
        ),
        "write to the repository": f"    open({str(ROOT / token)!r}, 'w').write('escaped')\n    return a + b\n",
        "a long sleep": "    import time\n    time.sleep(3600)\n    return a + b\n",
    }


def graded(body: str, mode: str) -> Any:
    fn = build_grader("code_exec", {"timeout_s": 2.0, "memory_mb": 256, "max_procs": 16}).fn
    real = sandbox.run_python
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("harness.graders.code.run_python", lambda program, limits: real(program, limits, mode))
        return fn(Sample(body, EXPECTED, (), {"prompt": PROMPT}, "code"))


@pytest.mark.skipif(not ISOLATED, reason="bwrap cannot run here (make test installs it)")
def test_no_attempt_escapes_the_bwrap_sandbox(world: dict[str, Any]) -> None:
    corpus = attempts(world)
    assert len(corpus) >= 10
    results = {name: graded(body, "bwrap") for name, body in corpus.items()}
    escaped = [name for name, s in results.items() if s.passed]
    assert escaped == []
    for name, s in results.items():  # each a failure with a reason, recorded as isolated
        assert s.value == 0.0 and s.reason and s.sandbox == "bwrap", (name, s)
        assert "tests failed" in s.reason or "timed out" in s.reason, (name, s.reason)
    assert "timed out" in results["a long sleep"].reason
    assert world["server"].accepted == 0 and survivors(world["token"]) == []  # the fork bomb's children are gone
    assert not (world["outside"] / world["token"]).exists() and not (ROOT / world["token"]).exists()
    assert not any(Path(p).exists() for p in ("/usr/escaped-x", "/etc/escaped-x", "/escaped-x"))


def test_without_bwrap_grades_say_rlimits_and_the_run_is_warned_once(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The fallback: bwrap missing. Grades record `sandbox: rlimits`; one warning however many programs run; and
    the same corpus shows why isolation matters (outside bwrap, some attempts do get out)."""
    monkeypatch.setattr(bwrap, "binary", lambda: None)
    bwrap.problem.cache_clear()
    sandbox.isolation.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="harness.sandbox"):
            fn = build_grader("code_exec", {"timeout_s": 2.0}).fn
            scores = [fn(Sample("    return a + b\n", EXPECTED, (), {"prompt": PROMPT}, "code")) for _ in range(3)]
            note = sandbox.run_note()
        assert all(s.passed and s.sandbox == "rlimits" for s in scores)
        warned = [r for r in caplog.records if "WITHOUT isolation" in r.getMessage()]
        assert len(warned) == 1 and "bwrap is not installed" in warned[0].getMessage()
        assert note.startswith("WARNING: code_exec runs WITHOUT isolation")
        corpus = attempts(world)
        outside = [
            name for name in ("the repository's files", "a loopback server") if graded(corpus[name], "rlimits").passed
        ]
        assert outside  # what bwrap keeps in
    finally:
        bwrap.problem.cache_clear()
        sandbox.isolation.cache_clear()
