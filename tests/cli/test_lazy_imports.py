"""Start-up stays cheap: help and a sim-only run import no vendor SDK, scikit-learn or pandas.

DuckDB 1.5 (the lake's line) imports pandas itself the first time it binds a query parameter; 2.0 does not. So the
run is probed with pandas made unimportable: it must still succeed, and nothing else heavy may be imported."""

import subprocess
import sys
from pathlib import Path

HEAVY = ("anthropic", "openai", "google.genai", "sklearn", "pandas")

PROBE = """
import sys
sys.modules["pandas"] = None  # unimportable: harness must not need it, DuckDB 1.5 copes without it
from harness.cli import app
from typer.testing import CliRunner
r = CliRunner().invoke(app, {args!r})
assert r.exit_code == 0, r.output
heavy = [m for m in {heavy!r} if sys.modules.get(m) is not None]
print("HEAVY:" + ",".join(heavy))
"""


def probe(args: list[str]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().rsplit("HEAVY:", 1)[1]


def test_help_imports_nothing_heavy() -> None:
    assert probe(["--help"]) == ""


def test_sim_run_imports_nothing_heavy(project: Path, tmp_path: Path) -> None:
    assert probe(["run", str(project), "--results-dir", str(tmp_path)]) == ""
