"""The routing table (`evals/routing.yaml`): per task, an ordered chain with constraints, routes and risk.

```yaml
risk_levels:
  restricted: {regions: ["eu-*", local], data_retention: [zero, none]}
tasks:
  long-docs:
    risk_level: internal
    constraints: {max_input_tokens: 150000, required_capabilities: [long_context], cost_ceiling_usd: 0.5}
    chain: [gpt-4o@openai, claude-haiku@anthropic]
    routes:                                 # first match wins; its chain replaces the base chain
      - when: {input_tokens: {gt: 30000}}
        chain: [gemini-pro@google, claude-sonnet@anthropic]
```
Eligibility is decided per case before any call (`eligibility.py`): entries that fail the risk level, context
window, capabilities, latency budget or cost ceiling are dropped with their reason. The candidates of a task are
every deployment any of its chains can reach; the runner evaluates all of them.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from harness.config.base import Strict
from harness.config.latency import Deadline, Hedge
from harness.config.models import Capability, Deployment, DeploymentId, ModelTable
from harness.config.router import Balance, RouterSettings, check_groups
from harness.config.yamlfile import KeyPath, load_yaml, validation_error
from harness.errors import RETRYABLE, ConfigError, FailureClass, Where

FAILURE_GROUPS: dict[str, list[str]] = {
    "transient": sorted(RETRYABLE),
    "deployment": ["auth_error", "not_found", "quota_exhausted", "latency_exceeded"],
    "request_fit": ["context_overflow", "unsupported_param"],
    "policy": ["content_policy"],
    "semantic": ["empty_output", "truncated_output", "schema_invalid", "refusal", "invalid_response"],
}


def expand_classes(names: list[str]) -> frozenset[FailureClass]:
    out: set[FailureClass] = set()
    for name in names:
        out.update(FailureClass(n) for n in FAILURE_GROUPS.get(name, [name]))
    return frozenset(out)


def _check_classes(names: list[str]) -> list[str]:
    known = set(FAILURE_GROUPS) | {c.value for c in FailureClass}
    for n in names:
        if n not in known:
            raise ValueError(f"unknown failure class or group {n!r}")
    return names


class Backoff(Strict):
    initial_ms: float = Field(500, gt=0)
    multiplier: float = Field(2.0, ge=1)
    max_ms: float = Field(8000, gt=0)
    jitter: Literal["full", "none"] = "full"


class RetryPolicy(Strict):
    max_attempts: int = Field(3, ge=1, le=20)
    """Attempts on the same deployment before moving down the chain."""
    retry_on: list[str] = ["transient"]
    """Failure classes (or groups: transient, deployment, request_fit, policy, semantic) worth a retry."""
    backoff: Backoff = Backoff()
    respect_retry_after: bool = True
    max_retry_after_s: float = Field(120, ge=0)
    """A Retry-After above this ends the cell as rate_limited (with the reason) instead of waiting."""

    @model_validator(mode="after")
    def _classes(self) -> RetryPolicy:
        _check_classes(self.retry_on)
        return self


class Policy(Strict):
    """How production walks the chain (routed runs and the live retry layer use it)."""

    retry: RetryPolicy = RetryPolicy()
    fallback_on: list[str] = ["transient", "deployment", "context_overflow", "content_policy", "semantic"]
    never_fallback_on: list[str] = ["unsupported_param"]
    deadline_ms: float = Field(30000, gt=0)
    """Total budget for one case across retries and fallbacks."""
    attempt_deadline: Deadline | None = None
    """Per attempt: no first token by `ttft_ms` or unfinished by `total_ms` -> cancelled, `latency_exceeded`
    (`config/latency.py`). A task's `deadlines` replace it for their chain steps."""
    hedge: Hedge | None = None
    """Routed play: start the next position when this one is slow to its first token; the first token wins."""

    @model_validator(mode="after")
    def _classes(self) -> Policy:
        _check_classes(self.fallback_on)
        _check_classes(self.never_fallback_on)
        return self


class RiskLevel(Strict):
    """Compliance filter: a deployment is eligible only if it satisfies every field given."""

    regions: list[str] | None = None
    """Allowed compliance regions; shell patterns such as `eu-*`. Omitted: any region."""
    data_retention: list[Literal["zero", "30d", "provider_default", "none"]] | None = None
    certifications: list[str] = []
    """Certifications the deployment must hold, all of them."""
    forbid_providers: list[str] = []

    def violation(self, dep: Deployment) -> str | None:
        """Why `dep` fails this level, or None. Local providers keep data on the machine and always pass."""
        if dep.local:
            return None
        c = dep.compliance
        if self.regions is not None and not any(fnmatch(c.region, p) for p in self.regions):
            return f"region {c.region} not in {self.regions}"
        if self.data_retention is not None and c.data_retention not in self.data_retention:
            return f"data retention {c.data_retention} not in {self.data_retention}"
        missing = [x for x in self.certifications if x not in c.certifications]
        if missing:
            return f"missing certification {', '.join(missing)}"
        if dep.provider in self.forbid_providers:
            return f"provider {dep.provider} forbidden"
        return None


