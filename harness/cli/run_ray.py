"""`harness run --executor ray`: the run's shards on a Ray cluster, with the same progress bar and summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.errors import InputError


def execute_ray(
    suite: Path, selection: Any, options: Any, results_dir: Path, sim_seed: int, resume: str | None,
    run_id: str | None, ray_flags: tuple[str | None, str | None, str | None, int | None],
) -> tuple[Any, Any]:  # fmt: skip
    """Run on Ray (the shards push to the lake); the result and the lake, where the report reads."""
    from harness.cli import display
    from harness.config.suite import load_suite
    from harness.run.plan import Plan
    from harness.run.ray_driver import ClusterOptions, require_ray, run_on_ray
    from harness.store import lake

    store, store_data, address, shards = ray_flags
    require_ray()
    if resume:
        raise InputError("--resume with --executor ray: the shards resume from the lake",
                         fix=f"run the same command with --run-id {resume}")  # fmt: skip
    spec_suite = load_suite(suite).suite
    spec = lake.parse(store, store_data) if store else lake.parse(spec_suite.store, store_data or spec_suite.store_data)
    if spec is None:
        raise InputError("--executor ray needs the lake: the shards push their cells there",
                         fix="add --store ducklake:postgres:... (or the suite's store:)")  # fmt: skip
    progress: list[display.RunProgress] = []

    def on_plan(plan: Plan, notes: list[str]) -> None:
        (display.banner if plan.simulated else display.note)(plan.mode_note)
        for line in notes:
            display.note(line)
        display.note(f"run {plan.run_id}: {len(plan.cells)} cells")
        progress.append(display.RunProgress(len(plan.cells), plan.run_id).__enter__())

    try:
        result = run_on_ray(suite, selection, lake=spec, results_dir=results_dir, options=options, sim_seed=sim_seed,
                            run_id=run_id, cluster=ClusterOptions(address=address, shards=shards),
                            tick=lambda status, cost: progress[0].advance(status, cost), on_plan=on_plan)  # fmt: skip
    finally:
        if progress:
            progress[0].__exit__()
    return result, spec
