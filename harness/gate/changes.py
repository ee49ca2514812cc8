"""What changed, per (task, deployment, variant): the pair signatures and the gate's plan. Pure.

A pair's *signature* holds everything that shapes its scores: the resolved template and its hash, the task's
options and settings, the dataset version and content hash, the deployment's model-table entry, the routing
inputs that decide which cases reach it, and (re-grade only) the graders with their arguments and registered
versions, the pass threshold and any judge prompt or judge deployment a grader names. A family template edit
changes the signature of every deployment that resolves to it and of no other; a routing change adds or removes
pairs. Each pair of the working tree is compared with the base ref's configuration and with the committed
baseline's record: it is re-run when either differs in what the candidate is asked, re-graded when only grading
differs, and reused from the baseline otherwise.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from harness.config.datasets import load_manifest
from harness.config.models import PROMPT_FREE
from harness.config.prompts import PromptLibrary
from harness.config.suite import Project, TaskSpec
from harness.errors import InputError

PairKey = tuple[str, str, str]
"""(task, deployment, variant)."""
Signature = dict[str, Any]
Action = Literal["run", "regrade", "reuse", "new", "removed"]

#: Components whose change needs new answers from the candidate; the others only need grading again.
CALL_PARTS = ("task", "options", "dataset", "template", "deployment", "routing")
GRADE_PARTS = ("graders", "judges")


def _canonical(obj: Any) -> Any:
    return json.loads(json.dumps(obj, sort_keys=True, default=str))


# --- Signatures ---------------------------------------------------------------------------------------------------


def _dataset_sha(project: Project, ref: str) -> dict[str, Any]:
    name, _, version = ref.partition("@")
    try:
        manifest = load_manifest(project.datasets_dir, name)
    except InputError as e:
        return {"ref": ref, "error": e.message}
    spec = manifest.versions.get(version)
    return {"ref": ref, "sha256": spec.sha256 if spec else None, "labels": manifest.labels}


def _judges(project: Project, task: TaskSpec) -> dict[str, Any]:
    """Judge prompts (files under the prompts root) and judge deployments that grader arguments name."""
    out: dict[str, Any] = {}
    root = project.prompts_dir.resolve()
    from harness.run.grading import default_args

    stack: list[Any] = [{**default_args(project, g), **g.args} for g in task.graders]  # default judge prompts too
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and value in project.models.deployments:
            out[f"deployment {value}"] = _dep_fields(project.models.deployments[value])
        elif isinstance(value, str) and len(value) < 300 and "\n" not in value and not value.startswith("/"):
            path = (root / value).resolve()
            if root in path.parents and path.is_file():
                out[f"prompt {value}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _task_parts(project: Project, task: TaskSpec) -> Signature:
    from harness.run.grading import grader_version

    graders = sorted(
        ({"id": g.grader_id, "name": g.ref, "args": g.args, "weight": g.weight,
          "version": grader_version(project, g)} for g in task.graders),
        key=lambda g: str(g["id"]),
    )  # fmt: skip
    return {
        "task": {"task_class": task.task_class, "examples": task.examples, "repeats": task.repeats},
        "options": task.options.model_dump(),
        "dataset": _dataset_sha(project, task.dataset),
        "graders": {"pass_threshold": task.pass_threshold, "graders": graders},
        "judges": _judges(project, task),
    }


def _dep_fields(dep: Any) -> Signature:
    """What of a deployment can change its answers or its place in a chain: every field set to a non-default
    value (so a new optional field in a later harness version leaves existing signatures, and baselines, valid)."""
    return dict(dep.model_dump(exclude={"description"}, exclude_defaults=True))


def _deployment(project: Project, dep_id: str) -> Signature:
    dep = project.models.deployments[dep_id]
    out = _dep_fields(dep)
    out["bytes_per_token"] = project.models.family(dep.family).bytes_per_token
    if dep.sklearn is not None:
        out["training_data"] = _dataset_sha(project, dep.sklearn.dataset)
    return out


#: Constraint fields added after baselines recorded the constraints whole: left out while at their default, so a
#: baseline made before them stays current (set to anything else, they are a change like any other).
LATER_CONSTRAINTS = {"latency_budget_on": "total"}
#: The same for the policy's fields.
LATER_POLICY = {"attempt_deadline": None, "hedge": None}


def _constraints(cons: Any) -> Signature:
    out = dict(cons.model_dump())
    for name, default in LATER_CONSTRAINTS.items():
        if out.get(name) == default:
            del out[name]
    return out


def _routing(project: Project, task: str, dep_id: str) -> Signature:
    """What decides which cases reach `dep_id`: every route's condition (order matters), and for the chains that
    hold the deployment, their risk level and constraints. The position in the chain does not change scores."""
    table = project.routing
    spec = table.tasks[task]

    def entry(chain: list[str], risk: str | None, cons: Any) -> dict[str, Any]:
        if dep_id not in chain:
            return {"reaches": False}
        level = table.risk_levels[risk].model_dump() if risk else None
        return {"reaches": True, "risk_level": level, "constraints": _constraints(cons)}

    out = [{"route": "chain", **entry(spec.chain, spec.risk_level, spec.constraints)}]
    for r in spec.routes:
        chain = r.chain or spec.chain
        e = entry(chain, r.risk_level or spec.risk_level, r.constraints or spec.constraints)
        out.append({"route": r.when.model_dump(), **e})
    policy = {k: v for k, v in table.policy(task).model_dump().items() if k not in LATER_POLICY or v != LATER_POLICY[k]}
    step = spec.deadlines.get(dep_id)  # a deadline cancels slow answers: it changes what the deployment scores
    return {"routes": out, "policy": policy} | ({"deadline": step.model_dump()} if step else {})


def _template(library: PromptLibrary, task_dir: str, dep_id: str, family: str, variant: str) -> Signature:
    try:
        t = library.resolve(task_dir, dep_id, family, variant)
    except InputError as e:
        return {"error": e.message}
    return {"path": t.path, "sha256": t.hash}


def signatures(project: Project, variants: Sequence[str]) -> dict[PairKey, Signature]:
    """The signature of every (task, candidate deployment, variant) of a project."""
    library = PromptLibrary(project.prompts_dir)
    out: dict[PairKey, Signature] = {}
    for task_id, task in project.suite.tasks.items():
        shared = _task_parts(project, task)
        for dep_id in project.routing.candidates(task_id):
            dep = project.models.deployments[dep_id]
            common = {
                **shared,
                "deployment": _deployment(project, dep_id),
                "routing": _routing(project, task_id, dep_id),
            }
            for variant in variants:
                tmpl = _template(library, project.prompt_dir(task_id), dep_id, dep.family, variant)
                if dep.provider in PROMPT_FREE and "error" not in tmpl:
                    tmpl = {"unused": dep.provider}  # answers without reading the prompt: an edit changes nothing
                out[(task_id, dep_id, variant)] = _canonical({**common, "template": tmpl})
    return out


# --- Change detection ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairPlan:
    key: PairKey
    action: Action
    reasons: tuple[str, ...]
    changed: tuple[str, ...] = ()
    """Signature components that differ from the reference (the baseline's record, else the base ref's)."""
    compared: str = ""
    """Dataset version, template and model compared, for the verdict table."""


def _changed_keys(old: Any, new: Any) -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return []


def _describe_graders(old: Signature, new: Signature) -> list[str]:
    out = []
    if old.get("pass_threshold") != new.get("pass_threshold"):
        out.append(f"pass_threshold {old.get('pass_threshold')} → {new.get('pass_threshold')}")
    a = {g["id"]: g for g in old.get("graders", [])}
    b = {g["id"]: g for g in new.get("graders", [])}
    for gid in sorted(set(a) | set(b)):
        if gid not in a or gid not in b:
            out.append(f"grader {gid} {'added' if gid in b else 'removed'}")
            continue
        for k in _changed_keys(a[gid], b[gid]):
            out.append(f"grader {gid} {k} {a[gid][k]} → {b[gid][k]}" if k in ("version", "weight", "name")
                       else f"grader {gid} {k} changed")  # fmt: skip
    return out


def _template_name(t: Signature) -> str:
    if "unused" in t:
        return f"(prompt unused by {t['unused']})"
    return str(t.get("path") or t.get("error"))


def describe(part: str, old: Any, new: Any, key: PairKey) -> list[str]:
    """Human reasons for one changed signature component."""
    if part == "template":
        if old.get("path") != new.get("path"):
            return [f"template {_template_name(old)} → {_template_name(new)}"]
        return [f"template {new.get('path')} changed ({str(old.get('sha256'))[:8]} → {str(new.get('sha256'))[:8]})"]
    if part == "dataset":
        if old.get("ref") != new.get("ref"):
            return [f"dataset {old.get('ref')} → {new.get('ref')}"]
        return [f"dataset {new.get('ref')}: {', '.join(_changed_keys(old, new))} changed"]
    if part == "graders":
        return _describe_graders(old, new) or ["graders changed"]
    if part == "deployment":
        return [f"deployment {key[1]}: {', '.join(_changed_keys(old, new))} changed in the model table"]
    if part == "routing":
        what = {"routes": f"routes, risk level or constraints that decide which cases reach {key[1]}",
                "policy": "retry and fallback policy"}  # fmt: skip
        return [f"routing of {key[0]}: {what.get(k, k)} changed" for k in _changed_keys(old, new)]
    if part == "judges":
        return [f"judge {k} changed" for k in _changed_keys(old, new)]
    return [f"{part}: {', '.join(_changed_keys(old, new))} changed"]


def _diff(old: Signature, new: Signature) -> list[str]:
    return [p for p in (*CALL_PARTS, *GRADE_PARTS) if old.get(p) != new.get(p)]


def _compared(key: PairKey, ref: Signature | None, head: Signature, models: dict[str, str]) -> str:
    def side(sig: Signature) -> tuple[str, str]:
        ds, t = sig.get("dataset", {}), sig.get("template", {})
        sha = f"@{str(t['sha256'])[:8]}" if "sha256" in t else ""
        return f"{ds.get('ref')} ({str(ds.get('sha256'))[:8]})", _template_name(t) + sha

    h = side(head)
    r = side(ref) if ref else h
    parts = [a if a == b else f"{a} → {b}" for a, b in zip(r, h, strict=True)]
    return " · ".join([*parts, models.get(key[1], key[1])])


def _new_reason(key: PairKey, base: dict[PairKey, Signature] | None) -> str:
    if base is None:
        return "no baseline, and the base configuration does not load"
    if not any(k[0] == key[0] for k in base):
        return f"new task {key[0]}"
    if not any(k[:2] == key[:2] for k in base):
        return f"new candidate: the routing table now reaches {key[1]}"
    return f"new variant {key[2]}"


def plan_changes(
    base: dict[PairKey, Signature] | None,
    head: dict[PairKey, Signature],
    baseline: dict[PairKey, Signature] | None,
    base_label: str,
    models: dict[str, str] | None = None,
) -> list[PairPlan]:
    """Per pair: run, re-grade, reuse, new or removed, with reasons. `base` is None when the base ref's
    configuration could not be read (then only the baseline's record counts)."""
    models = models or {}
    out = []
    for key in sorted(set(head) | set(base or {}) | set(baseline or {})):
        new = head.get(key)
        if new is None:
            out.append(PairPlan(key, "removed", ("no longer a candidate",)))
            continue
        b = base.get(key) if base is not None else None
        r = baseline.get(key) if baseline is not None else None
        if b is None and r is None:
            out.append(PairPlan(key, "new", (_new_reason(key, base),), compared=_compared(key, None, new, models)))
            continue
        in_pr = set(_diff(b, new)) if b is not None else None
        ref = r if r is not None else b
        assert ref is not None
        parts = sorted(set(_diff(ref, new)) | (in_pr or set()), key=(*CALL_PARTS, *GRADE_PARTS).index)
        reasons = []
        for part in parts:
            old = (r if r is not None and r.get(part) != new.get(part) else b or {}).get(part, {})
            suffix = "" if in_pr is None or part in in_pr else f" (vs the baseline; same at {base_label})"
            reasons += [text + suffix for text in describe(part, old, new.get(part, {}), key)]
        if not parts:
            action: Action = "reuse"
            reasons = ["unchanged"] if r is not None else [f"unchanged since {base_label} (no baseline data)"]
        else:
            action = "regrade" if all(p in GRADE_PARTS for p in parts) else "run"
        out.append(PairPlan(key, action, tuple(reasons), tuple(parts), _compared(key, ref, new, models)))
    return out