LatencyOn = Literal["total", "ttft", "both"]


def over_latency_budget(budget_ms: float | None, on: str, total_ms: float | None, ttft_ms: float | None) -> str | None:
    """Which measure (`ttft`, `total`) is over a latency budget bounding `on`, or None. A measure not known does not
    count against the budget; an answer that was not streamed has its first token with its last (pass total as both
    where that holds)."""
    if budget_ms is None:
        return None
    if on in ("ttft", "both") and ttft_ms is not None and ttft_ms > budget_ms:
        return "ttft"
    if on in ("total", "both") and total_ms is not None and total_ms > budget_ms:
        return "total"
    return None


class Constraints(Strict):
    max_input_tokens: int | None = Field(None, gt=0)
    """Cases estimated above this are rejected unless a route takes them (never silently truncated)."""
    latency_budget_ms: float | None = Field(None, gt=0)
    """Deployments whose declared p95 (see `latency_budget_on`) exceeds this are dropped; in routed play an answer
    slower than this is a timeout."""
    latency_budget_on: LatencyOn = "total"
    """What `latency_budget_ms` bounds: `total` (time to the last token, `latency_p95_ms`), `ttft` (time to first
    token, `ttft_p95_ms`; a non-streamed answer's first token comes with its last) or `both`."""
    cost_ceiling_usd: float | None = Field(None, gt=0)
    """Per request, estimated from input tokens and max output tokens."""
    required_capabilities: list[Capability] = []


class Compare(Strict):
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None

    def matches(self, x: float) -> bool:
        return (
            (self.gt is None or x > self.gt)
            and (self.gte is None or x >= self.gte)
            and (self.lt is None or x < self.lt)
            and (self.lte is None or x <= self.lte)
        )


class When(Strict):
    input_tokens: Compare | None = None
    """Estimated input tokens (per deployment family, with the safety margin) of the case's prompt."""
    tags_any: list[str] = []
    """The case carries at least one of these tags."""


class Route(Strict):
    when: When
    chain: list[DeploymentId] | None = None
    """Replaces the task's chain for matching cases."""
    risk_level: str | None = None
    """Replaces the task's risk level for matching cases (e.g. stricter for `pii`-tagged cases)."""
    constraints: Constraints | None = None

    @model_validator(mode="after")
    def _something(self) -> Route:
        if self.chain is None and self.risk_level is None and self.constraints is None:
            raise ValueError("a route needs `chain`, `risk_level` or `constraints`")
        return self


class TaskRoute(Strict):
    chain: list[DeploymentId] = Field(min_length=1)
    """Primary first, then fallbacks in order; a canned deployment may only come last."""
    description: str = ""
    risk_level: str | None = None
    constraints: Constraints = Constraints()
    routes: list[Route] = []
    policy: Policy | None = None
    """Overrides `defaults` for this task."""
    balance: list[Balance] = []
    """Adjacent chain entries load-balanced as one step in routed play (see `router.py`)."""
    deadlines: dict[DeploymentId, Deadline] = {}
    """Per chain step: this deployment's attempt deadline on this task (replaces the policy's `attempt_deadline`)."""


class RoutingTable(Strict):
    """`evals/routing.yaml`."""

    schema_version: Literal[1] = 1
    table_version: str = "unversioned"
    """Your own label for this version of the table; the file's hash is recorded with every run too."""
    defaults: Policy = Policy()
    risk_levels: dict[str, RiskLevel] = {}
    router: RouterSettings = RouterSettings()
    """Routed play's runtime: cooldowns and its request clock (see `router.py`)."""
    tasks: dict[str, TaskRoute]

    def candidates(self, task: str) -> list[str]:
        """Every deployment the task can route to: the base chain, then routes' additions, in order."""
        route = self.tasks[task]
        out = list(route.chain)
        for r in route.routes:
            out += [d for d in r.chain or [] if d not in out]
        return out

    def policy(self, task: str) -> Policy:
        """The task's policy; the table's defaults for a task it does not route (e.g. a judge call: task "")."""
        route = self.tasks.get(task)
        return (route.policy if route else None) or self.defaults

    def deadline(self, task: str, deployment: str) -> Deadline | None:
        """The attempt deadline of `deployment`'s calls for `task`: its chain step's, else the task's policy's."""
        route = self.tasks.get(task)
        step = route.deadlines.get(deployment) if route else None
        return step or self.policy(task).attempt_deadline

    def role(self, task: str, deployment: str) -> str:
        route = self.tasks[task]
        if deployment in route.chain:
            pos = route.chain.index(deployment)
            return "primary" if pos == 0 else f"fallback {pos}"
        for i, r in enumerate(route.routes, start=1):
            if r.chain and deployment in r.chain:
                pos = r.chain.index(deployment)
                return f"route {i} " + ("primary" if pos == 0 else f"fallback {pos}")
        return "candidate"


