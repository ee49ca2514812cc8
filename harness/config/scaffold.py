"""A user's own suite from the command line: `harness datasets new` records a JSONL file as version 1 of a new
dataset, and `harness new suite` writes the suite, its routing entry and a default prompt that run at once.

Everything written is checked by loading it back (the dataset with `load_dataset`, the suite with `load_suite`);
what a failed check wrote is removed again, so a mistake leaves the project as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any, get_args

import yaml

from harness.config.base import TaskClass
from harness.config.datasets import Case, Dataset, dataset_dir, load_dataset, load_manifest, parse_cases
from harness.errors import ConfigError, DatasetError, Where

TASK_CLASSES: tuple[str, ...] = get_args(TaskClass)


def new_dataset(
    root: Path,
    name: str,
    source: Path,
    task_class: str,
    labels: list[str] | None = None,
    description: str = "",
    origin: str = "",
    licence: str = "unspecified",
) -> Dataset:
    """Record `source` (JSONL cases) as version 1 of dataset `name`: manifest written, file copied, hashed,
    counted and validated. The input fields are the first case's; classification labels, when not given, are the
    expected values in order of first appearance."""
    folder = dataset_dir(root, name)
    if (folder / "dataset.yaml").exists():
        raise DatasetError(f"dataset {name!r} exists", Where(folder / "dataset.yaml"),
                           f"record a new version with `harness datasets add-version {name} {source}`")  # fmt: skip
    if task_class not in TASK_CLASSES:
        raise DatasetError(f"unknown task class {task_class!r}", None, f"use one of: {', '.join(TASK_CLASSES)}")
    try:
        data = source.read_bytes()
    except OSError as e:
        raise DatasetError(f"cannot read the file ({e.strerror or e})", Where(source)) from None
    cases = parse_cases(data, source, _first_fields(data), source.parent)
    if not cases:
        raise DatasetError("the file holds no cases", Where(source), "a dataset needs at least one")
    labels = _check_expected(cases, task_class, labels, source)
    manifest: dict[str, Any] = {
        "name": name,
        "description": description or f"{name}: {len(cases)} {task_class} cases from {source.name}.",
        "source": origin or f"{source.name}, recorded with `harness datasets new`.",
        "licence": licence,
        "task_class": task_class,
        **({"labels": labels} if labels else {}),
        "fields": {f: f"The case's {f!r} input." for f in cases[0].input},
        "versions": {
            "1": {
                "file": "v1.jsonl",
                "sha256": hashlib.sha256(data).hexdigest(),
                "cases": len(cases),
                "created": dt.datetime.now(dt.UTC).date().isoformat(),
                "notes": "First version.",
            }
        },
    }
    existed = folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        (folder / "v1.jsonl").write_bytes(data)
        text = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)
        (folder / "dataset.yaml").write_text(text, encoding="utf-8")
        return load_dataset(root, name, "1")
    except BaseException:
        if existed:
            for f in ("v1.jsonl", "dataset.yaml"):
                (folder / f).unlink(missing_ok=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _first_fields(data: bytes) -> set[str]:
    """The first case's input fields (every case must carry the same; `parse_cases` says where one does not)."""
    first = data.lstrip().split(b"\n", 1)[0]
    try:
        obj = json.loads(first)
    except ValueError:
        return set()  # parse_cases names the line and what is wrong with it
    inp = obj.get("input") if isinstance(obj, dict) else None
    return set(inp) if isinstance(inp, dict) else set()


def _check_expected(cases: list[Case], task_class: str, labels: list[str] | None, source: Path) -> list[str]:
    """The reference has the shape the task class grades: a label, a JSON object, a list of calls."""
    if task_class == "classification":
        for c in cases:
            if not isinstance(c.expected, str):
                raise DatasetError(f"case {c.id}: expected must be one label (a string)", Where(source, None, c.id))
            if labels and c.expected not in labels:
                raise DatasetError(f"case {c.id}: expected {c.expected!r} is not one of --labels",
                                   Where(source, None, c.id), f"labels: {', '.join(labels)}")  # fmt: skip
        return labels or list(dict.fromkeys(str(c.expected) for c in cases))
    shapes = {"extraction": (dict, "a JSON object"), "function-calling": (list, "a list of calls")}
    if task_class in shapes:
        kind, what = shapes[task_class]
        bad = next((c for c in cases if not isinstance(c.expected, kind)), None)
        if bad is not None:
            raise DatasetError(f"case {bad.id}: expected must be {what} for {task_class}", Where(source, None, bad.id))
    if task_class == "function-calling" and "tools" not in cases[0].input:
        raise DatasetError("function-calling cases need an input field `tools`", Where(source, 1),
                           "a list of {name, description, parameters}")  # fmt: skip
    return list(labels or [])


GRADERS: dict[str, list[dict[str, Any]]] = {
    "classification": [{"name": "exact", "args": {"ignore_punctuation": True}}],
    "extraction": [{"name": "json_fields"}],
    "function-calling": [{"name": "function_call"}],
    "qa": [{"name": "contains", "args": {"word_boundary": True}}],
    "long-document": [{"name": "contains", "args": {"word_boundary": True}}],
    "code": [{"name": "code_exec"}],
    "generation": [{"name": "tfidf_cosine"}],
}

