"""fakeprov: a loopback server that speaks three vendors' wire formats closely enough for their official SDKs.

```
POST /<lane>/v1/chat/completions                       OpenAI Chat Completions (tool_calls)
POST /<lane>/v1/messages                               Anthropic Messages (tool_use)
POST /<lane>/v1[beta]/models/<model>:generateContent  Gemini generateContent (functionCall)
```
A lane is one deployment under test (its `base_url` points at `/<lane>`). Answers are deterministic (`answer`, a
function of the prompt). Each request is matched to its cell by the hash of its user text, and numbered per cell,
so a fault schedule can say "the first request of every cell gets a 429 with Retry-After: 2". Every request is
logged (time, cell, n, status, tokens billed, request id, the credential it carried), which is the ground truth
the tests compare the harness's records against.
"""

from __future__ import annotations

import hashlib
import json
import select
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Api = Literal["openai", "anthropic", "google"]
Body = Literal["truncated", "empty", "drop", "length"]


@dataclass(frozen=True)
class Fault:
    """What to do to one request instead of (or before) answering it normally."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering (a slow response)."""
    body: Body | None = None
    """truncated: 200 with the JSON cut mid-object; empty: no content; drop: close the connection without an
    answer; length: stopped by max tokens."""
    code: str | None = None
    """Vendor error code/type in the error body (e.g. `insufficient_quota`)."""
    message: str = "injected fault"


def http(status: int, retry_after: str | None = None, **kw: Any) -> Fault:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return Fault(status=status, headers=headers, **kw)


Schedule = Callable[[str, int], Fault | None]
"""(cell, n) -> the fault for the n-th request (1-based) of that cell, or None to answer normally."""


def first(faults: Sequence[Fault | None]) -> Schedule:
    """The n-th request of every cell gets faults[n-1]; later requests are answered."""
    return lambda _cell, n: faults[n - 1] if n <= len(faults) else None


def always(fault: Fault) -> Schedule:
    return lambda _cell, _n: fault


@dataclass(frozen=True)
class Prompt:
    lane: str
    api: Api
    model: str
    system: str
    user: str
    tools: tuple[str, ...]
    max_tokens: int | None


@dataclass(frozen=True)
class Reply:
    text: str = ""
    calls: tuple[tuple[str, dict[str, Any]], ...] = ()


def default_answer(p: Prompt) -> Reply:
    if p.tools:
        return Reply(calls=((p.tools[0], {"query": p.user[:20]}),))
    return Reply(text=f"answer-{cell_of(p.user)[:8]}")


def cell_of(user_text: str) -> str:
    return hashlib.sha256(user_text.encode()).hexdigest()[:16]


