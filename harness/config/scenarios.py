"""Failure scenarios as the suite declares them: faults per deployment, to make a deployment fail or slow down on
purpose, in sim and live modes alike (`harness.run.faults` injects them around the provider).

A scenario names faults per deployment; a fault hits a share of calls, deterministically (seeded by the
request, sample and attempt), adds latency and/or fails them with a failure class, as the real provider
would.

```yaml
scenarios:                              # in the suite
  primary-down:
    description: Anthropic's API is failing 30% of calls and slow on the rest.
    faults:
      - {deployment: claude-sonnet@anthropic, rate: 0.3, failure: overloaded}
      - {deployment: claude-sonnet@anthropic, rate: 1.0, latency_ms: 2000}
```
or on the command line: `--fault claude-sonnet@anthropic:overloaded:0.3` (repeatable).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationError

from harness.config.base import Strict
from harness.errors import InputError

SEMANTIC = ("empty_output", "truncated_output")
Injectable = Literal[
    "rate_limited", "overloaded", "server_error", "timeout", "connection_error", "auth_error", "not_found",
    "quota_exhausted", "context_overflow", "content_policy", "bad_request", "empty_output", "truncated_output",
]  # fmt: skip


class Fault(Strict):
    deployment: str
    rate: float = Field(ge=0, le=1)
    """Share of calls hit."""
    failure: Injectable | None = None
    """How a hit call fails (semantic ones return an empty or cut-off answer). None: only latency."""
    latency_ms: float = Field(0.0, ge=0)
    """Extra latency on hit calls (scaled like simulated latency for simulated deployments)."""
    retry_after: float | None = Field(None, ge=0)
    """Seconds, for rate_limited / overloaded."""


class Scenario(Strict):
    description: str = ""
    faults: list[Fault] = Field(min_length=1)


def parse_fault(spec: str) -> Fault:
    """`deployment:failure:rate` or `deployment:+latency_ms:rate`."""
    parts = spec.rsplit(":", 2)
    if len(parts) != 3:
        raise InputError(f"--fault {spec!r}: expected DEPLOYMENT:FAILURE:RATE, e.g. gpt-4o@azure:server_error:0.3")
    dep, what, rate_s = parts
    try:
        rate = float(rate_s)
        if what.startswith("+"):
            return Fault(deployment=dep, rate=rate, latency_ms=float(what[1:]))
        return Fault.model_validate({"deployment": dep, "rate": rate, "failure": what})
    except ValidationError as e:  # a ValueError too: first, for its field and message
        err = e.errors()[0]
        field = ".".join(map(str, err["loc"])) or "fault"
        raise InputError(
            f"--fault {spec!r}: {field}: {err['msg']}", fix="DEPLOYMENT:FAILURE:RATE, RATE in [0, 1]"
        ) from None
    except ValueError as e:
        raise InputError(f"--fault {spec!r}: {str(e).splitlines()[0]}") from None
