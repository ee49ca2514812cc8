"""`harness gate` and `harness baseline update` end to end: git, the run of the affected pairs, the summary.

The files the suite refers to (suite, model and routing tables, datasets, prompts) are materialised at the base ref
with `git archive` into a temporary directory and loaded by the same code as the working tree. The baseline is
read at the base ref too, so a pull request cannot rewrite the numbers it is judged against. Only the affected
pairs run (`harness.run.launch.start_run`, its plan narrowed to them); verdicts come from `harness.gate.verdict`.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.config.suite import Project, load_suite
from harness.errors import InputError
from harness.gate import baseline as bl
from harness.gate import changes
from harness.gate import verdict as gate
from harness.run.cache import CacheMode
from harness.run.modes import Mode
from harness.run.plan import Plan, Selection
from harness.store.lake import Lake

if TYPE_CHECKING:
    from harness.run.launch import RunResult
    from harness.run.plan import Cell

ACTIVE = ("run", "regrade", "new")


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=120, check=False)
    except OSError as e:
        raise InputError(f"cannot run git: {e}", fix="install git; the gate compares against a git ref") from None


def repo_root(path: Path) -> Path:
    r = _git(path.resolve().parent, "rev-parse", "--show-toplevel")
    if r.returncode:
        raise InputError(f"{path} is not inside a git repository", fix="run the gate in a clone of the repository")
    return Path(r.stdout.decode().strip())


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise InputError(f"{path} is outside the git repository {root}") from None


def _commit(root: Path, ref: str) -> str | None:
    r = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return r.stdout.decode().strip() if r.returncode == 0 else None


def resolve_base(root: Path, ref: str | None) -> tuple[str, str]:
    """(commit, label) of `--base`, or of the merge base of HEAD with the default branch."""
    if ref is not None:
        if ref.startswith("-") or (commit := _commit(root, ref)) is None:
            fix = "fetch it first (actions/checkout needs fetch-depth: 0) or pass another ref"
            raise InputError(f"--base {ref!r} is not a commit in {root}", fix=fix)
        return commit, ref
    head = _git(root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD").stdout.decode().strip()
    for branch in [b for b in (head, "origin/main", "origin/master", "main", "master") if b]:
        if _commit(root, branch) is None:
            continue
        r = _git(root, "merge-base", "HEAD", branch)
        if r.returncode == 0:
            return r.stdout.decode().strip(), f"merge base with {branch}"
    raise InputError("no default branch to compare with (origin/HEAD, main or master)", fix="pass --base REF")


def materialise(root: Path, commit: str, paths: list[str], dest: Path) -> list[str]:
    """Extract `paths` as they are at `commit` into `dest`; return those that exist there."""
    present = [p for p in paths if _git(root, "cat-file", "-e", f"{commit}:{p}").returncode == 0]
    if present:
        r = _git(root, "archive", "--format=tar", commit, "--", *present)
        if r.returncode:
            raise InputError(f"git archive {commit[:12]} failed: {r.stderr.decode(errors='replace').strip()}")
        with tarfile.open(fileobj=io.BytesIO(r.stdout)) as tar:
            tar.extractall(dest, filter="data")
    return present


@dataclass
class BaseSide:
    baseline: bl.Baseline | None
    signatures: dict[changes.PairKey, changes.Signature] | None
    chains: dict[str, list[str]]
    notes: list[str] = field(default_factory=list)
    text: str | None = None
    """The baseline file as committed at the base ref."""


def _config_paths(project: Project) -> list[Path]:
    here = project.suite_path.parent
    s = project.suite
    return [project.suite_path, here / s.models, here / s.routing, project.datasets_dir, project.prompts_dir]


def base_side(root: Path, commit: str, label: str, head: Project, rel_baseline: str, tmp: Path,
              store: Lake | None = None) -> BaseSide:  # fmt: skip
    """The base ref's configuration, signatures and baseline: the committed file, or with `store` the latest
    complete run in the lake made from the base ref's configuration."""
    paths = sorted({relative(p, root) for p in _config_paths(head)} | {rel_baseline})
    present = materialise(root, commit, paths, tmp)
    text = (tmp / rel_baseline).read_text("utf-8") if rel_baseline in present and store is None else None
    baseline = bl.parse(text, f"{label}:{rel_baseline}") if text is not None else None
    rel_suite = relative(head.suite_path, root)
    if rel_suite not in present:
        return BaseSide(baseline, {}, {}, [f"the suite {rel_suite} is new since {label}"], text)
    try:
        project = load_suite(tmp / rel_suite)
    except InputError as e:
        why = e.one_line().replace(str(tmp) + "/", "")
        return BaseSide(baseline, None, {}, [f"the configuration at {label} does not load ({why})"], text)
    notes: list[str] = []
    if store is not None:
        baseline, notes = bl.from_lake(store, project)
    variants = baseline.variants if baseline else ["base"]
    chains = {t: list(r.chain) for t, r in project.routing.tasks.items()}
    return BaseSide(baseline, changes.signatures(project, variants), chains, notes, text)


