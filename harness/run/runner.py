"""The runner: fan the plan's cells out to providers, retry what is retryable, grade, journal, emit events.

Async core, no Rich: progress goes out as plain events to a sink (the CLI's display). Each deployment has its own
queue, workers and lane (harness/run/lanes.py: in-flight limit, RPM/TPM pacing, rate control on 429 shares per
window); `concurrency` bounds
calls in flight across lanes. The response cache answers before any call; the budget admits calls. A per-case
failure becomes a recorded cell, never an exception that stops the fan-out.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from harness.config.latency import Deadline
from harness.errors import FailureClass, ProviderError
from harness.providers.base import Provider
from harness.run import deadlines, grading, model_calls
from harness.run.budget import Budget
from harness.run.cache import ResponseCache
from harness.run.lanes import Cut, Lane, kind_of
from harness.run.plan import Cell, Plan
from harness.run.records import (
    CellFinished,
    RunOptions,
    Sink,
    Tally,
    answer_keys,
    attempt_record,
    cell_record,
    cost_of,
    now,
    sample_of,
    sim_profile_hash,
)
from harness.run.retry import AuthBreaker, Decision, RetryPolicy, decide, flag, outcome
from harness.store.journal import JournalWriter
from harness.types import Completion, Grade, Grounding, Message, RateSignal, Request, RequestOptions, SimHint, ToolCall

#: Workers per lane slot (live lanes): a cell waiting out its Retry-After holds a worker but no slot.
WORKERS_PER_SLOT = 4

__all__ = ["CellFinished", "RunOptions", "Runner", "Sink", "Tally", "answer_keys", "cost_of", "now"]


@dataclass
class Runner:
    plan: Plan
    providers: dict[str, Provider]
    journal: JournalWriter
    sink: Sink
    options: RunOptions = RunOptions()
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tally: Tally = field(default_factory=Tally)
    session: int = 0
    """0 for the first execution of a run, k for its k-th resume: keeps attempt ids unique across sessions."""
    cache: ResponseCache | None = None
    breakers: dict[str, AuthBreaker] = field(default_factory=dict, init=False, repr=False)
    policies: dict[str, RetryPolicy] = field(default_factory=dict, init=False, repr=False)
    cuts: dict[str, tuple[ProviderError, bool]] = field(default_factory=dict, init=False, repr=False)
    """Cells whose last attempt was cut at its deadline: the error (when, what it is billed) and whether the answer
    cut was simulated (a cached one's label survives `--mode replay`)."""

    def __post_init__(self) -> None:
        suite = self.plan.project.suite
        self.graders = grading.build_graders(self.plan.project, self.call_model)
        self.lanes: dict[str, Lane] = {}
        self._profiles: dict[str, str] = {}  # deployment -> hash of its sim profile (cache keys)
        self.slots = asyncio.Semaphore(max(1, self.options.concurrency))
        suite_budget = suite.budget_usd
        limits = [x for x in (self.options.max_cost_usd, suite_budget) if x is not None]
        self.budget = Budget(min(limits) if limits else None)
        self.faulty = {f.deployment for f in self.plan.faults()}
        self._asked: dict[str, int] = {}  # model-call key -> calls so far this session (unique attempt ids)
        self.deadlines = deadlines.table(self.plan.project.routing)  # (task, deployment) -> its attempt deadline

    async def run(self, cells: list[Cell]) -> Tally:
        """Each deployment gets its own queue and workers (as many as its lane allows in flight), so a stalled
        deployment holds at most its own slots; `concurrency` bounds the calls in flight across all lanes."""
        queues: dict[str, deque[Cell]] = {}
        for c in cells:
            queues.setdefault(c.deployment, deque()).append(c)
        workers = [
            asyncio.create_task(self._worker(queue))
            for dep, queue in queues.items()
            for _ in range(min(len(queue), self._workers(dep)))
        ]
        try:
            await asyncio.gather(*workers)
        finally:
            for w in workers:
                w.cancel()
            for dep in queues:
                self._lane_record(dep, None)
            self.journal.flush()
            await self._close_providers()
        self.tally.skipped_budget = self.budget.skipped
        return self.tally

    def _workers(self, deployment: str) -> int:
        """Workers per lane: a live lane (or one simulated in real time) has four per slot, so cells waiting out a
        Retry-After (they hold no slot) leave no slot idle; local and unscaled simulated lanes never wait: one."""
        mode = self._mode(deployment)
        waits = mode == "live" or (mode == "sim" and self.options.sim_time_scale > 0)
        return self._lane(deployment).max_concurrency * (WORKERS_PER_SLOT if waits else 1)

    def _lane_record(self, deployment: str, cut: Cut | None) -> None:
        """Journal a lane's cut, or (cut None) the lane at the end of the fan-out: the `lanes` table."""
        if deployment in self.lanes:
            shard = self.plan.selection.shard
            self.journal.write({"type": "lane", "run_id": self.plan.run_id, "from_shard": shard[0] if shard else 0,
                                "session": self.session, **self.lanes[deployment].record_of(cut)})  # fmt: skip

    async def _close_providers(self) -> None:
        """Live providers close their HTTP clients inside the loop that opened them (optional `aclose` hook)."""
        for provider in self.providers.values():
            close = getattr(provider, "aclose", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    await close()

    async def _worker(self, queue: deque[Cell]) -> None:
        while queue and not self.stop.is_set():
            await self._cell(queue.popleft())
            # A cell answered without waiting (cache hit, simulated at zero latency) never suspends: yield, or the
            # loop would run one worker's whole queue before a timer, a signal or another lane gets a turn.
            await asyncio.sleep(0)

    async def _cell(self, cell: Cell) -> None:
        mode = self.plan.modes[cell.deployment]
        if mode == "skipped":
            self._finish(cell, None, FailureClass.skipped_auth, "no credentials for this deployment", 0)
            return
        keys = self._cache_keys(cell.deployment, cell.request_hash) if self.cache else []
        hit = self.cache.first(keys) if self.cache and self.options.cache != "off" else None
        if hit is not None and (late := deadlines.late(hit[1], self.deadlines.get((cell.task, cell.deployment)))):
            self.cuts[cell.key] = (late, hit[1].simulated)  # a cached answer is judged under today's deadline
            self._finish(cell, None, late.failure_class, f"cached answer: {late.message}", 0, cached=True)
            return
        if hit is not None:
            await self._graded_finish(cell, hit[1], None, None, 0, cached=True, cache_key=hit[0])
            return
        if mode == "replay":
            self._finish(cell, None, FailureClass.not_found, "not in the response cache (--mode replay)", 0)
            return
        dep = self.plan.project.models.deployments[cell.deployment]
        max_tokens = cell.request.options.max_tokens
        expected = await self.budget.admit(
            lambda: self.budget.expected(cell.deployment, dep, cell.est_input_tokens, max_tokens)
        )
        if expected is None:
            self._finish(cell, None, FailureClass.skipped_budget, "the run's cost budget was reached", 0)
            return
        completion, failure, message, attempts = await self._call(
            cell.key, cell.task, cell.deployment, cell.request, cell.est_input_tokens, keys[:1]
        )
        usage = completion.usage if completion else self.cuts[cell.key][0].billed if cell.key in self.cuts else None
        cost = cost_of(dep, usage.input_tokens, usage.output_tokens) if usage else 0.0
        await self.budget.settle(cell.deployment, expected, cost, usage.output_tokens if usage else None)
        stored = bool(keys) and completion is not None and failure is None and self.options.cache == "rw"
        await self._graded_finish(cell, completion, failure, message, attempts, cache_key=keys[0] if stored else None)

    async def _graded_finish(
        self,
        cell: Cell,
        completion: Completion | None,
        failure: FailureClass | None,
        message: str | None,
        attempts: int,
        cached: bool = False,
        cache_key: str | None = None,
    ) -> None:
        grades = None  # judges awaited here, slow sync graders in a thread (grading.grade)
        if completion is not None:
            graders, sample = self.graders[cell.task], sample_of(cell, completion)
            grades = grading.grade_inline(graders, sample)
            if grades is None:
                grades = await grading.grade(graders, sample)
        self._finish(cell, completion, failure, message, attempts, grades, cached=cached, cache_key=cache_key)

    def _mode(self, deployment: str) -> str:
        mode = self.plan.modes.get(deployment) or getattr(self.plan, "judges", {}).get(deployment)
        if mode is None:
            mode = "sim" if getattr(self.providers.get(deployment), "simulated", False) else "live"
        return str(mode)

    def _cache_keys(self, deployment: str, request_hash: str) -> list[str]:
        if deployment in self.faulty:  # injected faults must happen: no cached answer hides them
            return []
        profile = self._profiles.get(deployment)
        if profile is None:
            profile = self._profiles[deployment] = sim_profile_hash(self.plan, deployment)
        return answer_keys(self.plan, deployment, self._mode(deployment), request_hash, self.options.sim_seed, profile)

    def _lane(self, deployment: str) -> Lane:
        if deployment not in self.lanes:
            dep = self.plan.project.models.deployments[deployment]
            provider = self.providers.get(deployment)
            simulated = bool(getattr(provider, "simulated", False))
            scale = self.options.sim_time_scale if simulated else 1.0
            rpm, tpm = dep.rate_limits.rpm, dep.rate_limits.tpm
            if simulated:  # a simulated minute lasts `scale` real minutes; unscaled: unpaced
                rpm = int(rpm / scale) if rpm and scale else None
                tpm = int(tpm / scale) if tpm and scale else None
            size, o = dep.concurrency or self.options.per_deployment, self.options
            self.lanes[deployment] = Lane(deployment, size, rpm, tpm, rate_share=o.rate_share, peers=o.peers)
        return self.lanes[deployment]

    async def call_model(
        self,
        deployment: str,
        messages: tuple[Message, ...],
        *,
        options: RequestOptions | None = None,
        sim: SimHint | None = None,
        cell_key: str = "",
        purpose: str = "judge",
    ) -> Completion:
        """A grader's model call (see `graders.base.ModelCaller` and `model_calls.call_model`)."""
        return await model_calls.call_model(self, deployment, messages, options, sim, cell_key, purpose)

    async def _call(
        self, key: str, task: str, deployment: str, request: Request, est_tokens: int = 0, store: Sequence[str] = ()
    ) -> tuple[Completion | None, FailureClass | None, str | None, int]:
        """Attempts until one is accepted or the retry policy stops; every attempt is journaled under `key`.
        Each attempt holds a lane slot (paced by its limits) and a run-wide slot; a clean answer is cached
        under `store`."""
        provider = self.providers[deployment]
        scale = self.options.sim_time_scale if provider.simulated else 1.0
        policy, breaker, lane = self._policy(task), self._breaker(deployment), self._lane(deployment)
        adapt = not provider.simulated or scale > 0  # simulated 429s at scale 0 take no real time
        tokens = est_tokens + request.options.max_tokens // 4
        first, attempt = time.monotonic(), 0
        while True:
            attempt += 1
            for theirs in lane.peers.pending(deployment) if adapt and lane.peers else ():  # other shards' cuts
                self._lane_record(deployment, lane.follow(theirs))
            async with lane.slot(tokens), self.slots, breaker.admit():
                if breaker.reason:  # the lane closed on auth failures: no call
                    return None, FailureClass.skipped_auth, breaker.reason, attempt - 1
                this = request if attempt == 1 else replace(request, attempt=attempt)
                started, t0 = now(), time.perf_counter()
                completion, err = await self._once(provider, this, self.deadlines.get((task, deployment)), est_tokens)
                latency = (time.perf_counter() - t0) * 1000
                breaker.record(err.failure_class if err else None, err.message if err else None)
            if completion is not None:  # simulators report their own (scaled) latency
                completion = replace(completion, latency_ms=completion.latency_ms or round(latency, 3))
                latency = completion.latency_ms
            elif err is not None and err.cut_ms is not None:  # cut at its deadline: the cell's latency and bill
                latency, self.cuts[key] = err.cut_ms, (err, provider.simulated)
            signal = err.rate if err else completion.rate if completion else None
            if adapt:
                cut = lane.record(err.failure_class if err else None, (err.retry_after or 0) * scale if err else None,
                                  signal, latency / 1000)  # fmt: skip
                if cut is not None:
                    self._lane_record(deployment, cut)
            failure = err.failure_class if err else flag(completion) if completion else None
            retry_after = err.retry_after if err else None
            if completion is not None and failure is None and store and self.cache and self.options.cache == "rw":
                self.cache.put(store[0], completion)
            decision = decide(policy, failure, attempt, time.monotonic() - first, retry_after) if failure else None
            self._attempt(key, deployment, attempt, started, latency, completion, err, decision, signal)
            if decision is None or not decision.retry or self.stop.is_set():
                return outcome(completion, err, decision, attempt)
            await asyncio.sleep((decision.wait_s or 0.0) * scale)

    async def _once(self, provider: Provider, request: Request, deadline: Deadline | None = None, est_tokens: int = 0
                    ) -> tuple[Completion | None, ProviderError | None]:  # fmt: skip
        try:
            if not provider.simulated:  # live: cancelled at its deadline or the run's timeout, the text so far kept
                call = provider.complete(request)
                return await deadlines.live(call, deadline, self.options.timeout_s, est_tokens), None
            async with asyncio.timeout(self.options.timeout_s):  # no extra task per attempt, unlike wait_for
                completion = await provider.complete(request)
            if deadline is not None:  # simulated: judged on its drawn times
                deadlines.check(completion, deadline)
            return completion, None
        except ProviderError as e:  # its tracebacks hold the SDK's frames in cycles: dropped, the GC has less to chase
            e.__traceback__ = e.__cause__ = e.__context__ = None
            return None, e
        except TimeoutError:
            return None, deadlines.timed_out(self.options.timeout_s)
        except Exception as e:  # a provider bug must not stop the fan-out: record it
            return None, ProviderError(FailureClass.invalid_response, f"{type(e).__name__}: {e}")

    def _policy(self, task: str) -> RetryPolicy:
        if task not in self.policies:
            o = self.options
            self.policies[task] = RetryPolicy.from_routing(
                self.plan.project.routing.policy(task).retry,
                max_total_s=o.retry_budget_s,
                max_attempts=o.max_attempts,
                backoff_initial_s=o.backoff_initial_s,
                backoff_max_s=o.backoff_max_s,
                max_retry_after_s=o.max_retry_after_s,
            )
        return self.policies[task]

    def _breaker(self, deployment: str) -> AuthBreaker:
        if deployment not in self.breakers:
            live = self._mode(deployment) == "live"  # judges are in plan.judges, not plan.modes
            self.breakers[deployment] = AuthBreaker(self.options.auth_failures_to_skip, proven=not live)
        return self.breakers[deployment]

    def _attempt(
        self,
        key: str,
        deployment: str,
        n: int,
        started: str,
        latency_ms: float,
        completion: Completion | None = None,
        error: ProviderError | None = None,
        decision: Decision | None = None,
        signal: RateSignal | None = None,
    ) -> None:
        """One journal record per attempt (`records.attempt_record`)."""
        dep = self.plan.project.models.deployments[deployment]
        self.journal.write(attempt_record(
            self.plan.run_id, f"{key}:{self.session}:{n}", key, n, deployment, dep, started, latency_ms, completion,
            error, decision, kind_of(error.failure_class, signal) if error else None,
            self.providers[deployment].simulated,
        ))  # fmt: skip

    def _grade(self, cell: Cell, completion: Completion) -> list[Grade]:
        """Grade from sync code; the event loop's path is `grading.grade` (see `_graded_finish`)."""
        return grading.grade_blocking(self.graders[cell.task], sample_of(cell, completion))

    def regrade(self, cell: Cell, record: dict[str, Any], grader_ids: set[str]) -> None:
        """Grade a journaled cell with the graders whose grades were lost (killed between the cell and its grade
        records, or between two of them)."""
        calls = tuple(ToolCall(c["name"], c["arguments"]) for c in record.get("tool_calls") or [])
        grounding = Grounding.from_record(record.get("grounding"))
        completion = Completion(text=record.get("output") or "", tool_calls=calls, grounding=grounding)
        graders = [tg for tg in self.graders[cell.task] if tg.grader_id in grader_ids]
        graded_at = now()
        for g in grading.grade_blocking(graders, sample_of(cell, completion)):
            self.journal.write(grading.grade_record(cell.key, self.plan.run_id, g, graded_at))

    def _finish(
        self,
        cell: Cell,
        completion: Completion | None,
        failure: FailureClass | None,
        message: str | None,
        attempts: int,
        grades: list[Grade] | None = None,
        cached: bool = False,
        cache_key: str | None = None,
    ) -> None:
        """Journal the cell and its grades. A cached cell records what its call cost when it was made (so
        cost comparisons hold) but adds nothing to what this run spent."""
        dep = self.plan.project.models.deployments[cell.deployment]
        mode = self.plan.modes[cell.deployment]
        skipped = failure in (FailureClass.skipped_auth, FailureClass.skipped_budget)
        status = "ok" if completion else ("skipped" if skipped else "error")
        cut = self.cuts.pop(cell.key, None) if completion is None else None  # cut at its deadline
        usage = completion.usage if completion else cut[0].billed if cut else None
        cost = cost_of(dep, usage.input_tokens, usage.output_tokens) if usage else 0.0
        self.journal.write(
            cell_record(self.plan, cell, dep, mode, status, completion, failure, message, attempts, cost, cached)
            | ({"cache_key": cache_key} if cache_key else {})
            | (
                {
                    "latency_ms": cut[0].cut_ms,
                    "simulated": mode == "sim" or cut[1],
                    "input_tokens": usage.input_tokens,
                    "output_tokens": usage.output_tokens,
                }
                if cut and usage
                else {}
            )
        )
        score = passed = None
        if completion is not None:
            grades = grades if grades is not None else self._grade(cell, completion)
            graded_at = now()
            for g in grades:
                self.journal.write(grading.grade_record(cell.key, self.plan.run_id, g, graded_at))
            score, passed = grading.combine(grades, self.plan.project.suite.tasks[cell.task].pass_threshold)
        setattr(self.tally, status, getattr(self.tally, status) + 1)
        if cached:
            self.tally.cached += 1
            self.tally.saved_usd += cost
        else:
            self.tally.cost_usd += cost
        simulated = mode == "sim" or bool(completion and completion.simulated) or bool(cut and cut[1])
        self.sink(
            CellFinished(cell.task, cell.deployment, cell.variant, status, failure.value if failure else None,
                         0.0 if cached else cost, score, passed, simulated,
                         completion.latency_ms if completion else None, cached, cell.case.id)
        )  # fmt: skip
