"""The simulated twin of a deployment: deterministic, shaped like the task's real outputs, never evidence.

Every draw is seeded by (sim seed, deployment, case, rendered-prompt hash, sample): reruns reproduce, a prompt
edit reshuffles, `--sim-seed` changes the draw. Whether a case is answered right is the exception: a share
`prompt_sensitivity` of cases redraws it when the prompt changes, the others keep a draw of (sim seed, deployment,
case, sample), as a model at temperature 0 keeps most answers through a harmless edit. Faults and latency are drawn
per attempt, so a retried 429 can succeed. Accuracy, latency and fault rates come from the deployment's `sim`
profile in models.yaml.

A rendered prompt holding the marker `[[sim-degrade 0.15]]` makes the twin answer as if its accuracy were that much
lower: the documented way to see the CI gate fail without live keys (prompts/ticket-routing/default.degraded-demo.j2).
A live model would read the marker as text; it is for the simulator only.

A deployment with `tools: [google_search]` gets plausible grounding metadata with each answer (`sim_grounding`):
queries from the prompt, two to four sources on `.invalid` addresses, and supports over most sentences (fewer when
the answer is wrong), marked simulated.
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
import math
import random
import re
from typing import Any

from harness.config.images import image_tokens
from harness.config.models import Deployment, SimProfile
from harness.config.tokens import estimate_tokens
from harness.errors import FailureClass, ProviderError
from harness.providers.base import ProviderSettings
from harness.types import Completion, Grounding, Request, SimHint, Source, Support, ToolCall, Usage

Z95 = 1.6448536269514722
DEGRADE_MARKER = re.compile(r"\[\[sim-degrade ([01](?:\.\d+)?)\]\]")


def seeded(*parts: object) -> random.Random:
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


class SimProvider:
    simulated = True

    def __init__(self, deployment_id: str, deployment: Deployment, settings: ProviderSettings) -> None:
        self.id = deployment_id
        self.profile: SimProfile = deployment.sim
        self.model = deployment.model or deployment_id
        self.seed = settings.sim_seed
        self.scale = settings.sim_time_scale
        self.bytes_per_token = settings.models.family(deployment.family).bytes_per_token
        p50, p95 = self.profile.latency_ms_p50, self.profile.latency_ms_p95
        self.mu, self.sigma = math.log(p50), (math.log(p95) - math.log(p50)) / Z95
        self.stream = deployment.stream
        t50 = self.profile.ttft_ms_p50 or p50 / 4
        t95 = self.profile.ttft_ms_p95 or t50 * p95 / p50
        self.ttft_mu, self.ttft_sigma = math.log(t50), (math.log(t95) - math.log(t50)) / Z95

    def accuracy(self, task_class: str) -> float:
        return self.profile.accuracy.get(task_class, self.profile.default_accuracy)

    async def complete(self, request: Request) -> Completion:
        hint = request.sim
        if hint is not None and hint.task_class == "judge":  # a judge prompt carries a random nonce: see below
            return await judge_completion(self, request, hint)
        case_id = hint.case_id if hint else request.prompt_hash
        per_attempt = seeded(self.seed, self.id, case_id, request.prompt_hash, request.sample, request.attempt)
        latency = min(per_attempt.lognormvariate(self.mu, self.sigma), 120_000.0)
        self._maybe_fail(per_attempt, latency)
        per_case = seeded(self.seed, self.id, case_id, request.prompt_hash, request.sample)
        calls: tuple[ToolCall, ...] = ()
        prompt = "".join(m.content for m in request.messages)
        correct = True
        if hint is None:
            text = "Simulated answer."
        else:
            correct = self._draw(case_id, request, per_case) < self.accuracy(hint.task_class) - _degrade(prompt)
            text, calls = shape_output(hint, correct, per_case, request.case_input)
        grounding = None
        if "google_search" in request.options.builtin_tools:
            rng = seeded(self.seed, self.id, case_id, request.prompt_hash, request.sample, "grounding")
            grounding = sim_grounding(text, request, correct, rng)
        images = sum(image_tokens(image) for m in request.messages for image in m.images)
        out_tokens = estimate_tokens(text or json.dumps([call.arguments for call in calls]), self.bytes_per_token)
        usage = Usage(estimate_tokens(prompt, self.bytes_per_token) + images, max(out_tokens, 1))
        ttft, latency, chunks = self._streamed(request, case_id, latency, usage.output_tokens)
        if self.scale > 0:
            await asyncio.sleep(latency / 1000 * self.scale)
        return Completion(
            text=text,
            usage=usage,
            tool_calls=calls,
            finish_reason="tool_calls" if calls else "stop",
            latency_ms=round(latency, 3),
            request_id=f"sim-{per_attempt.getrandbits(48):012x}",
            served_model=f"sim:{self.model}",
            simulated=True,
            grounding=grounding,
            ttft_ms=ttft,
            chunks=chunks,
        )

    def _streamed(
        self, request: Request, case_id: str, latency: float, out_tokens: int
    ) -> tuple[float | None, float, int | None]:
        """(TTFT, time to the last token, chunks) of a simulated stream; not streaming: (None, latency, None). TTFT
        is drawn from its own lognormal (its own seed: the other draws stay as they were); with `tokens_per_s` the
        answer then takes its tokens at that rate (±10%), else it ends at the drawn latency. One chunk per 3 tokens."""
        if not self.stream:
            return None, latency, None
        rng = seeded(self.seed, self.id, case_id, request.prompt_hash, request.sample, request.attempt, "stream")
        ttft = min(rng.lognormvariate(self.ttft_mu, self.ttft_sigma), 120_000.0)
        rate = self.profile.tokens_per_s
        if rate:
            latency = ttft + out_tokens / (rate * rng.uniform(0.9, 1.1)) * 1000
        ttft = min(ttft, latency)
        return round(ttft, 3), latency, max(1, math.ceil(out_tokens / 3))

    def _draw(self, case_id: str, request: Request, per_case: random.Random) -> float:
        """The uniform draw that decides right or wrong: the prompt's own for a `prompt_sensitivity` share of
        cases, else one that survives prompt edits. With sensitivity 1 it is `per_case`'s first draw, as before."""
        stable = seeded(self.seed, self.id, case_id, "stable", request.sample)
        if stable.random() < self.profile.prompt_sensitivity:
            return per_case.random()
        per_case.random()  # keep the per-case stream where the output shapers expect it
        return stable.random()

    def _maybe_fail(self, rng: random.Random, latency: float) -> None:
        u = rng.random()
        p = self.profile
        if u < p.rate_limited:
            raise ProviderError(FailureClass.rate_limited, "simulated 429", status=429, retry_after=1.0)
        if u < p.rate_limited + p.server_error:
            raise ProviderError(FailureClass.server_error, "simulated 503", status=503)
        if u < p.rate_limited + p.server_error + p.timeout:
            raise ProviderError(FailureClass.timeout, "simulated timeout")


