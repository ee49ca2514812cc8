"""The exception tree and the closed list of failure classes.

```
HarnessError                     anything we raise on purpose
├── InputError                   the user's files or flags are wrong: one line, exit code 2
│   ├── ConfigError              YAML configs (models, routing, suite)
│   ├── DatasetError             dataset manifests and JSONL files
│   └── PromptError              templates: missing, syntax, undefined variables, sandbox
├── StoreError                   journals and the DuckDB index
│   ├── JournalCorruptError      a corrupt line in the middle of a journal (file:line)
│   ├── DatabaseCorruptError     harness.duckdb is not a readable database (exit 2: `harness db rebuild`)
│   └── DatabaseLockedError      another process holds the database or the ingest lock
├── ClusterError                 `--executor ray`: a shard's task died more often than Ray retries it
├── GraderError                  a grader could not decide: recorded as an error, never a silent 0
└── ProviderError                one failed call, carrying its FailureClass (recorded as a row, never raised
                                 past the runner)
```
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.types import RateSignal, Usage


class FailureClass(StrEnum):
    """Why a call or a cell failed. One closed list, used by providers, runner, store and reports."""

    rate_limited = "rate_limited"
    overloaded = "overloaded"
    server_error = "server_error"
    timeout = "timeout"
    connection_error = "connection_error"
    auth_error = "auth_error"
    not_found = "not_found"
    quota_exhausted = "quota_exhausted"
    context_overflow = "context_overflow"
    unsupported_param = "unsupported_param"
    content_policy = "content_policy"
    bad_request = "bad_request"
    empty_output = "empty_output"
    truncated_output = "truncated_output"
    schema_invalid = "schema_invalid"
    refusal = "refusal"
    invalid_response = "invalid_response"
    skipped_budget = "skipped_budget"
    skipped_auth = "skipped_auth"
    cancelled = "cancelled"
    latency_exceeded = "latency_exceeded"
    """An attempt cancelled at its deadline (`attempt_deadline`: no first token, or not finished, in time)."""


#: Classes worth another attempt on the same deployment.
RETRYABLE: frozenset[FailureClass] = frozenset(
    {
        FailureClass.rate_limited,
        FailureClass.overloaded,
        FailureClass.server_error,
        FailureClass.timeout,
        FailureClass.connection_error,
    }
)


class HarnessError(Exception):
    """Base of every error we raise on purpose."""

    exit_code = 1


@dataclass(frozen=True)
class Where:
    """A place in a user's file: path, 1-based line when known, and the key path inside it."""

    path: Path | str | None = None
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(f"{self.path}:{self.line}" if self.line else str(self.path))
        if self.key:
            parts.append(self.key)
        return ": ".join(parts)


class InputError(HarnessError):
    """The user's input is wrong. Printed as one line naming where, what, and the fix; exit code 2."""

    exit_code = 2

    def __init__(self, message: str, where: Where | None = None, fix: str | None = None) -> None:
        self.where = where or Where()
        self.message = message
        self.fix = fix
        super().__init__(self.one_line())

    def one_line(self) -> str:
        head = f"{self.where}: " if str(self.where) else ""
        tail = f" (fix: {self.fix})" if self.fix else ""
        return f"{head}{self.message}{tail}"


class ConfigError(InputError):
    """A YAML config file is malformed or invalid."""


class DatasetError(InputError):
    """A dataset manifest or JSONL file is malformed, or its content does not match the manifest."""


class PromptError(InputError):
    """A prompt template is missing, does not parse, uses an undefined variable or breaks the sandbox."""


class StoreError(HarnessError):
    """The journal or the database could not be read or written."""


class JournalCorruptError(StoreError):
    """A line in the middle of a journal is not a valid record: data would be lost silently."""


class DatabaseCorruptError(StoreError):
    """The DuckDB file cannot be opened as a database; the journals rebuild it (`harness db rebuild`)."""

    exit_code = 2


class DatabaseLockedError(StoreError):
    """Another process holds the DuckDB file or the ingest lock."""


class ClusterError(HarnessError):
    """A shard's Ray task could not finish (its worker or node died on every retry); the lake keeps what it pushed."""


class GraderError(HarnessError):
    """A grader could not decide on an output. Recorded as a grade error, never as a score."""


class ProviderError(HarnessError):
    """One failed provider call, classified once at the provider boundary."""

    def __init__(
        self,
        failure_class: FailureClass,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        request_id: str | None = None,
        rate: RateSignal | None = None,
        partial: str | None = None,
    ) -> None:
        super().__init__(message)
        self.failure_class = failure_class
        self.message = message
        self.retry_after = retry_after
        self.status = status
        self.request_id = request_id
        self.rate = rate
        """What the error response said about the rate limits (a 429 whose headers say the quota is spent)."""
        self.partial = partial
        """A stream that failed mid-way: the text it had delivered (kept in the attempt, never graded)."""
        self.cut_ms: float | None = None
        """An attempt cancelled at its deadline (`latency_exceeded`): when, in ms from its start."""
        self.billed: Usage | None = None
        """A cancelled attempt: the tokens it is charged for (input, and output streamed before the cut)."""

    @property
    def retryable(self) -> bool:
        return self.failure_class in RETRYABLE
