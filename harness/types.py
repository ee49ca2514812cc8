"""Records shared by every layer: messages, requests, completions, grades.

Plain frozen dataclasses: the pydantic models live at the edges (files a human edits), these live inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class Image:
    """An image a case carries (a file in its dataset folder), sent as image content to vision deployments."""

    media_type: str
    """`image/png`, `image/jpeg`, `image/gif` or `image/webp`, from the file's magic bytes."""
    data: bytes = field(repr=False)
    sha256: str
    """Of `data`: the prompt hash covers the image through it."""
    path: str = ""
    """As the case names it, relative to the dataset folder."""
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str
    images: tuple[Image, ...] = ()
    """Images sent with this message (user messages only), before its text."""


@dataclass(frozen=True, slots=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """Generation options that change what a model returns; hashed into the cell key."""

    temperature: float | None = 0.0
    max_tokens: int = 1024
    stop: tuple[str, ...] = ()
    seed: int | None = None
    json_mode: bool = False
    tools: tuple[dict[str, Any], ...] = ()
    tool_choice: str | None = None
    builtin_tools: tuple[str, ...] = ()
    """Tools the vendor runs itself (`google_search`: Gemini grounded with Google Search), from the deployment."""


@dataclass(frozen=True, slots=True)
class SimHint:
    """What the simulator needs to shape a right or plausibly wrong answer. Real providers never see it."""

    task_class: str
    case_id: str
    expected: Any
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Request:
    """One call to one deployment."""

    deployment: str
    model: str
    messages: tuple[Message, ...]
    options: RequestOptions
    prompt_hash: str
    sample: int = 0
    attempt: int = 1
    sim: SimHint | None = None
    case_input: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True, slots=True)
class RateSignal:
    """What one response said about its deployment's rate limits (OpenAI's `x-ratelimit-*`, Anthropic's
    `anthropic-ratelimit-*` headers, Gemini's QuotaFailure details): read by the lane before it reacts."""

    spent: bool = False
    """A limit's remaining is 0 (with its reset), or Gemini named the quota that was exceeded: a quota signal."""
    headroom: float | None = None
    """The lowest remaining / limit over the limits the response reported."""
    reset_s: float | None = None
    """Seconds until the spent limit resets, when the response said."""
    limit: str | None = None
    """Which limit was spent (requests, tokens, input-tokens, ..., or Gemini's quota id)."""


@dataclass(frozen=True, slots=True)
class Source:
    """A web page a grounded answer drew on (Gemini's `groundingChunks[].web`)."""

    uri: str
    title: str = ""
    domain: str = ""


@dataclass(frozen=True, slots=True)
class Support:
    """A segment of a grounded answer and the sources (indices into `Grounding.sources`) that support it."""

    text: str
    chunks: tuple[int, ...]
    start: int | None = None
    """Byte offsets of the segment in its part of the answer, as Gemini reports them."""
    end: int | None = None
    confidence: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class Grounding:
    """What a search-grounded answer says it drew on: the queries run, the sources, the supported segments."""

    queries: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    supports: tuple[Support, ...] = ()
    simulated: bool = False
    """Made up by a simulated twin: plausible in shape, never real pages."""

    def record(self) -> dict[str, Any]:
        """As JSON (the cell's `grounding` column, the response cache)."""
        return {
            "queries": list(self.queries),
            "sources": [{"uri": s.uri, "title": s.title, "domain": s.domain} for s in self.sources],
            "supports": [
                {
                    "text": s.text,
                    "chunks": list(s.chunks),
                    "start": s.start,
                    "end": s.end,
                    "confidence": list(s.confidence),
                }
                for s in self.supports
            ],  # fmt: skip
            "simulated": self.simulated,
        }

    @staticmethod
    def from_record(r: dict[str, Any] | None) -> Grounding | None:
        if not r:
            return None
        return Grounding(
            tuple(r.get("queries") or ()),
            tuple(Source(s["uri"], s.get("title") or "", s.get("domain") or "") for s in r.get("sources") or ()),
            tuple(
                Support(
                    s.get("text") or "",
                    tuple(s.get("chunks") or ()),
                    s.get("start"),
                    s.get("end"),
                    tuple(s.get("confidence") or ()),
                )
                for s in r.get("supports") or ()
            ),  # fmt: skip
            bool(r.get("simulated")),
        )


@dataclass(frozen=True, slots=True)
class Completion:
    """A provider's answer, normalised across providers."""

    text: str
    usage: Usage = Usage()
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str = "stop"
    latency_ms: float = 0.0
    request_id: str | None = None
    served_model: str | None = None
    simulated: bool = False
    rate: RateSignal | None = None
    """The response's rate-limit headers, read (live providers that send them)."""
    grounding: Grounding | None = None
    """A search-grounded answer's queries, sources and supported segments (deployments with `tools`)."""
    ttft_ms: float | None = None
    """Streamed answers: milliseconds from the call to its first content (text or tool-call) chunk; None: not
    streamed. `latency_ms` is then the time to the last chunk."""
    chunks: int | None = None
    """Streamed answers: how many chunks (SSE events with content) the answer arrived in."""


@dataclass(frozen=True, slots=True)
class Grade:
    """One grader's verdict on one output: value in [0, 1], or an error and no value."""

    grader_id: str
    grader_version: str
    value: float | None
    passed: bool | None
    reason: str = ""
    error: str | None = None
    weight: float = 1.0
    judge_deployment: str | None = None
    """LLM judges: the deployment(s) that decided, comma-separated."""
    judge_prompt_hash: str | None = None
    judge_simulated: bool | None = None
    """True when a simulated judge decided."""
    flagged: bool = False
    """The pre-screen flagged the output as addressing the judge: failed, never a silent pass."""
    sandbox: str | None = None
    """code_exec: "bwrap" (isolated) or "rlimits" (limits only: bwrap could not run here)."""
