"""What a run records and reports, outside the runner's loop: its options, the event each finished cell emits,
the tally, the journal record of a cell, and where a deployment's answer may sit in the response cache."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.config.models import Deployment
from harness.errors import FailureClass, ProviderError
from harness.graders import Sample
from harness.providers.tool_schema import restore
from harness.run.cache import CacheMode, sim_key
from harness.run.lanes import LanePeers
from harness.run.plan import Cell, Plan, short_hash
from harness.run.retry import Decision
from harness.types import Completion, ToolCall


@dataclass(frozen=True)
class RunOptions:
    concurrency: int = 32
    """Cells in flight across all deployments."""
    per_deployment: int = 8
    """Default cells in flight per deployment (a deployment's `concurrency` overrides it)."""
    timeout_s: float = 120.0
    """Per attempt; the live SDKs' own timeouts sit just above it."""
    max_attempts: int | None = None
    backoff_initial_s: float | None = None
    backoff_max_s: float | None = None
    max_retry_after_s: float | None = None
    """Overrides of the task's routing.yaml `retry` policy (None: the policy decides)."""
    retry_budget_s: float = 300.0
    """No retry of a cell starts later than this after its first attempt."""
    auth_failures_to_skip: int = 3
    """After this many auth errors a live deployment's remaining cells end skipped_auth without a call."""
    sim_time_scale: float = 0.0
    sim_seed: int = 0
    """Salts simulated answers' cache entries (a simulated answer depends on the seed)."""
    cache: CacheMode = "off"
    """Response cache: rw (read and write), ro (read only), off. `harness run` defaults to rw."""
    max_cost_usd: float | None = None
    """Stop scheduling new calls once this much is spent (with the suite's `budget_usd`, the lower wins)."""
    rate_share: float = 1.0
    """This process's share of each deployment's declared rpm/tpm: 1/N for one of N shards run at once (Ray)."""
    peers: LanePeers | None = None
    """Other processes of the run whose lane cuts this one follows (a 429 episode anywhere slows every lane)."""


@dataclass(frozen=True)
class CellFinished:
    task: str
    deployment: str
    variant: str
    status: str
    error_class: str | None
    cost_usd: float
    score: float | None
    passed: bool | None
    simulated: bool
    latency_ms: float | None = None
    cached: bool = False
    case_id: str = ""
    """The case the cell answered (a case has one cell per sample)."""


@dataclass
class Tally:
    ok: int = 0
    error: int = 0
    skipped: int = 0
    cost_usd: float = 0.0
    """Spent by this run: cache hits cost nothing again."""
    cached: int = 0
    """Cells answered from the response cache (zero provider calls)."""
    saved_usd: float = 0.0
    """What the cached cells' calls cost when they were made."""
    skipped_budget: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "error": self.error,
            "skipped": self.skipped,
            "cost_usd": round(self.cost_usd, 6),
            "cached": self.cached,
            "saved_usd": round(self.saved_usd, 6),
            "skipped_budget": self.skipped_budget,
        }


Sink = Callable[[CellFinished], None]


_SECOND: tuple[int, str] = (-1, "")


