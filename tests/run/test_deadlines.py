"""Per-attempt deadlines: live calls through the real SDKs cancelled at their TTFT or total deadline (the partial text
kept, the cell `latency_exceeded` at the cut, no retry on the same deployment), simulated answers judged on their
drawn times, and the routing table's `attempt_deadline` / per-step `deadlines` with their errors."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.config.latency import Deadline
from harness.config.suite import load_suite
from harness.errors import ConfigError, FailureClass, ProviderError
from harness.run import deadlines
from harness.types import Completion, Usage
from tests.fakeprov import KEY_ENVS, Fault, Prompt, Reply, Server, always, live_project, query, run_live, serve

TEXT = "the quick brown fox jumps over the lazy dog, streamed in many small pieces"


def answer(_p: Prompt) -> Reply:
    return Reply(text=TEXT)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serve(answer) as s:
        yield s


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for lane, env in KEY_ENVS.items():
        monkeypatch.setenv(env, f"key-{lane}-CANARY0123456789")


def with_deadlines(suite: Path, block: str) -> None:
    routing = suite.parent / "routing.yaml"
    routing.write_text(routing.read_text() + textwrap.indent(textwrap.dedent(block), "    "))


def test_live_attempts_are_cancelled_at_their_ttft_and_total_deadlines(server: Server, tmp_path: Path) -> None:
    """gpt's first chunk comes 1.5 s after the headers (TTFT deadline 300 ms); claude's stream stalls after its
    first chunk (total deadline 500 ms); gemini answers at once, within its deadline. The run's own timeout (5 s)
    would have fired much later: the deadlines decide."""
    suite = live_project(tmp_path, server, cases=3, lanes=("gpt", "claude", "gemini"), retry_on=("transient",))
    with_deadlines(
        suite,
        """
        deadlines:
          gpt: {ttft_ms: 300}
          claude: {total_ms: 500}
          gemini: {ttft_ms: 2000, total_ms: 4000}
    """,
    )
    server.schedules["gpt"] = always(Fault(ttft=1.5))
    server.schedules["claude"] = always(Fault(stall=True))
    try:
        run = run_live(suite, tmp_path / "results")
    finally:
        server.schedules.pop("gpt")
        server.schedules.pop("claude")
    cells = query(tmp_path / "results", f"SELECT deployment, status, error_class, latency_ms, attempts FROM cells "
                                       f"WHERE run_id = '{run.run_id}'")  # fmt: skip
    by_dep = {d: [c for c in cells if c[0] == d] for d in ("gpt", "claude", "gemini")}
    assert all(len(v) == 3 for v in by_dep.values())
    assert {c[1:] for c in by_dep["gpt"]} == {("error", "latency_exceeded", 300.0, 1)}  # cut, not retried
    assert {c[1:] for c in by_dep["claude"]} == {("error", "latency_exceeded", 500.0, 1)}
    assert {c[1:3] for c in by_dep["gemini"]} == {("ok", None)}
    attempts = query(tmp_path / "results", f"SELECT deployment, error_class, error_message, partial_output, latency_ms "
                                          f"FROM attempts WHERE run_id = '{run.run_id}'")  # fmt: skip
    gpt = [a for a in attempts if a[0] == "gpt"]
    assert all(a[1] == "latency_exceeded" and "no first token within the 300 ms deadline" in a[2] and a[3] is None
               for a in gpt)  # fmt: skip
    claude = [a for a in attempts if a[0] == "claude"]
    assert all("not finished within the 500 ms deadline" in a[2] for a in claude)
    assert all(a[3] and TEXT.startswith(a[3]) and len(a[3]) < len(TEXT) for a in claude)  # the text delivered


def test_a_stalled_gemini_stream_is_cut_at_its_total_deadline_with_its_text(server: Server, tmp_path: Path) -> None:
    """The same through google-genai's stream (and a healthy openai stream under generous deadlines, not cut)."""
    suite = live_project(tmp_path, server, cases=2, lanes=("gemini", "gpt"), retry_on=("transient",))
    with_deadlines(
        suite,
        """
        deadlines:
          gemini: {ttft_ms: 400, total_ms: 500}
          gpt: {ttft_ms: 3000, total_ms: 4000}
    """,
    )
    server.schedules["gemini"] = always(Fault(stall=True))
    try:
        run = run_live(suite, tmp_path / "results")
    finally:
        server.schedules.pop("gemini")
    got = query(
        tmp_path / "results",
        f"SELECT c.deployment, c.error_class, c.latency_ms, a.partial_output "
        f"FROM cells c JOIN attempts a USING (cell_key) WHERE c.run_id = '{run.run_id}'",
    )
    assert len(got) == 4
    gemini = [g for g in got if g[0] == "gemini"]
    assert all(g[1:3] == ("latency_exceeded", 500.0) and g[3] and TEXT.startswith(g[3]) for g in gemini)
    assert all(g[1] is None and g[2] < 3000 for g in got if g[0] == "gpt")


