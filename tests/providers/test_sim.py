import asyncio
import json

import pytest

from harness.config.models import Deployment, ModelTable, SimProfile
from harness.errors import ProviderError
from harness.providers.base import ProviderSettings
from harness.providers.sim import SimProvider
from harness.types import Message, Request, RequestOptions, SimHint

LABELS = ("billing", "shipping", "technical", "refund")


def provider(seed: int = 0, **profile: object) -> SimProvider:
    dep = Deployment(provider="anthropic", model="m", family="claude", sim=SimProfile(**profile))  # type: ignore[arg-type]
    return SimProvider("m@x", dep, ProviderSettings(ModelTable(deployments={"m@x": dep}), sim_seed=seed))


def request(case: str, expected: object, task_class: str = "classification", prompt: str = "p", attempt: int = 1,
            inp: dict[str, object] | None = None) -> Request:  # fmt: skip
    hint = SimHint(task_class, case, expected, LABELS)
    return Request("m@x", "m", (Message("user", prompt),), RequestOptions(), f"h-{prompt}", 0, attempt, hint, inp or {})


def run(p: SimProvider, r: Request):  # type: ignore[no-untyped-def]
    return asyncio.run(p.complete(r))


def test_deterministic_and_seed_sensitive() -> None:
    outs = [run(provider(0), request(f"c{i}", "billing")).text for i in range(40)]
    assert outs == [run(provider(0), request(f"c{i}", "billing")).text for i in range(40)]
    assert outs != [run(provider(1), request(f"c{i}", "billing")).text for i in range(40)]


def test_prompt_edit_reshuffles() -> None:
    a = [run(provider(), request(f"c{i}", "billing", prompt="v1")).text for i in range(40)]
    b = [run(provider(), request(f"c{i}", "billing", prompt="v2")).text for i in range(40)]
    assert a != b


def _right(p: SimProvider, prompt: str, n: int = 2000) -> list[bool]:
    return [run(p, request(f"c{i}", "billing", prompt=prompt)).text.lower() == "billing" for i in range(n)]


def test_prompt_sensitivity_keeps_most_verdicts_through_an_edit() -> None:
    """Default 1.0: an edit redraws every case (about 2p(1 - p) = 32% flip at p 0.8); 0.1 redraws a tenth of them."""
    for sensitivity, share in ((1.0, 0.32), (0.1, 0.032)):
        p = provider(accuracy={"classification": 0.8}, prompt_sensitivity=sensitivity)
        before, after = _right(p, "v1"), _right(p, "v2")
        flipped = sum(x != y for x, y in zip(before, after, strict=True)) / len(before)
        assert flipped == pytest.approx(share, abs=0.02 if sensitivity == 1.0 else 0.01)
        assert sum(before) / len(before) == pytest.approx(0.8, abs=0.025)
        assert sum(after) / len(after) == pytest.approx(0.8, abs=0.025)


def test_degrade_marker_lowers_accuracy_for_the_simulator() -> None:
    p = provider(accuracy={"classification": 0.8}, prompt_sensitivity=0.1)
    plain = sum(_right(p, "Classify the ticket.")) / 2000
    worse = sum(_right(p, "Classify the ticket. [[sim-degrade 0.15]]")) / 2000
    assert plain - worse == pytest.approx(0.15, abs=0.03)


def test_accuracy_follows_profile() -> None:
    p = provider(accuracy={"classification": 0.7})
    right = sum(run(p, request(f"c{i}", "billing")).text.lower() == "billing" for i in range(2000))
    assert 0.65 < right / 2000 < 0.75


def test_wrong_labels_come_from_the_label_set() -> None:
    p = provider(default_accuracy=0.0)
    outs = {run(p, request(f"c{i}", "billing")).text.lower() for i in range(50)}
    assert outs <= set(LABELS) - {"billing"} and outs


def test_extraction_outputs_json_and_marks_simulated() -> None:
    want = {"vendor": "Acme", "total": 12.5, "date": "2026-03-04"}
    c = run(provider(default_accuracy=1.0), request("c", want, "extraction"))
    assert json.loads(c.text.removeprefix("```json\n").removesuffix("\n```")) == want
    assert c.simulated and c.served_model == "sim:m" and c.usage.input_tokens > 0