_DOMAINS = ("en.wikipedia.org", "britannica.com", "reuters.com", "nature.com", "who.int", "europa.eu",
            "nist.gov", "arxiv.org")  # fmt: skip
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def sim_grounding(text: str, request: Request, correct: bool, rng: random.Random) -> Grounding:
    """Plausible search grounding for a simulated answer: one or two queries from the user's words, two to four
    sources (addresses under `.invalid`: never a real page), a support over each sentence with 90% chance (50% when
    the answer is wrong) citing one or two sources, with byte offsets as Gemini gives them."""
    words = " ".join(m.content for m in request.messages if m.role == "user").split()
    queries = tuple(dict.fromkeys(" ".join(words[i : i + 6]) for i in (0, max(0, len(words) - 6)) if words))
    domains = rng.sample(_DOMAINS, k=rng.randint(2, 4))
    sources = tuple(Source(f"https://grounding.sim.invalid/redirect/{rng.getrandbits(64):016x}", d, d) for d in domains)
    supports = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group().strip()
        if not sentence or rng.random() >= (0.9 if correct else 0.5):
            continue
        start = len(text[: m.start() + m.group().index(sentence)].encode())
        cited = tuple(sorted(rng.sample(range(len(sources)), k=rng.randint(1, 2))))
        supports.append(Support(sentence, cited, start, start + len(sentence.encode()),
                                tuple(round(rng.uniform(0.6, 0.99), 2) for _ in cited)))  # fmt: skip
    return Grounding(queries, sources, tuple(supports), simulated=True)


def _degrade(prompt: str) -> float:
    found = DEGRADE_MARKER.search(prompt)
    return float(found.group(1)) if found else 0.0


