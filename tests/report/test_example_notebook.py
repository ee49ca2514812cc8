"""evals/explore.ipynb runs top to bottom on results these tests generate, offline, and is stored without outputs."""

import time
from pathlib import Path

import nbclient
import nbformat
import pytest
from traitlets.config import Config

from tests.report.test_notebook import two_runs

NOTEBOOK = Path(__file__).resolve().parents[2] / "evals" / "explore.ipynb"


def test_notebook_is_stored_clean() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_notebook_executes(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = tmp_path / "results"
    two_runs(project, results)
    monkeypatch.setenv("HARNESS_RESULTS", str(results))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # jupyter_core's path-migration DeprecationWarning
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "jupyter"))  # connection files and sockets: ours
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))  # no history written to the home directory
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # Unix sockets at an absolute path (a relative one lands in each process's cwd): no TCP, not even loopback.
    # Configured rather than passed as `km=`: nbclient shuts down only a kernel manager it created.
    config = Config({"KernelManager": {"transport": "ipc", "ip": str(tmp_path / "kernel")}})
    client = nbclient.NotebookClient(nb, config=config, timeout=60, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})  # fmt: skip
    start = time.monotonic()
    client.execute()
    elapsed = time.monotonic() - start
    assert elapsed < 20, f"the notebook took {elapsed:.1f} s"
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("data", {}).get("text/plain", "") for o in outputs)
    assert "no detectable change" in text and "fewshot" in text and "frontier" in text  # each section showed a table
    assert "ttft_p50_ms" in text and "served_deployment" in text and "proposed_quality" in text