def test_function_calls_shape() -> None:
    expected = [{"name": "get_weather", "arguments": {"city": ["Paris", "Paris, France"], "unit": ["", "celsius"]}}]
    c = run(provider(default_accuracy=1.0), request("c", expected, "function-calling"))
    assert [(t.name, t.arguments) for t in c.tool_calls] == [("get_weather", {"city": "Paris", "unit": "celsius"})]


def test_faults_are_per_attempt() -> None:
    p = provider(rate_limited=0.5)
    failures = 0
    for i in range(200):
        try:
            run(p, request(f"c{i}", "billing"))
        except ProviderError as e:
            assert e.failure_class == "rate_limited" and e.retryable
            failures += 1
    assert 70 < failures < 130
    # the same cell on a later attempt draws again
    attempts = set()
    for attempt in range(1, 20):
        try:
            run(p, request("c0", "billing", attempt=attempt))
            attempts.add("ok")
        except ProviderError:
            attempts.add("err")
    assert attempts == {"ok", "err"}


def test_latency_follows_profile() -> None:
    p = provider(latency_ms_p50=500, latency_ms_p95=1500)
    lat = sorted(run(p, request(f"c{i}", "billing")).latency_ms for i in range(1000))
    assert 430 < lat[500] < 570 and 1250 < lat[950] < 1800


def test_profile_validation() -> None:
    with pytest.raises(ValueError):
        SimProfile(latency_ms_p50=100, latency_ms_p95=50)
    with pytest.raises(ValueError):
        SimProfile(accuracy={"qa": 1.5})


def test_numeric_answers_are_the_number_or_a_near_miss_and_images_cost_tokens() -> None:
    from harness.graders.numeric import numbers_in
    from harness.types import Image

    right = [run(provider(accuracy={"qa": 1.0}), request(f"n{i}", 40 + i, "qa")).text for i in range(30)]
    wrong = [run(provider(accuracy={"qa": 0.0}), request(f"n{i}", 40 + i, "qa")).text for i in range(30)]
    assert [numbers_in(t)[-1] for t in right] == [40 + i for i in range(30)]
    assert all(numbers_in(t)[-1] != 40 + i for i, t in enumerate(wrong)), wrong
    cents = run(provider(accuracy={"qa": 1.0}), request("r", 12.5, "qa")).text
    assert numbers_in(cents)[-1] == 12.5
    chart = Image("image/png", b"", "sha", "c.png", 300, 250)  # ~100 tokens
    plain = Request("m@x", "m", (Message("user", "p"),), RequestOptions(), "h", 0, 1, None)
    seen = Request("m@x", "m", (Message("user", "p", (chart,)),), RequestOptions(), "h", 0, 1, None)
    assert run(provider(), seen).usage.input_tokens == run(provider(), plain).usage.input_tokens + 100


def test_simulated_stream_profile() -> None:
    """TTFT follows its own profile (default: a quarter of the latency), the answer ends at the drawn latency (or at
    `tokens_per_s` after the first token), chunks are counted; `stream: false` records no TTFT; other draws stay."""
    p = provider(latency_ms_p50=800, latency_ms_p95=2000)
    outs = [run(p, request(f"c{i}", "billing")) for i in range(600)]
    ttft = sorted(c.ttft_ms for c in outs)
    assert 150 < ttft[300] < 250 and all(c.ttft_ms <= c.latency_ms and c.chunks >= 1 and c.simulated for c in outs)
    dep = Deployment(provider="anthropic", model="m", family="claude", stream=False,
                     sim=SimProfile(latency_ms_p50=800, latency_ms_p95=2000))  # fmt: skip
    whole = SimProvider("m@x", dep, ProviderSettings(ModelTable(deployments={"m@x": dep})))
    same = [run(whole, request(f"c{i}", "billing")) for i in range(600)]
    assert all(c.ttft_ms is None and c.chunks is None for c in same)
    assert [(c.text, c.latency_ms) for c in same] == [(c.text, c.latency_ms) for c in outs]
    rated = provider(ttft_ms_p50=100, ttft_ms_p95=200, tokens_per_s=50)
    c = run(rated, request("r", "billing", prompt="p" * 400))
    rate = c.usage.output_tokens * 1000 / (c.latency_ms - c.ttft_ms)
    assert 50 * 0.9 - 1e-6 <= rate <= 50 * 1.1 + 1e-6
    with pytest.raises(ValueError):
        SimProfile(ttft_ms_p50=300, ttft_ms_p95=100)