def shape_output(
    hint: SimHint, correct: bool, rng: random.Random, case_input: dict[str, Any]
) -> tuple[str, tuple[ToolCall, ...]]:
    """A right or plausibly wrong answer in the task's real output shape."""
    shaper = _SHAPERS.get(hint.task_class, _answer)
    return shaper(hint, correct, rng, case_input)


def _label(hint: SimHint, correct: bool, rng: random.Random, _: dict[str, Any]) -> tuple[str, tuple[ToolCall, ...]]:
    label = str(hint.expected)
    if not correct:
        others = [x for x in hint.labels if x != label]
        label = rng.choice(others) if others else label[::-1]
    return (label.capitalize() if rng.random() < 0.2 else label), ()


def _perturb_value(v: Any, rng: random.Random) -> Any:
    if isinstance(v, bool) or v is None:
        return "unknown" if v is None else (not v)
    if isinstance(v, int | float):
        return round(v * rng.choice([0.9, 1.1, 0.5, 10]) + rng.choice([0, 1, -1]), 2)
    if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-":
        return f"{v[:5]}{v[8:10]}-{v[5:7]}" if v[8:10] <= "12" and v[5:7] != v[8:10] else v[:8] + "01"
    if isinstance(v, str):
        words = v.split()
        return " ".join(words[:-1]) if len(words) > 1 else v + " Inc"
    return None


def _json(hint: SimHint, correct: bool, rng: random.Random, _: dict[str, Any]) -> tuple[str, tuple[ToolCall, ...]]:
    obj = copy.deepcopy(hint.expected)
    if not correct and isinstance(obj, dict) and obj:
        for key in rng.sample(sorted(obj), k=min(len(obj), rng.choice([1, 1, 2]))):
            obj[key] = _perturb_value(obj[key], rng)
    text = json.dumps(obj, ensure_ascii=False, indent=rng.choice([None, 2]))
    return (f"```json\n{text}\n```" if rng.random() < 0.3 else text), ()


def _first_allowed(values: Any) -> tuple[bool, Any]:
    """BFCL ground truth: a list of acceptable values; "" marks an optional argument."""
    if not isinstance(values, list):
        return True, values
    for v in values:
        if v != "":
            return True, v
    return False, None


def _calls(hint: SimHint, correct: bool, rng: random.Random, inp: dict[str, Any]) -> tuple[str, tuple[ToolCall, ...]]:
    expected = hint.expected if isinstance(hint.expected, list) else []
    calls = []
    for call in expected:
        args = {}
        for name, allowed in (call.get("arguments") or {}).items():
            present, value = _first_allowed(allowed)
            if present:
                args[name] = value
        calls.append(ToolCall(str(call.get("name")), args))
    if not correct:
        tools = [t.get("name") for t in inp.get("tools", []) if isinstance(t, dict)]
        if not calls and tools:
            calls = [ToolCall(str(rng.choice(tools)), {})]
        elif calls:
            i = rng.randrange(len(calls))
            c = calls[i]
            if c.arguments and rng.random() < 0.7:
                key = rng.choice(sorted(c.arguments))
                calls[i] = ToolCall(c.name, {**c.arguments, key: _perturb_value(c.arguments[key], rng)})
            else:
                others = [t for t in tools if t != c.name]
                calls[i] = ToolCall(str(rng.choice(others)) if others else c.name + "_v2", c.arguments)
    if not calls:
        return "None of the available tools fits this request.", ()
    return "", tuple(calls)


def _answer(hint: SimHint, correct: bool, rng: random.Random, _: dict[str, Any]) -> tuple[str, tuple[ToolCall, ...]]:
    refs = hint.expected if isinstance(hint.expected, list) else [hint.expected]
    if refs and isinstance(refs[0], int | float) and not isinstance(refs[0], bool):
        return _number(refs[0], correct, rng), ()
    answer = str(refs[0]) if refs else ""
    if not correct:
        wrong = _perturb_value(answer, rng)
        if wrong == answer or rng.random() < 0.3:
            wrong = rng.choice(["unanswerable", "The context does not say.", "I am not sure."])
        answer = str(wrong)
    style = rng.random()
    if style < 0.5:
        return answer, ()
    if style < 0.8:
        return f"The answer is {answer}.", ()
    return f"Based on the context, {answer}.", ()


