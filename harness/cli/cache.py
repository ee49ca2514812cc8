"""`harness cache`: carry cached answers between machines (e.g. to a CI job without secrets for `--mode replay`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import ResultsOpt, cli_errors
from harness.errors import InputError

cache_app = typer.Typer(help="The response cache under the results directory: export and import bundles.",
                        no_args_is_help=True)  # fmt: skip


def _journals(results_dir: Path, runs: list[str]) -> list[Path]:
    from harness.run.resume import journal_path

    found = sorted((results_dir / "runs").glob("*.jsonl"), key=lambda p: p.stat().st_mtime)
    if not runs:
        raise InputError("name at least one run id (or `latest`)", fix="see `harness runs list`")
    paths = []
    for run in runs:
        if run == "latest":
            if not found:
                raise InputError(f"no runs in {results_dir / 'runs'}")
            paths.append(found[-1])
            continue
        path = journal_path(results_dir, run)
        if not path.exists():
            raise InputError(f"no journal for run {run!r} in {path.parent}", fix="see `harness runs list`")
        paths.append(path)
    return paths


def _model_call_keys(journal: Path) -> list[str]:
    """Cache keys of the graders' model calls (LLM judges, pairwise) a run used."""
    import json

    keys = []
    with journal.open(encoding="utf-8") as fh:
        for line in fh:
            if '"model_call"' in line:
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue  # a torn last line
                if rec.get("type") == "model_call" and rec.get("cache_key"):
                    keys.append(rec["cache_key"])
    return keys


@cache_app.command("export")
@cli_errors
def export(
    runs: Annotated[list[str], typer.Argument(help="Run ids (or `latest`) whose answers go into the bundle.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The bundle file (gzipped JSONL).")] = Path(
        "cache-bundle.jsonl.gz"
    ),
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """Write the cached answers of the given runs' cells to one bundle file (answers only, never credentials)."""
    from harness.cli import display
    from harness.run.cache import ResponseCache, export_bundle
    from harness.run.resume import read_state

    keys: list[str] = []
    for path in _journals(results_dir, runs):
        keys += [rec["cache_key"] for rec in read_state(path).done.values() if rec.get("cache_key")]
        keys += _model_call_keys(path)
    cache = ResponseCache(results_dir / "cache" / "responses", "ro")
    out.parent.mkdir(parents=True, exist_ok=True)
    n = export_bundle(cache, dict.fromkeys(keys), out)
    display.note(f"{n} cached answer(s) written to {out} ({len(keys) - n} missing from the cache)")


@cache_app.command("import")
@cli_errors
def import_(
    bundle: Annotated[Path, typer.Argument(help="A bundle written by `harness cache export`.")],
    results_dir: ResultsOpt = Path("results"),
) -> None:
    """Add a bundle's answers to the local response cache (then `harness run --mode replay` can use them)."""
    from harness.cli import display
    from harness.run.cache import ResponseCache, import_bundle

    if not bundle.is_file():
        raise InputError(f"{bundle}: no such bundle file")
    n = import_bundle(ResponseCache(results_dir / "cache" / "responses", "rw"), bundle)
    display.note(f"{n} cached answer(s) imported into {results_dir / 'cache' / 'responses'}")
