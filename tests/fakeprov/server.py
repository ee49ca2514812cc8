"""fakeprov: a loopback server that speaks three vendors' wire formats, on their own APIs and on Bedrock, Vertex AI
and Azure, closely enough for their official SDKs (routes and bodies in `wire.py`, credentials in `cloud.py`).

A lane is one deployment under test (its `base_url` points at `/<lane>`, see `Server.base_url`). Answers are
deterministic (`answer`, a function of the prompt). Each request is matched to its cell by the hash of its user
text, and numbered per cell, so a fault schedule can say "the first request of every cell gets a 429 with
Retry-After: 2". Every request is logged (time, cell, n, status, tokens billed, request id, the credential it
carried and how, the images it carried), which is the ground truth the tests compare the harness's records against.
"""

from __future__ import annotations

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
from typing import Any
from urllib.parse import urlsplit

from tests.fakeprov import stream
from tests.fakeprov.cloud import authenticate, token_response
from tests.fakeprov.wire import (
    Api,
    Fault,
    Hit,
    Infra,
    Prompt,
    Reply,
    cell_of,
    error_body,
    parse_prompt,
    request_id_header,
    route,
    success_body,
    tokens,
    tool_problem,
)

__all__ = ["Fault", "Hit", "Prompt", "Reply", "Schedule", "Server", "always", "cell_of", "first", "http", "serve"]


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


def default_answer(p: Prompt) -> Reply:
    if p.tools:
        return Reply(calls=((p.tools[0], {"query": p.user[:20]}),))
    return Reply(text=f"answer-{cell_of(p.user)[:8]}")