def _number(value: float, correct: bool, rng: random.Random) -> str:
    """A numeric reference (a value read off a chart, a total): the number, or a near miss a reader might make."""
    answer = value
    if not correct:
        step = rng.choice([1, 2, 5, 10]) if isinstance(value, int) else rng.choice([0.1, 1.0, 0.5])
        answer = value + rng.choice([-1, 1]) * step * rng.randint(1, 3)
        if rng.random() < 0.2:
            answer = value * rng.choice([10, 0.1])
    text = str(answer) if isinstance(answer, int) else f"{answer:.2f}".rstrip("0").rstrip(".")
    return text if rng.random() < 0.6 else rng.choice(["The value is {}.", "{}", "Answer: {}"]).format(text)


def _code(hint: SimHint, correct: bool, rng: random.Random, inp: dict[str, Any]) -> tuple[str, tuple[ToolCall, ...]]:
    """HumanEval-shaped: the reference `solution` (a function body), as is or as the whole function in a fence;
    wrong = its first `return` disabled (or an empty body). A plain-string reference is the solution itself."""
    expected = hint.expected
    solution = str(expected.get("solution", "")) if isinstance(expected, dict) else str(expected)
    if not correct:
        solution = solution.replace("return ", "return None  # ", 1) if "return " in solution else "    pass\n"
    prompt = inp.get("prompt")
    if isinstance(prompt, str) and rng.random() < 0.3:
        return f"```python\n{prompt}{solution}```", ()
    return solution, ()


_SHAPERS = {
    "classification": _label,
    "extraction": _json,
    "function-calling": _calls,
    "qa": _answer,
    "long-document": _answer,
    "code": _code,
    "generation": _answer,
}


# --- Simulated judges ---------------------------------------------------------------------------------------------


async def judge_completion(sim: SimProvider, request: Request, hint: SimHint) -> Completion:
    """A simulated judge's JSON verdict: the grader's deterministic proxy verdict (`hint.expected`), right with
    the profile's `judge` accuracy, plausibly wrong otherwise. Seeded by the hint, not the prompt: the prompt
    holds a fresh random nonce on every call, and the verdict must not move with it."""
    key = json.dumps(hint.expected, sort_keys=True, default=str)
    per_attempt = seeded(sim.seed, sim.id, "judge", hint.case_id, key, request.sample, request.attempt)
    latency = min(per_attempt.lognormvariate(sim.mu, sim.sigma), 120_000.0)
    sim._maybe_fail(per_attempt, latency)
    if sim.scale > 0:
        await asyncio.sleep(latency / 1000 * sim.scale)
    rng = seeded(sim.seed, sim.id, "judge", hint.case_id, key, request.sample)
    correct = rng.random() < sim.accuracy("judge")
    text = json.dumps(_verdict(hint.expected, correct, rng))
    prompt = "".join(m.content for m in request.messages)
    usage = Usage(estimate_tokens(prompt, sim.bytes_per_token), max(estimate_tokens(text, sim.bytes_per_token), 1))
    return Completion(text=text, usage=usage, latency_ms=round(latency, 3),
                      request_id=f"sim-{per_attempt.getrandbits(48):012x}", served_model=f"sim:{sim.model}",
                      simulated=True)  # fmt: skip


def _verdict(expected: Any, correct: bool, rng: random.Random) -> dict[str, Any]:
    if not isinstance(expected, dict):
        return {"score": 0, "passed": False, "reasoning": "Simulated verdict without a reference."}
    if expected.get("kind") == "pairwise":
        winner = str(expected.get("winner", "tie"))
        if not correct:
            winner = rng.choice([w for w in ("A", "B", "tie") if w != winner])
        said = "a tie" if winner == "tie" else f"{winner} is better"
        return {"winner": winner, "reasoning": f"Simulated comparison: {said}."}
    low, high = int(expected.get("min", 0)), int(expected.get("max", 1))
    score, passed = int(expected.get("score", low)), bool(expected.get("passed"))
    if not correct:
        passed = not passed
        mid = (low + high) / 2
        score = rng.randint(math.ceil(mid), high) if passed else rng.randint(low, math.floor(mid))
    verdict = "acceptable" if passed else "not acceptable"
    return {"score": score, "passed": passed, "reasoning": f"Simulated verdict: the answer is {verdict}."}