def load_routing(path: Path, models: ModelTable) -> RoutingTable:
    """Load the table and check it against the model table, naming task and entry on any problem."""
    data, lines = load_yaml(path)
    if data is None:
        raise ConfigError("file is empty", Where(path))
    try:
        table = RoutingTable.model_validate(data)
    except ValidationError as e:
        raise validation_error(e, path, lines) from None
    _check_risk_levels(table, models, path, lines)
    for task, route in table.tasks.items():
        _check_chain(route.chain, ("tasks", task, "chain"), models, path, lines)
        if why := check_groups(route.chain, route.balance):
            where = Where(path, lines.get(("tasks", task, "balance")), f"tasks.{task}.balance")
            raise ConfigError(why, where, "list adjacent entries of the task's chain, each in one group")
        for i, r in enumerate(route.routes):
            if r.chain is not None:
                _check_chain(r.chain, ("tasks", task, "routes", i, "chain"), models, path, lines)
            for level in (route.risk_level, r.risk_level):
                if level is not None and level not in table.risk_levels:
                    raise ConfigError(
                        f"unknown risk level {level!r}", Where(path, lines.get(("tasks", task)), f"tasks.{task}"),
                        f"define it under risk_levels (known: {', '.join(table.risk_levels) or 'none'})",
                    )  # fmt: skip
        if route.risk_level is not None and route.risk_level not in table.risk_levels:
            raise ConfigError(f"unknown risk level {route.risk_level!r}", Where(path, lines.get(("tasks", task))))
        for dep in route.deadlines:
            if dep not in table.candidates(task):
                where = Where(path, lines.get(("tasks", task, "deadlines", dep)), f"tasks.{task}.deadlines.{dep}")
                raise ConfigError(f"deadline for {dep!r}, which is not in the task's chains", where,
                                  f"use one of: {', '.join(table.candidates(task))}")  # fmt: skip
        _check_reachable(table, task, models, path, lines)
    return table


def _check_chain(chain: list[str], key: KeyPath, models: ModelTable, path: Path, lines: dict[KeyPath, int]) -> None:
    for i, dep in enumerate(chain):
        where = Where(path, lines.get((*key, i)), ".".join(map(str, key)) + f"[{i}]")
        if dep not in models.deployments:
            known = ", ".join(sorted(models.deployments))
            raise ConfigError(f"unknown deployment {dep!r}", where, f"use one of: {known}")
        if dep in chain[:i]:
            raise ConfigError(f"deployment {dep!r} appears twice in the chain (first at {chain.index(dep)})", where)
        if models.deployments[dep].provider == "canned" and i != len(chain) - 1:
            raise ConfigError("a canned response must be the last entry of a chain", where)


def _check_risk_levels(table: RoutingTable, models: ModelTable, path: Path, lines: dict[KeyPath, int]) -> None:
    for name, level in table.risk_levels.items():
        remote = [d for d in models.deployments.values() if not d.local]
        if remote and all(level.violation(d) for d in remote):
            raise ConfigError(
                f"risk level {name!r}: no remote deployment in the model table satisfies it",
                Where(path, lines.get(("risk_levels", name)), f"risk_levels.{name}"),
                "relax it or add a compliant deployment",
            )


def static_drop(table: RoutingTable, task: str, route: Route | None, dep_id: str, models: ModelTable) -> str | None:
    """A reason that holds for every case (risk level, capabilities, latency), or None."""
    spec = table.tasks[task]
    dep = models.deployments[dep_id]
    level_name = (route.risk_level if route and route.risk_level else None) or spec.risk_level
    if level_name is not None:
        why = table.risk_levels[level_name].violation(dep)
        if why:
            return f"risk level {level_name}: {why}"
    cons = route.constraints if route and route.constraints else spec.constraints
    if not dep.local:
        missing = [c for c in cons.required_capabilities if c not in dep.capabilities]
        if missing:
            return f"capability: lacks {', '.join(missing)}"
        over = over_latency_budget(cons.latency_budget_ms, cons.latency_budget_on, dep.latency_p95_ms, dep.ttft_p95_ms)
        if over == "ttft":
            return f"latency: TTFT p95 {dep.ttft_p95_ms:g} ms over the {cons.latency_budget_ms:g} ms budget"
        if over == "total":
            return f"latency: p95 {dep.latency_p95_ms:g} ms over the {cons.latency_budget_ms:g} ms budget"
    return None


def _check_reachable(table: RoutingTable, task: str, models: ModelTable, path: Path, lines: dict[KeyPath, int]) -> None:
    spec = table.tasks[task]
    options: list[tuple[Route | None, list[str]]] = [(None, spec.chain)]
    options += [(r, r.chain or spec.chain) for r in spec.routes]
    for dep in table.candidates(task):
        reasons = [static_drop(table, task, r, dep, models) for r, chain in options if dep in chain]
        if reasons and all(reasons):
            raise ConfigError(
                f"chain entry {dep!r} can never be reached: {reasons[0]}",
                Where(path, lines.get(("tasks", task)), f"tasks.{task}"),
                "remove it from the chain or fix the constraint",
            )
