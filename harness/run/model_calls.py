"""A grader's model call through the runner (a judge, a rubric's criterion, a pairwise comparison): the same
cache, retries, lanes, limits and accounting as the cells, with each answer used journaled as a `model_call`."""

from __future__ import annotations

from typing import Any

from harness.errors import FailureClass, ProviderError
from harness.run.cache import request_key
from harness.run.plan import short_hash
from harness.run.records import cost_of
from harness.run.retry import flag
from harness.types import Completion, Message, Request, RequestOptions, SimHint

#: The `harness.run.runner.Runner` that makes the call (typed loosely: the runner imports this module).
Runner = Any


async def call_model(runner: Runner, deployment: str, messages: tuple[Message, ...], options: RequestOptions | None,
                     sim: SimHint | None, cell_key: str, purpose: str) -> Completion:  # fmt: skip
    """Answer from the cache or call. Each answer used is journaled (`model_call`) with its cache key, so
    `harness cache export` carries judge answers too and a replayed run can re-grade without a call."""
    dep = runner.plan.project.models.deployments[deployment]
    prompt_hash = short_hash(*[(m.role, m.content) for m in messages])
    request = Request(deployment, dep.model, messages, options or RequestOptions(), prompt_hash, sim=sim)
    key = f"{cell_key}:{purpose}:{deployment}:{prompt_hash}"
    rhash = request_key(dep.provider, dep.client, dep.base_url or dep.region, dep.model, prompt_hash,
                        short_hash(repr(request.options)), 0)  # fmt: skip
    keys = runner._cache_keys(deployment, rhash)
    hit = runner.cache.first(keys) if runner.cache and runner.options.cache != "off" else None
    if hit is not None:
        journal_call(runner, key, deployment, purpose, hit[0], True)
        cached: Completion = hit[1]
        return cached
    if deployment not in runner.providers:
        why = "not in the response cache (--mode replay)" if runner._mode(deployment) == "replay" else "not callable"
        raise ProviderError(FailureClass.not_found, f"{purpose} deployment {deployment!r}: {why}")
    est = sum(len(m.content) for m in messages) // 3
    asked = runner._asked[key] = runner._asked.get(key, 0) + 1  # the same prompt twice: pairwise orders alike
    attempts_key = key if asked == 1 else f"{key}#{asked}"
    completion: Completion | None
    completion, failure, message, _ = await runner._call(attempts_key, "", deployment, request, est, keys[:1])
    if completion is None:
        raise ProviderError(failure or FailureClass.invalid_response, message or "no answer")
    if keys and runner.options.cache == "rw" and flag(completion) is None:
        journal_call(runner, key, deployment, purpose, keys[0], False)
    usage = completion.usage
    cost = cost_of(dep, usage.input_tokens, usage.output_tokens)
    runner.tally.cost_usd += cost
    runner.budget.spent_usd += cost
    return completion


def journal_call(runner: Runner, key: str, deployment: str, purpose: str, cache_key: str, hit: bool) -> None:
    runner.journal.write({"type": "model_call", "run_id": runner.plan.run_id, "call_key": key,
                          "deployment": deployment, "purpose": purpose, "cache_key": cache_key,
                          "cache_hit": hit})  # fmt: skip