def tokens(text: str) -> int:
    return max(1, len(text) // 4)


@dataclass
class Hit:
    """One request as the server saw it."""

    lane: str
    api: Api
    cell: str
    n: int
    t: float
    status: int
    outcome: str
    """ok | http | truncated | empty | drop | length | slow"""
    input_tokens: int = 0
    output_tokens: int = 0
    request_id: str = ""
    credential: str | None = None
    body: dict[str, Any] = field(default_factory=dict, repr=False)
    """The request body as sent: what the SDK made of our parameters."""


@dataclass
class Server:
    """The server's state; handlers run in threads, so everything is guarded by `lock`."""

    url: str = ""
    answer: Callable[[Prompt], Reply] = default_answer
    schedules: dict[str, Schedule] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def base_url(self, lane: str, api: Api) -> str:
        return f"{self.url}/{lane}/v1" if api == "openai" else f"{self.url}/{lane}"

    def lane(self, lane: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.lane == lane]

    def per_cell(self, lane: str) -> Counter[str]:
        return Counter(h.cell for h in self.lane(lane))

    def billed(self, lane: str | None = None) -> tuple[int, int]:
        with self.lock:
            hs = [h for h in self.hits if lane is None or h.lane == lane]
        return sum(h.input_tokens for h in hs), sum(h.output_tokens for h in hs)

    def next_n(self, lane: str, cell: str) -> int:
        with self.lock:
            self.counts[(lane, cell)] += 1
            return self.counts[(lane, cell)]

    def record(self, hit: Hit) -> None:
        with self.lock:
            self.hits.append(hit)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK stall
    server_version = "fakeprov/1"
    state: Server  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        lane, _, rest = self.path.lstrip("/").partition("/")
        api, model = route(rest)
        if api is None:
            self._send(404, {"error": {"message": f"no route {self.path}"}}, {})
            return
        body = json.loads(raw or b"{}")
        prompt = parse_prompt(api, lane, model or str(body.get("model", "")), body)
        cell = cell_of(prompt.user)
        n = self.state.next_n(lane, cell)
        schedule = self.state.schedules.get(lane)
        fault = schedule(cell, n) if schedule else None
        rid = f"req-{lane}-{cell[:8]}-{n}"
        hit = Hit(
            lane, api, cell, n, time.monotonic(), 200, "ok", request_id=rid, credential=self._credential(), body=body
        )
        self.state.record(hit)
        if fault and fault.delay:
            hit.outcome = "slow"
            time.sleep(fault.delay)
            if self._client_gone():  # it timed out and hung up: nothing is delivered, nothing billed
                self.close_connection = True
                return
        try:
            self._respond(api, prompt, fault, hit)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): nothing to answer
            self.close_connection = True

    def _client_gone(self) -> bool:
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return bool(self.connection.recv(1, socket.MSG_PEEK) == b"")
        except OSError:
            return True

    def _credential(self) -> str | None:
        for name in ("x-api-key", "x-goog-api-key"):
            if self.headers.get(name):
                return self.headers[name]
        auth = self.headers.get("authorization") or ""
        return auth.removeprefix("Bearer ") or None

    def _respond(self, api: Api, prompt: Prompt, fault: Fault | None, hit: Hit) -> None:
        headers = {"request-id" if api == "anthropic" else "x-request-id": hit.request_id}
        if fault and fault.body == "drop":
            hit.status, hit.outcome = 0, "drop"
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault and fault.status != 200:
            hit.status, hit.outcome = fault.status, "http"
            self._send(fault.status, error_body(api, fault), {**headers, **fault.headers})
            return
        reply = Reply() if fault and fault.body == "empty" else self.state.answer(prompt)
        finish = "length" if fault and fault.body == "length" else None
        hit.input_tokens = tokens(prompt.system + prompt.user)
        hit.output_tokens = tokens(reply.text + json.dumps([c[1] for c in reply.calls])) if reply != Reply() else 0
        payload = success_body(api, prompt, reply, finish, hit)
        if fault and fault.body:
            hit.outcome = fault.body
        if fault and fault.body == "truncated":
            hit.input_tokens = hit.output_tokens = 0  # a body the client cannot read reports nothing
            data = json.dumps(payload).encode()
            self._send_raw(200, data[: len(data) // 2], headers)
            return
        self._send(200, payload, {**headers, **(fault.headers if fault else {})})

    def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        self._send_raw(status, json.dumps(payload).encode(), headers)

    def _send_raw(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()


def route(rest: str) -> tuple[Api | None, str | None]:
    if rest == "v1/chat/completions":
        return "openai", None
    if rest == "v1/messages":
        return "anthropic", None
    version, _, tail = rest.partition("/models/")
    if version in ("v1", "v1beta") and tail.endswith(":generateContent"):
        return "google", tail.removesuffix(":generateContent")
    return None, None


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return ""


def parse_prompt(api: Api, lane: str, model: str, body: dict[str, Any]) -> Prompt:
    if api == "google":
        contents = body.get("contents") or []
        user = "".join(_text(c.get("parts")) for c in contents if c.get("role", "user") == "user")
        system = _text((body.get("systemInstruction") or {}).get("parts"))
        decls = [d for t in body.get("tools") or [] for d in t.get("functionDeclarations") or []]
        max_tokens = (body.get("generationConfig") or {}).get("maxOutputTokens")
        return Prompt(lane, api, model, system, user, tuple(d["name"] for d in decls), max_tokens)
    msgs = body.get("messages") or []
    user = "".join(_text(m.get("content")) for m in msgs if m.get("role") == "user")
    if api == "anthropic":
        system = _text(body.get("system"))
        tools = tuple(t["name"] for t in body.get("tools") or [])
    else:
        system = "".join(_text(m.get("content")) for m in msgs if m.get("role") in ("system", "developer"))
        tools = tuple(t["function"]["name"] for t in body.get("tools") or [])
    max_tokens = body.get("max_tokens") or body.get("max_completion_tokens")
    return Prompt(lane, api, model, system, user, tools, max_tokens)


def error_body(api: Api, fault: Fault) -> dict[str, Any]:
    if api == "anthropic":
        kind = fault.code or {429: "rate_limit_error", 529: "overloaded_error", 401: "authentication_error"}.get(
            fault.status, "api_error" if fault.status >= 500 else "invalid_request_error"
        )
        return {"type": "error", "error": {"type": kind, "message": fault.message}}
    if api == "openai":
        return {"error": {"message": fault.message, "type": "error", "code": fault.code, "param": None}}
    status = {
        429: "RESOURCE_EXHAUSTED",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        503: "UNAVAILABLE",
        504: "DEADLINE_EXCEEDED",
    }
    return {"error": {"code": fault.status, "message": fault.message, "status": fault.code or status.get(
        fault.status, "INTERNAL" if fault.status >= 500 else "INVALID_ARGUMENT")}}  # fmt: skip


def success_body(api: Api, p: Prompt, r: Reply, finish: str | None, hit: Hit) -> dict[str, Any]:
    served = f"{p.model}-served"
    if api == "openai":
        calls = [{"id": f"call_{i}", "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
                 for i, (n, a) in enumerate(r.calls)]  # fmt: skip
        message: dict[str, Any] = {"role": "assistant", "content": r.text or None}
        if calls:
            message["tool_calls"] = calls
        reason = finish or ("tool_calls" if calls else "stop")
        return {"id": hit.request_id, "object": "chat.completion", "created": 0, "model": served,
                "choices": [{"index": 0, "message": message, "finish_reason": reason, "logprobs": None}],
                "usage": {"prompt_tokens": hit.input_tokens, "completion_tokens": hit.output_tokens,
                          "total_tokens": hit.input_tokens + hit.output_tokens}}  # fmt: skip
    if api == "anthropic":
        blocks: list[dict[str, Any]] = [{"type": "text", "text": r.text}] if r.text else []
        blocks += [{"type": "tool_use", "id": f"toolu_{i}", "name": n, "input": a} for i, (n, a) in enumerate(r.calls)]
        reason = "max_tokens" if finish else ("tool_use" if r.calls else "end_turn")
        return {"id": f"msg_{hit.request_id}", "type": "message", "role": "assistant", "model": served,
                "content": blocks, "stop_reason": reason, "stop_sequence": None,
                "usage": {"input_tokens": hit.input_tokens, "output_tokens": hit.output_tokens}}  # fmt: skip
    parts: list[dict[str, Any]] = [{"text": r.text}] if r.text else []
    parts += [{"functionCall": {"name": n, "args": a}} for n, a in r.calls]
    candidate = {"content": {"role": "model", "parts": parts}, "finishReason": "MAX_TOKENS" if finish else "STOP",
                 "index": 0}  # fmt: skip
    return {"candidates": [candidate], "modelVersion": served, "responseId": hit.request_id,
            "usageMetadata": {"promptTokenCount": hit.input_tokens, "candidatesTokenCount": hit.output_tokens,
                              "totalTokenCount": hit.input_tokens + hit.output_tokens}}  # fmt: skip


@contextmanager
def serve(answer: Callable[[Prompt], Reply] = default_answer) -> Iterator[Server]:
    """Start a server on 127.0.0.1 in a thread; stop it on exit."""
    state = Server(answer=answer)
    handler = type("BoundHandler", (Handler,), {"state": state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