@pytest.mark.parametrize("lane", ["claude", "gpt"])
def test_a_stalled_stream_without_a_deadline_times_out_with_its_text(server: Server, tmp_path: Path, lane: str) -> None:
    """No deadline: the run's own timeout ends the stalled stream as `timeout`, and the text it had streamed is
    kept on the attempt as a deadline's cut would keep it."""
    suite = live_project(tmp_path, server, cases=1, lanes=(lane,), retry_on=("transient",))
    server.schedules[lane] = always(Fault(stall=True))
    try:
        run = run_live(suite, tmp_path / "results", timeout_s=0.6, max_attempts=1)
    finally:
        server.schedules.pop(lane)
    got = query(tmp_path / "results", f"SELECT a.error_class, a.error_message, a.partial_output, c.status FROM cells c "
                                      f"JOIN attempts a USING (cell_key) WHERE c.run_id = '{run.run_id}'")  # fmt: skip
    assert len(got) == 1
    error_class, message, partial, status = got[0]
    assert (error_class, message, status) == ("timeout", "no answer within 0.6 s", "error")
    assert partial and TEXT.startswith(partial) and len(partial) < len(TEXT)


def check(ttft: float | None, total: float, deadline: Deadline, text: str = "abcdefghij") -> ProviderError | None:
    completion = Completion(text=text, usage=Usage(10, 10), latency_ms=total, ttft_ms=ttft)
    try:
        deadlines.check(completion, deadline)
    except ProviderError as e:
        return e
    return None


def test_simulated_answers_are_judged_on_their_drawn_times() -> None:
    d = Deadline(ttft_ms=100, total_ms=1000)
    assert check(90, 900, d) is None
    late = check(150, 400, d)
    assert late and late.failure_class is FailureClass.latency_exceeded and late.cut_ms == 100 and late.partial is None
    slow = check(100, 1900, d)  # streaming 1,800 ms; cut 900 ms in: half the text, billed half the output
    assert slow and slow.cut_ms == 1000 and slow.partial == "abcde" and slow.billed == Usage(10, 5)
    assert late.billed == Usage(10, 0)  # cut before its first token: its input only
    assert check(None, 150, d).cut_ms == 100  # type: ignore[union-attr]  # not streamed: first token with the last
    assert check(None, 90, Deadline(total_ms=100)) is None


def test_deadline_config_errors_name_the_key(tmp_path: Path, server: Server) -> None:
    with pytest.raises(ValueError, match="ttft_ms 500 is over total_ms 200"):
        Deadline(ttft_ms=500, total_ms=200)
    with pytest.raises(ValueError, match="needs ttft_ms, total_ms or both"):
        Deadline()
    suite = live_project(tmp_path, server, cases=2, lanes=("gpt",))
    with_deadlines(
        suite,
        """
        deadlines:
          claude: {ttft_ms: 300}
    """,
    )
    with pytest.raises(ConfigError) as e:
        load_suite(suite)
    assert "routing.yaml" in str(e.value) and "tasks.intents.deadlines.claude" in str(e.value)
    assert "not in the task's chains" in str(e.value)


