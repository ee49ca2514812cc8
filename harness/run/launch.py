"""One run end to end: load the suite, plan, journal the run, execute, load the journal into DuckDB.

`start_run` and `resume_run` are what `harness run` and the tests call. They own the run's lifecycle records
(`run`, `resume`, `run_end`), signal handling (Ctrl-C / SIGTERM: stop scheduling, give in-flight calls up to
10 s, mark the run cancelled) and the periodic loads that keep the database current while the run goes on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness import __version__
from harness.config.base import ID_PATTERN
from harness.config.suite import load_suite
from harness.errors import InputError, StoreError
from harness.providers.base import Provider, ProviderSettings, make_provider
from harness.run import hedging
from harness.run.cache import ResponseCache
from harness.run.collector import gc_tuned
from harness.run.faults import FaultyProvider
from harness.run.loop import FINAL_LOAD_WAIT, execute, try_load
from harness.run.plan import Cell, Plan, Selection, build_plan
from harness.run.resume import JournalState, cut_torn_tail, fingerprint_changes, journal_path, read_state
from harness.run.routed import served_records
from harness.run.router_runtime import Runtime
from harness.run.runner import CellFinished, Runner, RunOptions, Tally, answer_keys, now
from harness.store.journal import JournalWriter, crash_point
from harness.store.provenance import Provenance, gather, git_state, host, package_versions


def new_run_id() -> str:
    """`YYYYmmdd-HHMMSS-` + milliseconds + 6 random hex: run ids sort in start order (the latest run of a suite is
    the last id), also for runs started in the same second."""
    t = dt.datetime.now(dt.UTC)
    return t.strftime("%Y%m%d-%H%M%S-") + f"{t.microsecond // 1000:03d}" + secrets.token_hex(3)


def check_run_id(run_id: str, results_dir: Path) -> str:
    """A run id given by hand (`--run-id`): a safe name whose journal does not exist yet."""
    if not re.match(ID_PATTERN, run_id):
        raise InputError(f"--run-id {run_id!r} is not a run id", fix="use letters, digits and `_ . @ : + -`")
    if journal_path(results_dir, run_id).exists():
        raise InputError(f"run {run_id} already has a journal in {results_dir}",
                         fix=f"finish it with --resume {run_id}, or choose another id")  # fmt: skip
    return run_id


@dataclass
class RunResult:
    run_id: str
    plan: Plan
    tally: Tally
    status: str
    journal: Path
    loaded: bool
    load_note: str = ""
    events: list[CellFinished] = field(default_factory=list)
    resumed: int = 0
    """Cells that were already final in the journal (resume only)."""
    served: list[dict[str, Any]] = field(default_factory=list)
    """Routed play (`--routed`): one record per case and sample."""


def make_providers(
    plan: Plan, options: RunOptions, sim_seed: int, results_dir: Path = Path("results"), notes: list[str] | None = None
) -> dict[str, Provider]:
    settings = ProviderSettings(
        plan.project.models, sim_seed=sim_seed, sim_time_scale=options.sim_time_scale, timeout_s=options.timeout_s,
        datasets_dir=plan.project.datasets_dir, cache_dir=results_dir / "cache",
        notes=notes if notes is not None else [],
    )  # fmt: skip
    providers: dict[str, Provider] = {}
    faults = plan.faults()
    _judge_notes(plan, settings.notes)
    for dep_id, mode in {**plan.judges, **plan.modes}.items():  # judges are providers of the run too
        dep = plan.project.models.deployments[dep_id]
        if mode in ("skipped", "replay"):  # replay answers from the cache: nothing to call
            continue
        name = "sim" if mode == "sim" else dep.provider
        provider = make_provider(name, dep_id, dep, settings)
        mine = [f for f in faults if f.deployment == dep_id]
        if mine:
            scale = options.sim_time_scale if provider.simulated else 1.0
            provider = FaultyProvider(provider, mine, seed=sim_seed, time_scale=scale)
            settings.notes.append(f"{dep_id}: injecting {len(mine)} fault(s)")
        providers[dep_id] = provider
    return providers


def _judge_notes(plan: Plan, notes: list[str]) -> None:
    """How each judge runs, a warning where a judge grades its own family (self-preference), and which sandbox
    code_exec's programs get (a warning when they run without isolation)."""
    from harness.run.modes import self_preference

    if plan.judges:
        notes.append("judges: " + ", ".join(f"{j} ({m})" for j, m in plan.judges.items()))
    tasks = plan.project.suite.tasks
    if any(g.name == "code_exec" for t in {c.task for c in plan.cells} for g in tasks[t].graders):
        from harness.graders.sandbox import run_note

        notes.append(run_note())
    for task in sorted({c.task for c in plan.cells}):
        notes.extend(self_preference(plan.project, task, sorted({c.deployment for c in plan.cells if c.task == task})))


