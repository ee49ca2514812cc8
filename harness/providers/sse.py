"""Server-sent events, decoded as the openai SDK's `SSEDecoder` decodes them, keeping only each event's data.

The WHATWG event-stream rules the SDK follows: a line ends with CRLF, LF or CR (a CR at the end of one network chunk
and an LF at the start of the next are one line end); a line starting with `:` is a comment; `field: value` loses
one space after the colon; `data` lines join with LF; a blank line dispatches the event when it set a field (an id,
once seen, counts for every later event, as the SDK's decoder keeps it); each line must be UTF-8. What is left after
the last line end is read (so bad UTF-8 there fails as in the SDK) but never dispatched.

Why not the SDK's own decoder: it is an async generator over a generator per network chunk, one `ServerSentEvent`
per event; a streamed chat completion yields a handful of chunks each, and each passes through every layer. This one
is plain state: a network chunk in, the list of its events' data out (`tests/providers/test_sse.py` holds the two
decoders equal on the same bytes split everywhere).
"""

from __future__ import annotations


class SSEData:
    __slots__ = ("_buffer", "_data", "_event", "_id", "_retry", "_skip_lf")

    def __init__(self) -> None:
        self._buffer = b""
        self._skip_lf = False
        self._data: list[str] = []
        self._event = ""
        self._id = ""
        self._retry = False

    def feed(self, chunk: bytes) -> list[str]:
        """The data of the events that `chunk` completes, in order."""
        if not chunk:
            return []
        if self._skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
        self._skip_lf = False
        buffer = self._buffer + chunk if self._buffer else chunk
        lines = buffer.splitlines(keepends=True)
        self._buffer = lines.pop() if lines and not lines[-1].endswith((b"\n", b"\r")) else b""
        self._skip_lf = buffer.endswith(b"\r")
        out: list[str] = []
        for line in lines:
            data = self._line(line[:-2] if line.endswith(b"\r\n") else line[:-1])
            if data is not None:
                out.append(data)
        return out

    def finish(self) -> None:
        """The end of the body: a last line without its line end is read, never dispatched."""
        if self._buffer:
            self._buffer, line = b"", self._buffer
            self._line(line)

    def _line(self, raw: bytes) -> str | None:
        text = raw.decode("utf-8")
        if not text:
            if not (self._event or self._data or self._id or self._retry):
                return None
            data = "\n".join(self._data)
            self._event, self._data, self._retry = "", [], False
            return data
        if text[0] == ":":
            return None
        name, _, value = text.partition(":")
        if value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry":
            self._retry = self._retry or _is_int(value)  # the SDK keeps `int(value)` when it parses
        return None


def _is_int(value: str) -> bool:
    try:
        int(value)
    except ValueError:
        return False
    return True
