"""A judge we own: scripted replies (or a function of the messages), every call recorded."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config.prompts import PromptLibrary
from harness.errors import FailureClass, ProviderError
from harness.graders import Sample, Score, build_grader
from harness.graders.base import BuiltGrader
from harness.types import Completion, Message, RequestOptions, SimHint

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = ROOT / "prompts"
Reply = str | ProviderError


@dataclass
class Call:
    deployment: str
    messages: tuple[Message, ...]
    options: RequestOptions | None
    sim: SimHint | None
    cell_key: str
    purpose: str

    @property
    def system(self) -> str:
        return "".join(m.content for m in self.messages if m.role == "system")

    @property
    def user(self) -> str:
        return "".join(m.content for m in self.messages if m.role == "user")


@dataclass
class FakeJudge:
    """A ModelCaller: replies from a queue (per deployment when a dict), or computed from the call."""

    replies: list[Reply] | dict[str, list[Reply]] | Callable[[Call], Reply] = field(default_factory=list)
    simulated: bool = False
    calls: list[Call] = field(default_factory=list)

    async def __call__(self, deployment: str, messages: tuple[Message, ...], *,
                       options: RequestOptions | None = None, sim: SimHint | None = None, cell_key: str = "",
                       purpose: str = "judge") -> Completion:  # fmt: skip
        call = Call(deployment, messages, options, sim, cell_key, purpose)
        self.calls.append(call)
        if callable(self.replies):
            reply = self.replies(call)
        elif isinstance(self.replies, dict):
            reply = self.replies[deployment].pop(0)
        else:
            reply = self.replies.pop(0)
        if isinstance(reply, ProviderError):
            raise reply
        return Completion(reply, simulated=self.simulated)


def verdict(score: int, passed: bool, reasoning: str = "ok") -> str:
    import json

    return json.dumps({"score": score, "passed": passed, "reasoning": reasoning})


def judge_grader(fake: FakeJudge, library: PromptLibrary | None = None, **args: Any) -> BuiltGrader:
    args = {"judge": "j1", **args}
    return build_grader("judge", args, inject={"call_model": fake, "prompt_library": library or PromptLibrary(PROMPTS)})


def run(grader: BuiltGrader, sample: Sample) -> Score:
    if grader.is_async:
        return asyncio.run(grader.fn(sample))  # type: ignore[arg-type]
    return grader.fn(sample)  # type: ignore[return-value]


def nonce_of(call: Call) -> str:
    m = re.search(r"<<<CANDIDATE_OUTPUT ([0-9a-f]{16})>>>", call.system)
    assert m, "the system message names the delimiter"
    return m.group(1)


def unavailable() -> ProviderError:
    return ProviderError(FailureClass.server_error, "simulated 503")