def open_cache(plan: Plan, options: RunOptions, results_dir: Path) -> ResponseCache | None:
    """The run's response cache. Under `--mode replay`, whether any answer to replay was simulated when recorded
    is known before anything is shown: the plan's note and `simulated` flag say so."""
    replaying = any(m == "replay" for m in plan.modes.values())
    if options.cache == "off" and not replaying:
        return None
    cache = ResponseCache(results_dir / "cache" / "responses", "ro" if replaying else options.cache)
    if replaying:
        for cell in plan.cells:
            hit = cache.first(answer_keys(plan, cell.deployment, plan.modes[cell.deployment], cell.request_hash,
                                          options.sim_seed))  # fmt: skip
            if hit is not None and hit[1].simulated:
                plan.replayed_simulated = True
                plan.mode_note += " (SIMULATED answers among them: not evidence of quality)"
                break
        cache.hits = 0
    return cache


def check_replay(plan: Plan, cache: ResponseCache | None, options: RunOptions, cells: list[Cell]) -> None:
    """Replay never calls a provider: every cell to run must have a cached answer before anything starts,
    otherwise one error lists the missing cells."""
    if cache is None:
        return
    missing = [
        c for c in cells
        if plan.modes[c.deployment] == "replay"
        and not any(cache.has(k) for k in answer_keys(plan, c.deployment, "replay", c.request_hash, options.sim_seed))
    ]  # fmt: skip
    if missing:
        shown = "; ".join(f"{c.task}/{c.case.id}/{c.deployment}/{c.variant}#{c.sample}" for c in missing[:10])
        more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        raise InputError(
            f"--mode replay: {len(missing)} of {len(cells)} cells have no cached answer: {shown}{more}",
            fix="import a cache bundle (`harness cache import FILE`), or run them live or in sim first",
        )


def run_record(plan: Plan, sim_seed: int, prov: Provenance | None = None) -> dict[str, object]:
    if prov is None:
        prov = Provenance(*git_state(plan.project.suite_path.parent), package_versions())
    commit, dirty = prov.commit, prov.dirty
    pid, hostname = host()
    sel = plan.selection
    return {
        "type": "run", "run_id": plan.run_id, "suite": plan.project.suite.name,
        "suite_path": str(plan.project.suite_path), "started_at": now(), "status": "running", "mode": sel.mode,
        "simulated": plan.simulated, "sim_seed": sim_seed, "git_commit": commit, "git_dirty": dirty,
        "harness_version": __version__, "packages": prov.packages, "hashes": plan.project.hashes,
        "fingerprint": plan.fingerprint(), "deployment_modes": plan.modes,
        "routing_table_version": plan.project.routing.table_version,
        "tasks": sorted({c.task for c in plan.cells}), "deployments": sorted(plan.modes),
        "variants": sel.variants, "planned_cells": len(plan.cells), "pid": pid, "host": hostname,
        "selection": {"tasks": sel.tasks, "deployments": sel.deployments, "variants": sel.variants,
                      "limit": sel.limit, "repeats": sel.repeats, "mode": sel.mode, "scenario": sel.scenario,
                      "faults": sel.faults, "routed": sel.routed, "shard": list(sel.shard) if sel.shard else None,
                      "kind": sel.kind, "portability": sel.portability},
    }  # fmt: skip