def now() -> str:
    """UTC now as ISO 8601 with microseconds; the date part is formatted once a second (two calls per cell)."""
    global _SECOND
    t = time.time()
    sec = int(t)
    if sec != _SECOND[0]:
        _SECOND = (sec, dt.datetime.fromtimestamp(sec, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return f"{_SECOND[1]}.{int((t - sec) * 1e6):06d}+00:00"


def cost_of(dep: Deployment, input_tokens: int, output_tokens: int) -> float:
    return (input_tokens * dep.pricing.input_per_mtok + output_tokens * dep.pricing.output_per_mtok) / 1e6


def answer_keys(
    plan: Plan, deployment: str, mode: str, request_hash: str, sim_seed: int, profile_hash: str | None = None
) -> list[str]:
    """Where a deployment's answer to a request may be cached: live answers under the request hash, simulated
    ones salted with the seed and the twin's profile (they never answer a live call); replay tries both.
    `profile_hash` (see `sim_profile_hash`) saves serialising the profile again for every cell."""
    if mode not in ("live", "sim", "replay"):
        return []
    profile = profile_hash or sim_profile_hash(plan, deployment)
    sim = sim_key(request_hash, sim_seed, profile)
    return {"live": [request_hash], "sim": [sim], "replay": [request_hash, sim]}[mode]


def sim_profile_hash(plan: Plan, deployment: str) -> str:
    # exclude_none: profiles without the streaming fields (ttft_ms_*, tokens_per_s) keep their cached answers' keys
    return short_hash(plan.project.models.deployments[deployment].sim.model_dump_json(exclude_none=True))


def cell_record(
    plan: Plan,
    cell: Cell,
    dep: Deployment,
    mode: str,
    status: str,
    completion: Completion | None,
    failure: FailureClass | None,
    message: str | None,
    attempts: int,
    cost: float,
    cached: bool = False,
) -> dict[str, Any]:
    c = completion
    return {
        "type": "cell", "cell_key": cell.key, "run_id": plan.run_id, "task": cell.task,
        "task_class": cell.task_class, "dataset": cell.dataset.name, "dataset_version": cell.dataset.version,
        "dataset_sha256": cell.dataset.sha256, "case_id": cell.case.id, "cluster": cell.case.cluster,
        "tags": list(cell.case.tags), "deployment": cell.deployment, "provider": dep.provider,
        "model": dep.model, "family": dep.family, "role": cell.role, "variant": cell.variant,
        "sample": cell.sample, "template_path": cell.template.path, "template_hash": cell.template.hash,
        "prompt_hash": cell.request.prompt_hash, "options_hash": cell.options_hash,
        "request_hash": cell.request_hash, "status": status, "output": c.text if c else None,
        "tool_calls": [{"name": t.name, "arguments": t.arguments} for t in _calls(cell, c)] if c else None,
        "tool_schema": cell.tools_sent.record() if cell.tools_sent else None,
        "grounding": c.grounding.record() if c and c.grounding else None,
        "finish_reason": c.finish_reason if c else None, "served_model": c.served_model if c else None,
        "error_class": failure.value if failure else None, "error_message": message,
        "input_tokens": c.usage.input_tokens if c else None, "output_tokens": c.usage.output_tokens if c else None,
        "cost_usd": cost, "latency_ms": c.latency_ms if c else None, "attempts": attempts,
        "ttft_ms": c.ttft_ms if c else None, "tokens_per_s": tokens_per_s(c) if c else None,
        "chunks": c.chunks if c else None,
        "cache_hit": cached, "mode": mode, "simulated": mode == "sim" or bool(c and c.simulated),
        "served_deployment": cell.deployment if c else None, "chain_position": cell.position,
        "est_input_tokens": cell.est_input_tokens,
        "pass_threshold": plan.project.suite.tasks[cell.task].pass_threshold, "finished_at": now(),
    }  # fmt: skip


def tokens_per_s(c: Completion) -> float | None:
    """A streamed answer's output tokens per second between its first and last chunk (None: not streamed, one
    chunk, or no time between them)."""
    if c.ttft_ms is None or not c.chunks or c.chunks < 2 or c.latency_ms <= c.ttft_ms:
        return None
    return round(c.usage.output_tokens * 1000 / (c.latency_ms - c.ttft_ms), 3)


def _calls(cell: Cell, completion: Completion) -> tuple[ToolCall, ...]:
    """The calls under the dataset's names: a tool renamed for the vendor is mapped back before it is stored or
    graded."""
    if cell.tools_sent is None:
        return completion.tool_calls
    return restore(completion.tool_calls, cell.tools_sent.names)


def sample_of(cell: Cell, completion: Completion) -> Sample:
    return Sample(completion.text, cell.case.expected, _calls(cell, completion), cell.case.input, cell.task_class,
                  cell.case.id, cell.key, completion.grounding)  # fmt: skip


def attempt_record(
    run_id: str,
    attempt_id: str,
    key: str,
    n: int,
    deployment: str,
    dep: Deployment,
    started: str,
    latency_ms: float,
    completion: Completion | None,
    error: ProviderError | None,
    decision: Decision | None,
    rate_limit: str | None,
    simulated: bool,
) -> dict[str, Any]:
    """One attempt: class, status, request id, latency, tokens billed, what came next, and for a 429 its kind
    (`rate_limit`: quota, the response said the quota is spent; transient, any other)."""
    usage = completion.usage if completion else None
    accepted = completion is not None and not (decision and decision.retry)
    return {
        "type": "attempt",
        "attempt_id": attempt_id,
        "cell_key": key,
        "run_id": run_id,
        "n": n,
        "deployment": deployment,
        "status": "ok" if accepted else "error",
        "error_class": decision.failure_class.value if decision else None,
        "error_message": error.message if error else None,
        "http_status": error.status if error else None,
        "retry_after": error.retry_after if error else None,
        "rate_limit": rate_limit,
        "retryable": decision.retryable if decision else None,
        "wait_s": round(decision.wait_s, 3) if decision and decision.wait_s is not None else None,
        "stop_reason": decision.reason if decision else None,
        "latency_ms": round(latency_ms, 3),
        "ttft_ms": completion.ttft_ms if completion else None,
        "chunks": completion.chunks if completion else None,
        "partial_output": error.partial if error else None,
        "input_tokens": usage.input_tokens if usage else None,
        "output_tokens": usage.output_tokens if usage else None,
        "cost_usd": cost_of(dep, usage.input_tokens, usage.output_tokens) if usage else None,
        "finish_reason": completion.finish_reason if completion else None,
        "served_model": completion.served_model if completion else None,
        "request_id": completion.request_id if completion else (error.request_id if error else None),
        "retry_layer": "harness",
        "started_at": started,
        "simulated": simulated,
    }
