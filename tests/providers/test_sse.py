"""`SSEData` decodes what the openai SDK's `SSEDecoder` decodes, event for event, however the bytes are split."""

from __future__ import annotations

import pytest
from openai._streaming import SSEDecoder, _SSELineDecoder

from harness.providers.sse import SSEData

STREAMS = [
    b'data: {"a": 1}\n\ndata: {"b": 2}\n\ndata: [DONE]\n\n',
    b'data: {"a": 1}\r\n\r\ndata:x\r\rdata: y\rdata:  two spaces\r\n\r\n',
    b"data: one\ndata: two\n\n: a comment\n\nevent: error\ndata: {}\n\n",
    b"event: ping\n\nid: 7\n\n\n\ndata: after id\n\nretry: 1000\n\nretry: soon\n\n",
    b"data\n\ndata:\n\nfield-without-colon\n\n:\n\nevent:\n\nid: a\x00b\n\n",
    "data: h\u00e9llo \u2028 \U0001f600\n\n".encode(),
    b"data: not terminated",
    b"data: last\n\ndata: cut",
    b"\n\n\r\n\r\r",
]


def sdk_events(chunks: list[bytes]) -> list[str]:
    decoder, lines = SSEDecoder(), []
    split = _SSELineDecoder()
    for chunk in chunks:
        lines += list(split.feed(chunk))
    lines += list(split.finish())
    return [e.data for e in decoder._decode_lines(iter(lines))]


def ours(chunks: list[bytes]) -> list[str]:
    decoder, out = SSEData(), []
    for chunk in chunks:
        out += decoder.feed(chunk)
    decoder.finish()
    return out


@pytest.mark.parametrize("stream", STREAMS)
def test_the_same_events_whole_and_split_at_every_byte_and_every_pair_of_bytes(stream: bytes) -> None:
    expected = sdk_events([stream])
    assert ours([stream]) == expected
    for i in range(len(stream) + 1):
        assert ours([stream[:i], b"", stream[i:]]) == sdk_events([stream[:i], stream[i:]]) == expected, i
    step = max(1, len(stream) // 12)
    for i in range(0, len(stream), step):
        for j in range(i, len(stream) + 1, step):
            assert ours([stream[:i], stream[i:j], stream[j:]]) == expected, (i, j)


def test_a_line_that_is_not_utf8_fails_as_in_the_sdk() -> None:
    for stream in (b"data: \xff\n\n", b"data: ok\n\ndata: \xfe"):
        with pytest.raises(UnicodeDecodeError):
            sdk_events([stream])
        with pytest.raises(UnicodeDecodeError):
            ours([stream])
