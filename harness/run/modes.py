"""How each deployment of a run is answered: live, simulated, replayed from the cache, local, or skipped.

Candidates follow `--mode` and the credentials found (`decide_modes`). Judges are providers of the run like any
candidate (`judge_modes`): simulated when the candidates are, never a simulated judge of live answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from harness.config.suite import Project
from harness.errors import InputError
from harness.providers.cloud import credentials_hint, has_credentials

Mode = Literal["auto", "live", "sim", "replay"]
DeploymentMode = Literal["live", "sim", "local", "skipped", "replay"]


def decide_modes(project: Project, deployments: list[str], mode: Mode) -> tuple[dict[str, DeploymentMode], str]:
    """Which deployments run live, simulated, locally, or not at all, and one line saying so."""
    table = project.models.deployments
    remote = [d for d in deployments if not table[d].local]
    modes: dict[str, DeploymentMode] = {d: "local" for d in deployments if table[d].local}
    if mode == "replay":
        modes.update({d: "replay" for d in remote})
        return modes, f"REPLAY: {len(remote)} deployment(s) answered from the response cache only, no call is made"
    have = {d for d in remote if has_credentials(table[d])}
    if mode == "sim" or (mode == "auto" and not have):
        modes.update({d: "sim" for d in remote})
        why = "--mode sim" if mode == "sim" else "no API credentials found"
        note = f"SIMULATED: {len(remote)} deployment(s) answered by simulated twins ({why}); not evidence of quality"
        return modes, note if remote else "all deployments are local"
    missing = [d for d in remote if d not in have]
    if mode == "live" and missing:
        env = credentials_hint(table[missing[0]])
        raise InputError(
            f"--mode live: deployment {missing[0]!r} has no credentials in {env}",
            fix=f"export {env}, drop it with --deployments, or use --mode sim",
        )
    modes.update({d: ("live" if d in have else "skipped") for d in remote})
    note = f"LIVE: {len(have)} deployment(s) called for real"
    if missing:
        note += f"; {len(missing)} skipped without credentials ({', '.join(missing)})"
    return modes, note


def judge_deployments(project: Project, tasks: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(j for t in tasks for j in project.judges(t)))


def judge_modes(
    project: Project, tasks: Sequence[str], mode: Mode, candidates: dict[str, DeploymentMode]
) -> dict[str, DeploymentMode]:
    """How each judge runs: like the candidates when it is one; simulated when the candidates are simulated (or
    there are none and no judge has credentials); otherwise live with credentials, else skipped (`--mode live`
    insists on credentials)."""
    judges = judge_deployments(project, tasks)
    out: dict[str, DeploymentMode] = {j: candidates[j] for j in judges if j in candidates}
    rest = [j for j in judges if j not in candidates]
    if not rest:
        return out
    remote = [m for m in candidates.values() if m not in ("local", "skipped")]
    if mode in ("sim", "replay") or (mode == "auto" and remote and all(m == "sim" for m in remote)):
        out.update({j: ("replay" if mode == "replay" else "sim") for j in rest})
        return out
    modes, _ = decide_modes(project, rest, "live" if mode == "live" else "auto")
    if mode == "auto" and any(m == "live" for m in candidates.values()):
        modes = {j: ("skipped" if m == "sim" else m) for j, m in modes.items()}  # never a sim judge of live answers
    out.update(modes)
    return out


def self_preference(project: Project, task: str, candidates: Sequence[str]) -> list[str]:
    """Notes for judges of the same family as a candidate they grade (judges tend to prefer their own family)."""
    table = project.models.deployments
    notes = []
    for judge in project.judges(task):
        same = [c for c in candidates if c != judge and table[c].family == table[judge].family]
        if judge in candidates:
            same.insert(0, judge)
        if same:
            notes.append(
                f"{task}: judge {judge} is of family {table[judge].family!r} like {', '.join(same)}: "
                "self-preference bias; prefer a judge of another family"
            )
    return notes
