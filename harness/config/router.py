"""The router's runtime in the routing table: cooldowns (table-wide) and load-balanced chain steps (per task).

```yaml
router:                                 # optional; without it routed play walks the chain as written
  cooldown: {failure_share: 0.5, seconds: 60, window_s: 60, min_requests: 5}
  requests_per_s: 2.0                   # routed play's request clock
tasks:
  invoice-extraction:
    chain: [claude-sonnet@anthropic, claude-sonnet@bedrock, gpt-4o@azure]
    balance:                            # adjacent chain entries that serve one model: one step, load-balanced
      - {deployments: [claude-sonnet@anthropic, claude-sonnet@bedrock], weights: [3, 1]}
```
A balance group is one chain step: each request picks one member (by weight, or the least busy), and on a failure
the walk tries the group's other members before the next step. The fan-out still evaluates every member on every
case; only routed play (`run/router_runtime.py`) and the report's router section use the groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, model_validator

from harness.config.base import Strict
from harness.config.models import DeploymentId
from harness.errors import FailureClass

#: Failures that cool a deployment at once (LiteLLM cools on 401/404 without waiting for the share): retrying the
#: same deployment cannot help.
IMMEDIATE: list[str] = ["auth_error", "not_found", "bad_request", "quota_exhausted"]


class Cooldown(Strict):
    """LiteLLM's rule: a deployment whose calls failed more than `failure_share` of the time over the last
    `window_s` seconds (at least `min_requests` calls) is skipped for `seconds`; an `immediate` class cools it at
    once."""

    failure_share: float = Field(0.5, gt=0, lt=1)
    """Cool when the window's failed calls are more than this share of its calls."""
    seconds: float = Field(60, gt=0)
    """How long a cooled deployment is skipped."""
    window_s: float = Field(60, gt=0)
    """The window the failure share is taken over."""
    min_requests: int = Field(5, ge=1)
    """Calls the window needs before its share can cool a deployment (a single failure never does)."""
    immediate: list[str] = IMMEDIATE
    """Failure classes that cool a deployment at their first occurrence."""

    @model_validator(mode="after")
    def _classes(self) -> Cooldown:
        known = {c.value for c in FailureClass}
        for name in self.immediate:
            if name not in known:
                raise ValueError(f"unknown failure class {name!r} in cooldown.immediate")
        return self


class SemanticRouter(Strict):
    """A semantic router in front of the table, evaluated in the report (`report/semantic_router.py`)."""

    holdout: float = Field(0.5, gt=0, lt=1)
    """Share of each task's evaluated cases held out to score it (the rest trains it, with the train splits)."""


class RouterSettings(Strict):
    """`router:` of the routing table: what routed play does besides walking the chain."""

    cooldown: Cooldown | None = None
    """Skip deployments that have been failing; omitted: no cooldowns."""
    requests_per_s: float = Field(2.0, gt=0)
    """Routed play's request clock: the run's requests (every task's, in a seeded order) arrive this fast, so a
    window holds `window_s × requests_per_s` requests."""
    seed: int = 0
    """Seeds the request order, weighted picks and the semantic router's split (the same run plays the same way)."""
    semantic: SemanticRouter | None = None
    """Evaluate a semantic router in the report (it fits a model: a few seconds); `harness routing router` and
    `harness.open(...).router()` evaluate it whether or not this is set."""


class Balance(Strict):
    """Adjacent chain entries serving the same model, load-balanced as one chain step."""

    deployments: list[DeploymentId] = Field(min_length=2)
    """Members, adjacent in the chain (in any order)."""
    strategy: Literal["weighted", "least-busy"] = "weighted"
    """`weighted`: a seeded draw by weight; `least-busy`: the fewest requests in flight per unit of weight."""
    weights: list[float] | None = None
    """One positive weight per member (default equal)."""

    @model_validator(mode="after")
    def _shape(self) -> Balance:
        if len(set(self.deployments)) != len(self.deployments):
            raise ValueError("a deployment appears twice in a balance group")
        if self.weights is not None:
            if len(self.weights) != len(self.deployments):
                raise ValueError(f"{len(self.weights)} weights for {len(self.deployments)} deployments")
            if any(w <= 0 for w in self.weights):
                raise ValueError("weights must be positive")
        return self

    def weight(self, dep: str) -> float:
        return self.weights[self.deployments.index(dep)] if self.weights else 1.0


def fits(chain: Sequence[str], group: Balance) -> bool:
    """The group's members all stand in `chain`, next to each other."""
    if not all(d in chain for d in group.deployments):
        return False
    spots = sorted(chain.index(d) for d in group.deployments)
    return spots[-1] - spots[0] == len(spots) - 1


def check_groups(chain: Sequence[str], groups: Sequence[Balance]) -> str | None:
    """Why `groups` cannot balance `chain` (a member missing or apart, a deployment in two groups), or None."""
    seen: set[str] = set()
    for i, g in enumerate(groups):
        if not fits(chain, g):
            return f"balance[{i}]: {', '.join(g.deployments)} must all be in the chain, next to each other"
        if seen & set(g.deployments):
            return f"balance[{i}]: {', '.join(sorted(seen & set(g.deployments)))} already in another group"
        seen |= set(g.deployments)
    return None