@dataclass
class GateOptions:
    base: str | None = None
    mode: Mode = "auto"
    results_dir: Path = Path("results")
    baseline: str | None = None
    """Repository-relative path of the baseline, read at the base ref."""
    plan_only: bool = False
    cache: CacheMode = "rw"
    """The gate's run reads and writes the response cache like `harness run` (replay reads it only)."""
    store: Lake | None = None
    """Take the baseline from this lake (`--store`) instead of the committed file."""
    sequential: bool = False
    """Run the changed pairs in stages and stop each once decided (`harness.gate.sequential`)."""
    max_extra_cost: float | None = None
    """With `sequential`: dollars the gate may spend on more samples per case for pairs the full dataset leaves
    inconclusive (None: no extension)."""


@dataclass
class GateResult:
    suite: str
    base: str
    base_commit: str
    baseline: str
    plan: list[changes.PairPlan]
    pairs: list[gate.PairVerdict] = field(default_factory=list)
    chains: list[gate.ChainCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    simulated: bool = False
    run_id: str | None = None
    run_ids: list[str] = field(default_factory=list)
    """Every run of the gate: one, or one per stage of the sequential gate."""
    verdict: str = "pass"


def _run_pairs(suite: Path, wanted: set[changes.PairKey], baseline: bl.Baseline, opts: GateOptions,
               notes: list[str], select: Callable[[list[Cell]], list[Cell]] | None = None, label: str = "",
               repeats: int | None = None) -> RunResult:  # fmt: skip
    """One run of the cells of the `wanted` pairs (those `select` keeps of them), at the baseline's settings
    (`repeats`: samples per case planned instead of the baseline's, for the sequential gate's extension)."""
    from harness.run.launch import start_run
    from harness.run.runner import RunOptions

    def narrow(plan: Plan, run_notes: list[str]) -> None:
        cells = [c for c in plan.cells if (c.task, c.deployment, c.variant) in wanted]
        plan.cells[:] = cells if select is None else select(cells)
        notes.extend([plan.mode_note, *run_notes, f"gate run {plan.run_id}{label}: {len(plan.cells)} cells"])

    h = baseline.header
    sel = Selection(
        tasks=sorted({k[0] for k in wanted}), deployments=sorted({k[1] for k in wanted}),
        variants=[v for v in baseline.variants if any(k[2] == v for k in wanted)], limit=h.get("limit"),
        repeats=repeats or h.get("repeats"), mode=opts.mode, kind="gate",
    )  # fmt: skip
    result = start_run(suite, sel, results_dir=opts.results_dir, options=RunOptions(cache=opts.cache),
                       sim_seed=int(h.get("sim_seed") or 0), on_plan=narrow)  # fmt: skip
    if result.plan.replayed_simulated and not any(n.startswith("REPLAY") for n in notes):
        notes.append("REPLAY of SIMULATED answers: this verdict tests the pipeline, not the models")
    return result


def _answer_modes(run: RunResult) -> dict[str, str]:
    """Per deployment, where the answers came from: a replayed answer is as simulated or real as when recorded."""
    replayed = "sim" if run.plan.replayed_simulated else "live"
    return {d: (replayed if m == "replay" else m) for d, m in run.plan.modes.items()}


def _evidence(head: Project, side: BaseSide, baseline: bl.Baseline, runs: list[RunResult],
              wanted: set[changes.PairKey], rows: dict[changes.PairKey, list[bl.Row]] | None = None
              ) -> gate.Evidence:  # fmt: skip
    """What the verdicts compare: the baseline, and the rows of the gate's run (the sequential gate's runs), or
    `rows` as given (the sequential gate between stages)."""
    from harness.run.resume import read_state

    tasks = head.suite.tasks
    if rows is None:
        thresholds = {t: s.pass_threshold for t, s in tasks.items()}
        rows = {}
        for run in runs:
            for k, rs in bl.journal_rows(read_state(run.journal), thresholds, wanted).items():
                rows.setdefault(k, []).extend(rs)
    head_chains = {t: list(head.routing.tasks[t].chain) for t in tasks}
    planned = Counter((c.task, c.deployment, c.variant) for run in runs for c in run.plan.cells)
    status = next((r.status for r in runs if r.status != "complete"), "complete" if runs else None)
    return gate.Evidence(
        baseline={k: baseline.rows.get(k, []) for k in baseline.cells}, head=rows, planned=dict(planned),
        base_modes=baseline.modes, head_modes=_answer_modes(runs[0]) if runs else {}, run_status=status,
        base_chains={t: c for t, c in side.chains.items() if t in tasks}, head_chains=head_chains,
        bars={t: s.quality.model_dump() for t, s in tasks.items()},
    )  # fmt: skip


Holds = Callable[[dict[changes.PairKey, list[bl.Row]]], set[changes.PairKey]]


def _chain_holds(head: Project, side: BaseSide, baseline: bl.Baseline, plan: list[changes.PairPlan],
                 wanted: set[changes.PairKey]) -> Holds:  # fmt: skip
    """For the sequential gate: the pairs whose early pass must wait because a fallback's non-inferiority to its
    primary, which held in the baseline, is not confirmed on the cases run so far (a chain check would say
    inconclusive or degraded on them): the chain checks are fixed-n tests, so they get the pair's whole dataset."""

    def holds(rows: dict[changes.PairKey, list[bl.Row]]) -> set[changes.PairKey]:
        ev = _evidence(head, side, baseline, [], wanted, rows)
        out: set[changes.PairKey] = set()
        for c in gate.chain_checks(plan, ev):
            if c.outcome != "ok":
                out |= {(c.task, c.primary, c.variant), (c.task, c.fallback, c.variant)}
        return out

    return holds


def run_gate(suite: Path, opts: GateOptions) -> GateResult:
    """Plan from git and content hashes, run only the affected pairs, judge them against the baseline."""
    head = load_suite(suite)
    root = repo_root(suite)
    commit, label = resolve_base(root, opts.base)
    rel_baseline = opts.baseline or relative(bl.default_path(head), root)
    with tempfile.TemporaryDirectory(prefix="harness-gate-") as tmp:
        side = base_side(root, commit, label, head, rel_baseline, Path(tmp), opts.store)
    variants = side.baseline.variants if side.baseline else ["base"]
    models = {d: dep.model or dep.provider for d, dep in head.models.deployments.items()}
    plan = changes.plan_changes(side.signatures, changes.signatures(head, variants),
                             side.baseline.signatures if side.baseline else None, label, models)  # fmt: skip
    source = f"{opts.store.label} (lake)" if opts.store else rel_baseline
    result = GateResult(head.suite.name, label, commit, source, plan, notes=list(side.notes))
    local = root / rel_baseline
    if side.text is not None and local.is_file() and local.read_text("utf-8") != side.text:
        result.notes.append(f"this change edits {rel_baseline}; the gate compares with the baseline at {label}")
    wanted = {p.key for p in plan if p.action in ACTIVE}
    if side.baseline is not None:
        result.problems += side.baseline.problems()
    elif any(p.action in ("run", "regrade") for p in plan):
        result.problems.append(f"no baseline in the lake for {label}'s configuration; push a complete run of it"
                               if opts.store else f"no baseline at {label}:{rel_baseline}; make one on the default "
                               "branch with `harness run` then `harness baseline update`")  # fmt: skip
    elif wanted:  # a new suite: nothing to compare with, which is not a pass
        names = ", ".join(" / ".join(k) for k in sorted(wanted)[:5]) + (", ..." if len(wanted) > 5 else "")
        rel = relative(head.suite_path, root)
        result.problems.append(f"no baseline for {len(wanted)} pair(s) ({names}): make one on the default "
                               f"branch with `harness run {rel}` then `harness baseline update {rel}`, and commit "
                               "it")  # fmt: skip
    if opts.plan_only:
        result.verdict = "planned"
        return result
    if wanted and side.baseline is not None:
        notes: list[str] = []
        if opts.sequential:
            from harness.gate.staged import run_staged

            holds = _chain_holds(head, side, side.baseline, plan, wanted)
            staged = run_staged(suite, head, wanted, side.baseline, opts, notes, _run_pairs, holds)
            runs = staged.runs
            ev = _evidence(head, side, side.baseline, runs, wanted)
            result.pairs, result.chains = gate.sequential_verdicts(plan, ev, staged.outcomes, staged.full_cells)
        else:
            runs = [_run_pairs(suite, wanted, side.baseline, opts, notes)]
            result.pairs, result.chains = gate.judge(plan, _evidence(head, side, side.baseline, runs, wanted))
        result.notes += notes
        result.run_id, result.simulated = runs[0].run_id, runs[0].plan.simulated
        result.run_ids = [r.run_id for r in runs]
    result.verdict = gate.overall(result.pairs, result.chains, result.problems)
    return result


# --- Baseline update ----------------------------------------------------------------------------------------------


def latest_run(results_dir: Path, suite_name: str) -> str:
    for path in sorted((results_dir / "runs").glob("*.jsonl"), reverse=True):
        with open(path, encoding="utf-8") as fh:
            try:
                first = json.loads(fh.readline() or "{}")
            except ValueError:
                continue
        if first.get("type") == "run" and first.get("suite") == suite_name:
            return str(first["run_id"])
    raise InputError(f"no run of suite {suite_name!r} in {results_dir}", fix="run `harness run SUITE` first")


def _check_config(project: Project, run: dict[str, Any]) -> None:
    """Refuse a run made from another configuration than the working tree (the baseline records the latter)."""
    found = bl.config_changes(project, run)
    if found:
        raise InputError(f"run {run['run_id']} was made from another configuration: {'; '.join(found)}",
                         fix="run the suite again, then update the baseline")  # fmt: skip


def update_baseline(suite: Path, run_id: str | None, results_dir: Path, out: Path | None) -> tuple[Path, list[str]]:
    """Write the baseline snapshot of a complete run (default: the suite's latest); return its path and notes."""
    from harness.run.resume import journal_path, read_state

    project = load_suite(suite)
    run_id = run_id or latest_run(results_dir, project.suite.name)
    path = journal_path(results_dir, run_id)
    if not path.exists():
        raise InputError(f"no journal for run {run_id!r} in {path.parent}", fix="see `harness runs list`")
    state = read_state(path)
    if state.status != "complete":
        raise InputError(f"run {run_id} is {state.status}: a baseline needs a complete run",
                         fix=f"finish it with `harness run {suite} --resume {run_id}`")  # fmt: skip
    _check_config(project, state.run)
    variants = (state.run.get("selection") or {}).get("variants") or ["base"]
    signatures = changes.signatures(project, variants)
    rows = bl.journal_rows(state, {t: s.pass_threshold for t, s in project.suite.tasks.items()}, signatures)
    skipped = Counter(r["error_class"] for rs in rows.values() for r in rs if r["status"] == "skipped")
    if skipped:
        raise InputError(f"run {run_id} skipped {sum(skipped.values())} cells ({', '.join(map(str, skipped))}): "
                         "a baseline needs every candidate evaluated",
                         fix="run with --mode sim, or with credentials for every deployment")  # fmt: skip
    target = out or bl.default_path(project)
    existing = bl.read(target) if target.is_file() else None
    snap, notes = bl.snapshot(state.run, rows, signatures, existing)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(bl.dumps(snap), encoding="utf-8")
    runs = ", ".join(snap.header["runs"])
    notes.append(f"{target}: {len(snap.signatures)} pairs, {sum(snap.cells.values())} cells from {runs}")
    return target, notes
