"""The gate without secrets: answers recorded elsewhere travel as a cache bundle and are replayed, never called."""

from __future__ import annotations

import json
from pathlib import Path

from tests.gate.test_gate import edit, harness, make_repo, run_gate


def test_gate_replays_a_committed_bundle_with_the_same_verdict(project: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    make_repo(project, results)
    edit(project.parent.parent / "prompts/intents/claude.j2", "one of", "pick one of")  # alpha's template
    # where answers can be had (a developer's machine, a trusted job): the gate runs and records its answers
    first = run_gate(project, results, "--mode", "sim", "--json", str(tmp_path / "sim.json"))
    assert first.exit_code in (0, 3), first.output
    bundle = project.parent / "cache" / "gate.jsonl.gz"
    r = harness("cache", "export", "latest", "-o", str(bundle), "--results-dir", str(results))
    assert r.exit_code == 0 and int(r.output.split()[0]) > 0, r.output
    # CI without secrets: replay fails until the bundle is imported, then gives the same verdict with no call
    ci = tmp_path / "ci"
    r = run_gate(project, ci, "--mode", "replay")
    assert r.exit_code == 2 and "no cached answer" in r.output and "harness cache import" in r.output
    assert harness("cache", "import", str(bundle), "--results-dir", str(ci)).exit_code == 0
    r = run_gate(project, ci, "--mode", "replay", "--json", str(tmp_path / "replay.json"))
    assert r.exit_code == first.exit_code, r.output
    assert "REPLAY" in r.output and "SIMULATED" in r.output
    sim, replay = (json.loads((tmp_path / f).read_text()) for f in ("sim.json", "replay.json"))
    verdicts = {tuple(p["key"]): (p["verdict"], p["score"]["diff"] if p["score"] else None) for p in sim["pairs"]}
    assert verdicts == {
        tuple(p["key"]): (p["verdict"], p["score"]["diff"] if p["score"] else None) for p in replay["pairs"]
    }
    rows = harness("sql", "SELECT DISTINCT mode, cache_hit FROM cells WHERE mode <> 'local'", "--results-dir", str(ci),
                   "--json")  # fmt: skip
    assert [json.loads(line) for line in rows.output.splitlines()] == [{"mode": "replay", "cache_hit": True}]