@dataclass
class Server:
    """The server's state; handlers run in threads, so everything is guarded by `lock`."""

    url: str = ""
    answer: Callable[[Prompt], Reply] = default_answer
    schedules: dict[str, Schedule] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    aws_keys: dict[str, str] = field(default_factory=dict)
    """AWS access key id -> secret key: the SigV4 signatures the server can verify (others are refused)."""
    access_token: str = "fakeprov-access-token"
    """What `POST /token` issues (Application Default Credentials refreshing through the server)."""
    token_grants: int = 0

    def base_url(self, lane: str, api: Api, infra: Infra = "direct") -> str:
        """The `base_url` a deployment of this lane sets (for azure: the resource endpoint)."""
        if infra == "vertex":
            return f"{self.url}/{lane}/v1" if api == "anthropic" else f"{self.url}/{lane}/"
        if infra == "direct" and api == "openai":
            return f"{self.url}/{lane}/v1"
        return f"{self.url}/{lane}"

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
        url = urlsplit(self.path)
        if url.path == "/token":
            with self.state.lock:
                self.state.token_grants += 1
            self._send(200, token_response(raw, self.state.access_token), {})
            return
        lane, _, rest = url.path.lstrip("/").partition("/")
        r = route(rest)
        if r is None:
            self._send(404, {"error": {"message": f"no route {self.path}"}}, {})
            return
        api = r.api
        body = json.loads(raw or b"{}")
        prompt = parse_prompt(api, lane, r.model or str(body.get("model", "")), body)
        cell = cell_of(prompt.user)
        n = self.state.next_n(lane, cell)
        schedule = self.state.schedules.get(lane)
        fault = schedule(cell, n) if schedule else None
        rid = f"req-{lane}-{cell[:8]}-{n}"
        full_url = f"http://{self.headers.get('host')}{self.path}"
        auth = authenticate(r, "POST", full_url, url.query, self.headers, raw, self.state.aws_keys)
        hit = Hit(lane, api, cell, n, time.monotonic(), 200, "ok", request_id=rid, credential=auth.credential,
                  body=body, infra=r.infra, auth=auth.kind, path=url.path, query=url.query,
                  images=prompt.images, streamed=r.stream or body.get("stream") is True)  # fmt: skip
        self.state.record(hit)
        if auth.status != 200:  # refused before any answer, as the cloud would
            hit.status, hit.outcome = auth.status, "unauthenticated"
            payload, extra = error_body(api, Fault(auth.status, message=auth.problem), r.infra)
            self._send(auth.status, payload, {request_id_header(api, r.infra): rid, **extra})
            return
        refused = tool_problem(api, body)
        if refused:  # the vendor's request validator: a 400 before any model sees it
            hit.status, hit.outcome = 400, "invalid_request"
            payload, extra = error_body(api, Fault(400, message=refused), r.infra)
            self._send(400, payload, {request_id_header(api, r.infra): rid, **extra})
            return
        if fault and fault.delay:
            hit.outcome = "slow"
            time.sleep(fault.delay)
            if self._client_gone():  # it timed out and hung up: nothing is delivered, nothing billed
                self.close_connection = True
                return
        try:
            self._respond(api, r.infra, prompt, fault, hit)
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

    def _respond(self, api: Api, infra: Infra, prompt: Prompt, fault: Fault | None, hit: Hit) -> None:
        headers = {request_id_header(api, infra): hit.request_id}
        if fault and fault.body == "drop":
            hit.status, hit.outcome = 0, "drop"
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault and fault.status != 200:
            hit.status, hit.outcome = fault.status, "http"
            payload, extra = error_body(api, fault, infra)
            self._send(fault.status, payload, {**headers, **extra, **fault.headers})
            return
        reply = Reply() if fault and fault.body == "empty" else self.state.answer(prompt)
        finish = "length" if fault and fault.body == "length" else None
        hit.input_tokens = tokens(prompt.system + prompt.user)
        hit.output_tokens = tokens(reply.text + json.dumps([c[1] for c in reply.calls])) if reply != Reply() else 0
        payload = success_body(api, prompt, reply, finish, hit)
        if fault and fault.body:
            hit.outcome = fault.body
        if hit.streamed:
            self._stream(api, infra, payload, fault or Fault(), headers, hit)
            return
        if fault and fault.body == "truncated":
            hit.input_tokens = hit.output_tokens = 0  # a body the client cannot read reports nothing
            data = json.dumps(payload).encode()
            self._send_raw(200, data[: len(data) // 2], headers)
            return
        self._send(200, payload, {**headers, **(fault.headers if fault else {})})

    def _stream(self, api: Api, infra: Infra, payload: dict[str, Any], fault: Fault, headers: dict[str, str],
                hit: Hit) -> None:  # fmt: skip
        """The answer as the vendor streams it (chunked transfer), with the fault's timing and mid-stream failure."""
        self.send_response(200)
        kind = "application/vnd.amazon.eventstream" if infra == "bedrock" else "text/event-stream"
        self.send_header("content-type", kind)
        self.send_header("transfer-encoding", "chunked")
        for k, v in {**headers, **fault.headers}.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.flush()
        if fault.ttft:
            time.sleep(fault.ttft)
        self._write(stream.keep_alive(api, infra), fault.split)
        started, frames = False, stream.events(api, payload)
        if fault.body == "truncated":  # half the events, then half of one: the stream ends mid-object
            hit.input_tokens = hit.output_tokens = 0
            cut = frames[len(frames) // 2]
            for event, data, _ in frames[: len(frames) // 2]:
                self._write(stream.frame(api, infra, event, data), fault.split)
            whole = stream.frame(api, infra, cut[0], cut[1])
            self._write(whole[: len(whole) // 2] + b"\n\n", fault.split)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            return
        for event, data, content in frames:
            if started and fault.mid_stream:
                hit.outcome = "mid_stream"
                self._write(stream.error_frame(api, infra, Fault(fault.mid_stream, message="injected mid-stream")),
                            fault.split)  # fmt: skip
                break
            if started and fault.stall:
                hit.outcome = "stall"
                while not self._client_gone():
                    time.sleep(0.02)
                self.close_connection = True
                return
            self._write(stream.frame(api, infra, event, data), fault.split)
            started = started or content
        else:
            self._write(stream.done(api), fault.split)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _write(self, data: bytes, split: int | None) -> None:
        """One HTTP chunk per piece: with `split`, pieces of that many bytes, a moment apart so each is read alone."""
        step = split or len(data)
        for i in range(0, len(data), step or 1):
            piece = data[i : i + step]
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.flush()
            if split:
                time.sleep(0.001)

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


class Listener(ThreadingHTTPServer):
    request_queue_size = 256  # socketserver's default backlog of 5 resets connections when many clients connect at once


@contextmanager
def serve(answer: Callable[[Prompt], Reply] = default_answer) -> Iterator[Server]:
    """Start a server on 127.0.0.1 in a thread; stop it on exit."""
    state = Server(answer=answer)
    handler = type("BoundHandler", (Handler,), {"state": state})
    httpd = Listener(("127.0.0.1", 0), handler)
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