@dataclass
class _Session:
    plan: Plan
    journal: JournalWriter
    results_dir: Path
    options: RunOptions
    sim_seed: int
    session: int
    sink: Callable[[CellFinished], None] | None
    providers: dict[str, Provider]
    cache: ResponseCache | None = None
    events: list[CellFinished] = field(default_factory=list)
    served: list[dict[str, Any]] = field(default_factory=list)

    def _play_routed(self) -> list[dict[str, Any]]:
        """Walk every case through its chain from the journaled cells (no new calls); journal `served` records."""
        self.journal.flush()
        state = read_state(self.journal.path)
        table, suite = self.plan.project.routing, self.plan.project.suite
        policies = {t: table.policy(t) for t in suite.tasks if t in table.tasks}
        budgets = {t: table.tasks[t].constraints.latency_budget_ms for t in policies}
        budget_on = {t: table.tasks[t].constraints.latency_budget_on for t in policies}
        deployments = self.plan.project.models.deployments
        prices = {d: (p.pricing.input_per_mtok / 1e6, p.pricing.output_per_mtok / 1e6) for d, p in deployments.items()}
        runtime = Runtime.of(table)  # cooldowns and balance groups, when the table has them: it races hedged tasks
        play = (runtime.player(policies, budgets, budget_on, prices) if runtime
                else hedging.player(state.done.values(), policies, budgets, budget_on, prices))  # fmt: skip
        records = served_records(self.plan.run_id, state.done.values(), state.routes, policies, budgets, budget_on,
                                 play)  # fmt: skip
        for rec in records:
            score, passed = (None, None)
            if rec["served_cell"]:
                threshold = suite.tasks[rec["task"]].pass_threshold
                score, passed = cell_score(state.grades.get(rec["served_cell"], []), threshold)
            rec.update(score=score, passed=passed)
            self.journal.write(rec)
        return records

    def collect(self, e: CellFinished) -> None:
        self.events.append(e)
        if self.sink:
            self.sink(e)

    def execute(self, cells: list[Cell], regrade: list[tuple[Cell, dict[str, Any], set[str]]]) -> tuple[str, Tally]:
        runner = Runner(
            self.plan, self.providers, self.journal, self.collect, self.options, session=self.session, cache=self.cache
        )
        self.runner = runner
        status, tally = "failed", runner.tally
        try:
            for cell, record, missing in regrade:
                runner.regrade(cell, record, missing)
            gc.freeze()  # the plan lives all run: not re-scanned every few cells (unfrozen by `collector.gc_tuned`)
            status = asyncio.run(execute(runner, cells, self.results_dir, self.journal))
            if status == "complete":  # issue 9: pairwise judging, a post-pass over the run's finished cells
                from harness.run.pairwise import run_pairwise

                run_pairwise(runner, self.journal)
            if status == "complete" and self.plan.selection.routed:
                self.served = self._play_routed()
        finally:
            end = {"type": "run_end", "run_id": self.plan.run_id, "status": status, "ended_at": now(),
                   "counts": tally.as_dict(), "session": self.session}  # fmt: skip
            try:
                self.journal.write(end)
                self.journal.close()
            except StoreError:
                if status != "failed":  # the journal could not be written: that is the error to report
                    raise
        return status, tally


@gc_tuned
def start_run(
    suite_path: Path,
    selection: Selection,
    *,
    results_dir: Path = Path("results"),
    options: RunOptions | None = None,
    sim_seed: int = 0,
    sink: Callable[[CellFinished], None] | None = None,
    on_plan: Callable[[Plan, list[str]], None] | None = None,
    run_id: str | None = None,
) -> RunResult:
    """Plan and execute one run; every planned cell ends as a journaled result or error. `run_id` names it (the
    shards of one run share theirs); by default a new one."""
    options = replace(options or RunOptions(), sim_seed=sim_seed)
    provenance = gather(suite_path.resolve().parent)
    project = load_suite(suite_path)
    run_id = check_run_id(run_id, results_dir) if run_id is not None else new_run_id()
    plan = build_plan(project, selection, run_id)
    (results_dir / "runs").mkdir(parents=True, exist_ok=True)  # a results dir that cannot be written: say so first
    notes: list[str] = []
    providers = make_providers(plan, options, sim_seed, results_dir, notes)  # before anything is written
    cache = open_cache(plan, options, results_dir)
    if on_plan:
        on_plan(plan, notes)
    check_replay(plan, cache, options, plan.cells)  # after on_plan, which may narrow the cells (the gate)
    path = journal_path(results_dir, run_id)
    session = _Session(plan, JournalWriter(path), results_dir, options, sim_seed, 0, sink, providers, cache)
    session.journal.write(run_record(plan, sim_seed, provenance.result()))
    for record in plan.routes:
        session.journal.write(record)
    session.journal.flush()
    crash_point("after-run-record")
    status, tally = session.execute(plan.cells, [])
    loaded, note = try_load(results_dir, wait=FINAL_LOAD_WAIT, run_id=run_id, cells=len(plan.cells))
    return RunResult(run_id, plan, tally, status, path, loaded, note, session.events, 0, session.served)