SYSTEM: dict[str, str] = {
    "classification": "Classify the input. Reply with exactly one label and nothing else.",
    "extraction": "Extract the requested fields. Reply with one JSON object and nothing else.",
    "function-calling": "Call the tool or tools that fulfil the request. If no tool fits, answer without a call.",
    "qa": "Answer the question briefly.",
    "long-document": "Answer the question about the document briefly.",
    "code": "Complete the code. Reply with code only.",
    "generation": "Write the requested text.",
}


def new_suite(
    evals: Path, name: str, dataset: str, task: str | None = None, chain: list[str] | None = None
) -> tuple[Path, list[Path]]:
    """Write `evals/<name>.yaml` (one task on `dataset`, `name` or `name@version`), the task's routing entry in
    `evals/routing.yaml` and `prompts/<task>/default.j2`. Returns the suite path and every file written or
    changed. The routing file must exist (the example's, or your own) and end with its `tasks:` mapping."""
    from harness.config.models import load_models
    from harness.config.routing import load_routing
    from harness.config.suite import load_suite

    suite_path, routing_path = evals / f"{name}.yaml", evals / "routing.yaml"
    if suite_path.exists():
        raise ConfigError(f"suite {name!r} exists", Where(suite_path), "pick another name")
    ds_name, _, version = dataset.partition("@")
    manifest = load_manifest(evals.parent / "datasets", ds_name)
    version = version or list(manifest.versions)[-1]
    if manifest.task_class is None:
        raise ConfigError(f"dataset {ds_name!r} records no task_class", Where(evals.parent / "datasets" / ds_name),
                          "add `task_class:` to its dataset.yaml")  # fmt: skip
    task = task or ds_name
    models = load_models(evals / "models.yaml")
    routing = load_routing(routing_path, models)
    prompt = evals.parent / "prompts" / task / "default.j2"
    written = [suite_path]
    before = routing_path.read_text(encoding="utf-8")
    if task not in routing.tasks:
        chain = chain or _default_chain(models, manifest.task_class)
        entry = (
            f"\n  {task}:\n    description: {name} suite, written by `harness new suite`.\n"
            f"    chain: [{', '.join(chain)}]\n"
        )
        routing_path.write_text(before.rstrip("\n") + "\n" + entry, encoding="utf-8")
        written.append(routing_path)
    if not prompt.exists():
        prompt.parent.mkdir(parents=True, exist_ok=True)
        prompt.write_text(_template(manifest.task_class, list(manifest.fields)), encoding="utf-8")
        written.append(prompt)
    suite = _suite(name, task, ds_name, version, manifest.task_class)
    suite_path.write_text(yaml.safe_dump(suite, sort_keys=False, width=100), encoding="utf-8")
    try:
        project = load_suite(suite_path)
        if task not in project.routing.tasks:
            raise ConfigError(f"the new entry {task!r} did not land under `tasks:`", Where(routing_path),
                              "put `tasks:` last in the routing file, or add the entry by hand")  # fmt: skip
    except BaseException:
        suite_path.unlink(missing_ok=True)
        routing_path.write_text(before, encoding="utf-8")
        if prompt in written:
            prompt.unlink(missing_ok=True)
            if not any(prompt.parent.iterdir()):
                prompt.parent.rmdir()
        raise
    return suite_path, written


def _suite(name: str, task: str, dataset: str, version: str, task_class: str) -> dict[str, Any]:
    options: dict[str, Any] = {"temperature": 0.0, "max_tokens": 400}
    if task_class == "extraction":
        options["json_mode"] = True
    return {
        "schema_version": 1,
        "name": name,
        "description": f"{task} on {dataset}@{version}.",
        "tasks": {
            task: {
                "task_class": task_class,
                "dataset": f"{dataset}@{version}",
                "graders": GRADERS[task_class],
                "options": options,
            }
        },
    }


def _default_chain(models: Any, task_class: str) -> list[str]:
    """Remote deployments of the model table that can serve the task class, the first of two families."""
    need = {"function-calling": "tools"}.get(task_class)
    by_family: dict[str, str] = {}
    for dep_id, dep in models.deployments.items():
        if not dep.local and dep.provider != "canned" and (need is None or need in dep.capabilities):
            by_family.setdefault(dep.family, dep_id)
    if not by_family:
        raise ConfigError("no remote deployment in the model table can serve " + task_class, None,
                          "give the chain with --chain a,b")  # fmt: skip
    return list(by_family.values())[:2]


def _template(task_class: str, fields: list[str]) -> str:
    shown = [f for f in fields if not (task_class == "function-calling" and f == "tools") and f != "images"]
    body = "\n\n".join(f"{f}:\n{{{{ {f} }}}}" if len(shown) > 1 else f"{{{{ {f} }}}}" for f in shown)
    if task_class == "classification":
        body = 'Labels: {{ labels | join(", ") }}\n\n' + body + "\n\nLabel:"
    return (
        f"{{% block system %}}\n{SYSTEM[task_class]}\n{{% endblock %}}\n{{% block user %}}\n{body}\n{{% endblock %}}\n"
    )
