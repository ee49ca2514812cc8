"""`harness datasets new` and `harness new suite` (issue 27): a user's own suite from the command line."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from harness.cli import app
from harness.config.datasets import load_dataset
from harness.config.suite import load_suite

ROOT = Path(__file__).resolve().parents[2]


def invoke(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, list(args))
    return r.exit_code, r.output


def cases_file(path: Path, cases: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(c) + "\n" for c in cases))
    return path


INTENTS = [
    {"id": f"m{i}", "input": {"message": f"message {i}"}, "expected": ["billing", "refund", "other"][i % 3]}
    for i in range(9)
]


def test_datasets_new_writes_a_manifest_the_loader_accepts(tmp_path: Path) -> None:
    src = cases_file(tmp_path / "cases.jsonl", INTENTS)
    root = tmp_path / "datasets"
    code, out = invoke("datasets", "new", "mine", str(src), "--task-class", "classification",
                       "--description", "My intents.", "--datasets-dir", str(root))  # fmt: skip
    assert code == 0, out
    assert "recorded mine@1: 9 cases" in out
    ds = load_dataset(root, "mine", "1")
    assert ds.sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    assert (root / "mine" / "v1.jsonl").read_bytes() == src.read_bytes()
    m = ds.manifest
    assert (m.task_class, m.labels, list(m.fields), m.description) == (
        "classification",
        ["billing", "refund", "other"],
        ["message"],
        "My intents.",
    )
    # the next version goes through add-version, which now finds the dataset
    more = cases_file(
        tmp_path / "more.jsonl", [*INTENTS, {"id": "m9", "input": {"message": "x"}, "expected": "refund"}]
    )
    code, out = invoke("datasets", "add-version", "mine", str(more), "--datasets-dir", str(root))
    assert code == 0 and "recorded mine@2" in out, out
    code, out = invoke(
        "datasets", "new", "mine", str(src), "--task-class", "classification", "--datasets-dir", str(root)
    )
    assert code == 2 and "exists" in out and "add-version" in out


@pytest.mark.parametrize(
    ("cases", "flags", "message"),
    [
        (INTENTS, ["--task-class", "sorting"], "unknown task class 'sorting'"),
        (INTENTS, ["--task-class", "classification", "--labels", "billing,refund"],
         "case m2: expected 'other' is not one of --labels"),
        (INTENTS, ["--task-class", "extraction"], "case m0: expected must be a JSON object"),
        ([*INTENTS, {"id": "m0", "input": {"message": "x"}, "expected": "refund"}], ["--task-class", "classification"],
         "duplicate case id 'm0'"),
        ([*INTENTS[:2], {"id": "z", "input": {"text": "x"}, "expected": "refund"}], ["--task-class", "classification"],
         "case z: missing input field 'message'"),
    ],
)  # fmt: skip
def test_datasets_new_refuses_bad_input_and_writes_nothing(
    tmp_path: Path, cases: list[dict[str, object]], flags: list[str], message: str
) -> None:
    src = cases_file(tmp_path / "cases.jsonl", cases)
    code, out = invoke("datasets", "new", "mine", str(src), *flags, "--datasets-dir", str(tmp_path / "datasets"))
    assert code == 2 and message in out, out
    assert not (tmp_path / "datasets" / "mine").exists()


def example_project(tmp_path: Path) -> Path:
    """The repository's evals (model table, routing), datasets and prompts, copied: what a clone has."""
    for name in ("evals", "prompts"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "datasets").mkdir()
    return tmp_path


def test_new_suite_writes_suite_routing_entry_and_prompt_that_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = example_project(tmp_path)
    monkeypatch.chdir(project)
    src = cases_file(project / "cases.jsonl", INTENTS)
    assert invoke("datasets", "new", "mine", str(src), "--task-class", "classification")[0] == 0
    code, out = invoke("new", "suite", "mine", "--dataset", "mine")
    assert code == 0, out
    assert (
        "wrote evals/mine.yaml" in out and "wrote evals/routing.yaml" in out and "wrote prompts/mine/default.j2" in out
    )
    loaded = load_suite(Path("evals/mine.yaml"))
    chain = loaded.routing.tasks["mine"].chain
    assert len(chain) == 2 and len({loaded.models.deployments[d].family for d in chain}) == 2
    assert yaml.safe_load(Path("evals/routing.yaml").read_text())["tasks"]["invoice-extraction"]  # the rest kept
    code, out = invoke("run", "evals/mine.yaml", "--mode", "sim", "--no-report")
    assert code == 0, out
    assert "run " in out and "18 cells" in out
    # a second time: the suite exists; nothing changes
    before = Path("evals/routing.yaml").read_text()
    code, out = invoke("new", "suite", "mine", "--dataset", "mine")
    assert code == 2 and "exists" in out
    assert Path("evals/routing.yaml").read_text() == before


def test_new_suite_with_a_bad_chain_leaves_the_project_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = example_project(tmp_path)
    monkeypatch.chdir(project)
    src = cases_file(project / "cases.jsonl", INTENTS)
    assert invoke("datasets", "new", "mine", str(src), "--task-class", "classification")[0] == 0
    before = Path("evals/routing.yaml").read_text()
    code, out = invoke("new", "suite", "mine", "--dataset", "mine", "--chain", "nope@nowhere")
    assert code == 2 and "nope@nowhere" in out, out
    assert Path("evals/routing.yaml").read_text() == before
    assert (
        not Path("evals/mine.yaml").exists()
        and not Path("prompts/mine").exists()
        or not any(Path("prompts/mine").iterdir())
    )