def _selection(recorded: dict[str, Any]) -> Selection:
    return Selection(
        tasks=recorded.get("tasks"), deployments=recorded.get("deployments"),
        variants=recorded.get("variants") or ["base"], limit=recorded.get("limit"),
        repeats=recorded.get("repeats"), mode=recorded.get("mode", "auto"), scenario=recorded.get("scenario"),
        faults=recorded.get("faults") or [], routed=bool(recorded.get("routed")),
        shard=tuple(recorded["shard"]) if recorded.get("shard") else None, kind=recorded.get("kind", "run"),
        portability=bool(recorded.get("portability")),
    )  # fmt: skip


def cell_score(grades: list[dict[str, Any]], threshold: float) -> tuple[float | None, bool | None]:
    """A cell's weighted score and pass verdict from its grade records (None when ungraded or a grader erred)."""
    if not grades or any(g.get("error") is not None for g in grades):
        return None, None
    total = sum(g["weight"] for g in grades)
    score = sum((g["value"] or 0.0) * g["weight"] for g in grades) / total
    return score, all(g["passed"] for g in grades) and score >= threshold - 1e-9


def _replayed(plan: Plan, state: JournalState) -> list[CellFinished]:
    """Events for cells finished in earlier sessions, so the summary covers the whole run."""
    threshold = {t: spec.pass_threshold for t, spec in plan.project.suite.tasks.items()}
    out = []
    for key, rec in state.done.items():
        score, passed = cell_score(state.grades.get(key, []), threshold.get(rec["task"], 1.0))
        out.append(
            CellFinished(rec["task"], rec["deployment"], rec["variant"], rec["status"], rec.get("error_class"),
                         rec.get("cost_usd") or 0.0, score, passed, bool(rec.get("simulated")), rec.get("latency_ms"),
                         case_id=rec.get("case_id") or "")
        )  # fmt: skip
    return out


def _missing_grades(plan: Plan, state: JournalState) -> list[tuple[Cell, dict[str, Any], set[str]]]:
    """Journaled answers with a grade missing, per grader (killed between a cell's grade records, or before them)."""
    wanted = {t: {g.grader_id for g in spec.graders} for t, spec in plan.project.suite.tasks.items()}
    out = []
    for c in plan.cells:
        record = state.done.get(c.key)
        if record is None or record.get("status") != "ok":
            continue
        missing = wanted[c.task] - {g["grader_id"] for g in state.grades.get(c.key, [])}
        if missing:
            out.append((c, record, missing))
    return out


@gc_tuned
def resume_run(
    suite_path: Path,
    run_id: str,
    *,
    results_dir: Path = Path("results"),
    options: RunOptions | None = None,
    sink: Callable[[CellFinished], None] | None = None,
    on_plan: Callable[[Plan, list[str]], None] | None = None,
) -> RunResult:
    """Run only the cells of RUN_ID without a final result, refusing if anything it depends on changed."""
    options = options or RunOptions()
    path = journal_path(results_dir, run_id)
    if not path.exists():
        raise InputError(f"no journal for run {run_id!r} in {path.parent}", fix="see `harness runs list`")
    state = read_state(path)
    project = load_suite(suite_path)
    sim_seed = int(state.run.get("sim_seed") or 0)
    options = replace(options, sim_seed=sim_seed)
    plan = build_plan(project, _selection(state.run.get("selection") or {}), run_id)
    changes = fingerprint_changes(state.run.get("fingerprint") or {}, plan.fingerprint())
    if changes:
        raise InputError(
            f"cannot resume run {run_id}: {'; '.join(changes)}",
            fix="restore what changed, or start a new run",
        )
    remaining = [c for c in plan.cells if c.key not in state.done]
    cache = open_cache(plan, options, results_dir)
    check_replay(plan, cache, options, remaining)
    notes: list[str] = []
    providers = make_providers(plan, options, sim_seed, results_dir, notes)
    regrade = _missing_grades(plan, state)
    if on_plan:
        on_plan(plan, notes)
    cut_torn_tail(path)
    session = _Session(
        plan, JournalWriter(path), results_dir, options, sim_seed, state.sessions, sink, providers, cache
    )
    session.events.extend(_replayed(plan, state))
    pid, hostname = host()
    session.journal.write({"type": "resume", "run_id": run_id, "session": state.sessions, "started_at": now(),
                           "pid": pid, "host": hostname, "remaining": len(remaining)})  # fmt: skip
    session.journal.flush()
    crash_point("after-resume-record")
    status, tally = session.execute(remaining, regrade)
    loaded, note = try_load(results_dir, wait=FINAL_LOAD_WAIT, run_id=run_id, cells=len(plan.cells))
    result = RunResult(run_id, plan, tally, status, path, loaded, note, session.events, len(state.done), session.served)
    return result