def test_simulated_and_cached_answers_are_held_to_the_deadline(project: Path, tmp_path: Path) -> None:
    """A simulated run judges each answer on its drawn TTFT; a later run with a deadline judges the cached answers
    of an earlier one the same way (the deadline changes what the deployment scores, cache or not)."""
    from harness.run.launch import Selection, start_run
    from harness.run.records import RunOptions
    from harness.store import db

    results = tmp_path / "results"
    first = start_run(project, Selection(mode="sim"), results_dir=results, options=RunOptions(cache="rw"))
    routing = project.parent / "routing.yaml"
    routing.write_text(routing.read_text().replace("    chain: [alpha, beta]\n",
                                                   "    chain: [alpha, beta]\n    deadlines:\n"
                                                   "      alpha: {ttft_ms: 1}\n"))  # fmt: skip
    second = start_run(project, Selection(mode="sim"), results_dir=results, options=RunOptions(cache="rw"))
    rows = db.query(results, "SELECT run_id, deployment, status, error_class, latency_ms, cache_hit FROM cells "
                             "WHERE task = 'intents'")  # fmt: skip
    before = [r for r in rows if r[0] == first.run_id and r[1] == "alpha"]
    after = [r for r in rows if r[0] == second.run_id and r[1] == "alpha"]
    assert before and all(r[2] == "ok" for r in before)
    assert len(after) == len(before) and all(r[2:] == ("error", "latency_exceeded", 1.0, True) for r in after)
    assert all(r[2] == "ok" for r in rows if r[0] == second.run_id and r[1] == "beta")  # no deadline there
    replayed = start_run(project, Selection(mode="replay"), results_dir=results, options=RunOptions(cache="rw"))
    labels = db.query(
        results,
        "SELECT bool_and(simulated), bool_and(cost_usd > 0), count(*) FROM cells "
        f"WHERE run_id = '{replayed.run_id}' AND deployment = 'alpha' AND task = 'intents'",
    )
    assert labels == [(True, True, len(before))]  # a cut cached simulated answer stays labelled; billed its input


class _Slow:
    """A provider whose answer holds the event loop (a local model, heavy parsing) or takes its time."""

    simulated = False

    def __init__(self, block_s: float = 0.0, sleep_s: float = 0.0, raises: bool = False) -> None:
        self.block_s, self.sleep_s, self.raises = block_s, sleep_s, raises

    async def complete(self, _request: object) -> Completion:
        import time

        time.sleep(self.block_s)
        await asyncio.sleep(self.sleep_s)
        if self.raises:
            raise TimeoutError("the provider's own timeout")
        return Completion(text="done", usage=Usage(10, 10))


def test_within_cuts_a_live_answer_that_ended_late_and_passes_on_a_timeout_it_did_not_set() -> None:
    late = _Slow(block_s=0.05)
    with pytest.raises(ProviderError, match="no first token within the 10 ms deadline"):
        asyncio.run(deadlines.within(late.complete(None), Deadline(ttft_ms=10), 5.0, 7))
    with pytest.raises(TimeoutError, match="the provider's own timeout"):
        asyncio.run(deadlines.within(_Slow(raises=True).complete(None), Deadline(ttft_ms=1000), 5.0, 7))


class _Streaming:
    """A live provider whose stream delivers some text, then stalls (registers its accumulator as a `Clock` does)."""

    class _Acc:
        partial = "the quick"

    async def complete(self, _request: object) -> Completion:
        from harness.providers.stream_convert import Clock

        clock = Clock(self._Acc())
        clock.content()
        await asyncio.sleep(10)
        raise AssertionError("not reached")


@pytest.mark.parametrize("deadline", [None, Deadline(total_ms=60_000)])
def test_a_live_call_past_the_runs_timeout_is_a_timeout_with_its_text(deadline: Deadline | None) -> None:
    """With no deadline, or one the run's timeout comes before, the run's timeout ends the call: `timeout`, the text
    streamed so far kept, not billed; a TimeoutError the provider raised itself passes through as before."""
    with pytest.raises(ProviderError) as got:
        asyncio.run(deadlines.live(_Streaming().complete(None), deadline, 0.2, 7))
    e = got.value
    assert (e.failure_class, e.message, e.partial) == (FailureClass.timeout, "no answer within 0.2 s", "the quick")
    assert e.cut_ms is None and e.billed is None
    with pytest.raises(TimeoutError, match="the provider's own timeout"):
        asyncio.run(deadlines.live(_Slow(raises=True).complete(None), deadline, 5.0, 7))


def test_a_simulated_call_under_a_deadline_keeps_the_runs_timeout() -> None:
    from types import SimpleNamespace

    from harness.run.runner import Runner

    slow = _Slow(sleep_s=0.6)
    slow.simulated = True
    fake = SimpleNamespace(options=SimpleNamespace(timeout_s=0.2))
    completion, err = asyncio.run(Runner._once(fake, slow, None, Deadline(ttft_ms=100)))  # type: ignore[arg-type]
    assert completion is None and err is not None and err.failure_class is FailureClass.timeout
