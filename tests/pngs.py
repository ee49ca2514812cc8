"""Small valid PNG files made at run time, for tests that send or load images."""

from __future__ import annotations

import struct
import zlib


def png(width: int = 4, height: int = 3, shade: int = 0) -> bytes:
    """A grayscale PNG of one shade (vary `shade` for distinct bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([shade % 256]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
